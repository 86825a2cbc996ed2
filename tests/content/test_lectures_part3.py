"""Lectures part 3 (issue 14): the new decks [6] and [7], and the restored sections of [3] and [4].

Each stated string is on a slide (lead-in, table or note) and must be printed by a cell, so a
number in the text can never drift from what the cells compute. A second run skips every cell
inside a closed answer box (<details>) — a reader who never opens one must not hit an error. An
exercise (```python exercise) runs its starter and then its solution there, as the browser does
for a reader who has not solved it: it runs the solution behind the scenes before a later cell
that uses its names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from slidesite.run.run_cells import page_session
from slidesite.source.cells import Cell, find_cells

from tests.support import REPO as ROOT

# deck -> strings its cells print; the ones without a newline also appear in the deck's text.
STATED: dict[str, list[str]] = {
    "slides/03-autodiff.md": [
        "week ndim: 2 shape: (7, 24) 要素数: 168",
        "左上の画素 (R, G, B): [0. 0. 1.]",
        "batch: (3, 6, 8, 3)",
        "PyTorch の並び: (3, 3, 6, 8)",
    ],
    "slides/04-nn-structure.md": [
        "一致: True",
    ],
    "slides/06-nn-implementation.md": [
        "形: (344, 8)",
        "残り: 333 羽",
        "オスの割合: 0.505",
        "学習: 267 羽 / 検証: 66 羽",
        "パラメータの数: 97",
        "学習データの正解率: 0.438",
        "82.8%",
        "p =  0.5: 損失 0.693",
        "[0.217 0.171 0.914 0.924]",
        "検証の正解率: [0.909 0.924 0.924]",
        "検証の正解率: 0.924",  # the predict exercise's next cell
        "オスである確率 0.996",
        "オスである確率 0.006",
        "オスである確率 0.828",
    ],
    "slides/07-competitions.md": [
        "学習: 216 羽 / テスト: 117 羽",
        "翼の長さ: 0.870",
        "くちばしの太さ: -0.484",
        "平均値    CV RMSE  793.3",
        "翼の長さ   CV RMSE  389.8",
        "CV RMSE 302.7",
        "CV 302.7 / Public 288.4 / Private 277.1",
        "Public 1 位の提出: Public 264.8 / Private 290.2",
        "最良: d = 4, λ = 0.1, CV RMSE 298.8",
        "探索の結果  : Public 296.8 / Private 284.1",
    ],
}

# Numbers the text states that the strings above contain (checked against the deck's text).
IN_TEXT: dict[str, list[str]] = {
    "slides/03-autodiff.md": ["168", "(64, 1, 28, 28)"],
    "slides/06-nn-implementation.md": [
        "333 羽",
        "0.505",
        "= 97$",
        "0.438",
        "82.8%",
        "0.924",
        "0.909",
        "0.996",
        "0.006",
        "0.828",
    ],
    "slides/07-competitions.md": [
        "117",
        "0.870",
        "$-0.484$",
        "793.3",
        "389.8",
        "302.7",
        "288.4",
        "277.1",
        "264.8",
        "290.2",
        "298.8",
        "284.1",
        "3.9 g",
        "82.5 g",
    ],
}

DECKS = sorted(STATED)
PART3 = [
    *DECKS,
    "slides/parameter-optimization.md",
    "docs/articles/derivative.md",
    "docs/articles/total-differential.md",
]


@pytest.fixture(scope="module")
def outputs(deck_output: Callable[[str], str]) -> dict[str, str]:
    return {name: deck_output(name) for name in DECKS}


@pytest.mark.parametrize(("name", "text"), [(n, t) for n in DECKS for t in STATED[n]])
def test_cell_prints_stated_value(outputs: dict[str, str], name: str, text: str) -> None:
    assert text in outputs[name], f"{name}: no cell prints {text!r}"


@pytest.mark.parametrize(("name", "text"), [(n, t) for n in IN_TEXT for t in IN_TEXT[n]])
def test_value_is_stated_in_the_deck(name: str, text: str) -> None:
    assert text in (ROOT / name).read_text(encoding="utf-8")


def _in_closed_answer(text: str, cell: Cell) -> bool:
    """Whether the cell's fence sits between <details> and </details>."""
    before = "\n".join(text.split("\n")[: cell.line - 1])
    return before.count("<details") > before.count("</details>")


def _run_skipping_answers(path: Path) -> tuple[list[str], int]:
    """Run the cells a reader runs without opening any answer box; return the errors and the skip count."""
    text = path.read_text(encoding="utf-8")
    errors, skipped = [], 0
    with page_session(path) as (session, cells):
        for cell in cells:
            if _in_closed_answer(text, cell):
                skipped += 1
                continue
            out: list[str] = []
            status = session.run_cell(cell.code, cell.index, lambda kind, text, out=out: out.append(text))
            if cell.exercise:  # a reader who has not solved it: the solution runs behind the scenes
                status = status if status != "ok" else session.run_quietly(cell.solution, "solution")[0]
            if status != "ok" and not cell.expect_error:
                errors.append(f"cell {cell.index} (line {cell.line}): " + "".join(out))
    return errors, skipped


@pytest.mark.parametrize("name", PART3)
def test_reader_who_opens_no_answer_box_hits_no_error(name: str) -> None:
    errors, _ = _run_skipping_answers(ROOT / name)
    assert errors == []


@pytest.mark.parametrize(
    "name", [*DECKS, "slides/parameter-optimization.md", "slides/02-gradient-descent.md", "slides/05-nn-training.md"]
)
def test_cells_fit_a_slide(name: str) -> None:
    for cell in find_cells((ROOT / name).read_text(encoding="utf-8")):
        lines = cell.code.rstrip("\n").split("\n")
        assert len(lines) <= 12, f"{name}: cell {cell.index} has {len(lines)} lines"
        # A #@param annotation may run past the edge: the control under the code shows its range.
        code = [line.split("#@param")[0].rstrip() for line in lines]
        assert max(len(line) for line in code) <= 60, f"{name}: cell {cell.index} has a line over 60 characters"


def test_new_decks_state_their_data_source_and_license() -> None:
    for name in ("slides/06-nn-implementation.md", "slides/07-competitions.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "data/penguins.csv" in text
        assert "CC0" in text
    source = (ROOT / "slides/data/penguins-SOURCE.txt").read_text(encoding="utf-8")
    assert "CC0" in source and "Gorman" in source


def test_no_slang_or_half_width_parentheses_in_japanese_text() -> None:
    for name in (
        "slides/04-nn-structure.md",
        "slides/05-nn-training.md",
        "slides/06-nn-implementation.md",
        "slides/07-competitions.md",
    ):
        text = (ROOT / name).read_text(encoding="utf-8")
        prose = re.sub(r"```.*?```|\$\$.*?\$\$|\$[^$\n]*\$|`[^`\n]*`", "", text, flags=re.S)
        assert not re.search(r"[ぁ-んァ-ヶ一-龠]\(|\)[ぁ-んァ-ヶ一-龠]", prose), name
    for name in ("slides/01-learning.md", "slides/02-gradient-descent.md", "slides/05-nn-training.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "おわってます" not in text and "ヨシ" not in text


def test_learning_rate_is_eta_and_step_is_k() -> None:
    for name in (
        "slides/calculus-and-optimization.md",
        "docs/articles/derivative.md",
        "docs/articles/total-differential.md",
    ):
        assert "\\alpha" not in (ROOT / name).read_text(encoding="utf-8"), name
    assert "x_{n+1}" not in (ROOT / "slides/03-autodiff.md").read_text(encoding="utf-8")
