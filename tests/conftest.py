"""Shared fixtures: the one static server and the one offline guard of the suite, a headless Chromium.

Every browser context comes from `offline_context`: it aborts each request that leaves 127.0.0.1
and fails the test at teardown if there was one. Tests that drive Chromium get the `browser` marker
on their own (see pytest_collection_modifyitems), so `pytest -m "not browser"` is the fast tier.
"""

from __future__ import annotations

import functools
import html
import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright
from slidesite.chromium import CHROMIUM, CHROMIUM_ARGS
from slidesite.paths import Project

ROOT = Path(__file__).resolve().parents[1]
REPO_PROJECT = Project.at(ROOT)  # this repository as a project: its node_modules and runtime cache
LOCAL_HOSTS = {"127.0.0.1"}
BROWSER_FIXTURES = {"browser", "context", "page"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extra_headers: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        for key, value in self.extra_headers.items():
            self.send_header(key, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class StaticServer:
    """A threaded http.server for one directory on 127.0.0.1, on a free port unless one is given."""

    def __init__(self, root: Path, headers: dict[str, str] | None = None, port: int = 0) -> None:
        self.handler: type[_Handler] = type("Handler", (_Handler,), {"extra_headers": headers or {}})
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", port), functools.partial(self.handler, directory=str(root))
        )
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def set_headers(self, headers: dict[str, str]) -> None:
        """Headers added to every later response (e.g. COOP/COEP for cross-origin isolation)."""
        self.handler.extra_headers = headers

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def static_server(root: Path, headers: dict[str, str] | None = None, port: int = 0) -> Iterator[StaticServer]:
    """A StaticServer for the with-block (for fixtures of a wider scope than `serve`)."""
    server = StaticServer(root, headers, port)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture()
def serve() -> Iterator[Callable[..., StaticServer]]:
    """serve(directory, headers=None, port=0) -> StaticServer; stopped after the test."""
    servers: list[StaticServer] = []

    def start(root: Path, headers: dict[str, str] | None = None, port: int = 0) -> StaticServer:
        server = StaticServer(root, headers, port)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run scripts/test, which installs Debian's chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class OfflineGuard:
    """Aborts every request that leaves 127.0.0.1 and remembers it; remembers the local ones too."""

    def __init__(self) -> None:
        self.blocked: list[str] = []
        self.local: list[str] = []

    def route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOCAL_HOSTS:
            self.local.append(url)
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@contextmanager
def offline_context(browser: Browser, **options: Any) -> Iterator[tuple[BrowserContext, OfflineGuard]]:
    """A fresh browser context (empty cache and storage) behind an OfflineGuard; fails at exit if it blocked."""
    ctx = browser.new_context(**options)
    guard = OfflineGuard()
    ctx.route("**/*", guard.route)
    try:
        yield ctx, guard
    finally:
        ctx.close()
    assert not guard.blocked, f"requests left 127.0.0.1: {guard.blocked}"


@pytest.fixture()
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh guarded browser context for one test."""
    with offline_context(browser, viewport={"width": 1280, "height": 900}) as (ctx, _):
        yield ctx


@pytest.fixture()
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser/ or using a browser fixture is a `browser` test."""
    browser_dir = ROOT / "tests" / "browser"
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.path.is_relative_to(browser_dir) or fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)


# ------------------------------------------------------------------ live-cell fixture site


@pytest.fixture(scope="session")
def runtime_assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site directory holding only assets/ from install_runtime (hard links into the cache)."""
    from slidesite.livecode_assets import install_runtime

    site = tmp_path_factory.mktemp("livecode-site")
    install_runtime(site, cache=REPO_PROJECT.runtime_cache, node_modules=REPO_PROJECT.node_modules)
    return site


def cell_html(code: str, index: int, options: str = "") -> str:
    """What the build pipeline emits for a ```python run … fence."""
    return f'<pre class="livecode-source" data-cell="{index}" data-options="{html.escape(options)}">{html.escape(code)}</pre>'


def write_page(
    site: Path,
    rel: str,
    cells: list[str | tuple[str, str]],
    *,
    preload: str = "run",
    extra_body: str = "",
    head_extra: str = "",
) -> str:
    """Write site/rel/index.html with the given cells; returns the URL path."""
    from slidesite.livecode_assets import runtime_head_tags

    folder = site / rel
    folder.mkdir(parents=True, exist_ok=True)
    depth = len([p for p in rel.split("/") if p])
    assets = "/".join([".."] * depth + ["assets"]) if depth else "assets"
    blocks = []
    for i, cell in enumerate(cells, 1):
        code, options = (cell, "") if isinstance(cell, str) else cell
        blocks.append(f"<h2>セル {i}</h2>\n{cell_html(code, i, options)}")
    body = "\n".join(blocks)
    (folder / "index.html").write_text(
        f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{rel}</title>
{runtime_head_tags(assets, preload=preload)}{head_extra}</head>
<body><main><h1>テスト</h1>
{body}
{extra_body}
<button id="other" type="button" onclick="this.dataset.clicks=(+this.dataset.clicks||0)+1">other</button>
</main></body></html>
""",
        encoding="utf-8",
    )
    return f"/{rel.strip('/')}/" if rel.strip("/") else "/"
