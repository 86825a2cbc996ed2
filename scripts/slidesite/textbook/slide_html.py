"""The HTML Marp rendered for each slide, taken from a deck's compiled index.html.

marp-cli already renders every slide once (markdown-it with Marp's plugins, `breaks: true`,
math as SVG, twemoji): the textbook page reuses that HTML instead of rendering the Markdown
a second time with another dialect. Each slide's HTML is re-serialised by a real HTML parser
so that it is balanced: a stray closing tag is dropped and unclosed tags are closed at the end
of the slide, so nothing a slide does reaches outside its section of the page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
BG_URL = re.compile(r"""background-image:\s*url\((["']?)(.*?)\1\)""")
BG_FILTER = re.compile(r"(?:^|;)\s*filter:\s*([^;]+)")
# Marp's own markers on a slide's elements; they mean nothing on a page.
HEADING = re.compile(r"^h[1-6]$")
# MathJax's SVG output is generated, well-formed and never nested: kept whole instead of parsed
# (most of a deck's markup is formula paths, and parsing them tripled the time).
MATH = re.compile(r"<mjx-container\b.*?</mjx-container>", re.S)
SLIDES_START = "<svg data-marpit-svg"


@dataclass
class SlideHTML:
    """One slide as Marp rendered it."""

    number: int
    classes: list[str]
    body: list[Node]  # top-level nodes of the slide's <section>, balanced
    # (url, alt, filter) of `![bg](…)` images; filter is the CSS `filter` of `![bg sepia](…)` or ""
    backgrounds: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Node:
    """An element (tag set) or a piece of raw markup (text, comment, void tag)."""

    tag: str | None
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    raw: str = ""  # text or comment as written; for an element, its start tag as written
    closed: bool = True  # False for void and self-closing (`<path … />`) elements: no end tag

    def set(self, name: str, value: str | None) -> None:
        """Change (or with None remove) an attribute; the start tag is then written anew."""
        self.attrs = [(k, v) for k, v in self.attrs if k != name]
        if value is not None:
            self.attrs.append((name, value))
        self.raw = ""

    def get(self, name: str) -> str | None:
        for key, value in self.attrs:
            if key == name:
                return value
        return None

    def text(self) -> str:
        if self.tag is None:
            return "" if self.raw.startswith("<!--") else html.unescape(self.raw)
        if self.tag == "img":
            return self.get("alt") or ""
        return "".join(child.text() for child in self.children)


def serialise(nodes: list[Node]) -> str:
    return "".join(_serialise(n) for n in nodes)


def _serialise(node: Node) -> str:
    if node.tag is None:
        return node.raw
    start = node.raw
    if not start:
        attrs = "".join(
            f" {k}" if v is None else f' {k}="{html.escape(v, quote=True)}"' for k, v in node.attrs
        )
        start = f"<{node.tag}{attrs}>" if node.tag in VOID or node.closed else f"<{node.tag}{attrs} />"
    if not node.closed:
        return start
    return f"{start}{serialise(node.children)}</{node.tag}>"


class _MarpParser(HTMLParser):
    """Collect the tree under each `svg[data-marpit-svg] > foreignObject > section`."""

    def __init__(self, math: list[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.math = math
        self.sections: list[Node] = []
        self.stack: list[Node] = []  # open elements inside the current section (section first)
        self.svg_depth = 0  # > 0 while inside a Marp slide svg, before its section
        self.in_foreign = False

    # Outside a section only the svg/foreignObject/section frame matters.
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stack:
            node = Node(tag, attrs, raw=self.get_starttag_text() or "", closed=tag not in VOID)
            self.stack[-1].children.append(node)
            if node.closed:
                self.stack.append(node)
            return
        if tag == "svg" and any(k == "data-marpit-svg" for k, _ in attrs):
            self.svg_depth = 1
        elif tag == "foreignobject" and self.svg_depth:
            self.in_foreign = True
        elif tag == "section" and self.in_foreign:
            node = Node(tag, attrs)
            self.sections.append(node)
            self.stack = [node]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stack:
            self.stack[-1].children.append(Node(tag, attrs, raw=self.get_starttag_text() or "", closed=False))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            if tag == "foreignobject":
                self.in_foreign = False
            elif tag == "svg":
                self.svg_depth = 0
            return
        if tag == "foreignobject":
            # The slide ends here whatever its content left open; Marp's own </section> came before.
            self.stack = []
            self.in_foreign = False
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
        # A closing tag with nothing open to close inside the slide (or Marp's </section>): dropped.

    def _raw(self, text: str) -> None:
        if self.stack:
            self.stack[-1].children.append(Node(None, raw=text))

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1].tag in ("script", "style"):
            self._raw(data)
        else:
            # Text re-escaped: a bare `<` that the parser passed through stays text.
            self._raw(data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))

    def handle_entityref(self, name: str) -> None:
        self._raw(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._raw(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        if data.startswith("\0mjx") and self.stack:
            self.stack[-1].children.append(Node("mjx-container", raw=self.math[int(data[4:])], closed=False))
        else:
            self._raw(f"<!--{data}-->")


def parse_slides(page: str) -> list[SlideHTML]:
    """Every slide of a marp-cli HTML file, in order (advanced backgrounds folded into their slide)."""
    start = page.find(SLIDES_START)
    end = page.rfind("</svg>")
    page = page[start : end + 6] if start >= 0 else ""
    math: list[str] = []

    def stash(m: re.Match[str]) -> str:
        math.append(m.group(0))
        return f"<!--\0mjx{len(math) - 1}-->"

    parser = _MarpParser(math)
    parser.feed(MATH.sub(stash, page))
    parser.close()
    slides: list[SlideHTML] = []
    pending_bg: list[tuple[str, str, str]] = []
    for section in parser.sections:
        kind = section.get("data-marpit-advanced-background")
        if kind == "background":
            pending_bg = _backgrounds(section)
            continue
        if kind == "pseudo":
            continue
        classes = (section.get("class") or "").split()
        slides.append(SlideHTML(len(slides) + 1, classes, section.children, pending_bg if kind == "content" else []))
        pending_bg = []
    if slides:
        _drop_marp_script(slides[-1].body)
    return slides


def _drop_marp_script(body: list[Node]) -> None:
    """Marp puts its browser script (custom elements for auto-scaling) at the end of the last slide."""
    for i in range(len(body) - 1, -1, -1):
        node = body[i]
        if node.tag is None and not node.raw.strip():
            continue
        if node.tag == "script" and not node.attrs:
            del body[i]
        return


def _backgrounds(section: Node) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []

    def walk(node: Node) -> None:
        if node.tag == "figure":
            style = html.unescape(node.get("style") or "")
            m = BG_URL.search(style)
            if m:
                caption = next((c.text() for c in node.children if c.tag == "figcaption"), "")
                image_filter = BG_FILTER.search(style)
                found.append((m.group(2), caption.strip(), image_filter.group(1).strip() if image_filter else ""))
        for child in node.children:
            walk(child)

    walk(section)
    return found


class _Balancer(HTMLParser):
    """Re-emit a fragment (Markdown with inline HTML) with its tags balanced; text untouched."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        pass


def balance_fragment(text: str) -> str:
    """text with closing tags that close nothing dropped and open tags closed at its end."""
    if "<" not in text:
        return text
    parser = _Balancer()
    parser.feed(text)
    parser.close()
    parser.out.extend(f"</{tag}>" for tag in reversed(parser.open))
    return "".join(parser.out)
