"""The one static server of the suite, and the guard every browser context goes through: it aborts each
request that leaves 127.0.0.1 and fails the test at teardown if there was one."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Route

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
