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
from pathlib import Path

from .cells import find_cells
from .deck import module_list, split_front_matter


def run_file(path: Path, verbose: bool = False) -> list[str]:
    """Run every cell of one file; return a list of failure messages."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    # The browser runtime ships a Japanese font; CPython's matplotlib may lack one, which is harmless here.
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
    failures: list[str] = []
    namespace: dict[str, object] = {"__name__": "__main__"}
    text = path.read_text(encoding="utf-8")
    meta, _ = split_front_matter(text, path)
    modules = module_list(meta)
    # The browser runtime writes a deck's modules into the worker's working folder.
    folders = list(dict.fromkeys(str((path.parent / m).parent) for m in modules)) or [str(path.parent)]
    sys.path[:0] = folders
    try:
        for cell in find_cells(text):
            name = f"<{path.name}, cell {cell.index}>"
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                    exec(compile(cell.code, name, "exec"), namespace)
                error = None
            except BaseException:  # noqa: BLE001 - report anything a cell raises
                error = traceback.format_exc(limit=-3)
            finally:
                with contextlib.suppress(ImportError):
                    import matplotlib.pyplot as plt

                    plt.close("all")
            if verbose:
                print(f"--- {path}:{cell.line} ({name})\n{out.getvalue()}{error or ''}")
            if error and not cell.expect_error:
                failures.append(f"{path}:{cell.line}: cell {cell.index} failed\n{error}")
            if cell.expect_error and not error:
                failures.append(f"{path}:{cell.line}: cell {cell.index} is marked expect-error but ran cleanly")
    finally:
        for folder in folders:
            sys.path.remove(folder)
    return failures


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    failures = [f for arg in argv if arg != "-v" for f in run_file(Path(arg), verbose)]
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
