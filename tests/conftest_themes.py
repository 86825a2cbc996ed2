"""Shared helpers for the theme browser tests: a local static server and a guarded Chromium.

Not a conftest.py on purpose: test modules import the fixtures they use from here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"


@dataclass
class Site:
    """A directory served on 127.0.0.1, and what browsers asked of the outside world."""

    root: Path
    base_url: str
    foreign_requests: list[str] = field(default_factory=list)
    font_requests: list[str] = field(default_factory=list)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site_dir: Path) -> Iterator[Site]:
    """Serve site_dir over HTTP on 127.0.0.1 at a free port, in a thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(site_dir, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def themes_browser(browser: Any) -> Any:
    """The suite's shared Chromium (`browser` in tests/conftest.py): one Playwright per thread."""
    return browser


def guarded_context(browser: Any, site: Site, **options: Any) -> Any:
    """A browser context that aborts (and records) every request not to 127.0.0.1."""
    context = browser.new_context(**options)

    def guard(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            if "/assets/fonts/" in url:
                site.font_requests.append(url)
            route.continue_()
        else:
            site.foreign_requests.append(url)
            route.abort()

    context.route("**/*", guard)
    return context


def style(page: Any, selector: str, prop: str, pseudo: str | None = None) -> str:
    """The computed value of a CSS property on the first element matching selector."""
    return page.evaluate(
        "([s, p, ps]) => getComputedStyle(document.querySelector(s), ps).getPropertyValue(p)",
        [selector, prop, pseudo],
    )


def font_loaded(page: Any, family: str) -> bool:
    """Whether at least one face of family has been downloaded and is in use."""
    return page.evaluate(
        "f => [...document.fonts].some(x => x.family.replace(/[\"']/g, '') === f && x.status === 'loaded')",
        family,
    )
