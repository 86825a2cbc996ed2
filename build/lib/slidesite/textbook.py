"""Turn a deck and the HTML Marp rendered for its slides into the Markdown of its textbook page.

One renderer: each section's body is the HTML marp-cli rendered for that slide (see slidehtml),
so lists, line breaks, tables, math and emoji read as on the slide. The page's Markdown only adds
what belongs to the page: a section heading from the slide's `_header` (or first heading) with a
link to the slide, the lead/title slide as the title block, and speaker notes as collapsible notes.
Marp image keywords (`bg right:40%`, `h:500`, `w:900`) become ordinary sized images.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .deck import ATX_HEADING, Deck, Slide, code_line_mask, plain_text
from .emoji import twemoji_html
from .slidehtml import Node, SlideHTML, balance_fragment, parse_slides, serialise

TITLE_CLASSES = {"lead", "title"}
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
PX = re.compile(r"(width|height)\s*:\s*(\d+(?:\.\d+)?)px")
ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#|/)", re.I)
URL_ATTRS = {"src", "href", "poster", "data"}
HEADING = re.compile(r"h[1-6]")
SLIDE_CHROME = {"header", "footer"}  # drawn by Marp on every slide; the page has its own heading
FORMAT = "3"  # bump when the stored slide HTML changes for the same Marp output
# A slide body's place in the page's Markdown: Python-Markdown never parses the (math-heavy) HTML,
# the plugin puts it in after conversion (put_slide_bodies).
BODY_SLOT = re.compile(r'(<div class="[^"]*") data-slide-body="(\d+)"></div>')


@dataclass
class PageLinks:
    """URLs, relative to the textbook page, of the deck and its files."""

    deck: str  # the deck's folder, ending in "/"
    pdf: str | None


@dataclass
class PageSlide:
    """What a page needs of one slide: its body HTML (URLs relative to the deck folder)."""

    title_html: str | None  # the slide's first heading as HTML, when it titles the section
    body: str
    classes: list[str]


def slides_for_page(deck: Deck, marp_html: str, deck_url: str) -> list[PageSlide]:
    """Each slide's balanced body HTML, headings demoted, Marp's slide chrome left out.

    deck_url: the deck's folder relative to the page; the slides' relative URLs are rewritten onto it.
    """
    rendered = parse_slides(marp_html)
    out = []
    for i, marp_slide in enumerate(rendered):
        source = deck.slides[i] if i < len(deck.slides) else None
        title_slide = i == 0 and bool(set(marp_slide.classes) & TITLE_CLASSES)
        out.append(_page_slide(marp_slide, source, deck_url, title_slide))
    return out


def save_slides(path: Path, slides: list[PageSlide]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT, "slides": [s.__dict__ for s in slides]}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def load_slides(path: Path) -> list[PageSlide] | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        return None
    return [PageSlide(**s) for s in data["slides"]]


@dataclass
class TextbookPage:
    markdown: str  # front matter included; each slide body is a slot (BODY_SLOT)
    bodies: list[str]  # the slots' HTML, in order


def convert(deck: Deck, links: PageLinks, rendered: list[PageSlide]) -> TextbookPage:
    """The textbook page's Markdown and the slide bodies that go into its slots."""
    parts = [f"---\ntitle: {_yaml_str(deck.title)}\n---\n", f"# {_heading_text(deck.title)}\n"]
    bodies: list[str] = []
    pairs = list(zip(deck.slides, rendered, strict=False))
    if pairs and set(pairs[0][1].classes) & TITLE_CLASSES:
        parts.append(_title_block(*pairs.pop(0), links))
    parts.append(_deck_embed(deck, links))
    for slide, page_slide in pairs:
        parts.append(_section(slide, page_slide, links, bodies))
    return TextbookPage("\n".join(parts).rstrip() + "\n", bodies)


def put_slide_bodies(html_text: str, bodies: list[str]) -> str:
    """The converted page with each slot replaced by its slide body."""
    def body(match: re.Match[str]) -> str:
        return f"{match.group(1)}>\n{bodies[int(match.group(2))]}\n</div>"

    return BODY_SLOT.sub(body, html_text)


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _heading_text(text: str) -> str:
    """Heading Markdown, its inline HTML balanced, emoji drawn from the site's twemoji (math stays TeX)."""
    return twemoji_html(balance_fragment(text))


def _page_slide(marp_slide: SlideHTML, source: Slide | None, deck_url: str, title_slide: bool) -> PageSlide:
    body = [n for n in marp_slide.body if n.tag not in SLIDE_CHROME]
    has_header = source is not None and source.header_written
    title_html = None
    if not has_header or title_slide:
        heading = _first_heading(body)
        if heading is not None:
            _remove(body, heading)
            title_html = serialise(heading.children)
    if not title_slide and source is not None:
        _headings_as_markdown(body, source, title_html is not None)
    for node in _walk(body):
        _clean(node, deck_url)
        if title_slide and node.tag and HEADING.fullmatch(node.tag):
            # The deck's other headings (chapter list) become subtitles under the title.
            node.tag, node.attrs, node.raw = "p", [("class", "subtitle")], ""
        elif title_slide and node.tag == "br":
            node.tag, node.raw = None, " "
    figures = "".join(
        f'<img alt="{html.escape(alt)}" class="slide-image slide-bg" src="{html.escape(_relative(url, deck_url))}"'
        ' loading="lazy">'
        for url, alt in marp_slide.backgrounds
    )
    return PageSlide(title_html, serialise(body).strip() + figures, marp_slide.classes)


HEADING_MARK = "\0heading\0"


def _headings_as_markdown(body: list[Node], source: Slide, title_removed: bool) -> None:
    """Top-level headings become Markdown headings (split out of the slide's HTML block), so the
    table of contents lists them and MathJax typesets their TeX there, as it did before."""
    mask = code_line_mask(source.lines)
    texts = [m.group(2) for line, code in zip(source.lines, mask, strict=True)
             if not code and (m := ATX_HEADING.match(line))]
    if title_removed:
        texts = texts[1:]
    rendered = [n for n in _walk(body) if n.tag and HEADING.fullmatch(n.tag)]
    if len(rendered) != len(texts):
        return  # headings written as HTML, or inside HTML blocks: keep Marp's markup
    for node, text in zip(rendered, texts, strict=True):
        if any(node is top for top in body):
            level = min(6, max(3, int((node.tag or "h2")[1]) + 1))
            node.tag, node.attrs, node.children = None, [], []
            node.raw = f"{HEADING_MARK}{'#' * level} {text}{HEADING_MARK}"


def _walk(nodes: list[Node]) -> Iterator[Node]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _first_heading(nodes: list[Node]) -> Node | None:
    for node in _walk(nodes):
        if node.tag and HEADING.fullmatch(node.tag):
            return node
    return None


def _remove(nodes: list[Node], target: Node) -> bool:
    for i, node in enumerate(nodes):
        if node is target:
            del nodes[i]
            return True
        if _remove(node.children, target):
            return True
    return False


def _clean(node: Node, deck_url: str) -> None:
    """Page-ready markup for one element: demoted headings, sized images, URLs onto the deck folder."""
    tag = node.tag
    if tag is None or tag == "mjx-container":
        return
    for key, value in node.attrs:
        if key in URL_ATTRS and value and not ABSOLUTE.match(value):
            node.set(key, _relative(value, deck_url))
    if HEADING.fullmatch(tag):
        node.tag = f"h{min(6, max(3, int(tag[1]) + 1))}"
        node.set("id", None)
    if node.get("markdown") is not None:  # md_in_html would parse the slide's HTML again
        node.set("markdown", None)
    if tag == "img" and node.get("data-marp-twemoji") is None:
        _size_image(node)


def _size_image(node: Node) -> None:
    styles = []
    for prop, value in PX.findall(node.get("style") or ""):
        if prop == "width":
            styles.append(f"width: {min(100, round(100 * float(value) / SLIDE_WIDTH))}%")
        else:
            # Slides are 720px tall; keep the picture's share of the page height.
            styles.append(f"max-height: {round(float(value) * 0.75)}px")
    classes = ["slide-image"] + (node.get("class") or "").split()
    node.set("class", " ".join(classes))
    node.set("style", "; ".join(styles) or None)
    node.set("loading", "lazy")


def _relative(url: str, deck_url: str) -> str:
    """A URL relative to the deck folder, made relative to the page."""
    if ABSOLUTE.match(url):
        return url
    joined = posixpath.normpath(deck_url + url)
    return joined + "/" if url.endswith("/") or url in (".", "./") else joined


def _title_block(slide: Slide, page_slide: PageSlide, links: PageLinks) -> str:
    return f'<div class="title-block">\n{page_slide.body}\n</div>\n{_notes(slide)}'


def _deck_embed(deck: Deck, links: PageLinks) -> str:
    title = html.escape(deck.title)
    pdf = (
        f'<a class="md-button" href="{links.pdf}" download>PDF</a>\n' if links.pdf else ""
    )
    return (
        f'<div class="deck-embed"><iframe src="{links.deck}" title="スライド: {title}" '
        f'allow="fullscreen" allowfullscreen loading="lazy"></iframe></div>\n\n'
        f'<div class="deck-actions">\n'
        f'<a class="md-button md-button--primary" href="{links.deck}" target="_blank" '
        f'rel="noopener" data-action="present">発表モードで開く</a>\n{pdf}</div>\n'
    )


def _section(slide: Slide, page_slide: PageSlide, links: PageLinks, bodies: list[str]) -> str:
    title = slide.header if slide.header_written else None
    if title is None and page_slide.title_html is not None:
        title = slide.first_heading
    if title is None:
        title = slide.header or f"スライド {slide.number}"
    link = (
        f'<a class="slide-link" href="{links.deck}#{slide.number}" '
        f'title="スライド {slide.number} を開く">スライド {slide.number}</a>'
    )
    classes = " ".join(["slide-body", *page_slide.classes])
    body = page_slide.body
    block = ""
    for i, part in enumerate(body.split(HEADING_MARK)):
        if i % 2:
            block += f"{_heading_text(part)}\n\n"
        elif part.strip():
            block += f'<div class="{html.escape(classes)}" data-slide-body="{len(bodies)}"></div>\n\n'
            bodies.append(part.strip())

    return f"## {_heading_text(title)}\n\n{link}\n\n{block}{_notes(slide)}"


def _notes(slide: Slide) -> str:
    if not slide.notes:
        return ""
    text = twemoji_html(balance_fragment("\n\n".join(n.text for n in slide.notes)))
    indented = "\n".join(("    " + line) if line.strip() else "" for line in text.split("\n"))
    return f'\n??? note "スピーカーノート"\n\n{indented}\n'


__all__ = [
    "PageLinks", "PageSlide", "TextbookPage", "convert", "load_slides", "plain_text", "put_slide_bodies",
    "save_slides", "slides_for_page",
]
