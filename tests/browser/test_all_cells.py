"""Every live cell of every lecture page, article and deck runs in the browser (Pyodide), in order;
for two lectures, every text output computed at build equals what the browser prints (issue #11)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext
from slidesite.marp.compile import discover
from slidesite.source.cells import find_cells
from slidesite.source.deck import module_list, split_front_matter

from tests.support import REPO
from tests.support.server import offline_context

from .cells import frozen_texts, run_all_cells, wait_for_cells

FROZEN_EQUALS_LIVE = ("lectures/03-autodiff/", "lectures/02-gradient-descent/")


def _targets() -> list[tuple[str, Path]]:
    """Every textbook page with cells; the deck view too where it differs: decks that put Python
    modules beside their cells (fetched from the deck's own folder there). The deck view's runtime
    is otherwise the page's own, tested in test_livecode_deck.py and test_exercises.py."""
    targets = []
    for path in discover(REPO / "slides"):
        text = path.read_text(encoding="utf-8")
        if find_cells(text):
            targets.append((f"lectures/{path.stem}/", path))
            if module_list(split_front_matter(text, path)[0]):
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
def test_every_cell_runs(warm_context: BrowserContext, built_site: Path, site_url: str, url: str, source: Path):
    cells = find_cells(source.read_text(encoding="utf-8"))
    built = None
    if url in FROZEN_EQUALS_LIVE:
        built = frozen_texts((built_site / url / "index.html").read_text(encoding="utf-8"))
        assert len(built) >= 5
    page = warm_context.new_page()
    page.goto(site_url + url)
    wait_for_cells(page, len(cells))
    assert page.locator('.livecode[data-output="build"]').count() >= (len(built) if built else 0)
    problems = run_all_cells(page, {c.index for c in cells if c.expect_error}, built=built)
    page.close()
    assert problems == [], "\n".join(problems)
