"""Exercise checks in CPython: serialising values and comparing them (slidesite/livecode/check.py, also run in Pyodide)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from slidesite.livecode import check as lc
from slidesite.livecode import runner


def judge(expected: object, got: object) -> tuple[bool, str]:
    return lc.compare(lc.serialise(expected), lc.serialise(got))


def test_numbers_are_compared_with_allclose_and_ints_match_floats() -> None:
    assert judge(6.0, 6.0 + 1e-9) == (True, "正解")
    assert judge(6.0, 6) == (True, "正解")
    assert judge(np.float64(0.1 + 0.2), 0.3)[0]
    ok, message = judge(6.0, 0)
    assert not ok and message == "値が違います: あなたの値は 0"
    assert judge(float("nan"), float("nan"))[0]


def test_arrays_need_the_same_shape_and_dtype_kind() -> None:
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert judge(a, a.copy() + 1e-10)[0]
    ok, message = judge(a, a.ravel())
    assert not ok and "形 (shape) が違います" in message and "(4,)" in message and "(2, 2)" in message
    ok, message = judge(a, a.astype(int))
    assert not ok and message == "要素の型が違います: あなたの値は int64、期待は浮動小数点数"
    assert not judge(a, a * 2)[0]


def test_other_values_are_compared_with_equality() -> None:
    assert judge([1, 2, "a"], [1, 2, "a"])[0]
    assert judge({"x": 1}, {"x": 1})[0]
    assert judge(True, True)[0]
    ok, message = judge("abc", "abd")
    assert not ok and message == "値が違います: あなたの値は 'abd'"
    ok, message = judge([1, 2], 3)
    assert not ok and message.startswith("list を期待しましたが 数値 でした")
    ok, message = judge(3.0, "3")
    assert not ok and message.startswith("数値を期待しましたが str でした")


def test_a_check_line_that_raises_fails_with_its_error() -> None:
    results = lc.check(["f(2)", "g(1)"], lc.evaluate(["4", "1"], {}), {"f": lambda x: x * 2})
    assert results[0] == {"line": "f(2)", "ok": True, "message": "正解"}
    assert not results[1]["ok"]
    assert results[1]["message"] == "エラーになりました: NameError: name 'g' is not defined"


def test_expected_values_survive_json() -> None:
    import json

    lines = ["np.arange(3) * 0.5", "'文字'", "x", "float('nan')"]
    namespace = {"np": np, "x": (1, 2)}
    expected = json.loads(json.dumps(lc.evaluate(lines, namespace)))
    assert all(r["ok"] for r in lc.check(lines, expected, namespace))
    session = runner.Session()
    assert json.loads(session.check_json(json.dumps(["1 + 1"]), json.dumps(lc.evaluate(["2"], {})), "ok"))[0]["ok"]


@pytest.mark.parametrize("value", [1 + 2j, np.array([1j, 2])])
def test_complex_numbers(value: object) -> None:
    assert judge(value, value)[0]


def test_exercise_fences_are_grouped_and_bad_ones_named() -> None:
    from slidesite.source.cells import CellOptionError, find_cells

    text = ("```python run\nx = 1\n```\n\n```python exercise\ndef f(x):\n    return 0\n```\n\n"
            "```python solution\ndef f(x):\n    return 2 * x\n```\n\n```python hint\n2 倍\n```\n\n"
            "```python check\nf(3.0)\n# コメント\nf(-1.5)\n```\n")
    run, ex = find_cells(text)
    assert (run.kind, ex.kind, ex.index, ex.line) == ("run", "exercise", 2, 5)
    assert ex.checks == ["f(3.0)", "f(-1.5)"] and ex.hints == ["2 倍"] and "2 * x" in ex.solution
    bad = {
        "```python exercise\nx = 0\n```\n\n```python solution\nx = 1\n```\n": (1, "no ```python check"),
        "```python exercise\nx = 0\n```\n\n```python check\nx\n```\n": (1, "no ```python solution"),
        "# 題\n\n```python solution\nx = 1\n```\n": (3, "must follow a ```python exercise"),
        "```python run\nx = 1\n```\n```python check\nx\n```\n": (4, "must follow a ```python exercise"),
    }
    for source, (line, words) in bad.items():
        with pytest.raises(CellOptionError) as err:
            find_cells(source)
        assert err.value.line == line and words in str(err.value), source


def test_plain_numbers_need_no_numpy() -> None:
    """In the browser numpy is loaded only when a cell imports it: plain numbers are compared without it."""
    import subprocess

    code = ("import sys; sys.modules['numpy'] = None; from slidesite.livecode import check as lc; "
            "r = lc.check(['f(3.0)', 'f(1)', 'f(2) == 4'], lc.evaluate(['6.0', '2', 'True'], {}), "
            "{'f': lambda x: x * 2}); print([x['ok'] for x in r]); "
            "print(lc.compare(lc.serialise(6.0), lc.serialise(0))[1])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[True, True, True]\n値が違います: あなたの値は 0\n"
