"""The build's side of `#@param` cells: which code variants to run, and the state data a page loads.

The data of one explorable is one JSON file in the content-addressed figure store (so it is cached,
installed and named like a figure): `{"states": [[[kind, text], …], …]}` in the row-major order of
`params.combinations`, an image's text being the figure's file name beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..source.cells import Cell, CellOptionError
from ..source.params import Param, check_count, combinations, describe, find_params, with_values
from .cell_process import png_description, store

StateResult = tuple[str, list[tuple[str, str]], bool]


def state_variants(cell: Cell) -> tuple[list[Param], tuple[str, ...]]:
    """A cell's controls and its code once per state (none without an enumerable control, or live-only)."""
    params = find_params(cell)
    if not check_count(cell, params) or cell.live_only:
        return params, ()
    return params, tuple(with_values(cell.code, params, values) for values in combinations(params))


def state_problem(cell: Cell, params: list[Param], states: tuple[StateResult, ...]) -> str | None:
    """Why the states fail the build (a raising state, input()), naming the values; None if they are fine."""
    for values, (status, outputs, asked) in zip(combinations(params), states, strict=True):
        where = f"with {describe(params, values)}"
        if asked:
            return f"calls input() {where}, which has no one to answer at build"
        if status != "ok" and not cell.expect_error:
            errors = "".join(text for kind, text in outputs if kind == "error").strip().splitlines()
            last = errors[-1].strip() if errors else status
            return (f"raised {last} {where} (every state of the controls runs at build: narrow the range or "
                    "the options to values that work, or mark the cell `expect-error` if the error is the lesson)")
    return None


def save_states(states: tuple[StateResult, ...], folder: Path) -> str:
    """Write the state data into the figure store; its file name."""
    joined = [_joined(outputs) for _, outputs, _ in states]
    for state in joined:  # each figure with what it says (title, axes, legend), for its alt text
        for piece in state:
            if piece[0] == "image":
                piece.append(png_description(folder / piece[1]))
    return store(json.dumps({"states": joined}, ensure_ascii=False, separators=(",", ":")).encode(), folder, ".json")


def _joined(outputs: list[tuple[str, str]]) -> list[list[str]]:
    """Runs of one kind of text as one piece (the page shows them as one span anyway)."""
    joined: list[list[str]] = []
    for kind, text in outputs:
        if joined and kind != "image" and joined[-1][0] == kind:
            joined[-1][1] += text
        else:
            joined.append([kind, text])
    return joined


def state_figures(states: tuple[StateResult, ...]) -> list[str]:
    return sorted({text for _, outputs, _ in states for kind, text in outputs if kind == "image"})


__all__ = ["CellOptionError", "save_states", "state_figures", "state_problem", "state_variants"]
