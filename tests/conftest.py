"""Shared fixtures: a headless Chromium that may only talk to 127.0.0.1, static servers."""

from __future__ import annotations

import functools
import html
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from slidesite.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]

LOCAL_HOSTS = {"127.0.0.1"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extra_headers: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        for key, value in self.extra_headers.items():
            self.send_header(key, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class StaticServer:
    """A threaded http.server for one directory on 127.0.0.1, on a free port."""

    def __init__(self, root: Path, headers: dict[str, str] | None = None) -> None:
        handler = type("Handler", (_Handler,), {"extra_headers": headers or {}})
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
        )
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def set_headers(self, headers: dict[str, str]) -> None:
        """Headers added to every later response (e.g. COOP/COEP for cross-origin isolation)."""
        self.httpd.RequestHandlerClass.func.extra_headers = headers  # type: ignore[attr-defined]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def serve() -> Iterator[Callable[..., StaticServer]]:
    """serve(directory, headers=None) -> StaticServer; stopped after the test."""
    servers: list[StaticServer] = []

    def start(root: Path, headers: dict[str, str] | None = None) -> StaticServer:
        server = StaticServer(root, headers)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    import playwright.sync_api as playwright_api

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run scripts/test, which installs Debian's chromium")
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class OfflineGuard:
    """Aborts every request that leaves 127.0.0.1 and remembers it (the test then fails)."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def route(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()  # type: ignore[attr-defined]
        else:
            self.blocked.append(url)
            route.abort()  # type: ignore[attr-defined]


@pytest.fixture()
def context(browser: object) -> Iterator[object]:
    """A fresh browser context (empty cache, storage) guarded against outside requests."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    guard = OfflineGuard()
    ctx.route("**/*", guard.route)
    ctx.guard = guard
    yield ctx
    ctx.close()
    assert not guard.blocked, f"requests left 127.0.0.1: {guard.blocked}"


@pytest.fixture()
def page(context: object) -> object:
    page = context.new_page()  # type: ignore[attr-defined]
    page.set_default_timeout(30_000)
    return page


# ------------------------------------------------------------------ live-cell fixture site


@pytest.fixture(scope="session")
def runtime_assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site directory holding only assets/ from install_runtime (hard links into the cache)."""
    from slidesite.livecode_assets import install_runtime

    site = tmp_path_factory.mktemp("livecode-site")
    install_runtime(site, node_modules=ROOT / "node_modules")
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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: needs headless Chromium (Playwright)")
