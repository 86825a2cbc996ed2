"""Fixtures shared by the content tests: each file's cells run once per session (per pytest worker),
however many modules ask."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from slidesite.run.run_cells import CellRun, run_cells

from tests.support import REPO as ROOT


@pytest.fixture(scope="session")
def deck_runs() -> Callable[[str], list[CellRun]]:
    """deck_runs("slides/x.md"): each cell of the file and what it did, run by the build's executor once."""
    cache: dict[str, list[CellRun]] = {}

    def runs(name: str) -> list[CellRun]:
        if name not in cache:
            cache[name] = list(run_cells(ROOT / name))
        return cache[name]

    return runs


@pytest.fixture(scope="session")
def deck_output(deck_runs: Callable[[str], list[CellRun]]) -> Callable[[str], str]:
    """deck_output("slides/x.md"): everything the deck's cells print (and no cell raised unexpectedly)."""

    def output(name: str) -> str:
        runs = deck_runs(name)
        errors = [f"cell {r.cell.index}: {r.error}" for r in runs if r.error and not r.cell.expect_error]
        assert errors == [], f"{name}: " + "\n".join(errors)
        return "".join(r.output for r in runs)

    return output
