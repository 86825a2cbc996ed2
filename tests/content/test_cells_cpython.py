"""Every live cell of every deck and page runs in CPython too (the browser tests run them in Pyodide)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from slidesite.run.run_cells import CellRun, failures
from slidesite.source.cells import find_cells

from tests.support import REPO

SOURCES = sorted(
    p for p in [*REPO.glob("slides/**/*.md"), *REPO.glob("docs/**/*.md")] if find_cells(p.read_text(encoding="utf-8"))
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_cells_run_in_order_without_unexpected_errors(path: Path, deck_runs: Callable[[str], list[CellRun]]):
    rel = path.relative_to(REPO).as_posix()
    assert failures(path, deck_runs(rel)) == []
