"""Colab-style form annotations on a live cell (`x = 0.1  #@param {type:"slider", …}`): parse and count.

A cell's `#@param` lines become controls (slider, menu, checkbox, number box). Sliders, menus and
checkboxes have finitely many values, so the build runs the cell once per combination of them
("states", row-major in the order the lines appear); a number box is live only and stays at its
default at build. Every value is carried as the literal written into the code (`0.15`, `"Adam"`,
`True`), so the page, the code and the state agree to the digit.
"""

from __future__ import annotations

import ast
import itertools
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .cells import Cell, CellOptionError

DEFAULT_MAX_STATES = 200
# `name = value  #@param spec`: the value is everything between `=` and the comment.
PARAM_LINE = re.compile(
    r"^(?P<head>\s*(?P<name>[A-Za-z_]\w*)\s*=\s*)(?P<value>.*?)(?P<gap>\s*)#\s*@param\b(?P<spec>.*)$")
MENTION = re.compile(r"#\s*@param\b")
SYNTAX = ('write e.g. `eta = 0.1  #@param {type:"slider", min:0.05, max:1.05, step:0.05}`, '
          '`method = "GD"  #@param ["GD", "Adam"]`, `show = True  #@param {type:"boolean"}` or '
          '`n = 30  #@param {type:"integer"}`')


@dataclass(frozen=True)
class Param:
    """One control: its variable, kind, the literals it can take (empty for a number box), its default."""

    name: str
    kind: str  # slider | menu | boolean | integer | number
    values: tuple[str, ...]  # Python literals, as written into the code; () for a number box
    default: str  # the literal written in the author's code (normalised like values)
    line: int  # 0-based line of the cell's code
    lo: str = ""  # a slider's range and step, as written (for the caption and the <input>)
    hi: str = ""
    step: str = ""

    @property
    def enumerable(self) -> bool:
        return bool(self.values)

    def caption(self) -> str:
        """How the control reads without JavaScript: its range or options."""
        if self.kind == "slider":
            return f"{self.name}: {self.lo}〜{self.hi}（刻み {self.step}）"
        if self.kind == "menu":
            return f"{self.name}: {' / '.join(_label(v) for v in self.values)}"
        if self.kind == "boolean":
            return f"{self.name}: True / False"
        return f"{self.name}: 数値を入力（ブラウザで実行したときだけ反映）"

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {"name": self.name, "kind": self.kind, "line": self.line,
                                   "default": self.default, "values": list(self.values),
                                   "labels": [_label(v) for v in self.values]}
        if self.kind == "slider":
            data.update(min=self.lo, max=self.hi, step=self.step)
        return data


def _label(literal: str) -> str:
    """What a control shows for a value: strings without their quotes."""
    value = ast.literal_eval(literal)
    return value if isinstance(value, str) else literal


def find_params(cell: Cell) -> list[Param]:
    """The `#@param` controls of a cell, in order; CellOptionError (line in the Markdown) for a bad one."""
    params: list[Param] = []
    for i, text in enumerate(cell.code.split("\n")):
        if not MENTION.search(text) or text.lstrip().startswith("#"):  # a comment that mentions it
            continue
        line = cell.line + 1 + i
        if cell.exercise:
            raise CellOptionError(line, "#@param works on ```python run cells, not on an exercise (move the "
                                  "control into a run cell above it)")
        param = parse_line(text, i, line)
        if any(p.name == param.name for p in params):
            raise CellOptionError(line, f"`{param.name}` has a #@param line already in this cell (keep one)")
        params.append(param)
    return params


def parse_line(text: str, index: int, line: int) -> Param:
    m = PARAM_LINE.match(text)
    if not m or text.startswith((" ", "\t")):
        raise CellOptionError(line, "this #@param line is not `name = value  #@param …` at the cell's top level: "
                              + SYNTAX)
    name = m.group("name")
    written = m.group("value").strip()
    try:
        default = ast.literal_eval(written)
    except (ValueError, SyntaxError):
        raise CellOptionError(line, f"the value of `{name}` must be a literal (a number, a string, True/False) "
                              f"for #@param, got `{written}`") from None
    spec_text = m.group("spec").strip()
    spec = _spec(spec_text, line)
    if isinstance(spec, list):
        return _menu(name, default, spec, index, line)
    kind = spec.get("type")
    if kind == "slider":
        return _slider(name, default, written, spec, index, line)
    if kind == "boolean":
        if not isinstance(default, bool):
            raise CellOptionError(line, f"`{name}` is a boolean #@param: write `{name} = True` or `{name} = False`")
        return Param(name, "boolean", ("False", "True"), repr(default), index)
    if kind in ("integer", "number"):
        ok = isinstance(default, int) if kind == "integer" else isinstance(default, (int, float))
        if isinstance(default, bool) or not ok:
            raise CellOptionError(line, f"`{name}` is a {kind} #@param, but its value `{written}` is not "
                                  f"{'an integer' if kind == 'integer' else 'a number'}")
        return Param(name, kind, (), written, index)
    known = "slider, boolean, integer, number, or a list of options in [ ]"
    raise CellOptionError(line, f"unknown #@param type {kind!r} for `{name}` (known: {known})")


def _spec(text: str, line: int) -> dict[str, object] | list[object]:
    """The part after #@param: Colab's `{type:"slider", min:0, …}` (keys unquoted) or `[…]`."""
    quoted = re.sub(r'([{,]\s*)([A-Za-z_][\w-]*)\s*:', r'\1"\2":', text)
    try:
        spec = json.loads(quoted)
    except json.JSONDecodeError:
        try:
            spec = ast.literal_eval(quoted)
        except (ValueError, SyntaxError):
            spec = None
    if not isinstance(spec, (dict, list)):
        raise CellOptionError(line, f"cannot read `#@param {text}`: {SYNTAX}")
    return spec


def _menu(name: str, default: object, options: list[object], index: int, line: int) -> Param:
    if not options or not all(isinstance(o, (str, int, float)) and not isinstance(o, bool) for o in options):
        raise CellOptionError(line, f"the options of `{name}` must be a non-empty list of strings or numbers")
    literals = tuple(json.dumps(o, ensure_ascii=False) if isinstance(o, str) else repr(o) for o in options)
    if len(set(literals)) != len(literals):
        raise CellOptionError(line, f"the options of `{name}` repeat a value (list each once)")
    if default not in options or isinstance(default, bool):
        raise CellOptionError(line, f"the value of `{name}` ({default!r}) is not one of its options "
                              f"{', '.join(literals)}: set it to one of them or add it to the list")
    return Param(name, "menu", literals, literals[options.index(default)], index)


def _decimal(value: object, what: str, name: str, line: int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise CellOptionError(line, f"the slider `{name}` needs a number for {what}, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise CellOptionError(line, f"the slider `{name}` needs a number for {what}, got {value!r}") from None
    if not number.is_finite():
        raise CellOptionError(line, f"the slider `{name}` needs a finite number for {what}")
    return number


def _slider(name: str, default: object, written: str, spec: dict[str, object], index: int, line: int) -> Param:
    unknown = set(spec) - {"type", "min", "max", "step"}
    if unknown:
        raise CellOptionError(line, f"the slider `{name}` has unknown keys {', '.join(sorted(unknown))} "
                              "(a slider takes min, max and step)")
    if "min" not in spec or "max" not in spec:
        raise CellOptionError(line, f"the slider `{name}` needs min and max, e.g. "
                              '{type:"slider", min:0, max:1, step:0.1}')
    lo = _decimal(spec["min"], "min", name, line)
    hi = _decimal(spec["max"], "max", name, line)
    step = _decimal(spec.get("step", 1), "step", name, line)
    if step <= 0 or hi <= lo:
        raise CellOptionError(line, f"the slider `{name}` needs min < max and a positive step")
    value = _decimal(default, "its value", name, line)
    count = (hi - lo) / step
    if count != count.to_integral_value():
        raise CellOptionError(line, f"the slider `{name}`: max {hi} is not min {lo} plus a whole number of steps "
                              f"{step} (change max or step)")
    places = max(-int(d.as_tuple().exponent) for d in (lo, step))  # decimals shown and passed
    whole = places <= 0 and all(isinstance(v, int) for v in (spec["min"], spec.get("step", 1)))
    values = tuple(_literal(lo + k * step, places, whole) for k in range(int(count) + 1))
    at = (value - lo) / step
    if not lo <= value <= hi or at != at.to_integral_value():
        nearest = values[max(0, min(len(values) - 1, int((at).to_integral_value())))]
        raise CellOptionError(line, f"the value of `{name}` ({written}) is off the slider's range {lo}..{hi} "
                              f"or its step {step}: use e.g. {nearest}")
    return Param(name, "slider", values, values[int(at)], index, str(lo), str(hi), str(step))


def _literal(number: Decimal, places: int, whole: bool) -> str:
    if whole:
        return str(int(number))
    text = f"{number:.{max(places, 1)}f}".rstrip("0")  # 0.10 → 0.1, as an author writes it
    return text + "0" if text.endswith(".") else text


def combinations(params: list[Param]) -> list[tuple[str, ...]]:
    """Every combination of the enumerable controls' values, row-major in line order."""
    return list(itertools.product(*(p.values for p in params if p.enumerable)))


def default_combination(params: list[Param]) -> tuple[str, ...]:
    return tuple(p.default for p in params if p.enumerable)


def max_states(cell: Cell) -> int:
    value = cell.options.get("states")
    return int(value) if value else DEFAULT_MAX_STATES


def check_count(cell: Cell, params: list[Param]) -> int:
    """The number of states; CellOptionError past the cell's limit."""
    count = len(combinations(params)) if any(p.enumerable for p in params) else 0
    limit = max_states(cell)
    if count > limit:
        sizes = " × ".join(f"{p.name} {len(p.values)}" for p in params if p.enumerable)
        raise CellOptionError(cell.line, f"this cell's controls make {count} states ({sizes}), more than {limit}: "
                              "use a coarser step or fewer options, or allow more with the option states=N "
                              "(every state is computed at build and sent to readers)")
    return count


def with_values(code: str, params: list[Param], values: tuple[str, ...]) -> str:
    """The cell's code with each enumerable control's line set to the given literal."""
    lines = code.split("\n")
    for param, value in zip((p for p in params if p.enumerable), values, strict=True):
        m = PARAM_LINE.match(lines[param.line])
        assert m is not None
        lines[param.line] = m.group("head") + value + m.group("gap") + lines[param.line][m.end("gap"):]
    return "\n".join(lines)


def describe(params: list[Param], values: tuple[str, ...]) -> str:
    """`eta = 1.05, method = "Adam"`: a state, for messages."""
    return ", ".join(f"{p.name} = {v}" for p, v in zip((p for p in params if p.enumerable), values, strict=True))
