"""Fixtures for browser tests against the real site: one build (with PDFs) and one server.

The browser, the guarded context, the page and the static server come from tests/conftest.py.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import static_server

from .helpers import REPO, TEST_PORT

SITE = REPO / ".cache" / "test-site"


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


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    with static_server(built_site) as server:
        yield server.url + "/"


@pytest.fixture()
def site_url_for_instant_navigation(built_site: Path) -> Iterator[str]:
    """The site at the address it was built for (Material's instant navigation compares ports)."""
    with static_server(built_site, port=TEST_PORT) as server:
        yield server.url + "/"
