"""The 03-autodiff deck: its cells run in order and print the numbers its slides state."""

from __future__ import annotations

import pytest
from slidesite.run.run_cells import run_cells
from slidesite.source.cells import find_cells

from tests.support import REPO

DECK = REPO / "slides" / "03-autodiff.md"


# Each string is stated on a slide (in a lead-in line) and must be printed by a cell. The answers of
# the exercises 3-1 to 3-4 are checked values instead (tests/content/test_exercises_content.py).
STATED = [
    "8.0\n-218.46255913000275\n-218.46252\n8.0",  # hand-derived checks of the PyTorch examples
    "i f\n",  # exercise 1 (4): an integer makes an integer array (dtype.kind)
    "[2. 3. 4.]",
    "[[1. 1. 1.]\n [1. 1. 1.]]",
    "[2. 4.]",
    "4.0000010006480125",  # diff(x**2, 2) with h = 1e-6
    "3.162277660168379e-08",  # h with the smallest error
    "評価回数: 1001",
    "2.000001018132025",
    "4.0 -2.0",  # sum over paths
    "Var(2, grad=1)",
    "8.0\n-218.46255913000275\n8.0",  # the Var reproduction of the PyTorch examples
    "[2.0, 3.0, 4.0]\n21.0 [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]\n2.0 4.0",
    "0.35173371125354774",  # gradient descent on x^2 + e^-x
    "0.1900087837274012 -0.42133839756370395",  # the hard function
]


@pytest.fixture(scope="module")
def outputs() -> str:
    runs = list(run_cells(DECK))
    assert [r.error for r in runs if r.error and not r.cell.expect_error] == []
    return "".join(r.output for r in runs)


@pytest.mark.parametrize("text", STATED)
def test_cell_prints_stated_number(outputs: str, text: str) -> None:
    assert text in outputs


@pytest.mark.parametrize("text", [t for t in STATED if "\n" not in t and not t.startswith("[")])
def test_number_is_on_a_slide(text: str) -> None:
    assert text in DECK.read_text(encoding="utf-8")


def test_cells_fit_a_slide() -> None:
    for cell in find_cells(DECK.read_text(encoding="utf-8")):
        lines = cell.code.rstrip("\n").split("\n")
        assert len(lines) <= 12, f"cell {cell.index} has {len(lines)} lines"
        assert max(len(line) for line in lines) <= 60, f"cell {cell.index} has a long line"
