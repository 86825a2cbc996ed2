"""Run every page's live cells at build time and keep their outputs (text, figures, tracebacks).

Each page runs in its own process forked from a server that has numpy, matplotlib and the
browser's runner (`livecode_runner`) loaded, two pages at a time. A page's outputs are kept
in `.cache/build/outputs/` under a key of its cells, the modules they import, the runner and
the package versions, and reused while that key holds. A cell that raises (unless marked
`expect-error`), asks for input() or runs past its limit stops the build with `file:line`.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..files import sha256_of
from ..paths import package_version
from ..source.cells import Cell, CellOptionError
from ..source.params import Param
from .messages import CellJob, Finished, Message, PageEnd, PageJob, Started
from .param_states import save_states, state_figures, state_problem, state_variants

# Bump when what is stored for the same inputs changes.
OUTPUTS_FORMAT = "3"
DEFAULT_LIMIT = 30.0  # seconds a cell may run at build unless it says timeout=N
PARALLEL_PAGES = 2
# What makes an output differ besides the cells themselves.
PINNED = ("numpy", "matplotlib", "pillow")
HINT = "mark the cell `live-only` to skip it at build, or `expect-error` if the error is the lesson"


@dataclass(frozen=True)
class Output:
    """One piece of a cell's output, in the order it came."""

    kind: str  # stdout | stderr | result | error | notice | image
    text: str  # for an image: the file name in the figure store


@dataclass
class CellOutput:
    status: str  # ok | error | interrupted | live-only
    outputs: list[Output] = field(default_factory=list)
    # An exercise's: the check lines' values on the solution (slidesite.livecode.check.serialise).
    expected: list[dict[str, Any]] | None = None
    # A #@param cell's: its state data file and the figures of every state (param_states.py).
    states: str = ""
    state_figures: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Everything printed, as the reader reads it (figures left out)."""
        return "".join(o.text for o in self.outputs if o.kind != "image")

    @property
    def figures(self) -> list[str]:
        return [o.text for o in self.outputs if o.kind == "image"]

    @property
    def files(self) -> list[str]:
        """Every file of the store the site needs for this cell."""
        return self.figures + ([self.states] if self.states else []) + self.state_figures


@dataclass
class PageCells:
    """The live cells of one deck or page, in order, and the module files they may import."""

    source: Path  # for error messages
    cells: list[Cell]
    modules: list[Path] = field(default_factory=list)
    line_offset: int = 0  # lines above the text the cells were found in (stripped front matter)


class PageOutputs:
    """A page's cell outputs, looked up by cell: by code, in order of appearance."""

    def __init__(self, cells: list[Cell], results: list[CellOutput], key: str = "") -> None:
        self.key = key  # the cache key: equal keys, equal outputs
        self._by_code: dict[str, list[CellOutput]] = {}
        for cell, result in zip(cells, results, strict=True):
            self._by_code.setdefault(cell.code, []).append(result)
        self.results = results

    def take(self, code: str) -> CellOutput | None:
        """The output of the next cell with this code (a page may repeat a cell)."""
        queue = self._by_code.get(code)
        return queue.pop(0) if queue else None

    def copy(self) -> PageOutputs:
        clone = PageOutputs([], [], self.key)
        clone._by_code = {k: list(v) for k, v in self._by_code.items()}
        clone.results = self.results
        return clone


class OutputStore:
    """`.cache/build/outputs/`: one JSON file per page key, figures by content hash."""

    def __init__(self, cache: Path) -> None:
        self.folder = cache / "build" / "outputs"
        self.figures = self.folder / "figures"

    def load(self, key: str) -> list[CellOutput] | None:
        path = self.folder / f"{key}.json"
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        results = [CellOutput(c["status"], [Output(*o) for o in c["outputs"]], c.get("expected"),
                              c.get("states", ""), c.get("state_figures", [])) for c in data]
        if any(not (self.figures / f).exists() for r in results for f in r.files):
            return None
        return results

    def save(self, key: str, results: list[CellOutput]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = [{"status": r.status, "outputs": [[o.kind, o.text] for o in r.outputs], "expected": r.expected,
                 "states": r.states, "state_figures": r.state_figures} for r in results]
        tmp = self.folder / f"{key}.json.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.folder / f"{key}.json")


def page_key(page: PageCells) -> str:
    """What the outputs depend on: cells and their options, modules, runner, versions."""
    cells = [f"{c.code}\0{sorted(c.options.items())}\0{c.solution}\0{c.checks}" for c in page.cells]
    return sha256_of(OUTPUTS_FORMAT, _code_version(), *_versions(), *cells, *page.modules)


def _code_version() -> str:
    """The code that runs cells: the runner, the cell process and this module."""
    return package_version("livecode/runner.py", "livecode/check.py", "livecode/mpl_backend.py",
                           "livecode/figure_alt.py", "run", "source/params.py")


@functools.cache  # reading package metadata costs milliseconds a call; installs do not change mid-build
def _versions() -> tuple[str, ...]:
    return (*(f"{name}=={version(name)}" for name in PINNED), sys.version)


def execute(
    pages: Iterable[PageCells], cache: Path, processes: CellProcesses, log: Callable[[str], None] = print,
) -> dict[Path, PageOutputs]:
    """Outputs of every page's cells, from the cache or by running them; BuildError on a bad cell.

    processes: where the cells run (a build closes it after; `serve` keeps it warm for the next edit).
    """
    store = OutputStore(cache)
    done: dict[Path, PageOutputs] = {}
    stale: list[tuple[PageCells, str]] = []
    for page in pages:
        key = page_key(page)
        cached = store.load(key)
        if cached is not None and len(cached) == len(page.cells):
            done[page.source] = PageOutputs(page.cells, cached, key)
        else:
            stale.append((page, key))
    if not stale:
        return done
    log(f"cells: running {len(stale)} page(s): {', '.join(p.source.name for p, _ in stale)}")
    with ThreadPoolExecutor(max_workers=PARALLEL_PAGES) as pool:
        runs = [pool.submit(run_page, page, store.figures, processes) for page, _ in stale]
        errors = [run.exception() for run in runs]
    for error in errors:
        if error is not None:
            raise error
    for (page, key), run in zip(stale, runs, strict=True):
        results = run.result()
        store.save(key, results)
        done[page.source] = PageOutputs(page.cells, results, key)
    return done


def run_page(page: PageCells, figures: Path, processes: CellProcesses, *, check: bool = True) -> list[CellOutput]:
    """Run one page's cells in a process of its own; the first bad cell raises BuildError if check."""
    variants = _state_variants(page)
    job = PageJob(
        tuple(CellJob(c.index, c.code, c.live_only, c.solution, tuple(c.checks), variants[c.index][1],
                      c.timeout or DEFAULT_LIMIT) for c in page.cells),
        tuple((m.name, str(m.resolve())) for m in page.modules),
        str(figures),
    )
    results = {c.index: CellOutput("live-only") for c in page.cells if c.live_only}
    by_index = {c.index: c for c in page.cells}
    worker = processes.take()
    running: Cell | None = None
    started = (0.0, 0.0)  # the running cell's start: process CPU seconds, wall-clock seconds
    heard = time.monotonic()  # when the process last said something
    try:
        worker.conn.send(job)
        while True:
            message = worker.receive(1.0)
            if message is not None:
                heard = time.monotonic()
            if message is None and running is not None:
                limit = running.timeout or DEFAULT_LIMIT
                cpu, wall = worker.cpu_seconds() - started[0], time.monotonic() - started[1]
                # CPU time, so that a busy machine does not fail a cell that is merely slowed
                # down; wall-clock time as a backstop for a cell that sleeps or waits.
                if cpu > limit or wall > limit * WALL_FACTOR:
                    raise _cell_error(page, running, f"ran past its {limit:g} s limit at build ({HINT}; or "
                                      "raise the limit with timeout=N)")
                continue
            if message is None:
                if time.monotonic() - heard < STARTUP_LIMIT:
                    continue
                message = GONE
            if message is GONE:
                cell = running or page.cells[0]
                raise _cell_error(page, cell, f"ended the Python process it ran in{worker.last_words()}")
            if isinstance(message, Started):
                running = by_index[message.index]
                started = (worker.cpu_seconds(), time.monotonic())
            elif isinstance(message, Finished):
                cell = by_index[message.index]
                result = CellOutput(message.status, [Output(k, t) for k, t in message.outputs])
                if check:
                    _check(page, cell, result, message.asked_input)
                if message.exercise is not None:
                    result.expected = _check_exercise(page, cell, message.exercise)
                if message.states:
                    problem = state_problem(cell, variants[cell.index][0], message.states)
                    if problem and check:
                        raise _cell_error(page, cell, problem)
                    result.states = save_states(message.states, figures)
                    result.state_figures = state_figures(message.states)
                results[message.index] = result
                running = None
            elif isinstance(message, PageEnd):
                break
    finally:
        worker.close()
    return [results[c.index] for c in page.cells]


class CellProcess:
    """One `python -m slidesite.run.cell_process FD FONT`, talked to over a socket pair."""

    def __init__(self, font: Path) -> None:
        ours, theirs = socket.socketpair()
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "slidesite.run.cell_process", str(theirs.fileno()), str(font)],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self.stderr,
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False

    def receive(self, limit: float) -> Message | object | None:
        """The next message; None when limit seconds pass, GONE when the process ended."""
        if not self.ready:
            if not self.conn.poll(STARTUP_LIMIT):
                return GONE
            try:
                self.conn.recv()
            except (EOFError, OSError):
                return GONE
            self.ready = True
        if not self.conn.poll(limit):
            return None
        try:
            message: Message = self.conn.recv()
        except (EOFError, OSError):
            return GONE
        return message

    def cpu_seconds(self) -> float:
        """CPU time the process has used (user + system), or 0 where /proc cannot tell."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return 0.0
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def last_words(self) -> str:
        """The end of what the process wrote to stderr, for an error message."""
        self.process.wait(timeout=5)
        self.stderr.seek(0)
        tail = self.stderr.read().decode("utf-8", "replace").strip().splitlines()[-1:]
        return f" (exit code {self.process.returncode}{': ' + tail[0] if tail else ''})"

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.conn.close()
        self.stderr.close()


class CellProcesses:
    """Where pages' cells run: one process per page, started ahead of need (spares), so a page waits
    for numpy's and matplotlib's imports only rarely. font: the Japanese font figures use."""

    def __init__(self, font: Path, spares: int = 1) -> None:
        self.font = font
        self.spares = spares
        self.ready: list[CellProcess] = []
        self.lock = threading.Lock()
        atexit.register(self.close)

    def take(self) -> CellProcess:
        with self.lock:
            process = self.ready.pop(0) if self.ready else CellProcess(self.font)
            while len(self.ready) < self.spares:
                self.ready.append(CellProcess(self.font))
        return process

    def close(self) -> None:
        with self.lock:
            for process in self.ready:
                process.close()
            self.ready = []


GONE = object()  # what receive() says when the process has ended
WALL_FACTOR = 4  # a cell may take this many times its limit in wall-clock time (waiting, not computing)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
STARTUP_LIMIT = 120.0  # seconds for a fresh process to import numpy and matplotlib


def _state_variants(page: PageCells) -> dict[int, tuple[list[Param], tuple[str, ...]]]:
    """Each cell's #@param controls and state code; BuildError at the line of a bad control."""
    found = {}
    for cell in page.cells:
        try:
            found[cell.index] = state_variants(cell)
        except CellOptionError as err:
            raise BuildError(page.source, str(err), err.line + page.line_offset) from None
    return found


def _check(page: PageCells, cell: Cell, result: CellOutput, asked_input: bool) -> None:
    if asked_input:
        raise _cell_error(page, cell, "calls input(), which has no one to answer at build (mark the cell "
                          "`live-only`, or put the value in a variable)")
    if cell.expect_error:
        if result.status != "error":
            raise _cell_error(page, cell, "is marked expect-error but ran without an error")
        return
    if result.status != "ok" and not cell.exercise:  # an exercise's starter may well raise
        raise _cell_error(page, cell, f"raised {_last_error_line(result)} ({HINT})")


def _check_exercise(page: PageCells, cell: Cell, exercise: dict[str, Any]) -> list[dict[str, Any]]:
    """The expected values; BuildError if the solution or a check raises, or the starter passes (always,
    also for `run_cells`: every solution passes its own checks and every starter fails them)."""
    if "solution_error" in exercise:
        raise _cell_error(page, cell, f"has a solution that raised {exercise['solution_error']}")
    expected: list[dict[str, Any]] = exercise["expected"]
    for line, value in zip(cell.checks, expected, strict=True):
        if "error" in value:
            raise _cell_error(page, cell, f"has a check line `{line}` that raised {value['error']} on the solution")
    if exercise["starter_passes"]:
        raise _cell_error(page, cell, "has starter code that already passes every check line (change the "
                          "starter so that it fails at least one, or add a check that tells them apart)")
    return expected


def _last_error_line(result: CellOutput) -> str:
    errors = [o.text for o in result.outputs if o.kind == "error"]
    lines = [line for line in "".join(errors).strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "an error"


def _cell_error(page: PageCells, cell: Cell, what: str) -> BuildError:
    first = next((line.strip() for line in cell.code.splitlines() if line.strip()), "")
    if len(first) > 60:
        first = first[:57] + "…"
    return BuildError(page.source, f"cell {cell.index} (`{first}`) {what}", cell.line + page.line_offset)
