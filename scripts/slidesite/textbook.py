"""Turn a parsed deck into the Markdown of its textbook page.

Each slide becomes a section titled by its `_header` (or first heading) with a link to
the slide; the lead/title slide becomes the title block; speaker notes become
collapsible notes; Marp image keywords become ordinary sized images.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from .deck import ATX_HEADING, COMMENT, INLINE_CODE, MD_IMAGE, Deck, Slide, code_line_mask

STYLE_BLOCK = re.compile(r"<style\b[^>]*>.*?</style>", re.S | re.I)
DIV_OPEN = re.compile(r"^(\s*)<(div|details)\b(?![^>]*\bmarkdown=)([^>]*)>")
HTML_IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*["'])([^"']+)(["'])""", re.I)
SIZE = re.compile(r"^(w|width|h|height):(\d+(?:\.\d+)?)(px)?$")
TITLE_CLASSES = {"lead", "title"}
# Marp image keywords that only make sense on a slide.
SLIDE_ONLY_KEYWORDS = re.compile(
    r"^(bg|left|right|contain|cover|fit|auto|vertical|\d+(\.\d+)?%|(left|right):\d+(\.\d+)?%|"
    r"(blur|brightness|contrast|drop-shadow|grayscale|hue-rotate|invert|opacity|saturate|sepia)(:.*)?)$"
)
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720


@dataclass
class PageLinks:
    """URLs, relative to the textbook page, of the deck and its files."""

    deck: str  # the deck's folder, ending in "/"
    pdf: str | None


def convert(deck: Deck, links: PageLinks) -> str:
    """The textbook page's Markdown (front matter included)."""
    parts = [f"---\ntitle: {_yaml_str(deck.title)}\n---\n", f"# {deck.title}\n"]
    slides = list(deck.slides)
    if slides and set(slides[0].classes) & TITLE_CLASSES:
        parts.append(_title_block(slides.pop(0), deck, links))
    parts.append(_deck_embed(deck, links))
    for slide in slides:
        parts.append(_section(slide, deck, links))
    return "\n".join(parts).rstrip() + "\n"


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _title_block(slide: Slide, deck: Deck, links: PageLinks) -> str:
    body = _body_lines(slide, deck, links)
    kept = []
    dropped_title = False
    for line in body:
        m = ATX_HEADING.match(line)
        if m and not dropped_title and len(m.group(1)) == 1:
            dropped_title = True
            continue
        if m:
            line = f'<p class="subtitle" markdown>{m.group(2)}</p>'
        kept.append(line)
    text = "\n".join(kept).strip()
    text = re.sub(r"(<br\s*/?>\s*\n?)+", "", text).strip()
    inner = text
    notes = _notes(slide)
    return f'<div class="title-block" markdown="1">\n\n{inner}\n\n</div>\n{notes}'


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


def _section(slide: Slide, deck: Deck, links: PageLinks) -> str:
    body = _body_lines(slide, deck, links)
    title = slide.effective.get("header") if "header" in slide.directives or "_header" in slide.directives else None
    title = str(title).strip() if title not in (None, "") else None
    heading_index = None
    if title is None:
        for i, line in enumerate(body):
            m = ATX_HEADING.match(line)
            if m:
                title, heading_index = m.group(2), i
                break
    if title is None:
        title = slide.header or f"スライド {slide.number}"
    if heading_index is not None:
        body = body[:heading_index] + body[heading_index + 1 :]
    body = _demote_headings(body)
    text = "\n".join(body).strip()
    link = (
        f'<a class="slide-link" href="{links.deck}#{slide.number}" '
        f'title="スライド {slide.number} を開く">スライド {slide.number}</a>'
    )
    return f"## {title}\n\n{link}\n\n{text}\n{_notes(slide)}"


def _notes(slide: Slide) -> str:
    if not slide.notes:
        return ""
    text = "\n\n".join(n.text for n in slide.notes)
    indented = "\n".join(("    " + line) if line.strip() else "" for line in text.split("\n"))
    return f'\n??? note "スピーカーノート"\n\n{indented}\n'


def _demote_headings(lines: list[str]) -> list[str]:
    mask = code_line_mask(lines)
    out = []
    for line, code in zip(lines, mask, strict=True):
        m = None if code else ATX_HEADING.match(line)
        if m:
            level = min(6, max(3, len(m.group(1)) + 1))
            line = f"{'#' * level} {m.group(2)}"
        out.append(line)
    return out


def _body_lines(slide: Slide, deck: Deck, links: PageLinks) -> list[str]:
    """The slide's Markdown without comments, styles or slide-only syntax."""
    mask = code_line_mask(slide.lines)
    chunks: list[tuple[bool, list[str]]] = []
    for line, code in zip(slide.lines, mask, strict=True):
        if chunks and chunks[-1][0] == code:
            chunks[-1][1].append(line)
        else:
            chunks.append((code, [line]))
    out: list[str] = []
    for code, lines in chunks:
        if code:
            out.extend(lines)
            continue
        text = "\n".join(lines)
        text = COMMENT.sub("", text)
        text = STYLE_BLOCK.sub("", text)
        text = _outside_inline_code(text, lambda part: _rewrite_images(part, links))
        out.extend(DIV_OPEN.sub(r'\1<\2\3 markdown="1">', line) for line in text.split("\n"))
    while out and not out[0].strip():
        out.pop(0)
    return out


def _outside_inline_code(text: str, change: Callable[[str], str]) -> str:
    """Apply change to the text between inline code spans only."""
    out, last = [], 0
    for m in INLINE_CODE.finditer(text):
        out += [change(text[last : m.start()]), m.group(0)]
        last = m.end()
    return "".join(out + [change(text[last:])])


def _rewrite_images(text: str, links: PageLinks) -> str:
    # <img> tags the author wrote first: the Markdown images become <img> tags with final URLs.
    text = HTML_IMG_SRC.sub(lambda m: m.group(1) + _asset_url(m.group(2), links) + m.group(3), text)
    return MD_IMAGE.sub(lambda m: _image(m, links), text)


def _asset_url(url: str, links: PageLinks) -> str:
    if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|#|/)", url, re.I):
        return url
    return links.deck + url


def _image(m: re.Match[str], links: PageLinks) -> str:
    words = m.group("alt").split()
    kept, classes, styles = [], ["slide-image"], []
    for word in words:
        size = SIZE.match(word)
        if size:
            value = float(size.group(2))
            if size.group(1).startswith("w"):
                styles.append(f"width: {min(100, round(100 * value / SLIDE_WIDTH))}%")
            else:
                # Slides are 720px tall; keep the picture's share of the page height.
                styles.append(f"max-height: {round(value * 0.75)}px")
        elif word == "bg":
            classes.append("slide-bg")
        elif word == "center":
            classes.append("center")
        elif not SLIDE_ONLY_KEYWORDS.match(word):
            kept.append(word)
    url = _asset_url(m.group("url").strip("<>"), links)
    # Raw HTML, not Markdown: MkDocs would try to resolve a link into the deck folder as a docs file.
    style = f' style="{"; ".join(styles)}"' if styles else ""
    alt = html.escape(" ".join(kept))
    return f'<img alt="{alt}" class="{" ".join(classes)}" src="{html.escape(url)}"{style} loading="lazy">'
