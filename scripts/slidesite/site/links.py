"""Check the links of the built pages: every local href/src must name a file the site has.

MkDocs checks Markdown links to .md files only; pages also link by URL path (generated deck
embeds, slide links, the lecture table, hand-written `<a href="../../slides/x/">`). This runs on
the finished site, so it sees every link whatever wrote it.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Start tags that load or link something; attribute values as MkDocs and our generators write them.
LINKING_TAG = re.compile(r"<(?:a|img|iframe|link|script|source|video|audio)\b[^>]*>", re.I)
URL_ATTR = re.compile(r"""\s(?:href|src)\s*=\s*(["'])(.*?)\1""", re.I | re.S)
SKIP = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#|$)", re.I)
# Inside these a URL-looking string is code or data, not a link.
INERT = re.compile(r"<(script|style|pre|code|textarea)\b[^>]*>.*?</\1>", re.I | re.S)


@dataclass
class BrokenLink:
    page: str  # the page's path in the site, e.g. "articles/derivative/index.html"
    url: str
    target: str  # what was looked for, from the site root

    def __str__(self) -> str:
        return f"{self.page}: broken link {self.url!r} (no {self.target} in the site)"


@functools.lru_cache(maxsize=512)  # `serve` rebuilds write the same HTML for every page but one
def page_links(text: str) -> tuple[str, ...]:
    """The local URLs a page's HTML links to or loads (code examples left out)."""
    text = INERT.sub(lambda m: m.group(0)[: m.group(0).find(">") + 1] if m.group(1).lower() == "script" else "", text)
    found = []
    for tag in LINKING_TAG.finditer(text):
        for m in URL_ATTR.finditer(tag.group(0)):
            url = html.unescape(m.group(2)).strip()
            if not SKIP.match(url):
                found.append(url)
    return tuple(found)


def check_site(site_dir: Path, pages: list[Path]) -> list[BrokenLink]:
    """Every broken local link on the given pages (HTML files inside site_dir)."""
    broken = []
    for page in pages:
        rel_page = page.relative_to(site_dir).as_posix()
        base = posixpath.dirname(rel_page)
        for url in page_links(page.read_text(encoding="utf-8")):
            path = unquote(urlsplit(url).path)
            if not path:
                continue
            target = posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(base, path))
            if target.startswith("../") or not _exists(site_dir, target, path.endswith("/")):
                broken.append(BrokenLink(rel_page, url, target + ("/" if path.endswith("/") else "")))
    return broken


def _exists(site_dir: Path, target: str, folder: bool) -> bool:
    found = site_dir / target
    if folder or found.is_dir():
        return (found / "index.html").is_file()
    return found.is_file()


def relative_url(url: str, page_url: str) -> str:
    """url (from the site root) as seen from the page at page_url (`lectures/01/` or `about.html`)."""
    base = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    relative = posixpath.relpath(url or ".", base or ".")
    return relative + "/" if url.endswith("/") and not relative.endswith("/") else relative
