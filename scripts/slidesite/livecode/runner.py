"""The one runner of live cells: the browser's worker (Pyodide) and the build (CPython) both use it.

Call `setup()` once per interpreter, make a `Session` per page, and run each cell with
`Session.run_cell`; output goes to a `post(kind, text)` callback: kind is stdout, stderr, result,
image (PNG as base64), error (a trimmed traceback) or notice (e.g. truncation). An exercise is run
the same way everywhere (see `Session`).

This module and its siblings (check.py, mpl_backend.py) import nothing from the build: the worker
writes them into Pyodide's file system as the package `slidesite.livecode`.
"""

from __future__ import annotations

import ast
import base64
import builtins
import importlib.abc
import importlib.machinery
import io
import linecache
import os
import sys
import time
import traceback
import types
from collections.abc import Callable
from typing import Any, TextIO

Post = Callable[[str, str], Any]

MAX_LINES = 1000
MAX_CHARS = 100_000
FLUSH_INTERVAL = 0.05  # seconds between streamed output messages
TRUNCATED = "… output truncated（出力が多すぎるため、ここから先は表示しません）\n"

FONT_FAMILY = "LivecodeJP Gothic"
NO_INPUT = "input() はライブセルでは使えません。値は変数に直接書いてください。"
# The figure backend: this package's mpl_backend, by its import name (matplotlib's module:// form).
BACKEND = "module://" + __name__.rpartition(".")[0] + ".mpl_backend"
_font_path: str | None = None
_user_module_dir: str | None = None


def _forget_user_modules() -> None:
    """Drop modules imported from the page's own files, so the next page imports its own."""
    if not _user_module_dir:
        return
    root = os.path.abspath(_user_module_dir)
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and os.path.dirname(os.path.abspath(file)) == root:
            del sys.modules[name]
    importlib.invalidate_caches()


class Session:
    """One page's cells, run in page order in one `__main__`-like namespace.

    An exercise, everywhere: its code runs like any cell (the starter, or the reader's answer), then
    its check lines are evaluated in the namespace. The build then runs the solution quietly
    (`solve`: the expected values, and later cells see the solution's names); the browser compares
    the reader's values with the build's (`check`), and a later cell that uses the names of an
    exercise the reader has not solved gets that solution run quietly first (`run_cell(solutions=…)`).
    """

    def __init__(self) -> None:
        _forget_user_modules()
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins,
                                          "input": self._no_input}
        self.asked_input = False  # whether the last cell called input()

    def _no_input(self, prompt: object = "") -> str:
        self.asked_input = True
        raise RuntimeError(NO_INPUT)

    def run_cell(self, code: str, cell: int | str, post: Post, *, solutions: Any = (),
                 max_lines: int = MAX_LINES, max_chars: int = MAX_CHARS) -> str:
        """Run one cell ("ok", "error" or "interrupted"); solutions: (cell, code) pairs run quietly first."""
        self.asked_input = False
        for index, solution in solutions:
            if self.run_quietly(solution, f"solution {index}")[0] != "ok":
                post("notice", f"演習（セル {index}）の模範解答を実行できませんでした。\n")
        return run(code, cell, post, self.namespace, max_lines, max_chars)

    def run_quietly(self, code: str, name: str) -> tuple[str, str]:
        """Run code whose output nobody sees: (status, the last line of its error or "")."""
        errors: list[str] = []
        status = run(code, name, lambda kind, text: errors.append(text) if kind == "error" else None,
                     self.namespace)
        lines = "".join(errors).strip().splitlines()
        return status, (lines[-1] if lines else status) if status != "ok" else ""

    def solve(self, cell: int, solution: str, checks: list[str]) -> dict[str, Any]:
        """At build, right after an exercise's starter ran: the starter's check values, then the solution's
        (the expected values); {"solution_error": …} when the solution raises."""
        from .check import compare, evaluate

        starter = evaluate(checks, self.namespace)
        status, error = self.run_quietly(solution, f"solution {cell}")
        if status != "ok":
            return {"solution_error": error}
        expected = evaluate(checks, self.namespace)
        passes = [compare(e, s)[0] if "error" not in e else False for e, s in zip(expected, starter, strict=True)]
        return {"expected": expected, "starter_passes": all(passes)}

    def check(self, lines: list[str], expected: list[dict[str, Any]], status: str) -> list[dict[str, Any]]:
        """In the browser, after the reader's code ran: each check line against the build's value."""
        from .check import check

        if status != "ok":
            message = "実行が止められました" if status == "interrupted" else "コードがエラーで止まりました（上の出力）"
            return [{"line": line, "ok": False, "message": message} for line in lines]
        return check(lines, expected, self.namespace)

    def check_json(self, lines_json: str, expected_json: str, status: str) -> str:
        """`check` with JSON in and out (what worker.js calls)."""
        import json

        return json.dumps(self.check(json.loads(lines_json), json.loads(expected_json), status),
                          ensure_ascii=False)


class OutputSink:
    """Collects a run's output, caps it, and streams it in batches through `post`."""

    def __init__(self, post: Post, max_lines: int = MAX_LINES, max_chars: int = MAX_CHARS) -> None:
        self.post = post
        self.max_lines = max_lines
        self.max_chars = max_chars
        self.lines = 0
        self.chars = 0
        self.truncated = False
        self.pending: list[tuple[str, str]] = []
        self.last_flush = time.monotonic()

    def write(self, kind: str, text: str) -> None:
        if self.truncated or not text:
            return
        newlines = text.count("\n")
        lines = self.lines + newlines
        # A text that would start line max_lines + 1 (or pass max_chars) is cut there.
        too_many = lines > self.max_lines or (lines == self.max_lines and not text.endswith("\n"))
        if too_many or self.chars + len(text) > self.max_chars:
            text = self._cut(text)
            self._append(kind, text)
            self.truncated = True
            if text and not text.endswith("\n"):
                self._append(kind, "\n")
            self._append("notice", TRUNCATED)
            self.flush()
            return
        self.lines += newlines
        self.chars += len(text)
        self._append(kind, text)
        if time.monotonic() - self.last_flush >= FLUSH_INTERVAL:
            self.flush()

    def _cut(self, text: str) -> str:
        text = text[: max(0, self.max_chars - self.chars)]
        room = self.max_lines - self.lines
        parts = text.split("\n")
        if len(parts) > room:
            text = "".join(part + "\n" for part in parts[:room])
        return text

    def _append(self, kind: str, text: str) -> None:
        if self.pending and self.pending[-1][0] == kind:
            self.pending[-1] = (kind, self.pending[-1][1] + text)
        else:
            self.pending.append((kind, text))

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        self.last_flush = time.monotonic()
        for kind, text in pending:
            self.post(kind, text)

    def emit(self, kind: str, text: str) -> None:
        """Send something that is not capped (an image, the traceback) after what came before."""
        self.flush()
        self.post(kind, text)


class _Stream(io.TextIOBase):
    def __init__(self, sink: OutputSink, kind: str) -> None:
        self.sink = sink
        self.kind = kind

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.sink.write(self.kind, str(s))
        return len(s)

    def flush(self) -> None:
        pass

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"


_sink: OutputSink | None = None


def capture_figures() -> None:
    """Send every open pyplot figure as a PNG and close it (plt.show() and end of run)."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return
    for num in plt.get_fignums():
        fig = plt.figure(num)
        buf = io.BytesIO()
        try:
            from .figure_alt import DESCRIPTION_KEY, describe

            # The alt text rides in the PNG (an iTXt chunk): the build's <img> and the browser read it there.
            metadata = {DESCRIPTION_KEY: describe(fig)}
            fig.savefig(buf, format="png", dpi=100, metadata=metadata)  # bbox_inches="tight" would draw twice
        finally:
            plt.close(fig)
        if _sink is not None:
            _sink.emit("image", base64.b64encode(buf.getvalue()).decode("ascii"))


def _register_cjk_font(mpl: types.ModuleType) -> None:
    """Make Japanese text in figures render: add the shipped CJK font as a fallback."""
    if not _font_path or not os.path.exists(_font_path):
        return
    import logging

    # Building matplotlib's font list logs a warning that means nothing to a reader.
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        from matplotlib import font_manager
    finally:
        logger.setLevel(level)
    font_manager.fontManager.addfont(_font_path)
    name = font_manager.FontProperties(fname=_font_path).get_name()
    # The default sans-serif first keeps Latin text as usual; glyphs it lacks (kana, kanji)
    # fall back to the CJK font, which matplotlib does per glyph across `font.family`.
    mpl.rcParams["font.family"] = ["sans-serif", name]
    mpl.rcParams["axes.unicode_minus"] = False


class _MatplotlibHook(importlib.abc.MetaPathFinder):
    """Runs `_register_cjk_font` right after `import matplotlib`, whoever imports it."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name != "matplotlib":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module: types.ModuleType) -> None:
            original(module)
            try:
                _register_cjk_font(module)
            except Exception as exc:  # noqa: BLE001 - a missing font must not break matplotlib
                print(f"(日本語フォントを登録できませんでした: {exc})", file=sys.stderr)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _keep_zip_directories() -> None:
    """Make `importlib.invalidate_caches()` re-read a zip's directory only if the zip changed.

    A speed-up that replaces a method of zipimport.zipimporter: written for Python 3.12 (Pyodide
    0.27.7) and applied only there; it keeps the original for zips that did change.

    Python 3.12's zipimport re-reads the whole directory of the standard library's zip on
    every call (0.3-2 s in Pyodide), and Pyodide calls it for each package it installs.
    """
    import zipimport

    if getattr(zipimport.zipimporter.invalidate_caches, "_livecode", False):
        return
    original = zipimport.zipimporter.invalidate_caches
    stamps: dict[str, tuple[float, int] | None] = {}

    def stamp(archive: str) -> tuple[float, int] | None:
        try:
            st = os.stat(archive)
        except OSError:
            return None
        return (st.st_mtime, st.st_size)

    for finder in list(sys.path_importer_cache.values()):
        if isinstance(finder, zipimport.zipimporter):
            stamps[finder.archive] = stamp(finder.archive)

    def invalidate_caches(self: zipimport.zipimporter) -> None:
        now = stamp(self.archive)
        if now is not None and stamps.get(self.archive) == now:
            return
        stamps[self.archive] = now
        original(self)

    invalidate_caches._livecode = True  # type: ignore[attr-defined]
    zipimport.zipimporter.invalidate_caches = invalidate_caches  # type: ignore[method-assign]


def setup(font_path: str | None = None, module_dir: str | None = None, speedups: bool = True) -> None:
    """Called once per interpreter: figure backend, CJK font hook, importable module dir.

    speedups=False (the worker's plain path, see speedups.js) leaves zipimport as it is.
    """
    global _font_path
    if sys.platform == "emscripten" and speedups and sys.version_info[:2] == (3, 12):
        _keep_zip_directories()
    _font_path = font_path
    os.environ["MPLBACKEND"] = BACKEND
    if module_dir:
        use_module_dir(module_dir)
    if not any(isinstance(f, _MatplotlibHook) for f in sys.meta_path):
        sys.meta_path.insert(0, _MatplotlibHook())
    if "matplotlib" in sys.modules:
        _register_cjk_font(sys.modules["matplotlib"])


def use_module_dir(module_dir: str | None) -> None:
    """The reader's own modules (the page's files) are importable by name from module_dir (None: none)."""
    global _user_module_dir
    if _user_module_dir and _user_module_dir != module_dir and _user_module_dir in sys.path:
        sys.path.remove(_user_module_dir)
    _user_module_dir = module_dir
    if module_dir and module_dir not in sys.path:
        sys.path.insert(0, module_dir)  # the one sys.path line: the reader's folder, as in the browser


def warm_up(names: Any) -> None:
    """Import the heavy packages a page uses and draw one tiny figure, before any Run."""
    names = list(names)
    if "numpy" in names:
        import numpy  # noqa: F401
    if "matplotlib" in names:
        import matplotlib.pyplot as plt

        # What a first figure does (axes, ticks, a line, a title with CJK text, a PNG at
        # the runner's dpi), so that the first real one finds that code compiled and warm.
        fig, ax = plt.subplots()
        ax.plot([0.0, 1.0, 2.0], [0.0, 1.0, 4.0])
        ax.set_title("Aあ亜 x² − 1")  # loads the Latin and the CJK font
        fig.savefig(io.BytesIO(), format="png", dpi=100)
        plt.close(fig)


def _frame_is_cell(frame: traceback.FrameSummary) -> bool:
    return frame.filename.startswith("<cell")


def _trim(te: traceback.TracebackException, seen: set[int]) -> None:
    """Drop the runtime's frames above the first frame of a cell, in a whole exception chain."""
    if id(te) in seen:
        return
    seen.add(id(te))
    frames = list(te.stack)
    first = next((i for i, f in enumerate(frames) if _frame_is_cell(f)), len(frames))
    te.stack = traceback.StackSummary.from_list(frames[first:])
    for other in (te.__cause__, te.__context__):
        if other is not None:
            _trim(other, seen)


def format_exception(exc: BaseException) -> str:
    te = traceback.TracebackException.from_exception(exc)
    _trim(te, set())
    return "".join(te.format())


def _compile(code: str, filename: str) -> tuple[types.CodeType | None, types.CodeType | None]:
    """The cell's statements, and its final bare expression compiled separately (if any)."""
    tree = ast.parse(code, filename, "exec")
    last = None
    final = tree.body[-1] if tree.body else None
    if isinstance(final, ast.Expr):
        tree.body.pop()
        last = compile(ast.Expression(final.value), filename, "eval")
    body = compile(tree, filename, "exec") if tree.body else None
    return body, last


def run(
    code: str,
    cell: int | str,
    post: Post,
    namespace: dict[str, Any],
    max_lines: int = MAX_LINES,
    max_chars: int = MAX_CHARS,
) -> str:
    """Run one piece of code in namespace. Returns "ok", "error" or "interrupted"."""
    global _sink
    filename = f"<cell {cell}>"
    lines = code.splitlines(keepends=True)
    linecache.cache[filename] = (len(code), None, lines, filename)
    sink = OutputSink(post, max_lines, max_chars)
    _sink = sink
    old: tuple[TextIO, TextIO] = (sys.stdout, sys.stderr)
    sys.stdout, sys.stderr = _Stream(sink, "stdout"), _Stream(sink, "stderr")
    status = "ok"
    try:
        body, last = _compile(code, filename)
        if body is not None:
            exec(body, namespace)  # noqa: S102 - running the cell is the point
        if last is not None:
            value = eval(last, namespace)
            if value is not None:
                namespace["_"] = value
                text = repr(value)
                sink.write("result", text if text.endswith("\n") else text + "\n")
    except KeyboardInterrupt as exc:
        status = "interrupted"
        sink.emit("error", format_exception(exc))
    except BaseException as exc:  # noqa: BLE001 - show whatever the cell raised, SystemExit too
        status = "error"
        sink.emit("error", format_exception(exc))
    finally:
        sys.stdout, sys.stderr = old
        try:
            capture_figures()
        except Exception as exc:  # noqa: BLE001 - a broken figure is reported, not fatal
            sink.emit("error", f"図を描けませんでした: {exc}\n")
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            plt.close("all")
        sink.flush()
        _sink = None
    return status
