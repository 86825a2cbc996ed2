"""Run the live cells of Markdown files in CPython, as the build does, and report failures.

A quick check for authors (`python -m slidesite.run slides/01-learning.md`, `-v` prints
every output). It uses the build's executor (`slidesite.execute`): the browser's runner in a
process of its own, so the output is what the page shows before anyone presses Run.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError
from ..livecode import runner
from ..livecode.assets import figure_font_path
from ..paths import Project
from ..source.cells import Cell, find_cells
from ..source.deck import module_list, split_front_matter
from .execute import CellOutput, CellProcesses, PageCells, run_page


@dataclass
class CellRun:
    cell: Cell
    result: CellOutput

    @property
    def output(self) -> str:
        """What the cell printed and its value (stdout, stderr, result, notices), in order."""
        return "".join(o.text for o in self.result.outputs if o.kind not in ("image", "error"))

    @property
    def error(self) -> str | None:
        """The traceback, when the cell raised."""
        errors = "".join(o.text for o in self.result.outputs if o.kind == "error")
        return errors or None


def page_cells(path: Path) -> PageCells:
    """A file's cells and the modules its front matter lists."""
    text = path.read_text(encoding="utf-8")
    meta, _ = split_front_matter(text, path)
    return PageCells(path, find_cells(text), [path.parent / m for m in module_list(meta)])


def run_cells(path: Path, project: Project | None = None) -> Iterator[CellRun]:
    """Run every live cell of one file in order, in one namespace, as the build and the browser do.

    project: whose runtime cache has the figures' font (default: the project in the current folder)."""
    page = page_cells(path)
    font = figure_font_path((project or Project.at(Path.cwd())).runtime_cache)
    processes = CellProcesses(font, spares=0)
    try:
        with tempfile.TemporaryDirectory(prefix="run-cells-") as figures:
            results = run_page(page, Path(figures), processes, check=False)
    finally:
        processes.close()
    for cell, result in zip(page.cells, results, strict=True):
        yield CellRun(cell, result)


@contextmanager
def page_session(path: Path) -> Iterator[tuple[runner.Session, list[Cell]]]:
    """A runner Session for one file's cells in this process (for tests that look inside the namespace),
    its modules importable by name from a folder of their own, as at build."""
    page = page_cells(path)
    runner.setup(font_path=None)
    with tempfile.TemporaryDirectory(prefix="page-session-") as folder:
        for module in page.modules:
            shutil.copyfile(module, Path(folder) / module.name)
        runner.use_module_dir(folder)
        try:
            yield runner.Session(), page.cells
        finally:
            runner.use_module_dir(None)
            runner.Session()  # forgets the file's modules


def run_file(path: Path, verbose: bool = False) -> list[str]:
    """Run every cell of one file; return a list of failure messages."""
    try:
        runs = list(run_cells(path))
    except BuildError as err:  # a bad exercise: its solution, checks or starter
        return [str(err)]
    if verbose:
        for run in runs:
            print(f"--- {path}:{run.cell.line} (cell {run.cell.index})\n{run.output}{run.error or ''}")
    return failures(path, runs)


def failures(path: Path, runs: list[CellRun]) -> list[str]:
    """What went wrong in a file's run: a cell that raised unexpectedly, an expect-error cell that did not."""
    found: list[str] = []
    for run in runs:
        cell = run.cell
        if cell.live_only:
            continue
        if run.error and not cell.expect_error:
            found.append(f"{path}:{cell.line}: cell {cell.index} failed\n{run.error}")
        if cell.expect_error and not run.error:
            found.append(f"{path}:{cell.line}: cell {cell.index} is marked expect-error but ran cleanly")
    return found


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    failures = [f for arg in argv if arg != "-v" for f in run_file(Path(arg), verbose)]
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
