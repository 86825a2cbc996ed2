"""Exercise checks: evaluate check lines, serialise their values, compare with the expected ones.

The same module runs at build (CPython: the expected values, from the solution) and in the
browser's worker (Pyodide: the reader's values, compared there). Numbers and numpy arrays are
compared with numpy.allclose (RTOL, ATOL, NaN equal to NaN) after their shape and the kind of
their dtype; anything else with == (through JSON when both sides have a JSON form, else repr).
"""

from __future__ import annotations

import json
import linecache
import math
from typing import Any

RTOL = 1e-5  # numpy.allclose's defaults, stated here because the guide quotes them
ATOL = 1e-8
KINDS = {"b": "真偽値", "i": "整数", "u": "整数", "f": "浮動小数点数", "c": "複素数"}
SHORT = 80  # characters of the reader's value shown in a message


def _numpy() -> Any:
    import numpy

    return numpy


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, complex)):
        return True
    mod = type(value).__module__
    if mod == "numpy" or mod.startswith("numpy."):
        np = _numpy()
        if isinstance(value, np.ndarray):
            return value.dtype.kind in "biufc"
        return isinstance(value, np.number)
    return False


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def serialise(value: Any) -> dict[str, Any]:
    """A JSON-able description of a check line's value (numpy is used only for numpy's own values)."""
    if _is_number(value) and isinstance(value, (int, float, complex)):
        kind = "c" if isinstance(value, complex) else "f" if isinstance(value, float) else "i"
        one: Any = [value.real, value.imag] if isinstance(value, complex) else _float(value)
        return {"kind": "number", "values": [one], "shape": [], "dtype": kind,
                "dtypeName": type(value).__name__, "repr": _short(repr(value))}
    if _is_number(value):
        np = _numpy()
        arr = np.asarray(value)
        flat = arr.ravel()
        if arr.dtype.kind == "c":
            values: list[Any] = [[float(v.real), float(v.imag)] for v in flat]
        else:
            values = [_float(v) for v in flat]
        return {"kind": "number", "values": values, "shape": list(arr.shape), "dtype": arr.dtype.kind,
                "dtypeName": str(arr.dtype), "repr": _short(repr(value))}
    try:
        as_json: str | None = json.dumps(value, sort_keys=True, allow_nan=True)
    except (TypeError, ValueError):
        as_json = None
    return {"kind": "other", "type": type(value).__name__, "json": as_json, "repr": _short(repr(value))}


def _float(v: Any) -> float | None:
    f = float(v)
    return None if math.isnan(f) else f  # JSON has no NaN; None stands for it


def evaluate(lines: list[str], namespace: dict[str, Any]) -> list[dict[str, Any]]:
    """Each line's value, serialised; {"error": "..."} for a line that raises."""
    results = []
    for i, line in enumerate(lines, 1):
        filename = f"<check {i}>"
        linecache.cache[filename] = (len(line), None, [line + "\n"], filename)
        try:
            value = eval(compile(line, filename, "eval"), namespace)  # noqa: S307 - the author's check line
        except BaseException as exc:  # noqa: BLE001 - a check that raises is a failed check
            results.append({"error": f"{type(exc).__name__}: {_short(str(exc))}".rstrip(": ")})
            continue
        results.append(serialise(value))
    return results


def _array(desc: dict[str, Any]) -> Any:
    np = _numpy()
    if desc["dtype"] == "c":
        values = [complex(re, im) for re, im in desc["values"]]
    else:
        values = [np.nan if v is None else v for v in desc["values"]]
    return np.array(values, dtype=complex if desc["dtype"] == "c" else float).reshape(desc["shape"])


def _close_scalar(got: dict[str, Any], expected: dict[str, Any]) -> bool:
    """numpy.allclose's rule for one number, without numpy (a cell may never import it)."""
    a, b = (_complex(d) for d in (got, expected))
    if math.isnan(a.real) or math.isnan(b.real):
        return math.isnan(a.real) and math.isnan(b.real)
    if math.isinf(abs(a)) or math.isinf(abs(b)):
        return a == b
    return abs(a - b) <= ATOL + RTOL * abs(b)


def _complex(desc: dict[str, Any]) -> complex:
    v = desc["values"][0]
    if desc["dtype"] == "c":
        return complex(v[0], v[1])
    return complex(math.nan if v is None else v)


def _close_arrays(got: dict[str, Any], expected: dict[str, Any]) -> bool:
    np = _numpy()
    return bool(np.allclose(_array(got), _array(expected), rtol=RTOL, atol=ATOL, equal_nan=True))


def _kind(k: str) -> str:
    return "i" if k == "u" else k


def compare(expected: dict[str, Any], got: dict[str, Any]) -> tuple[bool, str]:
    """(passed, a short Japanese message). The expected value itself is never shown."""
    if "error" in got:
        return False, f"エラーになりました: {got['error']}"
    if expected["kind"] == "number":
        if got["kind"] != "number":
            return False, f"数値を期待しましたが {got['type']} でした: {got['repr']}"
        if got["shape"] != expected["shape"]:
            mine, want = tuple(got["shape"]), tuple(expected["shape"])
            return False, f"形 (shape) が違います: あなたの値は {mine}、期待は {want}"
        scalar = not expected["shape"]
        mixed_ok = scalar and {_kind(got["dtype"]), _kind(expected["dtype"])} <= {"i", "f"}
        if _kind(got["dtype"]) != _kind(expected["dtype"]) and not mixed_ok:
            want = KINDS.get(expected["dtype"], expected["dtypeName"])
            return False, f"要素の型が違います: あなたの値は {got['dtypeName']}、期待は{want}"
        if not (_close_scalar(got, expected) if scalar else _close_arrays(got, expected)):
            return False, f"値が違います: あなたの値は {got['repr']}"
        return True, "正解"
    if got["kind"] == "number" or got.get("type") != expected["type"]:
        kind = "数値" if got["kind"] == "number" else got.get("type")
        return False, f"{expected['type']} を期待しましたが {kind} でした: {got['repr']}"
    if expected["json"] is not None and got["json"] is not None:
        same = json.loads(expected["json"]) == json.loads(got["json"])
    else:
        same = expected["repr"] == got["repr"]
    return (True, "正解") if same else (False, f"値が違います: あなたの値は {got['repr']}")


def check(lines: list[str], expected: list[dict[str, Any]], namespace: dict[str, Any]) -> list[dict[str, Any]]:
    """Evaluate the check lines in namespace and compare: [{"line", "ok", "message"}] per line."""
    results = []
    for line, want, got in zip(lines, expected, evaluate(lines, namespace), strict=True):
        ok, message = compare(want, got)
        results.append({"line": line, "ok": ok, "message": message})
    return results
