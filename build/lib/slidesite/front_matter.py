"""The keys a deck's front matter may hold, with their types: ours plus Marp's directives.

An unknown key (`lectur: 1`) or a value of the wrong type (`lecture: two`) stops the build with the
file, the line and, for a typo, the closest known key.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .directives import GLOBAL_DIRECTIVES, LOCAL_DIRECTIVES
from .errors import BuildError


def _whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _paths(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _heading_divider(value: object) -> bool:
    levels: list[object] = value if isinstance(value, list) else [value]
    return value is False or all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 6 for v in levels)


# Key → (check, what the value must be). Our own keys first, then Marp's directives with a fixed type.
TYPED: dict[str, tuple[Callable[[object], bool], str]] = {
    "title": (_text, "text"),
    "lecture": (_whole_number, "a whole number (the lecture's number)"),
    "date": (lambda v: isinstance(v, date | str), "a date like 2026-04-10"),
    "section": (_text, "text (the nav group)"),
    "modules": (_paths, "a path or a list of paths to .py files beside the deck"),
    "marp": (lambda v: v is True, "true"),
    "theme": (lambda v: isinstance(v, str), "a theme name"),
    "headingDivider": (_heading_divider, "a heading level 1–6, a list of levels, or false"),
    "paginate": (lambda v: isinstance(v, bool) or v in ("hold", "skip"), "true, false, hold or skip"),
}
OUR_KEYS = ("title", "lecture", "date", "section", "modules")
KNOWN_KEYS = frozenset(
    {*OUR_KEYS, *GLOBAL_DIRECTIVES, *LOCAL_DIRECTIVES, *(f"_{k}" for k in LOCAL_DIRECTIVES)}
)


def key_line(lines: list[str], key: str) -> int:
    """The 1-based line of `key:` in the front matter (the file's first lines), else 1."""
    for i, line in enumerate(lines):
        if line.startswith(f"{key}:"):
            return i + 1
    return 1


def check_front_matter(meta: dict[str, object], path: Path, lines: list[str]) -> None:
    """BuildError for the first unknown key or badly typed value, naming file, line and the fix."""
    for key, value in meta.items():
        name = str(key)
        if name not in KNOWN_KEYS:
            close = difflib.get_close_matches(name, sorted(KNOWN_KEYS), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"ours are {', '.join(OUR_KEYS)}; Marp's directives too"
            raise BuildError(path, f"unknown front-matter key {name!r} ({hint})", key_line(lines, name))
        check = TYPED.get(name.removeprefix("_"))
        if check is not None and value is not None and not check[0](value):
            message = f"front-matter key {name!r} must be {check[1]}, not {value!r}"
            raise BuildError(path, message, key_line(lines, name))
