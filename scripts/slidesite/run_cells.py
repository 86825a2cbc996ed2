"""Run the live cells of Markdown files in CPython, in order, one namespace per file.

A quick check for authors (`python -m slidesite.run_cells slides/01-learning.md`);
the browser tests run the same cells in Pyodide.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .cells import Cell, find_cells
from .deck import module_list, split_front_matter


@dataclass
class CellRun:
    cell: Cell
    output: str  # stdout and stderr, interleaved
    error: str | None  # the traceback, when the cell raised


def run_cells(path: Path) -> Iterator[CellRun]:
    """Run every live cell of one file in order, in one namespace, as the browser runtime would."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace: dict[str, object] = {"__name__": "__main__"}
    text = path.read_text(encoding="utf-8")
    meta, _ = split_front_matter(text, path)
    modules = module_list(meta)
    # The browser runtime writes a deck's modules into the worker's working folder.
    folders = list(dict.fromkeys(str((path.parent / m).parent) for m in modules)) or [str(path.parent)]
    sys.path[:0] = folders
    try:
        for cell in find_cells(text):
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), warnings.catch_warnings():
                    # The browser runtime ships a Japanese font; CPython's matplotlib may lack one.
                    warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
                    exec(compile(cell.code, f"<{path.name}, cell {cell.index}>", "exec"), namespace)
                error = None
            except BaseException:  # noqa: BLE001 - report anything a cell raises
                error = traceback.format_exc(limit=-3)
            finally:
                with contextlib.suppress(ImportError):
                    import matplotlib.pyplot as plt

                    plt.close("all")
            yield CellRun(cell, out.getvalue(), error)
    finally:
        for folder in folders:
            sys.path.remove(folder)


def run_file(path: Path, verbose: bool = False) -> list[str]:
    """Run every cell of one file; return a list of failure messages."""
    failures: list[str] = []
    for run in run_cells(path):
        cell = run.cell
        if verbose:
            print(f"--- {path}:{cell.line} (cell {cell.index})\n{run.output}{run.error or ''}")
        if run.error and not cell.expect_error:
            failures.append(f"{path}:{cell.line}: cell {cell.index} failed\n{run.error}")
        if cell.expect_error and not run.error:
            failures.append(f"{path}:{cell.line}: cell {cell.index} is marked expect-error but ran cleanly")
    return failures


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    failures = [f for arg in argv if arg != "-v" for f in run_file(Path(arg), verbose)]
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
