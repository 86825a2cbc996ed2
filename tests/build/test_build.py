"""The build command on small projects: outputs, incremental rebuilds, nav, and bad input."""

import json
import re
from pathlib import Path

import pytest

from tests.support.project import deck, make_project, run_build

LEAD = "<!-- _class: lead -->\n\n# **講義タイトル**\n\n---\n\n<!-- _header: 本文 -->\n\nテキスト\n"


def test_deck_and_textbook_page_are_built_with_referenced_files(tmp_path):
    root = make_project(tmp_path / "p", {"01-a.md": deck(LEAD + "\n![h:200](img/01-a/pic.png)\n", title="第一回", lecture=1)})
    (root / "slides" / "img" / "01-a").mkdir(parents=True)
    (root / "slides" / "img" / "01-a" / "pic.png").write_bytes(b"\x89PNG fake")
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    html = (site / "slides" / "01-a" / "index.html").read_text()
    assert "bespoke" in html and "講義タイトル" in html
    assert (site / "slides" / "01-a" / "img" / "01-a" / "pic.png").read_bytes() == b"\x89PNG fake"
    page = (site / "lectures" / "01-a" / "index.html").read_text()
    assert '<iframe src="../../slides/01-a/"' in page
    assert 'href="../../slides/01-a/#2"' in page
    assert 'src="../../slides/01-a/img/01-a/pic.png"' in page


def test_nav_and_home_table_order_lectures_by_number_then_sections_by_file_name(tmp_path):
    decks = {
        "b-extra.md": deck("# 補足B\n"),
        "10-ten.md": deck("# x\n", title="第十回", lecture=10),
        "02-two.md": deck("# x\n", title="第二回", lecture=2),
        "a-extra.md": deck("# 補足A\n"),
        "ab-sample.md": deck("# 見本\n", section="テーマ見本"),  # sorts between the two 補足 decks
    }
    root = make_project(tmp_path / "p", decks)
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    home = (root / "site" / "index.html").read_text()
    expected = ["第二回", "第十回", "補足A", "補足B", "見本"]
    nav = re.findall(r'class="md-nav__link[^"]*"[^>]*>\s*<span class="md-ellipsis">\s*([^<]+?)\s*</span>', home)
    assert [t for t in nav if t in expected][:5] == expected
    table = home[home.index('class="lecture-table"'):]
    assert [t for t in re.findall(r'<a href="[^"]*lectures/[^"]*">([^<]+)</a>', table)] == expected


def test_rebuild_compiles_only_what_changed(tmp_path):
    root = make_project(tmp_path / "p", {"a.md": deck("# A\n"), "b.md": deck("# B\n")})
    first = run_build(root, "-v")
    assert "compiling 2 deck(s): a, b" in first.stderr
    again = run_build(root, "-v")
    assert again.returncode == 0 and "compiling" not in again.stderr
    (root / "slides" / "b.md").write_text(deck("# B2\n"), encoding="utf-8")
    third = run_build(root, "-v")
    assert "compiling 1 deck(s): b" in third.stderr
    assert "B2" in (root / "site" / "slides" / "b" / "index.html").read_text()
    manifest = json.loads((root / ".cache" / "build" / "manifest.json").read_text())
    assert set(manifest) == {"a", "b"}


BAD_INPUTS = {
    "broken-yaml": ({"x.md": "---\nmarp: true\ntitle: [oops\n---\n# x\n"}, r"slides/x\.md:3: broken YAML front matter"),
    "unknown-theme": ({"x.md": deck("# x\n", theme="nosuch")}, r"slides/x\.md:3: theme 'nosuch' does not exist"),
    "missing-image": (
        {"ch1/x.md": deck("# x\n\n![w:300](img/none.png)\n")},
        r"slides/ch1/x\.md:7: referenced file not found: img/none\.png "
        r"\(looked for slides/ch1/img/none\.png, relative to the deck's folder slides/ch1/\)",
    ),
    "broken-link": (
        {"x.md": deck("# x\n\n[つづき](next.html)\n")},
        r"lectures/x/index\.html: broken link '\.\./\.\./slides/x/next\.html' \(no slides/x/next\.html in the site\)",
    ),
    "not-marp": ({"x.md": "---\ntheme: honwaka\n---\n# x\n"}, r"slides/x\.md:1: not a Marp deck: add `marp: true`"),
    "same-name": (
        {"x.md": deck("# a\n"), "x/lecture.md": deck("# b\n")},
        r"slides/x\.md:1: two decks named 'x': slides/x/lecture\.md has the same output name",
    ),
    "front-matter-typo": (
        {"x.md": deck("# x\n", lectur=1)}, r"slides/x\.md:4: unknown front-matter key 'lectur' \(did you mean 'lecture'\?\)",
    ),
    "front-matter-type": (
        {"x.md": deck("# x\n", lecture="two")}, r"slides/x\.md:4: front-matter key 'lecture' must be a whole number",
    ),
    "bad-cell-option": (
        {"x.md": deck("# x\n\n```python run later\nprint(1)\n```\n")},
        r"slides/x\.md:7: unknown live-cell option 'later'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_with_one_clear_line_and_keeps_the_old_site(tmp_path, case):
    decks, pattern = BAD_INPUTS[case]
    root = make_project(tmp_path / "p", decks)
    (root / "site").mkdir()
    (root / "site" / "previous.html").write_text("old site")
    done = run_build(root)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, done.stderr
    assert re.search(pattern, errors[0]), errors[0]
    assert (root / "site" / "previous.html").read_text() == "old site"
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("site")) == ["site"]


def test_missing_marp_cli_says_how_to_install_it(tmp_path):
    root = make_project(tmp_path / "p", {"x.md": deck("# x\n")}, node_modules=False)
    done = run_build(root)
    assert done.returncode == 1
    assert "marp-cli is not installed: run `npm ci`" in done.stderr


def test_deck_without_metadata_takes_title_from_first_heading(tmp_path):
    root = make_project(tmp_path / "p", {"z.md": "---\nmarp: true\n---\n\n# 見出しの題\n\n---\n\n本文\n"})
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    page = (root / "site" / "lectures" / "z" / "index.html").read_text()
    assert "<title>見出しの題" in page


def test_cells_become_live_cell_blocks_in_deck_and_page(tmp_path):
    body = "# x\n\n---\n\n```python run autorun\nprint('<b>')\n```\n"
    root = make_project(tmp_path / "p", {"c.md": deck(body)})
    (root / "docs" / "page.md").write_text("# p\n\n```python run\n1 + 1\n```\n", encoding="utf-8")
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    for html_path in ("slides/c/index.html", "lectures/c/index.html"):
        html = (root / "site" / html_path).read_text()
        assert '<pre class="livecode-source" data-cell="1" data-options="autorun">print(&#x27;&lt;b&gt;&#x27;)</pre>' in html
    page = (root / "site" / "page" / "index.html").read_text()
    assert '<pre class="livecode-source" data-cell="1">1 + 1</pre>' in page


def test_build_output_is_complete_site(tmp_path):
    root = make_project(tmp_path / "p", {"x.md": deck("# x\n")})
    done = run_build(root, "--site-dir", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    out = Path(tmp_path / "out")
    for rel in ("index.html", "slides/x/index.html", "lectures/x/index.html", "assets/mathjax/tex-mml-chtml.js",
                "search/search_index.json"):
        assert (out / rel).is_file(), rel


def test_decks_load_nothing_from_other_hosts(tmp_path):
    body = "# 絵文字 :link: 😀\n\n$$\n\\frac{1}{2}\n$$\n"
    root = make_project(tmp_path / "p", {"e.md": deck(body)})
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    html = (root / "site" / "slides" / "e" / "index.html").read_text()
    # Emoji are the site's own twemoji pictures, never the CDN Marp uses by default.
    assert 'alt="😀" src="../../assets/twemoji/svg/1f600.svg"' in html and 'alt="🔗"' in html
    assert (root / "site" / "assets" / "twemoji" / "svg" / "1f600.svg").is_file()
    assert "<mjx-container" in html or "MathJax" in html  # math rendered at build time
    assert not re.search(r"""(src|href)=["']https?://""", html)


def test_cells_inside_lists_and_admonitions_work_in_deck_and_pages(tmp_path):
    body = "# x\n\n- 手順\n\n  ```python run\n  for i in range(2):\n      print(i)\n  ```\n"
    root = make_project(tmp_path / "p", {"c.md": deck(body)})
    page = '# p\n\n!!! note "例"\n\n    ```python run autorun\n    x = 1\n\n    print(x)\n    ```\n\n1. 手順\n\n    ```python run\n    2\n    ```\n'
    (root / "docs" / "page.md").write_text(page, encoding="utf-8")
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    # Each cell is one line of HTML: its code, then the output computed at build.
    cell = ('<div class="livecode-cell" data-layout="below"><pre class="livecode-source" data-cell="1">'
            'for i in range(2):&#10;    print(i)</pre><div class="livecode-frozen" data-cell="1" data-status="ok">'
            '<div class="livecode-output" role="region" tabindex="0" aria-label="セル 1 の出力">'
            '<div class="livecode-text"><span class="livecode-stdout">0&#10;1&#10;</span>')
    assert re.search(r"<li>\s*<p>手順</p>\s*" + re.escape(cell), (root / "site" / "slides" / "c" / "index.html").read_text())
    assert cell in (root / "site" / "lectures" / "c" / "index.html").read_text()
    html = (root / "site" / "page" / "index.html").read_text()
    assert re.search(r'<div class="admonition note">\s*<p class="admonition-title">例</p>\s*<div class="livecode-cell" '
                     r'data-layout="below"><pre class="livecode-source" data-cell="1" data-options="autorun">'
                     r'x = 1&#10;&#10;print\(x\)</pre>.*?<span class="livecode-stdout">1&#10;</span>', html)
    assert re.search(r'<li>\s*<p>手順</p>\s*<div class="livecode-cell" data-layout="below">'
                     r'<pre class="livecode-source" data-cell="2">2</pre>.*?<span class="livecode-result">2&#10;</span>'
                     r'.*?</div>\s*</li>', html)
    assert "slidesitecell" not in html
