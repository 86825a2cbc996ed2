"""Deck → textbook page conversion."""

from pathlib import Path

import markdown
from slidesite.deck import read_deck
from slidesite.livecode_fence import transform_cells
from slidesite.textbook import PageLinks, convert

LINKS = PageLinks("../../slides/d/", None)


def page(tmp_path: Path, body: str, meta: str = "marp: true\ntheme: honwaka\ntitle: 講義\n", links=LINKS) -> str:
    path = tmp_path / "d.md"
    path.write_text(f"---\n{meta}---\n\n{body}", encoding="utf-8")
    return convert(read_deck(path), links)


def render(text: str) -> str:
    body = text.split("---\n", 2)[2]
    return markdown.markdown(
        transform_cells(body),
        extensions=["attr_list", "md_in_html", "pymdownx.details", "pymdownx.superfences", "admonition",
                    "pymdownx.arithmatex"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )


def test_directives_and_front_matter_are_removed(tmp_path):
    text = page(tmp_path, "<!-- _header: 損失 -->\n<!-- paginate: false -->\n\n本文\n")
    assert "paginate" not in text and "marp: true" not in text and "_header" not in text
    assert text.startswith('---\ntitle: "講義"\n---\n\n# 講義\n')


def test_each_slide_is_a_section_titled_by_header_or_first_heading(tmp_path):
    text = page(tmp_path, "<!-- _header: 損失関数 -->\n\n本文\n\n---\n\n# 最初の見出し\n\n## 小見出し\n\nx\n\n---\n\n文だけ\n")
    assert "## 損失関数\n" in text
    assert "## 最初の見出し\n" in text and "# 最初の見出し" not in text.replace("## 最初の見出し", "")
    assert "### 小見出し" in text
    assert "## スライド 3\n" in text


def test_sections_link_to_their_slide_number(tmp_path):
    text = page(tmp_path, "<!-- _class: lead -->\n\n# T\n\n---\n\n<!-- _header: A -->\n\nx\n\n---\n\n<!-- _header: B -->\n")
    assert 'href="../../slides/d/#2"' in text and 'href="../../slides/d/#3"' in text
    assert 'href="../../slides/d/#1"' not in text


def test_lead_slide_becomes_the_title_block(tmp_path):
    text = page(tmp_path, "<!-- _class: lead -->\n\n# **[1] 学習**\n\n## 第1回\n\n2026年4月17日\n", meta="marp: true\ndate: 2026-04-17\n")
    html = render(text)
    assert '<div class="title-block">' in html
    assert "第1回" in html and "2026年4月17日" in html
    assert "**[1] 学習**" not in text  # the lead h1 became the page title
    assert text.count("\n# [1] 学習\n") == 1


def test_speaker_notes_become_collapsible_notes(tmp_path):
    html = render(page(tmp_path, "<!-- _header: A -->\n<!-- ここは\n板書で補足する -->\n\n本文\n"))
    assert '<details class="note">' in html
    assert "<summary>スピーカーノート</summary>" in html
    assert "板書で補足する" in html


def test_theme_classes_keep_their_markup_and_markdown_inside(tmp_path):
    body = (
        '<!-- _header: A -->\n\n<div class="def">\n\n**定義** $f(x)$\n\n</div>\n\n'
        '<span class="dot-text">**偏**</span>微分と <span class="red">赤</span>\n'
    )
    html = render(page(tmp_path, body))
    assert '<div class="def">' in html and "<strong>定義</strong>" in html
    assert '<span class="dot-text"><strong>偏</strong></span>' in html
    assert '<span class="arithmatex">\\(f(x)\\)</span>' in html


def test_marp_image_keywords_become_sized_images(tmp_path):
    body = "<!-- _header: A -->\n\n![bg right:40%](img/a.png)\n![h:500](img/b.png)\n![w:900 center](img/c.png)\n"
    for name in "abc":
        (tmp_path / "img").mkdir(exist_ok=True)
        (tmp_path / "img" / f"{name}.png").write_bytes(b"")
    html = render(page(tmp_path, body))
    assert '<img alt="" class="slide-image slide-bg" src="../../slides/d/img/a.png" loading="lazy">' in html
    assert 'src="../../slides/d/img/b.png" style="max-height: 375px"' in html
    assert 'class="slide-image center" src="../../slides/d/img/c.png" style="width: 70%"' in html


def test_math_blocks_render_as_arithmatex(tmp_path):
    html = render(page(tmp_path, "<!-- _header: A -->\n\n$$\n\\frac{1}{2}\n$$\n"))
    assert '<div class="arithmatex">\\[\n\\frac{1}{2}\n\\]</div>' in html


def test_code_fences_stay_untouched(tmp_path):
    body = "<!-- _header: A -->\n\n```python\n# <!-- not a note -->\n![x](nope.png)\n# comment\n```\n"
    text = page(tmp_path, body)
    assert "```python\n# <!-- not a note -->\n![x](nope.png)\n# comment\n```" in text


def test_live_cells_become_escaped_pre_blocks():
    out = transform_cells('a\n\n```python run autorun timeout=5\nprint("<b>&")\n\nx = 1\n```\n\n```python\ny\n```\n')
    assert '<pre class="livecode-source" data-cell="1" data-options="autorun timeout=5">' in out
    assert "print(&quot;&lt;b&gt;&amp;&quot;)&#10;&#10;x = 1</pre>" in out
    assert "```python\ny\n```" in out


def test_live_cell_code_survives_markdown_with_blank_lines():
    html = render("---\ntitle: x\n---\n\n<details markdown=\"1\">\n<summary>解答</summary>\n\n```python run\na = 1\n\n\nprint(a < 2)\n```\n\n</details>\n")
    assert "a = 1&#10;&#10;&#10;print(a &lt; 2)</pre>" in html


def test_pdf_link_only_when_built(tmp_path):
    assert ">PDF</a>" not in page(tmp_path, "# x\n")
    with_pdf = page(tmp_path, "# x\n", links=PageLinks("../../slides/d/", "../../slides/d/d.pdf"))
    assert '<a class="md-button" href="../../slides/d/d.pdf" download>PDF</a>' in with_pdf


def test_image_syntax_inside_inline_code_is_left_alone(tmp_path):
    text = page(tmp_path, "<!-- _header: A -->\n\n`![bg right:40%](…)` で右に置きます\n")
    assert "`![bg right:40%](…)` で右に置きます" in text


def test_nested_cells_become_placeholders_for_pages_and_indented_html_for_decks():
    from slidesite.livecode_fence import put_nested_cells

    text = '- 手順\n\n    ```python run\n    x = "<a>"\n\n    print(x)\n    ```\n\n!!! note\n\n    ```python run autorun\n    1\n    ```\n'
    nested: dict[str, str] = {}
    page = transform_cells(text, nested)
    assert len(nested) == 2 and all(f"    {token}" in page for token in nested)
    html = put_nested_cells(f"<ul><li>手順<p>{list(nested)[0]}</p></li></ul><div>{list(nested)[1]}</div>", nested)
    assert html == (
        '<ul><li>手順<pre class="livecode-source" data-cell="1">x = &quot;&lt;a&gt;&quot;\n\nprint(x)</pre></li></ul>'
        '<div><pre class="livecode-source" data-cell="2" data-options="autorun">1</pre></div>'
    )
    deck = transform_cells(text)
    assert '    <pre class="livecode-source" data-cell="1">x = &quot;&lt;a&gt;&quot;\n\n    print(x)</pre>' in deck
