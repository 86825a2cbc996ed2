"""The Marp feature corpus (tests/marp_corpus.py): each deck builds quietly, its slides are what plain
marp-cli renders, its page shows the same content with headings, titles, notes and footers from Marp.

One build of the corpus and one plain marp-cli run for the whole module.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from slidesite.textbook.slide_html import Node, parse_slides

from tests.support.marp_corpus import DECKS, FEATURES, built_corpus_site, make_corpus_project, plain_marp
from tests.support.project import REPO, run_build

SLIDE_SVG = re.compile(r"<svg data-marpit-svg.*?</svg>\s*(?=<svg data-marpit-svg|</div>|<script|$)", re.S)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(our site, plain marp-cli's output folder)."""
    folder = tmp_path_factory.mktemp("corpus")
    site = built_corpus_site(folder)
    return site, plain_marp(folder / "p", folder / "plain")


def deck_html(site: Path, name: str) -> str:
    return (site / "slides" / name / "index.html").read_text(encoding="utf-8")


def page_html(site: Path, name: str) -> str:
    return (site / "lectures" / name / "index.html").read_text(encoding="utf-8")


def slides_markup(page: str) -> list[str]:
    """Every slide's svg as written, with what legitimately differs made equal: where emoji pictures
    and KaTeX fonts come from (the site, not a CDN), the random id of a scoped style, and the language
    (the site's `lang` directive where plain marp-cli takes the machine's locale), and the name a
    formula gets from its TeX."""
    page = page[page.find("<svg data-marpit-svg"):]
    page = re.sub(r' data-lang="[^"]*"|--lang:[^;"]*;', "", page)
    page = re.sub(r' lang="[^"]*"', ' lang="LANG"', page)
    page = page.replace(' style=""', "")  # what is left of a style that held only --lang
    page = re.sub(r'(role="img") aria-label="[^"]*"', r"\1", page)  # formulas named by their TeX (#24)
    # With a lang directive Marp writes a section's attributes in another order.
    page = re.sub(r"<section\b([^>]*)>", lambda m: "<section " + " ".join(sorted(
        re.findall(r'[\w:-]+(?:="[^"]*")?', m.group(1)))) + ">", page)
    page = re.sub(r'(src="|url\()[^"\s)]*?/([0-9a-f-]+\.svg)', r"\1EMOJI/\2", page)
    page = re.sub(r"data-marpit-scope-[\w-]+", "data-marpit-scope", page)
    return SLIDE_SVG.findall(page)


@pytest.mark.parametrize("name", FEATURES)
def test_slides_are_what_plain_marp_renders(corpus, name):
    site, plain = corpus
    ours = slides_markup(deck_html(site, name))
    theirs = slides_markup((plain / f"{name}.html").read_text(encoding="utf-8"))
    assert len(ours) == len(theirs) > 0
    for number, (a, b) in enumerate(zip(ours, theirs, strict=True), start=1):
        assert a == b, f"{name} slide {number} differs from plain marp-cli"


def test_deck_styles_come_from_the_site(corpus):
    site, plain = corpus
    katex = deck_html(site, "katex")
    assert "cdn.jsdelivr.net" in (plain / "katex.html").read_text(encoding="utf-8")  # what we replace
    assert "cdn.jsdelivr.net" not in katex and "../../assets/katex/fonts/KaTeX_Main-Regular.woff2" in katex
    assert (site / "assets" / "katex" / "fonts" / "KaTeX_Main-Regular.woff2").is_file()
    scoped = deck_html(site, "scoped-style")
    assert re.search(r"section\[data-marpit-scope-[\w-]+\] :is\(h1, marp-h1\)\{color:#c62828\}", scoped)
    assert 'viewBox="0 0 960 720"' in deck_html(site, "size-4x3")


# ------------------------------------------------------------------ the page shows what the slide shows


class PageSections(HTMLParser):
    """A textbook page's sections: per slide link, the text and pictures of its heading and body."""

    SKIP = {"script", "style", "summary"}

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[int, dict[str, list[str]]] = {}
        self.current: dict[str, list[str]] | None = None
        self.pending: dict[str, list[str]] = {"text": [], "images": []}  # the heading before the link
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.in_article = False

    def skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article":
            self.in_article = True
        if tag in ("h2",) and self.in_article:
            if self.current is not None:
                self.current = None
            self.pending = {"text": [], "images": []}
        link = a.get("class") == "slide-link"
        skip = (tag in self.SKIP or link or "hidden" in a or a.get("class") in ("headerlink", "slide-notes")
                or tag == "details")
        if link:
            number = int(a["href"].rsplit("#", 1)[1])
            self.current = self.sections[number] = self.pending
        if tag == "img" and not self.skipping() and not skip and self.in_article:
            target = self.current if self.current is not None else self.pending
            target["images"].append(a.get("alt") if "emoji" in (a.get("class") or "") else Path(a["src"]).name)
        if tag not in ("img", "br", "hr", "source", "input", "meta", "link"):
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        while self.stack:
            last, _ = self.stack.pop()
            if last == tag:
                break
        if tag == "article":
            self.in_article = False

    def handle_data(self, data):
        if self.in_article and not self.skipping():
            target = self.current if self.current is not None else self.pending
            target["text"].append(data)


def page_sections(page: str) -> dict[int, dict[str, list[str]]]:
    parser = PageSections()
    parser.feed(re.sub(r"<mjx-container.*?</mjx-container>", "", page, flags=re.S))
    return parser.sections


def slide_content(nodes: list[Node], backgrounds: list[tuple[str, str, str]]) -> tuple[str, list[str]]:
    """A Marp slide's text and pictures (emoji by their character, others by file name)."""
    text: list[str] = []
    images: list[str] = []

    def walk(items: list[Node]) -> None:
        for node in items:
            if node.tag in ("header", "footer", "style", "script", "mjx-container"):
                continue
            if node.tag == "img":
                emoji = node.get("data-marp-twemoji") is not None
                images.append((node.get("alt") or "") if emoji else Path(node.get("src") or "").name)
            elif node.tag is None:
                text.append(node.text())
            else:
                walk(node.children)

    walk(nodes)
    return squash("".join(text)), images + [Path(url).name for url, _, _ in backgrounds]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", html.unescape(text))


@pytest.mark.parametrize("name", FEATURES)
def test_page_sections_show_what_each_slide_shows(corpus, name):
    site, _ = corpus
    slides = parse_slides(deck_html(site, name))
    sections = page_sections(page_html(site, name))
    for slide in slides:
        text, images = slide_content(slide.body, slide.backgrounds)
        if slide.number not in sections:  # the title slide: the page's title block
            assert slide.number == 1 and {"lead", "title"} & set(slide.classes)
            continue
        section = sections[slide.number]
        shown = squash("".join(section["text"])).removeprefix(f"スライド{slide.number}")  # a slide without heading
        # Besides the slide's own text a section may show its header (as heading) and footer, nothing else.
        chrome = squash("".join(n.text() for n in slide.body if n.tag in ("header", "footer")))
        assert text in shown and len(shown) - len(text) <= len(chrome), (
            f"{name} slide {slide.number}: page shows {shown!r}, slide {text!r}")
        assert sorted(section["images"]) == sorted(images), f"{name} slide {slide.number}"


def test_image_filters_reach_the_page(corpus):
    site, _ = corpus
    page = page_html(site, "image-filters")
    styles = re.findall(r'<img alt="" src="../../slides/image-filters/img/pic.png" class="slide-image" style="([^"]*)"',
                        page)
    assert styles == ["width: 16%; filter: sepia(1)", "width: 16%; filter: blur(4px)",
                      "width: 16%; filter: grayscale(1) brightness(1.5)",
                      "width: 16%; filter: hue-rotate(90deg) drop-shadow(0 5px 10px rgba(0,0,0,.4))"]
    backgrounds = re.findall(r'<img alt="" class="slide-image slide-bg" src="[^"]*" style="([^"]*)"', page)
    assert backgrounds == ["filter: sepia(1)", "filter: blur(8px) grayscale(1)"]


def test_title_slide_becomes_the_title_block(corpus):
    site, _ = corpus
    page = page_html(site, "dark-title")
    block = page[page.index('<div class="title-block">'):]
    block = block[: block.index("</div>")]
    assert "発表者の名前" in block and "slide-color" in block  # near-white on the light block: re-tuned


# ------------------------------------------------------------------ headings, titles, notes, footers


def heading(page: str, anchor: str) -> str:
    m = re.search(rf'<h([2-6]) id="{re.escape(anchor)}">(.*?)</h\1>', page, re.S)
    assert m, f"no heading #{anchor}"
    return m.group(2)


def test_a_picture_in_a_heading_builds_and_shows(corpus):
    site, _ = corpus
    page = page_html(site, "heading-pictures")
    h = heading(page, "python-を使います")
    assert re.search(r'<slide-heading data-search-exclude><img alt="" '
                     r'src="../../slides/heading-pictures/img/icon.png" class="slide-image" '
                     r'style="height: 45px"', h)
    assert '<span class="slide-heading-text" hidden>Python を使います</span>' in h
    assert (site / "slides" / "heading-pictures" / "img" / "icon.png").is_file()
    small = heading(page, "小見出しにも-絵")
    assert 'src="../../slides/heading-pictures/img/icon.png"' in small and 'style="width: 30px"' in small


def test_a_heading_that_is_only_a_picture_still_has_a_name(corpus):
    site, _ = corpus
    page = page_html(site, "heading-pictures")
    only = heading(page, "スライド-5")
    assert 'src="../../slides/heading-pictures/img/icon.png"' in only and 'style="height: 60px"' in only
    assert 'src="../../slides/heading-pictures/img/pic.png"' in heading(page, "図")


def test_headings_keep_marps_markup_and_plain_text_for_toc_and_search(corpus):
    site, _ = corpus
    page = page_html(site, "heading-pictures")
    first = heading(page, "見出し-の-いろいろ_1")
    assert "<strong>見出し</strong> の <em>いろいろ</em>" in first and "**" not in first
    emoji = heading(page, "-絵文字--と-eipi10")
    assert 'alt="🚀"' in emoji and 'alt="✅"' in emoji and "<mjx-container" in emoji and ":rocket:" not in emoji
    fit = heading(page, "とても長い見出しを一行に収める")
    assert "fit" not in fit and "is=" not in fit and "data-auto-scaling" not in fit
    html_heading = heading(page, "白っぽい-赤-と-コード")
    assert '<span class="red">赤</span>' in html_heading and "<code>コード</code>" in html_heading
    assert "slide-color" in html_heading  # #eeeeee would vanish on the light page
    toc = page[page.index('<nav class="md-nav md-nav--secondary"'): page.index('<div class="md-content"')]
    # Emoji in the contents are the site's twemoji pictures (a reader may have no emoji font).
    assert re.search(r'<img class="emoji" draggable="false" alt="🚀" src="../../assets/twemoji/svg/1f680.svg">', toc)
    assert (site / "assets" / "twemoji" / "svg" / "1f680.svg").is_file()
    toc = " ".join(re.sub(r"<[^>]+>", " ", toc).split())
    for plain in ("Python を使います", "とても長い見出しを一行に収める", "白っぽい 赤 と コード"):
        assert plain in toc
    assert "**" not in toc and "<!--" not in toc and "icon.png" not in toc
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {d["title"] for d in index["docs"] if d["location"].startswith("lectures/heading-pictures/")}
    assert {"Python を使います", "見出し の いろいろ", "白っぽい 赤 と コード"} <= titles


def test_no_second_markdown_rendering_on_the_page(corpus):
    """Nothing of a slide reaches Python-Markdown: Markdown marks a deck writes never show on its page."""
    site, _ = corpus
    for name in FEATURES:
        page = page_html(site, name)
        article = page[page.index("<article"): page.index("</article>")]
        visible = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", "", article, flags=re.S)
        assert "**" not in visible and "<!--" not in visible and ":smile:" not in visible, name
        assert "&lt;span" not in article and "&lt;b&gt;" not in article, name


def test_deck_titles_are_plain(corpus):
    site, _ = corpus
    expected = {
        "heading-pictures": "見出し の いろいろ",
        "dark-title": "暗いテーマの表紙",
        "katex": r"KaTeX の式 $e^{i\pi}+1=0$",
        "theme-gaia": "gaia テーマ",
        "theme-uncover": "uncover テーマ",  # `# <!-- fit --> uncover テーマ`
    }
    for name, title in expected.items():
        page = deck_html(site, name)
        assert re.search(r"<title>(.*?)</title>", page).group(1) == html.escape(title, quote=False), name
        assert f'<meta property="og:title" content="{html.escape(title)}">' in page, name
        assert f"<title>{html.escape(title, quote=False)} - " in page_html(site, name)
    titles = [re.search(r"<title>(.*?)</title>", deck_html(site, n)).group(1) for n in FEATURES]
    assert len(set(titles)) == len(titles)
    assert not [t for t in titles if re.search(r"\*\*|&lt;!--|&lt;\w", t)]


def test_notes_are_plain_text_and_fit_is_no_note(corpus):
    site, _ = corpus
    assert "スピーカーノート" not in page_html(site, "heading-pictures")  # `<!-- fit -->` is Marp's keyword
    page = page_html(site, "emoji")
    notes = page[page.index('<details class="note">'):]
    notes = notes[: notes.index("</details>")]
    assert "<p>ノートにも " in notes and 'alt="🎉"' in notes


def test_footers_show_where_they_start_or_change(corpus):
    site, _ = corpus
    page = page_html(site, "header-footer")
    footers = re.findall(r'<div class="slide-footer">\s*(.*?)\s*</div>', page, re.S)
    assert footers == ['<span class="gray">HTML の</span> フッター', "一枚だけの <b>フッター</b>"]
    assert heading(page, "太字の-ヘッダ-リンク").count('<a href="https://example.org/">リンク</a>') == 1


def test_katex_formulas_read_once_on_the_page(corpus):
    site, _ = corpus
    page = page_html(site, "katex")
    assert 'href="../../assets/katex/katex.min.css"' in page
    assert page.count('class="katex-mathml"') == page.count('class="katex-html"') >= 4
    h = heading(page, "katex-の式-eipi10_1")
    assert '<span class="katex">' in h


def test_colours_are_retuned_only_where_they_do_not_read(corpus):
    site, _ = corpus
    page = page_html(site, "colors")
    assert '<span style="background:#333333;color:#f0f0f0">暗い帯の文字</span>' in page  # its own background
    kept = re.search(r'<a style="--slide-fg-light: (#\w+); --slide-fg-dark: (#\w+)" class="slide-color">', page)
    assert kept and kept.group(2) == "#eeeeee" and kept.group(1) != "#eeeeee"


# ------------------------------------------------------------------ quiet builds, link validation


def test_a_clean_build_of_this_repository_is_quiet(tmp_path):
    done = run_build(REPO, "--site-dir", str(tmp_path / "site"), "-v")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert not [line for line in lines if line.startswith("WARNING") or "Doc file" in line], done.stderr
    quiet = run_build(REPO, "--site-dir", str(tmp_path / "site"))
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr


def test_link_validation_still_catches_broken_links_in_hand_written_pages(tmp_path):
    root = make_corpus_project(tmp_path / "p")
    for deck in (root / "slides").glob("*.md"):
        if deck.stem != "katex":
            deck.unlink()
    (root / "docs" / "about.md").write_text(
        "# について\n\n[講義](lectures/katex.md#katex-の式-eipi10) と [行き先なし](nowhere.md)"
        " と [見出しなし](index.md#no-such-heading)\n", encoding="utf-8")
    done = run_build(root)
    assert done.returncode != 0
    assert "WARNING: Doc file 'about.md' contains a link 'nowhere.md', but the target is not found" in done.stderr
    assert "WARNING: Doc file 'about.md' contains a link 'index.md#no-such-heading'" in done.stderr
    assert "katex.md#" not in done.stderr  # an anchor the generated page has is fine
    assert "nowhere" in done.stderr.splitlines()[-1]  # and the build stops on it


def test_every_corpus_deck_is_in_the_corpus():
    assert set(DECKS) == {f"{name}.md" for name in FEATURES}
