"""Turn a deck and the HTML Marp rendered for its slides into the Markdown of its textbook page.

One renderer: each section's body is the HTML marp-cli rendered for that slide (see slide_html.py),
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

from ..marp.emoji import twemoji_html
from ..source.deck import ATX_HEADING, Deck, Slide, code_line_mask, plain_text
from .page_colors import fix_colors
from .slide_html import Node, SlideHTML, parse_slides, serialise

TITLE_CLASSES = {"lead", "title"}
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
PX = re.compile(r"(width|height)\s*:\s*(\d+(?:\.\d+)?)px")
CSS_DECLARATION = re.compile(r"\s*([-\w]+)\s*:\s*([^;]+?)\s*(?:;|$)")
ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#|/)", re.I)
URL_ATTRS = {"src", "href", "poster", "data"}
HEADING = re.compile(r"h[1-6]")
SLIDE_CHROME = {"header", "footer"}  # drawn by Marp on every slide; the page has its own heading
FORMAT = "8"  # bump when the stored slide HTML changes for the same Marp output
# A slide body's place in the page's Markdown: Python-Markdown never parses the (math-heavy) HTML,
# the plugin puts it in after conversion (put_slide_bodies).
BODY_SLOT = re.compile(r'(<div class="[^"]*") data-slide-body="(\d+)"></div>')
# A section heading's place: Markdown writes its plain text (table of contents, anchor); what Marp
# rendered for it goes in after conversion (put_slide_bodies), beside the plain text kept for search.
HEADING_SLOT = re.compile(r'<(h[1-6])([^>]*?) data-slide-heading="(\d+)"([^>]*)>(.*?)</\1>', re.S)
HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)


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
    title_text: str | None = None  # … and as plain text (table of contents, anchor, search)
    header_html: str | None = None  # the slide's header (`header` directive) as Marp rendered it
    header_text: str | None = None
    footer_html: str | None = None  # … and its footer


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
    parts = [f"---\ntitle: {_yaml_str(deck.title)}\n---\n", f"# {markdown_literal(deck.title)}\n"]
    bodies: list[str] = []
    pairs = list(zip(deck.slides, rendered, strict=False))
    if pairs and set(pairs[0][1].classes) & TITLE_CLASSES:
        parts.append(_title_block(*pairs.pop(0), links, bodies))
    parts.append(_deck_embed(deck, links))
    footer: object = None
    for slide, page_slide in pairs:
        # A footer is slide chrome repeated on every slide: the page shows it where it starts or changes.
        shown = page_slide.footer_html if slide.effective.get("footer") != footer else None
        footer = slide.effective.get("footer")
        parts.append(_section(slide, page_slide, links, bodies, shown))
    return TextbookPage("\n".join(parts).rstrip() + "\n", [_focusable_code(body) for body in bodies])


# A code block wider than its column scrolls sideways on the page: a keyboard user must be able to reach
# it to scroll it (WCAG 2.1.1), so the code of every block takes the focus.
CODE_IN_PRE = re.compile(r"(<pre\b[^>]*>\s*<code\b)(?![^>]*\btabindex=)")


def _focusable_code(body: str) -> str:
    return CODE_IN_PRE.sub(r'\1 tabindex="0"', body)


def put_slide_bodies(html_text: str, bodies: list[str]) -> str:
    """The converted page with each slot (slide body, section heading) replaced by its HTML."""
    def body(match: re.Match[str]) -> str:
        return f"{match.group(1)}>\n{bodies[int(match.group(2))]}\n</div>"

    def heading(match: re.Match[str]) -> str:
        tag, before, number, after, inner = match.groups()
        link = HEADERLINK.search(inner)
        plain = HEADERLINK.sub("", inner).strip()
        # Readers see Marp's heading; search indexes the plain text (hidden from view and screen readers).
        # A tag of its own: Material's search parser ends an exclusion at the first closing tag of its name.
        return (f'<{tag}{before}{after}><slide-heading data-search-exclude>{bodies[int(number)]}</slide-heading>'
                f'<span class="slide-heading-text" hidden>{plain}</span>{link.group(0) if link else ""}</{tag}>')

    return BODY_SLOT.sub(body, HEADING_SLOT.sub(heading, html_text))


def markdown_literal(text: str) -> str:
    """Plain text as Markdown that reads as itself (math in `$…$` is left for MathJax)."""
    out = []
    for i, part in enumerate(re.split(r"(\$[^$\n]+\$)", text)):
        if i % 2:
            out.append(part)  # TeX as written: arithmatex hands it to MathJax
        else:
            part = html.escape(part, quote=False)
            out.append(re.sub(r"([\\`*_{}\[\]()#+\-.!|~])", r"\\\1", part))
    return "".join(out)


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _page_slide(marp_slide: SlideHTML, source: Slide | None, deck_url: str, title_slide: bool) -> PageSlide:
    body = [n for n in marp_slide.body if n.tag not in SLIDE_CHROME]
    header = next((n for n in marp_slide.body if n.tag == "header"), None)
    footer = next((n for n in marp_slide.body if n.tag == "footer"), None)
    has_header = source is not None and source.header_written
    title_html = title_text = None
    if not has_header or title_slide:
        heading = _first_heading(body)
        if heading is not None:
            _remove(body, heading)
            title_html, title_text = _heading_parts(heading.children, source.first_heading if source else None,
                                                    deck_url)
    header_html = header_text = None
    if header is not None and source is not None and source.header:
        header_html, header_text = _heading_parts(header.children, source.header, deck_url)
    if not title_slide and source is not None:
        _headings_as_markdown(body, source, title_html is not None, deck_url)
    for node in _walk(body):
        _clean(node, deck_url)
        if title_slide and node.tag and HEADING.fullmatch(node.tag):
            # The deck's other headings (chapter list) become subtitles under the title.
            node.tag, node.attrs, node.raw = "p", [("class", "subtitle")], ""
        elif title_slide and node.tag == "br":
            node.tag, node.raw = None, " "
    fix_colors(body)
    figures = "".join(
        f'<img alt="{html.escape(alt)}" class="slide-image slide-bg" src="{html.escape(_relative(url, deck_url))}"'
        + (f' style="filter: {html.escape(image_filter)}"' if image_filter else "") + ' loading="lazy">'
        for url, alt, image_filter in marp_slide.backgrounds
    )
    footer_html = None
    if footer is not None:
        for node in _walk(footer.children):
            _clean(node, deck_url)
        fix_colors(footer.children)
        footer_html = serialise(footer.children).strip() or None
    return PageSlide(title_html, serialise(body).strip() + figures, marp_slide.classes, title_text,
                     header_html, header_text, footer_html)


def _heading_parts(children: list[Node], source: str | None, deck_url: str) -> tuple[str, str]:
    """A heading's content as Marp rendered it (page-ready) and as plain text."""
    text = heading_plain_text(children, source)
    for node in _walk(children):
        _clean(node, deck_url, in_heading=True)
    fix_colors(children)
    return serialise(_unfitted(children)).strip(), text


def heading_plain_text(children: list[Node], source: str | None) -> str:
    """Plain text of a rendered heading: its text, emoji as themselves, formulas as their TeX in `$…$`.

    MathJax's SVG keeps no TeX, so formulas take theirs from the heading's Markdown, in order.
    """
    tex = re.findall(r"\$([^$\n]+)\$", source or "")
    parts: list[str] = []

    def walk(nodes: list[Node]) -> None:
        for node in nodes:
            if node.tag == "mjx-container":
                parts.append(f"${tex.pop(0)}$" if tex else "")
            elif node.tag == "span" and "katex" in (node.get("class") or "").split():
                found = [c for c in _walk(node.children) if c.tag == "annotation"]
                parts.append(f"${found[0].text()}$" if found else node.text())
            elif node.tag == "img":
                parts.append(node.get("alt") or "")
            elif node.tag is None:
                parts.append(node.text())
            else:
                walk(node.children)

    walk(children)
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    return text or (plain_text(source) if source else "")


def _unfitted(children: list[Node]) -> list[Node]:
    """Marp's `<!-- fit -->` wraps a heading's content for auto-scaling; on a page it is ordinary text."""
    out: list[Node] = []
    for node in children:
        if node.tag == "svg" and node.get("data-marp-fitting") is not None:
            inner = [c for c in _walk(node.children) if c.get("data-marp-fitting-svg-content") is not None]
            out += inner[0].children if inner else node.children
        else:
            out.append(node)
    return out


HEADING_MARK = "\0heading\0"
HEADING_SEP = "\0"


def _headings_as_markdown(body: list[Node], source: Slide, title_removed: bool, deck_url: str) -> None:
    """Top-level headings become section headings of the page (split out of the slide's HTML block),
    so the table of contents lists them; they keep what Marp rendered (see put_slide_bodies)."""
    mask = code_line_mask(source.lines)
    texts = [m.group(2) for line, code in zip(source.lines, mask, strict=True)
             if not code and (m := ATX_HEADING.match(line))]
    if title_removed:
        texts = texts[1:]
    rendered = [n for n in _walk(body) if n.tag and HEADING.fullmatch(n.tag)]
    if len(rendered) != len(texts):
        return  # headings written as HTML, or inside HTML blocks: keep Marp's markup
    previous = 2  # the slide's own heading on the page
    for node, text in zip(rendered, texts, strict=True):
        if any(node is top for top in body):
            # One level under the slide's heading, and never more than one below the heading before it
            # (a slide's `###` straight under its title is the page's h3, not h4: no skipped level).
            level = min(6, max(3, int((node.tag or "h2")[1]) + 1), previous + 1)
            previous = level
            inner, plain = _heading_parts(node.children, text, deck_url)
            plain = plain or "図"  # a heading that is only a picture still needs a name in the contents
            node.tag, node.attrs, node.children = None, [], []
            node.raw = f"{HEADING_MARK}{level}{HEADING_SEP}{plain}{HEADING_SEP}{inner}{HEADING_MARK}"


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


def _clean(node: Node, deck_url: str, *, in_heading: bool = False) -> None:
    """Page-ready markup for one element: demoted headings, sized images, URLs onto the deck folder."""
    tag = node.tag
    if tag is None or tag == "mjx-container":
        return
    for key, value in node.attrs:
        if key in URL_ATTRS and value and not ABSOLUTE.match(value):
            node.set(key, _relative(value, deck_url))
    if HEADING.fullmatch(tag):
        node.tag = f"h{min(6, max(3, int(tag[1]) + 1))}"
        for marp_only in ("id", "is", "data-auto-scaling"):  # Marp's anchor and auto-scaling element
            node.set(marp_only, None)
    if node.get("markdown") is not None:  # md_in_html would parse the slide's HTML again
        node.set("markdown", None)
    if tag == "img" and node.get("data-marp-twemoji") is None:
        _size_image(node, in_heading)


PAGE_SCALE = 0.75  # a page's text is about three quarters of a slide's


def _size_image(node: Node, in_heading: bool = False) -> None:
    """Marp's picture size (`w:`/`h:`) at the page's scale; its other styles (image filters) kept."""
    style = node.get("style") or ""
    styles = []
    for prop, value in PX.findall(style):
        if in_heading:  # an icon beside a title: its size on the slide, at the page's scale
            styles.append(f"{prop}: {round(float(value) * PAGE_SCALE)}px")
        elif prop == "width":
            styles.append(f"width: {min(100, round(100 * float(value) / SLIDE_WIDTH))}%")
        else:
            # Slides are 720px tall; keep the picture's share of the page height.
            styles.append(f"max-height: {round(float(value) * PAGE_SCALE)}px")
    styles += [f"{key}: {value}" for key, value in CSS_DECLARATION.findall(style)
               if not (key in ("width", "height") and value.endswith("px"))]
    classes = ["slide-image"] + (node.get("class") or "").split()
    node.set("class", " ".join(classes))
    node.set("style", "; ".join(styles) or None)
    if not in_heading:
        node.set("loading", "lazy")


def _relative(url: str, deck_url: str) -> str:
    """A URL relative to the deck folder, made relative to the page."""
    if ABSOLUTE.match(url):
        return url
    joined = posixpath.normpath(deck_url + url)
    return joined + "/" if url.endswith("/") or url in (".", "./") else joined


def _title_block(slide: Slide, page_slide: PageSlide, links: PageLinks, bodies: list[str]) -> str:
    bodies.append(page_slide.body)
    return f'<div class="title-block" data-slide-body="{len(bodies) - 1}"></div>\n{_notes(slide, bodies)}'


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


def _section(slide: Slide, page_slide: PageSlide, links: PageLinks, bodies: list[str], footer: str | None) -> str:
    if slide.header_written and page_slide.header_html is not None:
        title_html, title_text = page_slide.header_html, page_slide.header_text or ""
    elif page_slide.title_html is not None:
        title_html, title_text = page_slide.title_html, page_slide.title_text or ""
    elif page_slide.header_html is not None:  # a header set on an earlier slide
        title_html, title_text = page_slide.header_html, page_slide.header_text or ""
    else:
        title_text = f"スライド {slide.number}"
        title_html = html.escape(title_text)
    title_text = title_text or f"スライド {slide.number}"  # e.g. a heading that is only a picture
    link = (
        f'<a class="slide-link" href="{links.deck}#{slide.number}" '
        f'title="スライド {slide.number} を開く">スライド {slide.number}</a>'
    )
    classes = " ".join(["slide-body", *page_slide.classes])
    block = ""
    for i, part in enumerate(page_slide.body.split(HEADING_MARK)):
        if i % 2:
            level, plain, inner = part.split(HEADING_SEP, 2)
            block += _heading_slot(int(level), plain, inner, bodies) + "\n\n"
        elif part.strip():
            block += f'<div class="{html.escape(classes)}" data-slide-body="{len(bodies)}"></div>\n\n'
            bodies.append(part.strip())
    if footer:
        block += f'<div class="slide-footer" data-slide-body="{len(bodies)}"></div>\n\n'
        bodies.append(footer)
    return f"{_heading_slot(2, title_text, title_html, bodies)}\n\n{link}\n\n{block}{_notes(slide, bodies)}"


def _heading_slot(level: int, plain: str, rendered: str, bodies: list[str]) -> str:
    """A Markdown heading of the plain text, marked to receive Marp's rendering of it."""
    bodies.append(rendered)
    text = markdown_literal(plain) or html.escape("\u00a0")
    return f'{"#" * level} {text} {{: data-slide-heading="{len(bodies) - 1}" }}'


def _notes(slide: Slide, bodies: list[str]) -> str:
    """Speaker notes as Marp shows them in presenter view: plain text, line breaks kept."""
    if not slide.notes:
        return ""
    paragraphs = "".join(
        "<p>" + twemoji_html(html.escape(note.text)).replace("\n", "<br>\n") + "</p>" for note in slide.notes
    )
    bodies.append(f'<details class="note"><summary>スピーカーノート</summary>{paragraphs}</details>')
    return f'<div class="slide-notes" data-slide-body="{len(bodies) - 1}"></div>\n'


__all__ = [
    "PageLinks", "PageSlide", "TextbookPage", "convert", "load_slides", "plain_text", "put_slide_bodies",
    "save_slides", "slides_for_page",
]
