"""Every live cell of every lecture page, article and deck runs in the browser (Pyodide), in order."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import offline_context
from playwright.sync_api import Browser, BrowserContext
from slidesite.cells import find_cells
from slidesite.deckbuild import discover

from .cells import run_all_cells, wait_for_cells

REPO = Path(__file__).resolve().parents[2]


def _targets() -> list[tuple[str, Path]]:
    targets = []
    for path in discover(REPO / "slides"):
        if find_cells(path.read_text(encoding="utf-8")):
            targets.append((f"lectures/{path.stem}/", path))
            targets.append((f"slides/{path.stem}/", path))
    for path in sorted((REPO / "docs").rglob("*.md")):
        if find_cells(path.read_text(encoding="utf-8")):
            rel = path.relative_to(REPO / "docs").with_suffix("")
            url = "" if rel.name == "index" else f"{rel.as_posix()}/"
            targets.append((url, path))
    return targets


@pytest.fixture(scope="module")
def warm_context(browser: Browser) -> Iterator[BrowserContext]:
    """One context for the whole module: Pyodide's files come from the HTTP cache after the first page."""
    with offline_context(browser, viewport={"width": 1280, "height": 900}) as (ctx, _):
        yield ctx


@pytest.mark.parametrize(("url", "source"), _targets(), ids=[t[0] for t in _targets()])
def test_every_cell_runs(warm_context: BrowserContext, site_url: str, url: str, source: Path):
    cells = find_cells(source.read_text(encoding="utf-8"))
    page = warm_context.new_page()
    page.goto(site_url + url)
    wait_for_cells(page, len(cells))
    problems = run_all_cells(page, {c.index for c in cells if c.expect_error})
    page.close()
    assert problems == [], "\n".join(problems)
