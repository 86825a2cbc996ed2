"""Emoji drawn from the site's own twemoji SVGs (npm @twemoji/svg), never from a CDN or the OS.

Marp draws a slide's emoji itself (marp.config.mjs points `emoji.twemoji.base` at the site's copy);
this module does the same for the text a textbook page adds around the slides (section headings).
"""

from __future__ import annotations

import html
import os
import re
from functools import cache
from pathlib import Path

from ..files import place
from ..paths import PACKAGE_DIR

# Which emoji have a picture (for section headings): the checkout's copy of the pinned package.
TWEMOJI_DIR = PACKAGE_DIR.parent.parent / "node_modules" / "@twemoji" / "svg"
# Where the SVGs live in the site, and the URL from /slides/<deck>/ and /lectures/<deck>/ pages.
SITE_FOLDER = "assets/twemoji/svg"
URL_FROM_PAGE = "../../" + SITE_FOLDER


@cache
def _sequences() -> tuple[frozenset[str], int]:
    """Every emoji sequence twemoji has a picture for (also with FE0F), and the longest length."""
    if not TWEMOJI_DIR.is_dir():
        return frozenset(), 0
    found = set()
    for name in os.listdir(TWEMOJI_DIR):
        if not name.endswith(".svg"):
            continue
        chars = "".join(chr(int(code, 16)) for code in name.removesuffix(".svg").split("-"))
        if len(chars) == 1 and ord(chars) < 0xA9:
            continue  # digits, # and *: twemoji has them only as parts of keycaps
        found.add(chars)
        if "\u200d" not in chars:
            # Twemoji's file names drop the presentation selector: ✔️ is 2714.svg.
            found.add(chars[:1] + "\ufe0f" + chars[1:])
    return frozenset(found), max(map(len, found), default=0)


def find_emoji(text: str) -> list[tuple[int, int]]:
    """(start, end) of each emoji sequence in text, longest match first."""
    sequences, longest = _sequences()
    spans, i = [], 0
    while i < len(text):
        if ord(text[i]) >= 0xA9:
            for end in range(min(len(text), i + longest), i, -1):
                if text[i:end] in sequences:
                    spans.append((i, end))
                    i = end
                    break
            else:
                i += 1
        else:
            i += 1
    return spans


def file_name(emoji: str) -> str:
    """Twemoji's file name for an emoji: code points in hex, FE0F dropped unless a ZWJ sequence."""
    if "\u200d" not in emoji:
        emoji = emoji.replace("\ufe0f", "")
    return "-".join(f"{ord(c):x}" for c in emoji) + ".svg"


def twemoji_html(text: str, base: str = URL_FROM_PAGE) -> str:
    """text with each emoji replaced by an <img> of the site's twemoji picture."""
    out, last = [], 0
    for start, end in find_emoji(text):
        emoji = text[start:end]
        out += [text[last:start], f'<img class="emoji" draggable="false" alt="{html.escape(emoji)}" '
                f'src="{base}/{file_name(emoji)}">']
        last = end
    return "".join(out + [text[last:]])


def install_twemoji(site_dir: Path, node_modules: Path, *, only_used: bool = False) -> None:
    """Put node_modules' twemoji SVGs into site_dir/assets/twemoji/svg (hard links; unchanged ones skipped).

    only_used: just the pictures the site's HTML files refer to (a built site); otherwise all of them
    (the folder PDF export reads from).
    """
    source_dir = node_modules / "@twemoji" / "svg"
    if not source_dir.is_dir():
        raise FileNotFoundError(f"{source_dir} is missing: run `npm ci`")
    target = site_dir / SITE_FOLDER
    names = used_twemoji(site_dir) if only_used else [n for n in os.listdir(source_dir) if n.endswith(".svg")]
    for name in names:
        source = source_dir / name
        if source.is_file():
            place(source, target / name)


def used_twemoji(site_dir: Path) -> set[str]:
    """File names of the twemoji pictures the HTML files under site_dir refer to."""
    used: set[str] = set()
    for page in site_dir.rglob("*.html"):
        used.update(USED.findall(page.read_text(encoding="utf-8", errors="replace")))
    return used


USED = re.compile(r"twemoji/svg/([0-9a-f-]+\.svg)")


# Navigation and table-of-contents entries (Material draws each title in one of these spans).
NAV_TITLE = re.compile(r'(<span class="md-ellipsis">)(.*?)(</span>)', re.S)
TAG = re.compile(r"(<[^>]+>)")


def twemoji_in_navigation(page_html: str, base: str) -> str:
    """Emoji in a built page's navigation and table of contents as the site's twemoji pictures
    (headings are plain text there; without an emoji font a reader would see empty boxes)."""
    def titles(match: re.Match[str]) -> str:
        parts = TAG.split(match.group(2))
        text = "".join(p if p.startswith("<") else twemoji_html(p, base) for p in parts)
        return match.group(1) + text + match.group(3)

    return NAV_TITLE.sub(titles, page_html)
