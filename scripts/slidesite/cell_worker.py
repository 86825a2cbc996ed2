"""The build's Python process for one page's cells: the browser's runner, in CPython.

`python -m slidesite.cell_worker FD`: imports numpy, matplotlib and the runner first, says
("ready",) on the socket FD, then waits for one PageJob, so `slidesite.execute` can keep a
process warm before a page needs it. It runs the cells in order in one namespace with
`livecode_runner.run`, exactly as the browser's worker does, and sends each cell's output
back; the parent enforces the time limits and kills the process when they pass.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .paths import LIVECODE_DIR

RUNTIME_PY = LIVECODE_DIR / "py"  # the runner the browser's worker uses
# Cap the palette of build-time figures: plots have few colours, and 256 keeps edges smooth.
FIGURE_COLOURS = 256


@dataclass(frozen=True)
class CellJob:
    """One cell as the worker needs it."""

    index: int
    code: str
    live_only: bool
    solution: str = ""  # an exercise's solution and check lines (empty for a run cell)
    checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageJob:
    """Everything one page's run needs; picklable."""

    cells: tuple[CellJob, ...]
    modules: tuple[tuple[str, str], ...]  # (file name, absolute path) written into the working folder
    figures: str  # folder of the content-addressed figure store


def preload() -> None:
    """The imports every page shares, before the page is known."""
    sys.path.insert(0, str(RUNTIME_PY))
    import livecode_runner

    from .livecode_assets import figure_font_path

    livecode_runner.setup(font_path=str(figure_font_path()))
    import matplotlib.pyplot  # noqa: F401 - the import is the point
    import numpy  # noqa: F401


def run_page(conn: Connection, job: PageJob) -> None:
    """Run job's cells, sending ("start", i) and ("done", i, status, outputs, asked_input) per cell."""
    import livecode_runner

    workdir = tempfile.mkdtemp(prefix="slidesite-cells-")
    try:
        for name, path in job.modules:
            shutil.copyfile(path, os.path.join(workdir, name))
        os.chdir(workdir)
        sys.path.insert(0, workdir)
        livecode_runner._user_module_dir = workdir
        namespace = livecode_runner.new_namespace()
        asked: list[bool] = []

        def no_input(prompt: object = "") -> str:
            asked.append(True)
            raise RuntimeError("input() はビルド時には使えません。")

        for cell in job.cells:
            if cell.live_only:
                continue
            conn.send(("start", cell.index))
            namespace["input"] = no_input
            asked.clear()
            outputs: list[tuple[str, str]] = []

            def post(kind: str, text: str, outputs: list[tuple[str, str]] = outputs) -> None:
                if kind == "image":
                    text = store_figure(base64.b64decode(text), Path(job.figures))
                outputs.append((kind, text))

            status = livecode_runner.run(cell.code, cell.index, post)
            exercise = run_exercise(cell) if cell.checks else None
            conn.send(("done", cell.index, status, outputs, bool(asked), exercise))
        conn.send(("end",))
    finally:
        os.chdir("/")
        shutil.rmtree(workdir, ignore_errors=True)
        conn.close()


def run_exercise(cell: CellJob) -> dict[str, Any]:
    """After an exercise's starter ran: its check values, then the solution's (run quietly, in the
    same namespace, so later cells see the solution's names) as the expected values."""
    import livecode_check
    import livecode_runner

    namespace = livecode_runner.namespace
    starter = livecode_check.evaluate(list(cell.checks), namespace)
    noise: list[tuple[str, str]] = []
    status = livecode_runner.run(cell.solution, f"solution {cell.index}", lambda k, t: noise.append((k, t)))
    if status != "ok":
        error = "".join(t for k, t in noise if k == "error").strip().splitlines()
        return {"solution_error": error[-1] if error else status}
    expected = livecode_check.evaluate(list(cell.checks), namespace)
    pairs = zip(expected, starter, strict=True)
    passes = [livecode_check.compare(e, s)[0] if "error" not in e else False for e, s in pairs]
    return {"expected": expected, "starter_passes": all(passes)}


def store_figure(png: bytes, folder: Path) -> str:
    """Save a figure, palette-reduced and compressed, under its content hash; return the file name."""
    from PIL import Image

    image: Any = Image.open(io.BytesIO(png))
    small = image.quantize(colors=FIGURE_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    small.save(buf, format="PNG", optimize=True)
    data = buf.getvalue() if buf.tell() < len(png) else png
    name = hashlib.sha256(data).hexdigest()[:20] + ".png"
    target = folder / name
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return name


def main(argv: list[str]) -> int:
    conn = Connection(int(argv[0]))
    preload()
    conn.send(("ready",))
    run_page(conn, conn.recv())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
