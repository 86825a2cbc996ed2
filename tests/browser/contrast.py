"""Contrast of every text a reader sees on a page, in the page's current colour scheme.

The browser reports, for each visible text node, its computed colour, the opacity of its element and
ancestors, and the background colours stacked under it; the ratio (WCAG 2) is computed here, so the
threshold is WCAG 2.2 AA: MIN_CONTRAST (4.5 : 1), LARGE_MIN_CONTRAST (3 : 1) for large text (24 px, or
18.66 px bold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page

MIN_CONTRAST = 4.5
LARGE_MIN_CONTRAST = 3.0

RGBA = tuple[float, float, float, float]

# Text inside SVG (drawn with fill on shapes the page cannot see) and text clipped to nothing
# (KaTeX's MathML copy, Material's visually hidden labels) are not what a reader sees as text.
TEXTS_JS = r"""
(root) => {
  // Per element, memoised up the tree: the product of opacities and the stack of background colours.
  const seen = new Map();
  const layers = (el) => {
    if (!el) return {opacity: 1, backgrounds: []};
    let found = seen.get(el);
    if (found) return found;
    const style = getComputedStyle(el);
    const parent = layers(el.parentElement);
    const bg = style.backgroundColor;
    const own = bg && bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent' ? [bg] : [];
    found = {opacity: parent.opacity * parseFloat(style.opacity), backgrounds: [...own, ...parent.backgrounds]};
    seen.set(el, found);
    return found;
  };
  const out = new Map();  // one example text per distinct (colour, opacity, backgrounds)
  const walker = document.createTreeWalker(document.querySelector(root) || document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.data.trim();
    const el = node.parentElement;
    // mjx-assistive-mml: MathJax's copy of a formula for screen readers, clipped out of sight.
    if (!text || !el || el.closest('svg, script, style, noscript, template, mjx-assistive-mml')) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    const {opacity, backgrounds} = layers(el);
    const style = getComputedStyle(el);
    const color = style.color;
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    const key = [color, opacity, large, ...backgrounds].join('|');
    if (out.has(key)) continue;
    const path = [];
    for (let e = el; e && path.length < 4; e = e.parentElement) {
      path.unshift(e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
        ? '.' + e.className.trim().split(/\s+/).join('.') : ''));
    }
    out.set(key, {text: text.slice(0, 40), color, opacity, backgrounds, large, path: path.join(' > ')});
  }
  return [...out.values()];
}
"""


def parse(value: str) -> RGBA:
    """A computed CSS colour: rgb()/rgba() or color(srgb …)."""
    m = re.fullmatch(r"rgba?\(([^)]*)\)", value.strip())
    if m:
        parts = [float(p) for p in re.split(r"[\s,/]+", m.group(1).strip()) if p]
        return parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0
    m = re.fullmatch(r"color\(srgb ([^)]*)\)", value.strip())
    if m:
        parts = [float(p) for p in re.split(r"[\s/]+", m.group(1).strip()) if p]
        return parts[0] * 255, parts[1] * 255, parts[2] * 255, parts[3] if len(parts) > 3 else 1.0
    raise ValueError(f"unexpected computed colour {value!r}")


def over(top: RGBA, below: tuple[float, float, float]) -> tuple[float, float, float]:
    a = top[3]
    return (a * top[0] + (1 - a) * below[0], a * top[1] + (1 - a) * below[1], a * top[2] + (1 - a) * below[2])


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])


def ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass
class Text:
    text: str
    path: str
    contrast: float
    large: bool = False  # large text: 3 : 1 is enough

    def __str__(self) -> str:
        return f"{self.contrast:.2f}:1 {self.text!r} ({self.path})"


def texts(page: Page, root: str = "body") -> list[Text]:
    """The visible texts under root with their contrast against what lies under them: one example text
    for each distinct colour, opacity and background stack (all texts alike read alike)."""
    found = []
    for item in page.evaluate(TEXTS_JS, root):
        background = (255.0, 255.0, 255.0)  # the canvas
        for layer in reversed(item["backgrounds"]):
            background = over(parse(layer), background)
        r, g, b, a = parse(item["color"])
        colour = over((r, g, b, a * item["opacity"]), background)
        found.append(Text(item["text"], item["path"], ratio(colour, background), bool(item["large"])))
    return found


def low_contrast(page: Page, root: str = "body", minimum: float = MIN_CONTRAST) -> list[Text]:
    """Texts under minimum (large texts: under LARGE_MIN_CONTRAST, or minimum if that is lower)."""
    return [t for t in texts(page, root) if t.contrast < (min(minimum, LARGE_MIN_CONTRAST) if t.large else minimum)]


NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def set_scheme(page: Page, scheme: str) -> None:
    """Material's colour scheme as its palette toggle sets it ("default" or "slate"), drawn at once
    (Material fades colours over a few hundred milliseconds; a reading mid-fade would be neither)."""
    page.add_style_tag(content=NO_TRANSITIONS)
    page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
