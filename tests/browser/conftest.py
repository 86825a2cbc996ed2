"""Fixtures for browser tests against the real site: one build (with PDFs) and one server.

The browser, the guarded context and the page come from tests/conftest.py.
"""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import REPO

SITE = REPO / ".cache" / "test-site"
# Material's instant navigation only intercepts links under site_url (port included), so the
# test site is built for, and served at, this fixed address.
TEST_PORT = int(os.environ.get("SLIDESITE_TEST_PORT", "8765"))


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The repository's site, built once per test run with PDFs (incremental across runs)."""
    env = dict(os.environ, SITE_URL=f"http://127.0.0.1:{TEST_PORT}/")
    SITE.parent.mkdir(parents=True, exist_ok=True)
    # pytest-xdist workers share one site: the first builds it, the others wait and find it current.
    with open(SITE.parent / "test-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run(
            [sys.executable, "-m", "slidesite.build", "--pdf", "--site-dir", str(SITE)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=1200,
        )
    assert done.returncode == 0, done.stderr
    return SITE


def serve_site(directory: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    server = serve_site(built_site)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture()
def site_url_for_instant_navigation(built_site: Path) -> Iterator[str]:
    """The site at the address it was built for (Material's instant navigation compares ports)."""
    server = serve_site(built_site, TEST_PORT)
    yield f"http://127.0.0.1:{TEST_PORT}/"
    server.shutdown()
