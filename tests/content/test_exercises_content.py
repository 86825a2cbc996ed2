"""Checked exercises of the lecture decks (issue 13): how many, their hints, and what their checks accept.

The build (and `run_cells`, the same machinery) already stops when a solution or a check line raises
or when a starter passes every check. On top of that, here:

- each deck has the exercises it should, each with its hints, and no hand-made answer checking is left
  (no NotImplementedError starter, no try/except 答え合わせ cell, no live cell in a closed <details>);
- every starter runs without an error, and the build's expected values are the right answers
  (computed here by hand, independently of the solution);
- answers written differently from the solution (another formula, dtype or algorithm) pass the same
  check lines, and the usual mistakes fail them: the checks test values, not the solution's wording.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from slidesite.livecode import check as livecode_check
from slidesite.livecode import runner
from slidesite.livecode.cell_html import defined_names
from slidesite.run.run_cells import CellRun, page_session
from slidesite.source.cells import Cell, find_cells

from tests.support import REPO as ROOT

# deck -> its exercises in order: a name the solution defines, and how many hints it has.
EXERCISES: dict[str, list[tuple[str, int]]] = {
    "slides/01-learning.md": [("answer", 3)],
    "slides/02-gradient-descent.md": [("df2", 2), ("df4", 2)],
    "slides/03-autodiff.md": [
        ("gray", 2),  # 練習: テンソルの形
        ("scalar", 2),  # 演習1: Tensor をつくる (as NumPy arrays)
        ("grad_y", 2),  # 演習3-1
        ("grad_f", 2),  # 演習3-2
        ("grad_quad", 2),  # 演習3-3
        ("hard", 2),  # 演習3-4
    ],
    "slides/05-nn-training.md": [("fit_all", 2)],
    "slides/06-nn-implementation.md": [("predict", 2)],
    "slides/07-competitions.md": [("my_features", 2)],
    "slides/parameter-optimization.md": [("MySGD", 2), ("Momentum", 2)],
}
DECKS = sorted(EXERCISES)


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _momentum_route(lr: float, alpha: float, steps: int, start: tuple[float, float]) -> list[list[float]]:
    """Momentum on z = x²/20 + y² (∇z = (x/10, 2y)), by the formula on the slide."""
    p, v, route = list(start), [0.0, 0.0], [list(start)]
    for _ in range(steps):
        g = [p[0] / 10, 2 * p[1]]
        v = [alpha * v[i] - lr * g[i] for i in range(2)]
        p = [p[i] + v[i] for i in range(2)]
        route.append(list(p))
    return route


W_HALF = 0.35173371124919584  # W(1/2): w e^w = 1/2, the minimiser of x² + e^(-x)
HARD_MIN = 0.190008783727  # the minimiser of the hard function (第三問, 演習3-4)

# (deck, exercise) -> the right value of each check line, worked out by hand; None: not checked here.
ANSWERS: dict[tuple[str, str], list[Any]] = {
    ("slides/01-learning.md", "answer"): [1 / 3],
    ("slides/02-gradient-descent.md", "df2"): [-1.0, -4 - math.exp(2), W_HALF],
    ("slides/02-gradient-descent.md", "df4"): [-1 / 6, None, HARD_MIN],
    ("slides/03-autodiff.md", "gray"): [(64, 1, 28, 28), 0.0],
    ("slides/03-autodiff.md", "scalar"): [3.0, [3.0, 4.0, 5.0], [[3.0, 4.0, 5.0], [6.0, 7.0, 8.0]], "f"],
    ("slides/03-autodiff.md", "grad_y"): [8.0, 2.0, -3.0],  # 2x + 2
    ("slides/03-autodiff.md", "grad_f"): [[2.0, 4.0, 6.0], [-2.0, 1.0, 0.0]],  # 2x
    ("slides/03-autodiff.md", "grad_quad"): [[10.0, 8.0], [0.0, -3.0]],  # 2Wx
    ("slides/03-autodiff.md", "hard"): [
        -math.log(1.5),
        -math.log(_sigmoid(2.0) + 1) / 5,
        HARD_MIN,
    ],
    ("slides/07-competitions.md", "my_features"): [True, True],
    ("slides/parameter-optimization.md", "MySGD"): [
        [[-7.0, 2.0], [-7.0 + 0.95 * 0.7, 2.0 - 0.95 * 4.0]],
        [3.0 * 0.97**5, -1.0 * 0.4**5],  # x ← (1 - η/10) x, y ← (1 - 2η) y
    ],
    ("slides/parameter-optimization.md", "Momentum"): [
        _momentum_route(0.1, 0.9, 3, (-7.0, 2.0))[-1],
        _momentum_route(0.05, 0.5, 10, (3.0, -1.0))[-1],
    ],
}

# (deck, exercise) -> answers that differ from the solution but are right: they must pass.
OTHER_RIGHT: dict[tuple[str, str], list[str]] = {
    ("slides/01-learning.md", "answer"): [
        "answer = mse(np.array([3, 5, 6]), f(np.array([1, 2, 3]), 2, 1))",
        "answer = 0.333333333",
    ],
    ("slides/02-gradient-descent.md", "df2"): [
        "def df2(x):\n    return -np.exp(-x) + x * 2",
    ],
    ("slides/02-gradient-descent.md", "df4"): [
        # by hand (the second hint)
        "def df4(x):\n    s = 1 / (1 + math.exp(-x))\n    g = math.log(s + 1)\n    dg = s * (1 - s) / (s + 1)\n"
        "    return -(dg * (x * x + 1) - 2 * x * g) / (x * x + 1) ** 2",
        "def df4(x, h=1e-5):\n    return (f4(x + h) - f4(x - h)) / (2 * h)",
        "def df4(x, h=1e-7):\n    return (f4(x + h) - f4(x)) / h",  # a forward difference, small h
    ],
    ("slides/03-autodiff.md", "gray"): [
        "gray = np.zeros((64, 1, 28, 28), dtype=np.float32)",
        "gray = np.zeros(64 * 28 * 28).reshape(64, 1, 28, 28)",
    ],
    ("slides/03-autodiff.md", "scalar"): [
        "scalar = 3.0\nvector = np.array([3, 4, 5], dtype=float)\nmatrix = np.arange(3.0, 9.0).reshape(2, 3)",
        "scalar = np.float32(3)\nvector = np.array([3, 4, 5], np.float32)\n"
        "matrix = np.array([[3, 4, 5], [6, 7, 8]], np.float32)",
    ],
    ("slides/03-autodiff.md", "grad_y"): [
        "def grad_y(x):\n    return 2 * x + 2",
        "def grad_y(x):\n    v = Var(x)\n    ((v + 1) ** 2).backward()\n    return v.grad",
    ],
    ("slides/03-autodiff.md", "grad_f"): [
        "def grad_f(*xs):\n    vs = [Var(x) for x in xs]\n    sum(v * v for v in vs).backward()\n"
        "    return np.array([v.grad for v in vs])",
        "def grad_f(x1, x2, x3):\n    return (2 * x1, 2 * x2, 2 * x3)",
    ],
    ("slides/03-autodiff.md", "grad_quad"): [
        "def grad_quad(x1, x2):\n    return [2 * (x1 + 2 * x2), 2 * (2 * x1 + x2)]",
        "def grad_quad(x1, x2):\n    a, b = Var(x1), Var(x2)\n    y = a * a + 4 * a * b + b * b\n"
        "    y.backward()\n    return [a.grad, b.grad]",
    ],
    ("slides/03-autodiff.md", "hard"): [
        "def hard(x):\n    s = 1 / (1 + exp(-x))\n    return -1 / (x ** 2 + 1) * log(s + 1)",
        "def hard(x):\n    return -log((2 + exp(-x)) / (1 + exp(-x))) / (x * x + 1)",
    ],
    ("slides/05-nn-training.md", "fit_all"): [
        "def fit_all(x, y):\n    s = np.sort(x)\n    m = np.r_[s[0] - 1, (s[1:] + s[:-1]) / 2]\n"
        "    b = 20 / np.diff(s).min()\n    A = sigmoid(b * (x[:, None] - m))\n"
        "    a = np.linalg.lstsq(A, y, rcond=None)[0]\n"
        "    return lambda t: sigmoid(b * (t[:, None] - m)) @ a",
        # other step positions (the points themselves, shifted half a gap) and the inverse matrix
        "def fit_all(x, y):\n    s = np.sort(x)\n    m = s - np.diff(s).min() / 2\n"
        "    b = 40 / np.diff(s).min()\n    A = sigmoid(b * (x[:, None] - m))\n"
        "    a = np.linalg.inv(A) @ y\n"
        "    return lambda t: sigmoid(b * (t[:, None] - m)) @ a",
    ],
    ("slides/06-nn-implementation.md", "predict"): [
        "def predict(params, X):\n    return forward(params, X)[-1][:, 0] > 0.5",  # booleans
        "def predict(params, X):\n    p = forward(params, X)[-1].ravel()\n    return np.where(p >= 0.5, 1.0, 0.0)",
    ],
    ("slides/07-competitions.md", "my_features"): [
        # species and sex alone (no bill columns); a full one-hot with lstsq's minimum-norm answer
        "def my_features(idx):\n    sp = species[idx]\n    return np.column_stack([ones(idx), num[idx, 2],\n"
        "        sp == 'Chinstrap', sp == 'Gentoo', sex[idx] == 'male'])",
        "def my_features(idx):\n    return np.column_stack([ones(idx), num[idx, :3],\n"
        "        *(species[idx] == s for s in np.unique(species)), sex[idx] == 'female'])",
    ],
    ("slides/parameter-optimization.md", "MySGD"): [
        "class MySGD:\n    def __init__(self, lr=0.1):\n        self.lr = lr\n"
        "    def update(self, params, grads):\n        for k, g in grads.items():\n"
        "            params[k] = params[k] - g * self.lr",
    ],
    ("slides/parameter-optimization.md", "Momentum"): [
        "class Momentum:\n    def __init__(self, lr=0.01, momentum=0.9):\n"
        "        self.lr, self.momentum, self.v = lr, momentum, {}\n"
        "    def update(self, params, grads):\n        for k in params:\n"
        "            self.v[k] = -self.lr * grads[k] + self.momentum * self.v.get(k, 0)\n"
        "            params[k] = params[k] + self.v[k]",
    ],
}

# (deck, exercise) -> usual mistakes: each must fail at least one check line.
WRONG: dict[tuple[str, str], list[str]] = {
    ("slides/01-learning.md", "answer"): ["answer = 0.33", "answer = 1", "answer = 1 / 2"],
    ("slides/02-gradient-descent.md", "df2"): ["def df2(x):\n    return 2 * x + math.exp(-x)"],
    ("slides/02-gradient-descent.md", "df4"): ["def df4(x):\n    return (f4(x + 0.1) - f4(x)) / 0.1"],
    ("slides/03-autodiff.md", "gray"): ["gray = np.zeros((64, 28, 28))", "gray = np.zeros((64, 3, 28, 28))",
                                        "gray = np.ones((64, 1, 28, 28))"],
    ("slides/03-autodiff.md", "scalar"): [
        "scalar = np.array(3)\nvector = np.array([3, 4, 5])\nmatrix = np.array([[3, 4, 5], [6, 7, 8]])",
        "scalar = np.array(3.0)\nvector = np.array([3.0, 4.0, 5.0])\nmatrix = np.array([3.0, 4.0, 5.0, 6.0, 7.0, 8.0])",
    ],
    ("slides/03-autodiff.md", "grad_y"): [
        "def grad_y(x):\n    v = Var(x)\n    y = v ** 2 + 2 * v + 1\n    return v.grad",  # no backward()
    ],
    ("slides/03-autodiff.md", "grad_f"): [
        "def grad_f(x1, x2, x3):\n    vs = [Var(x1), Var(x2), Var(x3)]\n"
        "    sum(v ** 2 for v in vs).backward()\n    return vs",  # the Var, not their gradients
    ],
    ("slides/03-autodiff.md", "grad_quad"): ["def grad_quad(x1, x2):\n    return [x1 + 2 * x2, 2 * x1 + x2]"],
    ("slides/03-autodiff.md", "hard"): ["def hard(x):\n    return -log(1 / (1 + exp(-x))) / (x ** 2 + 1)"],
    ("slides/05-nn-training.md", "fit_all"): [
        "def fit_all(x, y):\n    return lambda t: np.interp(t, np.sort(x), np.sort(y))",
    ],
    ("slides/06-nn-implementation.md", "predict"): [
        "def predict(params, X):\n    return (forward(params, X)[-1] > 0.5).astype(int)",  # shape (n, 1)
        "def predict(params, X):\n    return (forward(params, X)[-1][:, 0] < 0.5).astype(int)",
    ],
    ("slides/07-competitions.md", "my_features"): [
        "def my_features(idx):\n    return np.column_stack([ones(idx), num[idx, 2], num[idx, 0]])",  # barely better
        "def my_features(idx):\n    return np.vstack([ones(idx)[:, 0], num[idx, 2], sex[idx] == 'male'])",  # 1 column = 1 penguin
    ],
    ("slides/parameter-optimization.md", "MySGD"): [
        "class MySGD:\n    def __init__(self, lr=0.1):\n        self.lr = lr\n"
        "    def update(self, params, grads):\n        for k in params:\n            params[k] += self.lr * grads[k]",
    ],
    ("slides/parameter-optimization.md", "Momentum"): [  # no memory of the velocity: plain SGD
        "class Momentum:\n    def __init__(self, lr=0.01, momentum=0.9):\n        self.lr = lr\n"
        "    def update(self, params, grads):\n        for k in params:\n            params[k] -= self.lr * grads[k]",
    ],
}


def exercise_key(cell: Cell) -> str:
    """The name in EXERCISES that identifies an exercise cell (the first one its solution defines)."""
    names = defined_names(cell.solution)
    known = {name for deck in EXERCISES.values() for name, _ in deck}
    found = [n for n in names if n in known]
    assert len(found) == 1, f"exercise at line {cell.line} defines {names}"
    return found[0]


def exercises(name: str) -> list[Cell]:
    return [c for c in find_cells((ROOT / name).read_text(encoding="utf-8")) if c.exercise]


@pytest.mark.parametrize("name", DECKS)
def test_deck_has_its_exercises_with_hints(name: str) -> None:
    cells = exercises(name)
    assert [(exercise_key(c), len(c.hints)) for c in cells] == EXERCISES[name]
    for cell in cells:
        assert all(h.strip() for h in cell.hints)
        code = cell.code.rstrip("\n").split("\n")
        assert len(code) <= 12 and max(len(line) for line in code) <= 60, f"{name}:{cell.line} does not fit a slide"
        assert "ここを書き換える" in cell.code, f"{name}:{cell.line}: the starter says where to write"


@pytest.mark.parametrize("name", DECKS)
def test_no_hand_made_answer_checking_is_left(name: str) -> None:
    text = (ROOT / name).read_text(encoding="utf-8")
    assert "NotImplementedError" not in text
    assert "正解！" not in text and "except " not in text
    for cell in find_cells(text):
        before = "\n".join(text.split("\n")[: cell.line - 1])
        assert before.count("<details") == before.count("</details>"), f"{name}: cell at line {cell.line} in <details>"


@pytest.fixture(scope="module")
def built(deck_runs: Callable[[str], list[CellRun]]) -> dict[str, list[CellRun]]:
    """Every deck's cells, run by the build's executor (a BuildError for a bad solution, check or starter)."""
    return {name: deck_runs(name) for name in DECKS}


@pytest.mark.parametrize("name", DECKS)
def test_every_cell_and_starter_runs_without_error(built: dict[str, list[CellRun]], name: str) -> None:
    errors = [f"cell {r.cell.index} (line {r.cell.line}): {r.error}" for r in built[name]
              if r.error and not r.cell.expect_error]
    assert errors == []
    for run in built[name]:
        if run.cell.exercise:
            assert run.result.status == "ok" and run.result.expected is not None


@pytest.mark.parametrize(("name", "key"), sorted(ANSWERS))
def test_expected_values_are_the_right_answers(built: dict[str, list[CellRun]], name: str, key: str) -> None:
    run = next(r for r in built[name] if r.cell.exercise and exercise_key(r.cell) == key)
    expected = run.result.expected
    assert expected is not None and len(expected) == len(ANSWERS[name, key])
    for line, want, got in zip(run.cell.checks, ANSWERS[name, key], expected, strict=True):
        if want is None:
            continue
        # the checker's own rule (allclose, rtol 1e-5): also for the end of an iteration, which the
        # hand value reaches only up to the iteration's (and the numerical derivative's) error
        value = np.array(want) if isinstance(want, list) else want
        ok, _ = livecode_check.compare(got, livecode_check.serialise(value))
        assert ok, f"{name}: `{line}` is {got['repr']}, not {want!r}"


# The cells after an exercise run with its solution at build; what they print is stated on the slides
# (deck -> (printed text, the text's quote of it)).
FOLLOW_UPS: dict[str, list[tuple[str, str]]] = {
    "slides/02-gradient-descent.md": [
        ("x_1000 = 0.35173371125354774 (≈ 0.351734)", "x_{1000} = 0.35173371125354774"),
        ("x_200 = 0.190009\nf(x_200) = -0.421338", "$x \\approx 0.190009$、最小値は $f \\approx -0.421338$"),
    ],
    "slides/03-autodiff.md": [
        ("0.1900087837274012 -0.42133839756370395", "`0.1900087837274012 -0.42133839756370395`"),
    ],
    "slides/05-nn-training.md": [("学習の MSE: 0.000", "学習の MSE は 0"), ("検証の MSE: 0.090", "検証の MSE は 0.090")],
    "slides/06-nn-implementation.md": [("検証の正解率: 0.924", "0.924 と同じ")],
    "slides/parameter-optimization.md": [("30 歩後の位置: [-0.3504  0.0848]", "(-0.3504, 0.0848)")],
}


@pytest.mark.parametrize("name", sorted(FOLLOW_UPS))
def test_cells_after_an_exercise_print_what_the_slides_state(built: dict[str, list[CellRun]], name: str) -> None:
    printed = "".join(r.output for r in built[name])
    text = (ROOT / name).read_text(encoding="utf-8")
    for output, quote in FOLLOW_UPS[name]:
        assert output in printed and quote in text, output


def _run_deck(name: str, at_exercise: Callable[[Cell, runner.Session], None]) -> None:
    """Run a deck's cells in one Session, in-process; at each exercise: starter, at_exercise, solution."""
    with page_session(ROOT / name) as (session, cells):
        for cell in cells:
            session.run_cell(cell.code, cell.index, _ignore)
            if cell.exercise:
                at_exercise(cell, session)
                session.run_quietly(cell.solution, f"solution {cell.index}")


def _ignore(kind: str, text: str) -> None:
    pass


def _results(cell: Cell, session: runner.Session, code: str, expected: list[dict[str, Any]]) -> list[bool]:
    session.run_quietly(code, "answer")
    return [r["ok"] for r in session.check(cell.checks, expected, "ok")]


@pytest.mark.parametrize("name", DECKS)
def test_other_right_answers_pass_and_mistakes_fail(name: str) -> None:
    seen: list[str] = []

    def at_exercise(cell: Cell, session: runner.Session) -> None:
        key = exercise_key(cell)
        seen.append(key)
        solved = session.solve(cell.index, cell.solution, cell.checks)
        assert solved["starter_passes"] is False
        expected = solved["expected"]
        for code in OTHER_RIGHT.get((name, key), []):
            passed = _results(cell, session, code, expected)
            failed = [c for c, p in zip(cell.checks, passed, strict=True) if not p]
            assert failed == [], f"{key}: a right answer fails these checks\n{code}"
        for code in WRONG.get((name, key), []):
            assert not all(_results(cell, session, code, expected)), f"{key}: a wrong answer passes\n{code}"

    _run_deck(name, at_exercise)
    assert seen == [key for key, _ in EXERCISES[name]]


def test_every_exercise_has_other_right_answers_and_mistakes() -> None:
    keys = {(name, key) for name in DECKS for key, _ in EXERCISES[name]}
    assert set(OTHER_RIGHT) == keys and set(WRONG) == keys
