"""Fixtures shared by the content tests: each deck's cells run once per session, however many modules ask."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from slidesite.run.run_cells import run_cells

from tests.support import REPO as ROOT


@pytest.fixture(scope="session")
def deck_output() -> Callable[[str], str]:
    """deck_output("slides/x.md"): everything the deck's cells print, run by the build's executor once."""
    cache: dict[str, str] = {}

    def output(name: str) -> str:
        if name not in cache:
            runs = list(run_cells(ROOT / name))
            errors = [f"cell {r.cell.index}: {r.error}" for r in runs if r.error and not r.cell.expect_error]
            assert errors == [], f"{name}: " + "\n".join(errors)
            cache[name] = "".join(r.output for r in runs)
        return cache[name]

    return output
