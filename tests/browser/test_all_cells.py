"""Every live cell of every lecture page, article and deck runs in the browser (Pyodide), in order."""

from pathlib import Path

import pytest
from playwright.sync_api import Page
from slidesite.cells import find_cells
from slidesite.deckbuild import discover

from .cells import run_all_cells, wait_for_cells

pytestmark = pytest.mark.browser
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


@pytest.mark.parametrize(("url", "source"), _targets(), ids=[t[0] for t in _targets()])
def test_every_cell_runs(page: Page, site_url: str, url: str, source: Path):
    cells = find_cells(source.read_text(encoding="utf-8"))
    page.goto(site_url + url)
    wait_for_cells(page, len(cells))
    problems = run_all_cells(page, {c.index for c in cells if c.expect_error})
    assert problems == [], "\n".join(problems)
