"""Slide colours on a textbook page: kept where they read, re-tuned per colour scheme where they do not.

A slide's inline colours (`<span style="color:#eee">`, `<font color>`, a box's `background`) were chosen
for the slide's background, not for the page's, and the page has two (light and dark). Each text colour
is checked against what it will sit on in both schemes; one that falls short of PAGE_CONTRAST keeps its
hue but is darkened or lightened for that scheme (two custom properties, picked by textbook.css).
A background a slide sets itself stays, and the text on it is checked against it instead.
"""

from __future__ import annotations

import colorsys
import re
from functools import cache

from .slide_html import Node

RGB = tuple[float, float, float]  # 0..255
# What the page puts under a slide body: Material's default and slate backgrounds.
PAGE_BG: tuple[RGB, RGB] = ((255.0, 255.0, 255.0), (30.3, 32.1, 41.0))  # slate: hsl(225, 15%, 14%)
PAGE_FG: tuple[RGB, RGB] = ((33.0, 33.0, 33.0), (219.0, 222.0, 235.0))  # Material's text colours, blended
# WCAG AA for body text: more than the site-wide minimum, so colours fixed here never come close to it.
PAGE_CONTRAST = 4.5
FIXED_CLASS = "slide-color"

DECLARATION = re.compile(r"\s*([-\w]+)\s*:\s*([^;]+?)\s*(?:;|$)")
FUNCTION = re.compile(r"(rgba?|hsla?)\(\s*([^)]*)\)", re.I)
HEX = re.compile(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})", re.I)


def parse_color(value: str) -> tuple[RGB, float] | None:
    """A CSS colour as (rgb, alpha); None for what cannot be known here (var(), currentColor, images)."""
    value = value.strip().lower().removesuffix("!important").strip()
    if m := HEX.fullmatch(value):
        digits = m.group(1)
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits)
        channels = [int(digits[i : i + 2], 16) for i in range(0, len(digits), 2)]
        alpha = channels[3] / 255 if len(channels) == 4 else 1.0
        return (float(channels[0]), float(channels[1]), float(channels[2])), alpha
    if m := FUNCTION.fullmatch(value):
        parts = [p for p in re.split(r"[\s,/]+", m.group(2).strip()) if p]
        if len(parts) < 3:
            return None
        try:
            alpha = _number(parts[3], 1.0) if len(parts) > 3 else 1.0
            if m.group(1).startswith("rgb"):
                rgb = tuple(_number(p, 255.0) for p in parts[:3])
            else:
                hue = float(parts[0].removesuffix("deg")) / 360
                light, sat = _number(parts[2], 1.0), _number(parts[1], 1.0)
                rgb = tuple(255 * c for c in colorsys.hls_to_rgb(hue % 1, light, sat))
        except ValueError:
            return None
        return (rgb[0], rgb[1], rgb[2]), alpha
    if value == "transparent":
        return (0.0, 0.0, 0.0), 0.0
    named = _named().get(value)
    return parse_color(named) if named else None


def _number(text: str, scale: float) -> float:
    """A CSS number or percentage, scaled so that 100% is `scale`."""
    return float(text[:-1]) / 100 * scale if text.endswith("%") else float(text)


@cache
def _named() -> dict[str, str]:
    # CSS's 148 colour names: Pillow's table is CSS's (Pillow is already a build dependency, via matplotlib).
    from PIL.ImageColor import colormap

    return {name.lower(): str(value) for name, value in colormap.items()}


def luminance(rgb: RGB) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = map(channel, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def over(color: RGB, alpha: float, below: RGB) -> RGB:
    r, g, b = (alpha * c + (1 - alpha) * d for c, d in zip(color, below, strict=True))
    return (r, g, b)


def readable(color: RGB, background: RGB, target: float = PAGE_CONTRAST) -> RGB:
    """color, mixed step by step towards black or white (whichever the background needs), until it reads."""
    if contrast(color, background) >= target:
        return color
    end = (0.0, 0.0, 0.0) if luminance(background) > 0.18 else (255.0, 255.0, 255.0)
    for step in range(1, 21):
        mixed = over(end, step / 20, color)
        # A little above the target: rounding to #rrggbb and the browser's own slate may take 0.05 off.
        if contrast(mixed, background) >= target + 0.1:
            return mixed
    return end


def css(rgb: RGB) -> str:
    return "#" + "".join(f"{round(min(255.0, max(0.0, c))):02x}" for c in rgb)


def fix_colors(nodes: list[Node]) -> None:
    """Re-tune the slide's inline text colours that would not read on the page (see the module's doc)."""
    for node in nodes:
        _fix(node, PAGE_FG, PAGE_BG)


def _fix(node: Node, fg: tuple[RGB, RGB], bg: tuple[RGB, RGB]) -> None:
    if node.tag is None or node.tag in ("mjx-container", "svg", "style", "script"):
        return
    style = node.get("style") or ""
    declarations = dict((k.lower(), v) for k, v in DECLARATION.findall(style))
    for key in ("background-color", "background"):
        found = parse_color(declarations.get(key, ""))
        if found is not None and found[1] > 0:
            bg = (over(found[0], found[1], bg[0]), over(found[0], found[1], bg[1]))
            break
    color_value = declarations.get("color") or (node.get("color") if node.tag == "font" else None)
    written = parse_color(color_value) if color_value else None
    if written is not None:
        fg = (over(written[0], written[1], bg[0]), over(written[0], written[1], bg[1]))
    if any(contrast(f, b) < PAGE_CONTRAST for f, b in zip(fg, bg, strict=True)):
        fg = (readable(fg[0], bg[0]), readable(fg[1], bg[1]))
        _set_colors(node, style, fg)
    for child in node.children:
        _fix(child, fg, bg)


def _set_colors(node: Node, style: str, fg: tuple[RGB, RGB]) -> None:
    kept = [f"{k}: {v}" for k, v in DECLARATION.findall(style) if k.lower() != "color"]
    kept += [f"--slide-fg-light: {css(fg[0])}", f"--slide-fg-dark: {css(fg[1])}"]
    node.set("style", "; ".join(kept))
    if node.tag == "font":
        node.set("color", None)
    classes = (node.get("class") or "").split()
    node.set("class", " ".join([*classes, FIXED_CLASS]))

