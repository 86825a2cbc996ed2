"""Find live cells (```python run …) in Markdown and parse their options."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# An opening fence: its indent, 3+ backticks or tildes, then the info string. Up to 3 spaces at the
# left margin; any indent inside a list item or an admonition (see _in_container).
FENCE_OPEN = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
# Lines that open a block whose indented lines belong to it: list items, admonitions, details, tabs.
CONTAINER = re.compile(r"^ *(?:[-*+]|\d{1,9}[.)])(?: |$)|^ *(?:!!!|\?\?\?\+?|===\+?) ")

RUN_OPTIONS = ("autorun", "expect-error", "live-only", "timeout", "output")
LAYOUTS = ("side", "below")  # output=…: where a deck shows the output, beside or under the code


@dataclass
class Cell:
    """One live cell: its code, options and where it starts in the source."""

    code: str
    line: int  # 1-based line of the opening fence
    options: dict[str, str] = field(default_factory=dict)
    index: int = 0  # position among the live cells of its file, from 1

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


def parse_info(info: str, line: int) -> dict[str, str] | None:
    """Return the options of a `python run …` info string, or None for any other fence."""
    words = info.split()
    if len(words) < 2 or words[0] != "python" or words[1] != "run":
        return None
    options: dict[str, str] = {}
    for word in words[2:]:
        name, _, value = word.partition("=")
        if name not in RUN_OPTIONS:
            raise CellOptionError(line, f"unknown live-cell option {word!r} (known: {', '.join(RUN_OPTIONS)})")
        if name == "timeout":
            try:
                if float(value) <= 0:
                    raise ValueError
            except ValueError:
                raise CellOptionError(line, f"timeout needs a positive number of seconds, got {word!r}") from None
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
    """The live cells of a Markdown text, numbered from 1."""
    cells: list[Cell] = []
    for fence in iter_fences(text.split("\n")):
        options = parse_info(fence.info, fence.start + 1)
        if options is not None:
            cells.append(Cell(fence.body, fence.start + 1, options, len(cells) + 1))
    return cells


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
        if m and not inside[i] and parse_info(m.group("info").strip(), i + 1) is not None:
            raise CellOptionError(
                i + 1, "this ```python run fence is indented 4 spaces or more outside a list item or admonition, "
                "so it would show as plain code: indent it less, or put it inside the list item or admonition",
            )
