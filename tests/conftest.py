"""Shared fixtures: the one static server and the one offline guard of the suite, a headless Chromium.

Every browser context comes from `offline_context`: it aborts each request that leaves 127.0.0.1
and fails the test at teardown if there was one. Tests that drive Chromium get the `browser` marker
on their own (see pytest_collection_modifyitems), so `pytest -m "not browser"` is the fast tier.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from slidesite.chromium import CHROMIUM, CHROMIUM_ARGS
from slidesite.paths import Project

from tests.support import REPO
from tests.support.server import StaticServer, offline_context

REPO_PROJECT = Project.at(REPO)  # this repository as a project: its node_modules and runtime cache
BROWSER_FIXTURES = {"browser", "context", "page"}


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
    browser_dir = REPO / "tests" / "browser"
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.path.is_relative_to(browser_dir) or fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)


# ------------------------------------------------------------------ live-cell fixture site


@pytest.fixture(scope="session")
def runtime_assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site directory holding only assets/ from install_runtime (hard links into the cache)."""
    from slidesite.livecode.assets import install_runtime

    site = tmp_path_factory.mktemp("livecode-site")
    install_runtime(site, cache=REPO_PROJECT.runtime_cache, node_modules=REPO_PROJECT.node_modules)
    return site
