"""Fixtures for browser tests against the real site: one build (with PDFs) and one server.

The browser, the guarded context and the page come from tests/conftest.py.
"""

from __future__ import annotations

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
