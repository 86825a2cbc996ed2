"""Lectures part 4 (issue 23): the hands-on slides of [6] and the validation slides of [7].

Every number these slides state is printed by a cell (STATED) and quoted in the deck (IN_TEXT). On
top of that: one batch's shapes, a validation loss on every epoch's line, the year hold-out score
recomputed here from the CSV without the deck's code, no 2009 row in any cross-validation fold (the
deck's own and the scikit-learn snippet's), and every static PyTorch/pandas block is valid Python.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from slidesite.run.run_cells import page_session

from tests.support import REPO as ROOT

NN = "slides/06-nn-implementation.md"
COMP = "slides/07-competitions.md"

STATED: dict[str, list[str]] = {
    NN: [
        "列の番号: [2, 3, 4, 5]",
        "そのまま引くと: (333, 333)",
        "reshape(-1, 1) で: (333, 1) → 引き算 (333, 1)",
        "学習 平均    : [0. 0. 0. 0.]",
        "学習 標準偏差: [1. 1. 1. 1.]",
        "0.01 刻み: 82.8%",
        "0.001 刻み: 96.9%",
        "hidden= 0: 学習の損失 0.265, 検証の損失 0.205, 正解率 0.909",
        "hidden=16: 学習の損失 0.217, 検証の損失 0.171, 正解率 0.924",
        "検証の 1 羽 = 正解率 0.015",
        "比 6.0",
        "drop_last=False: 9 個, 最後のバッチは 11 羽",
        "drop_last=True: 8 個, 最後のバッチは 32 羽",
        "1 つ目のバッチ: 入力 (32, 4) 正解 (32,)",
        "予測が同じ: True",
        "id,sex\n",
        "行数: 66 / id の重複なし: True",
    ],
    COMP: [
        "+ 種・性別: CV RMSE 307.3 g (82.5 g 改善)",
        "+ くちばし: CV RMSE 302.7 g (4.6 g 改善)",
        "学習: 103 羽 / 検証: 113 羽",
        "+ くちばし: K 分割 302.7 / 年で分ける 286.1",
        "翼の長さ : K 分割 389.8 / 年で分ける 391.6 / テスト 402.0",
        "+ 種・性別: K 分割 307.3 / 年で分ける 297.8 / テスト 292.4",
        "+ くちばし: K 分割 302.7 / 年で分ける 286.1 / テスト 280.5",
        "学習 vs テスト  : AUC 0.628",
        "でたらめなラベル: AUC 0.445",
        "翼の長さ: 学習 200.1 / テスト 202.6",
    ],
}

IN_TEXT: dict[str, list[str]] = {
    NN: ["82.8%", "0.909", "0.924", "0.205 → 0.171", "（0.015）", "`(32, 4)`", "`(32,)`", "11 羽", "66 羽", "267 羽"],
    COMP: ["389.8 g", "82.5 g", "4.6 g", "302.7 g", "103 羽", "216 羽", "0.628", "0.445", "2.5 mm"],
}


@pytest.fixture(scope="module")
def outputs(deck_output: Callable[[str], str]) -> dict[str, str]:
    return {name: deck_output(name) for name in (NN, COMP)}


def test_cells_print_and_slides_state_the_numbers(outputs: dict[str, str]) -> None:
    for name, texts in STATED.items():
        missing = [t for t in texts if t not in outputs[name]]
        assert missing == [], f"{name}: no cell prints {missing}"
    for name, texts in IN_TEXT.items():
        text = (ROOT / name).read_text(encoding="utf-8")
        assert [t for t in texts if t not in text] == [], name


def test_a_batch_has_the_shapes_the_slides_state(outputs: dict[str, str]) -> None:
    text = (ROOT / NN).read_text(encoding="utf-8")
    batch = re.search(r"1 つ目のバッチ: 入力 \((\d+), (\d+)\) 正解 \((\d+),\)", outputs[NN])
    assert batch, "no cell prints one batch's shapes"
    size, features, labels = map(int, batch.groups())
    assert (size, features, labels) == (32, 4, 32)
    assert "batch_size=32" in text and "drop_last=True" in text and "shuffle=True" in text
    # the PyTorch block states the same batch, with the labels as a column
    assert "# torch.Size([32, 4]) torch.Size([32, 1]) 8" in text


def test_validation_loss_is_printed_on_every_epoch(outputs: dict[str, str]) -> None:
    lines = re.findall(r"^epoch (\d+): 学習の損失 ([\d.]+) / 検証の損失 ([\d.]+) / 正解率 ([\d.]+)$", outputs[NN], re.M)
    assert [int(e) for e, *_ in lines] == list(range(1, len(lines) + 1)) and len(lines) >= 5
    losses = [float(v) for _, _, v, _ in lines]
    assert losses[-1] < losses[0]  # it learns
    loop = (ROOT / NN).read_text(encoding="utf-8")
    loop = loop[loop.index("PyTorch 版: 検証つきの学習ループ") :]
    loop = loop[: loop.index("\n---\n")]
    for needed in ("model.train()", "opt.zero_grad()", "loss.backward()", "opt.step()", "running +=",
                   "model.eval()", "torch.no_grad()", "検証 {total / len(val_set):.3f}"):
        assert needed in loop, needed


def _csv() -> tuple[np.ndarray, np.ndarray]:
    raw = np.genfromtxt(ROOT / "slides/data/penguins.csv", delimiter=",", dtype=str, encoding="utf-8")
    header, rows = raw[0], raw[1:]
    return header, rows[~(rows == "NA").any(axis=1)]


def test_year_hold_out_score_is_right(outputs: dict[str, str]) -> None:
    header, rows = _csv()
    col = {name: i for i, name in enumerate(header)}
    year = rows[:, col["year"]].astype(int)
    species = rows[:, col["species"]]
    features = np.column_stack([
        np.ones(len(rows)),
        rows[:, [col["flipper_length_mm"], col["bill_length_mm"], col["bill_depth_mm"]]].astype(float),
        species == "Chinstrap", species == "Gentoo", rows[:, col["sex"]] == "male",
    ]).astype(float)
    mass = rows[:, col["body_mass_g"]].astype(float)
    past, future = year == 2007, year == 2008
    w = np.linalg.lstsq(features[past], mass[past], rcond=None)[0]
    score = np.sqrt(np.mean((features[future] @ w - mass[future]) ** 2))
    printed = re.search(r"\+ くちばし: K 分割 [\d.]+ / 年で分ける ([\d.]+)\n", outputs[COMP])
    assert printed and float(printed.group(1)) == round(score, 1)


def _namespace(name: str, before: Callable[[dict[str, Any], str], None]) -> dict[str, Any]:
    """Run a deck's cells (each exercise with its solution after it) in one Session; call before() ahead of each."""
    with page_session(ROOT / name) as (session, cells):
        for cell in cells:
            before(session.namespace, cell.code)
            session.run_cell(cell.code, cell.index, _ignore)
            if cell.exercise:
                session.run_quietly(cell.solution, f"solution {cell.index}")
        return session.namespace


def _ignore(kind: str, text: str) -> None:
    pass


def test_no_test_year_row_is_in_any_cross_validation() -> None:
    seen: list[np.ndarray] = []

    def spy(namespace: dict[str, Any], code: str) -> None:
        """Once cv_rmse exists, make every feature function it is given record the rows it is asked for."""
        cv = namespace.get("cv_rmse")
        if cv is None or getattr(cv, "spied", False):
            return

        def spied(features: Callable[[np.ndarray], np.ndarray], *args: Any, **kwargs: Any) -> Any:
            def recording(idx: np.ndarray) -> np.ndarray:
                seen.append(np.asarray(idx))
                return features(idx)

            return cv(recording, *args, **kwargs)

        spied.spied = True  # type: ignore[attr-defined]
        namespace["cv_rmse"] = spied

    namespace = _namespace(COMP, spy)
    year = namespace["year"]
    assert len(seen) > 50
    assert sorted({int(y) for idx in seen for y in year[idx]}) == [2007, 2008]
    # the year hold-out trains on 2007 and validates on 2008 only
    assert set(year[namespace["tr7"]]) == {2007} and set(year[namespace["va8"]]) == {2008}
    # the scikit-learn snippet drops the 2009 rows before it cross-validates
    text = (ROOT / COMP).read_text(encoding="utf-8")
    snippet = text[text.index("import pandas as pd") :]
    snippet = snippet[: snippet.index("```")]
    assert snippet.index('df = df[df["year"] <= 2008]') < snippet.index("cross_val_score(")


@pytest.mark.parametrize("name", [NN, COMP])
def test_static_python_blocks_are_valid_python(name: str) -> None:
    text = (ROOT / name).read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)
    assert blocks
    for block in blocks:
        compile(textwrap.dedent(block), name, "exec")  # a right column may continue a loop: dedented
