"""Deck → textbook page: one renderer (Marp's HTML per slide), balanced and contained.

The torture decks (tests/torture_decks.py) are built once with the real pipeline into a
throwaway project; unit tests cover the HTML balancing on its own.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from slidesite.textbook.slide_html import balance_fragment, parse_slides, serialise

from tests.support.torture_decks import SLIDE, built_torture_site

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def torture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_torture_site(tmp_path_factory.mktemp("torture"))


def lecture(site: Path, name: str) -> str:
    return (site / "lectures" / name / "index.html").read_text(encoding="utf-8")


def section(page: str, number: int) -> str:
    """The page's HTML from slide `number`'s link up to the next section heading."""
    start = page.rindex("<p>", 0, page.index(f'#{number}" title="スライド {number} を開く"'))
    ends = [i for i in (page.find("<h2 ", start), page.find("</article>", start)) if i > 0]
    return page[start : min(ends)]


class TagStack(HTMLParser):
    """Which elements are open after a piece of HTML, and closing tags that closed nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.stray: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass
        else:
            self.stray.append(tag)


def balance_report(html: str) -> TagStack:
    stack = TagStack()
    stack.feed(html)
    stack.close()
    return stack


# ------------------------------------------------------------------ balancing on its own


MARP_PAGE = (
    '<div class="marpit"><svg data-marpit-svg="" viewBox="0 0 1280 720"><foreignObject width="1280" height="720">'
    '<section id="1" class="lead"><h1>T</h1><p>a</div></div> b</p><div class="box"><p><span>open'
    '</section></foreignObject></svg>'
    '<svg data-marpit-svg="" viewBox="0 0 1280 720"><foreignObject width="1280" height="720">'
    '<section id="2"><p>x &amp; y<br />z</p><mjx-container jax="SVG"><svg><path d="M0 0"/></svg></mjx-container>'
    '</section></foreignObject></svg></div>'
)


def test_stray_closing_tags_are_dropped_and_open_ones_closed_per_slide():
    slides = parse_slides(MARP_PAGE)
    assert [s.classes for s in slides] == [["lead"], []]
    first = serialise(slides[0].body)
    assert first == '<h1>T</h1><p>a b</p><div class="box"><p><span>open</span></p></div>'
    second = serialise(slides[1].body)
    assert second == '<p>x &amp; y<br />z</p><mjx-container jax="SVG"><svg><path d="M0 0"/></svg></mjx-container>'


def test_fragments_for_headings_and_notes_are_balanced():
    assert balance_fragment("閉じすぎ </div>") == "閉じすぎ "
    assert balance_fragment('<span class="red">赤') == '<span class="red">赤</span>'
    assert balance_fragment("$a<b$ **x**") == "$a<b$ **x**"


# ------------------------------------------------------------------ the torture decks


def test_decks_in_nested_folders_with_equal_file_names_are_named_by_folder(torture):
    for name in ("course-ch01", "course-ch02", "extra"):
        assert (torture / "slides" / name / "index.html").is_file(), name
        assert (torture / "lectures" / name / "index.html").is_file(), name


def test_titles_are_plain_text_and_tell_repeated_first_headings_apart(torture):
    titles = {name: re.search(r"<title>(.*?)</title>", lecture(torture, name)).group(1)
              for name in ("course-ch01", "course-ch02", "extra")}
    assert titles["course-ch01"].startswith("[1] 「学習」 - ")
    assert titles["course-ch02"].startswith("[2] 「勾配」 - ")
    assert titles["extra"].startswith("コード と リンク の 題 - ")


def test_every_slide_section_is_balanced(torture):
    page = lecture(torture, "course-ch01")
    for number in range(2, len(SLIDE) + 1):
        report = balance_report(section(page, number))
        assert report.stray == [], (number, report.stray)
    article = page[page.index("<article"): page.index("</article>") + len("</article>")]
    report = balance_report(article)
    assert report.open == [] and report.stray == []


def test_stray_and_unclosed_tags_stay_inside_their_section(torture):
    page = lecture(torture, "course-ch01")
    stray = section(page, SLIDE["stray"])
    assert "本文の前" in stray and "閉じタグのあと" in stray
    assert 'id="閉じすぎ"' in page  # the header's stray </div> left the heading alone
    unclosed = section(page, SLIDE["unclosed"])
    assert re.search(r'<div class="box">\s*<p><strong>開いたままの箱</strong></p>\s*'
                     r'<p><span class="red">赤いまま</span></p>\s*</div>\s*</div>\s*$', unclosed)
    assert '<h2 id="入れ子のリスト"' in page  # the next section starts outside the box


def test_lists_nest_as_markdown_it_nests_them(torture):
    lists = section(lecture(torture, "course-ch01"), SLIDE["lists"])
    assert lists.count("<li>") == 8
    assert re.search(r"<li>親 A\s*<ul>\s*<li>子 A1（2 字下げ）\s*<ul>\s*<li>孫 A1a</li>", lists)
    assert re.search(r"<li>親 B\s*<ul>\s*<li>子 B1（4 字下げ）</li>", lists)


def test_soft_line_breaks_and_br_are_kept(torture):
    breaks = section(lecture(torture, "course-ch01"), SLIDE["breaks"])
    assert "<p>一行目<br />\n二行目<br />\n三行目</p>" in breaks
    assert breaks.count("<br") == 5


def test_inline_html_with_markdown_inside_and_theme_classes(torture):
    part = section(lecture(torture, "course-ch01"), SLIDE["html"])
    assert '<div class="def">' in part and "<strong>定義</strong>" in part and "<em>強調</em>" in part
    assert '<span class="dot-text"><strong>偏</strong></span>' in part
    assert "<mjx-container" in part  # Marp's build-time SVG, no client-side typesetting needed


def test_tables_math_and_footnotes_read_as_on_the_slide(torture):
    page = lecture(torture, "course-ch01")
    table = section(page, SLIDE["table"])
    assert table.count("<tr>") == 4 and table.count("<mjx-container") == 2
    align = section(page, SLIDE["align"])
    assert align.count('display="true"') == 1 and "merror" not in align
    # Marp has no footnote syntax: the page shows what the slide shows.
    assert "[^1]" in section(page, SLIDE["footnote"])


def test_emoji_are_the_sites_twemoji_everywhere(torture):
    page = lecture(torture, "course-ch01")
    emoji = section(page, SLIDE["emoji"])
    for code in ("2705", "1f440", "1f449", "1f604"):
        assert f'src="../../assets/twemoji/svg/{code}.svg"' in emoji, code
    heading = page[page.index('<h2 id="絵文字'):]
    assert heading.index('alt="✅"') < heading.index("</h2>")
    deck = (torture / "slides" / "course-ch01" / "index.html").read_text(encoding="utf-8")
    assert 'src="../../assets/twemoji/svg/2705.svg"' in deck
    assert not re.search(r"""(src|href)=["']https?://""", deck)
    assert (torture / "assets" / "twemoji" / "svg" / "2705.svg").is_file()


def test_section_classes_backgrounds_and_sized_images(torture):
    page = lecture(torture, "course-ch01")
    assert '<div class="slide-body columns">' in section(page, SLIDE["columns"])
    bg = section(page, SLIDE["bg"])
    assert 'class="slide-image slide-bg" src="../../slides/course-ch01/img/pic.png"' in bg
    assert re.search(r'<img [^>]*src="../../slides/course-ch01/img/pic.png"[^>]*style="width: 25%"', bg)
    assert (torture / "slides" / "course-ch01" / "img" / "pic.png").is_file()


def test_code_blocks_and_live_cells_keep_their_markup(torture):
    part = section(lecture(torture, "course-ch01"), SLIDE["code"])
    # tabindex: a code block that scrolls sideways is reachable by keyboard (#24)
    assert '<code tabindex="0" class="language-python"><span class="hljs-comment"># 日本語のコメント</span>' in part
    assert ('<pre class="livecode-source" data-cell="1"># セルの中の日本語&#10;x = &quot;あいう&quot;</pre>'
            '<div class="livecode-frozen" data-cell="1" data-status="ok"></div>') in part


def test_lead_slide_is_the_title_block_and_notes_collapse(torture):
    page = lecture(torture, "course-ch01")
    block = page[page.index('<div class="title-block">'):]
    block = block[: block.index("</div>")]
    assert '<p class="subtitle">[1] 「学習」</p>' in block and "2026/04/17" in block
    assert "機械学習講習会" not in block  # the lead h1 is the page's own title
    notes = section(page, SLIDE["emoji"])
    assert '<details class="note">' in notes and 'alt="👀"' in notes


def test_heading_divider_splits_sections_like_marp(torture):
    page = lecture(torture, "course-ch02")
    assert '<h2 id="小節その一"' in page and '<h2 id="小節その二"' in page
    assert 'href="../../slides/course-ch02/#3"' in page


def test_the_nav_groups_a_folder_of_decks(torture):
    home = (torture / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('class="md-nav md-nav--primary"'): home.index('<div class="md-content"')]
    nav = " ".join(re.sub(r"<[^>]+>", " ", nav).split())
    assert nav.index(" course ") < nav.index("[1] 「学習」") < nav.index("[2] 「勾配」")
    assert nav.index("補足資料") < nav.index("コード と リンク の 題")


def test_slide_bodies_go_into_their_slots_verbatim() -> None:
    from slidesite.textbook.page import put_slide_bodies

    bodies = [r"<p>\1 \g<0> $x$</p>", "<ul><li>二</li></ul>"]
    converted = '<h2>a</h2>\n<div class="slide-body" data-slide-body="1"></div>\n' \
                '<div class="slide-body lead" data-slide-body="0"></div>'
    assert put_slide_bodies(converted, bodies) == (
        '<h2>a</h2>\n<div class="slide-body">\n<ul><li>二</li></ul>\n</div>\n'
        '<div class="slide-body lead">\n<p>\\1 \\g<0> $x$</p>\n</div>'
    )
