"""Fixtures for browser tests against the real site: one build (with PDFs), one server, one Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / ".cache" / "test-site"
ARTIFACTS = REPO / "tests" / "artifacts"
# Material's instant navigation only intercepts links under site_url (port included), so the
# test site is built for, and served at, this fixed address.
TEST_PORT = int(os.environ.get("SLIDESITE_TEST_PORT", "8765"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The repository's site, built once per test run with PDFs (incremental across runs)."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "scripts"), SITE_URL=f"http://127.0.0.1:{TEST_PORT}/")
    done = subprocess.run(
        [sys.executable, "-m", "slidesite.build", "--pdf", "--site-dir", str(SITE)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1200,
    )
    assert done.returncode == 0, done.stderr
    return SITE


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", TEST_PORT), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def chromium(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=os.environ.get("CHROME_PATH", "/usr/bin/chromium"), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


class OffsiteGuard:
    """Aborts every request that leaves 127.0.0.1 and remembers it, so the test fails."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def __call__(self, route) -> None:  # noqa: ANN001 - Playwright's Route
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@pytest.fixture()
def context(chromium: Browser) -> Iterator[BrowserContext]:
    guard = OffsiteGuard()
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    ctx.route("**/*", guard)
    yield ctx
    ctx.close()
    assert guard.blocked == [], f"requests left 127.0.0.1: {guard.blocked}"


@pytest.fixture()
def page(context: BrowserContext) -> Page:
    return context.new_page()


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
