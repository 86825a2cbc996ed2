"""Find live cells (```python run …) in Markdown and parse their options."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# An opening fence: its indent, 3+ backticks or tildes, then the info string. Up to 3 spaces at the
# left margin; any indent inside a list item or an admonition (see _in_container).
FENCE_OPEN = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
# Lines that open a block whose indented lines belong to it: list items, admonitions, details, tabs.
CONTAINER = re.compile(r"^ *(?:[-*+]|\d{1,9}[.)])(?: |$)|^ *(?:!!!|\?\?\?\+?|===\+?) ")

RUN_OPTIONS = ("autorun", "expect-error", "live-only", "timeout", "output", "alt", "states")
# An option word: name, name=value or name="a value with spaces" (alt="…").
OPTION_WORD = re.compile(r'([^\s=]+)(?:=("[^"]*"|\'[^\']*\'|\S*))?')
# ```python exercise is a live cell; solution, check and hint fences after it belong to it.
EXERCISE_PARTS = ("solution", "check", "hint")
LAYOUTS = ("side", "below")  # output=…: where a deck shows the output, beside or under the code


@dataclass
class Cell:
    """One live cell: its code, options and where it starts in the source."""

    code: str
    line: int  # 1-based line of the opening fence
    options: dict[str, str] = field(default_factory=dict)
    index: int = 0  # position among the live cells of its file, from 1
    kind: str = "run"  # run | exercise
    solution: str = ""  # an exercise's: the solution, its check lines (one expression each), hints
    checks: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    parts: list[Fence] = field(default_factory=list)  # an exercise's solution/check/hint fences

    @property
    def exercise(self) -> bool:
        return self.kind == "exercise"

    @property
    def autorun(self) -> bool:
        return "autorun" in self.options

    @property
    def expect_error(self) -> bool:
        return "expect-error" in self.options

    @property
    def live_only(self) -> bool:
        return "live-only" in self.options

    @property
    def timeout(self) -> float | None:
        value = self.options.get("timeout")
        return float(value) if value else None


class CellOptionError(ValueError):
    """An unknown or malformed option after `python run`."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def fence_kind(info: str) -> str | None:
    """run, exercise, solution, check or hint for a `python <kind> …` fence of ours; None otherwise."""
    words = info.split()
    if len(words) >= 2 and words[0] == "python" and words[1] in ("run", "exercise", *EXERCISE_PARTS):
        return words[1]
    return None


def parse_info(info: str, line: int) -> dict[str, str] | None:
    """Return the options of a `python run …` (or `python exercise …`) info string, or None for any other fence."""
    words = info.split()
    if len(words) < 2 or words[0] != "python" or words[1] not in ("run", "exercise"):
        return None
    options: dict[str, str] = {}
    rest = info.split(None, 2)[2] if len(words) > 2 else ""
    for m in OPTION_WORD.finditer(rest):
        word, name, value = m.group(0), m.group(1), m.group(2) or ""
        quoted = value[:1] in ("\"", "'")
        if quoted and len(value) >= 2 and value[-1] == value[0]:
            value = value[1:-1]
        elif quoted:
            raise CellOptionError(line, f"unclosed quote in {word!r}")
        if name == "alt" and not value.strip():
            raise CellOptionError(line, 'alt needs a text, e.g. alt="学習率ごとの誤差の推移"')
        if name not in RUN_OPTIONS:
            raise CellOptionError(line, f"unknown live-cell option {word!r} (known: {', '.join(RUN_OPTIONS)})")
        if name == "timeout":
            try:
                if float(value) <= 0:
                    raise ValueError
            except ValueError:
                raise CellOptionError(line, f"timeout needs a positive number of seconds, got {word!r}") from None
        if name == "states" and not (value.isdigit() and int(value) > 0):  # raises the #@param state limit
            raise CellOptionError(line, f"states needs a positive whole number (the most #@param states), got {word!r}")
        if name == "output" and value not in LAYOUTS:
            raise CellOptionError(line, f"output must be one of {', '.join(LAYOUTS)}, got {word!r}")
        options[name] = value
    return options


@dataclass
class Fence:
    """A fenced code block: lines [start, end) of the source, 0-based, fences included."""

    start: int
    end: int
    info: str
    body: str  # without the opening fence's indent
    indent: int = 0  # spaces before the opening fence
    nested: bool = False  # inside a list item or an admonition


def _in_container(lines: list[str], i: int, indent: int) -> bool:
    """Whether line i, indented by `indent`, continues a list item or admonition opened above it."""
    for j in range(i - 1, -1, -1):
        line = lines[j]
        if not line.strip():
            continue
        if len(line) - len(line.lstrip(" ")) < indent:
            return bool(CONTAINER.match(line))
    return False


def _dedent(line: str, indent: int) -> str:
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, indent):]


def iter_fences(lines: list[str]) -> list[Fence]:
    """All fenced code blocks in order; an unclosed fence runs to the end, as in CommonMark."""
    fences: list[Fence] = []
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        indent = len(m.group("indent")) if m else 0
        nested = bool(m) and indent > 0 and _in_container(lines, i, indent)
        if not m or (indent > 3 and not nested):  # four spaces at the left margin: an indented code block
            i += 1
            continue
        marker = m.group("fence")
        close = re.compile(rf"^ *{re.escape(marker[0])}{{{len(marker)},}}\s*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        body = "\n".join(_dedent(line, indent) for line in lines[i + 1 : j])
        fences.append(Fence(i, min(j + 1, len(lines)), m.group("info").strip(), body, indent, nested))
        i = j + 1
    return fences


def find_cells(text: str) -> list[Cell]:
    """The live cells of a Markdown text, numbered from 1; an exercise carries its solution, checks, hints.

    CellOptionError for an exercise without a check, a solution or check outside an exercise, or
    an exercise part given twice.
    """
    return cells_of(iter_fences(text.split("\n")))


def cells_of(fences: list[Fence]) -> list[Cell]:
    cells: list[Cell] = []
    for fence in fences:
        line = fence.start + 1
        kind = fence_kind(fence.info)
        if kind is None:
            continue
        if kind in EXERCISE_PARTS:
            owner = cells[-1] if cells and cells[-1].exercise else None
            if owner is None:
                raise CellOptionError(line, f"a ```python {kind} fence must follow a ```python exercise fence "
                                      "(and its other solution/check/hint fences)")
            _add_part(owner, kind, fence)
            continue
        if cells:
            _complete(cells[-1])
        options = parse_info(fence.info, line) or {}
        cells.append(Cell(fence.body, line, options, len(cells) + 1, kind))
    if cells:
        _complete(cells[-1])
    return cells


def _complete(cell: Cell) -> None:
    """CellOptionError unless an exercise got its solution and check fences."""
    if not cell.exercise:
        return
    for part, what in (("check", cell.checks), ("solution", cell.solution)):
        if not what:
            raise CellOptionError(cell.line, f"this ```python exercise has no ```python {part} fence after it "
                                  "(an exercise needs a solution and a check: one expression per line, e.g. `f(3.0)`)")


def _add_part(cell: Cell, kind: str, fence: Fence) -> None:
    line = fence.start + 1
    if kind == "solution":
        if cell.solution:
            raise CellOptionError(line, "this exercise already has a ```python solution")
        if not fence.body.strip():
            raise CellOptionError(line, "this ```python solution is empty")
        cell.solution = fence.body
    elif kind == "check":
        if cell.checks:
            raise CellOptionError(line, "this exercise already has a ```python check (put every line in one)")
        cell.checks = [c.strip() for c in fence.body.split("\n") if c.strip() and not c.strip().startswith("#")]
        if not cell.checks:
            raise CellOptionError(line, "this ```python check has no expression")
    else:
        cell.hints.append(fence.body)
    cell.parts.append(fence)


def check_cell_fences(lines: list[str]) -> None:
    """CellOptionError for a ```python run fence that would silently stay a plain code block.

    That is one indented four spaces or more outside a list item or admonition: Markdown shows it as
    an indented code block.
    """
    inside = [False] * len(lines)
    for fence in iter_fences(lines):
        inside[fence.start : fence.end] = [True] * (fence.end - fence.start)
    for i, line in enumerate(lines):
        m = FENCE_OPEN.match(line)
        if m and not inside[i] and fence_kind(m.group("info").strip()) is not None:
            raise CellOptionError(
                i + 1, "this ```python run fence is indented 4 spaces or more outside a list item or admonition, "
                "so it would show as plain code: indent it less, or put it inside the list item or admonition",
            )
