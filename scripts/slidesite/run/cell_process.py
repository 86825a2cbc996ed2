"""The build's Python process for one page's cells: the browser's runner, in CPython.

`python -m slidesite.run.cell_process FD FONT`: imports numpy, matplotlib and the runner first, sends `Ready`
on the socket FD, then waits for one `PageJob`, so `slidesite.execute` can keep a process warm
before a page needs it. It runs the cells in order in one `Session` of the runner, exactly as the
browser's worker does, and sends `Started` and `Finished` per cell, then `PageEnd`; the parent
enforces the time limits and kills the process when they pass.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import os
import shutil
import sys
import tempfile
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..livecode.figure_alt import DESCRIPTION_KEY
from .cell_states import StateResult, run_states
from .messages import Finished, PageEnd, PageJob, Ready, Started

# Cap the palette of build-time figures: plots have few colours, and 256 keeps edges smooth.
FIGURE_COLOURS = 256


def preload(font: str) -> None:
    """The imports every page shares, before the page is known."""
    from ..livecode import runner

    runner.setup(font_path=font)
    import matplotlib.pyplot  # noqa: F401 - the import is the point
    import numpy  # noqa: F401


def run_page(conn: Connection, job: PageJob) -> None:
    """Run job's cells in one Session, sending Started and Finished per cell, then PageEnd."""
    from ..livecode import runner

    workdir = tempfile.mkdtemp(prefix="slidesite-cells-")
    try:
        for name, path in job.modules:
            shutil.copyfile(path, os.path.join(workdir, name))
        os.chdir(workdir)
        runner.use_module_dir(workdir)
        session = runner.Session()
        for cell in job.cells:
            if cell.live_only:
                continue
            conn.send(Started(cell.index))
            outputs: list[tuple[str, str]] = []

            def post(kind: str, text: str, outputs: list[tuple[str, str]] = outputs) -> None:
                if kind == "image":
                    text = store_figure(base64.b64decode(text), Path(job.figures))
                outputs.append((kind, text))

            states: tuple[StateResult, ...] = ()
            if cell.states:  # before the cell itself: each state forks from the namespace above it
                # Started again as each state ends: the parent's clock restarts.
                states = run_states(session, cell.index, cell.states, cell.limit, Path(job.figures), store_figure,
                                    functools.partial(conn.send, Started(cell.index)))
            status = session.run_cell(cell.code, cell.index, post)
            asked = session.asked_input
            exercise = session.solve(cell.index, cell.solution, list(cell.checks)) if cell.checks else None
            conn.send(Finished(cell.index, status, outputs, asked, exercise, states))
        conn.send(PageEnd())
    finally:
        os.chdir("/")
        shutil.rmtree(workdir, ignore_errors=True)
        conn.close()


def _text_chunks(image: Any) -> Any:
    """The picture's text chunks (its alt text, livecode.figure_alt) for the palette-reduced copy."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in getattr(image, "text", {}).items():
        if key != "Software":
            info.add_itxt(key, value)
    return info


def store_figure(png: bytes, folder: Path) -> str:
    """Save a figure, palette-reduced and compressed, under its content hash; return the file name."""
    from PIL import Image

    image: Any = Image.open(io.BytesIO(png))
    small = image.quantize(colors=FIGURE_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    small.save(buf, format="PNG", optimize=True, pnginfo=_text_chunks(image))
    return store(buf.getvalue() if buf.tell() < len(png) else png, folder, ".png")


def store(data: bytes, folder: Path, suffix: str) -> str:
    """Put data into the content-addressed figure store (written once, atomically); its file name."""
    name = hashlib.sha256(data).hexdigest()[:20] + suffix
    target = folder / name
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return name


def png_description(path: Path) -> str:
    """What the runner wrote into a figure's PNG about it (title, axes, legend), or ""."""
    try:
        from PIL import Image

        with Image.open(path) as image:
            return str(getattr(image, "text", {}).get(DESCRIPTION_KEY, ""))
    except OSError:
        return ""


def main(argv: list[str]) -> int:
    conn = Connection(int(argv[0]))
    preload(argv[1])
    conn.send(Ready())
    run_page(conn, conn.recv())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
