"""Run a `#@param` cell once per state, each in a fork of the page's process taken right before the cell.

A fork is a copy-on-write snapshot of the namespace the cells above left (numpy, matplotlib and the
page's variables included), so every state starts exactly where the cell would, and nothing it does
reaches another state or the cells below. Forking costs about a millisecond; re-running the cells
above per state would cost their whole run time again. The forks run as many at a time as there are cores.
"""

from __future__ import annotations

import base64
import os
import pickle
import resource
import select
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

StateResult = tuple[str, list[tuple[str, str]], bool]  # status, outputs, asked_input


def run_states(session: Any, index: int, variants: tuple[str, ...], limit: float, figures: Path,
               store: Callable[[bytes, Path], str], progress: Callable[[], None]) -> tuple[StateResult, ...]:
    """Each variant's outputs, in order. progress() is called as each state ends (the parent's clock)."""
    results: dict[int, StateResult] = {}
    running: dict[int, tuple[int, int, bytearray]] = {}  # read fd → (state, pid, bytes so far)
    todo = list(range(len(variants)))
    width = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    while todo or running:
        while todo and len(running) < width:
            state = todo.pop(0)
            fd, pid = _fork(session, index, variants[state], limit, figures, store)
            running[fd] = (state, pid, bytearray())
        ready, _, _ = select.select(list(running), [], [])
        for fd in ready:
            chunk = os.read(fd, 1 << 16)
            if chunk:
                running[fd][2].extend(chunk)
                continue
            state, pid, data = running.pop(fd)
            os.close(fd)
            _, code = os.waitpid(pid, 0)
            results[state] = pickle.loads(bytes(data)) if data else _died(code, limit)
            progress()
    return tuple(results[i] for i in range(len(variants)))


def _died(code: int, limit: float) -> StateResult:
    if os.WIFSIGNALED(code) and os.WTERMSIG(code) in (signal.SIGXCPU, signal.SIGKILL):
        return "error", [("error", f"ran past its {limit:g} s limit at build\n")], False
    return "error", [("error", f"ended the Python process it ran in (exit status {code})\n")], False


def _fork(session: Any, index: int, code: str, limit: float, figures: Path,
          store: Callable[[bytes, Path], str]) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return read, pid
    # The child: run the state, write its result, leave without the parent's exit handlers.
    status = 1
    try:
        os.close(read)
        cpu = int(limit) + 1  # a child's CPU clock starts at zero
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        outputs: list[tuple[str, str]] = []

        def post(kind: str, text: str) -> None:
            outputs.append((kind, store(base64.b64decode(text), figures) if kind == "image" else text))

        result = session.run_cell(code, index, post)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(pickle.dumps((result, outputs, session.asked_input)))
        status = 0
    finally:
        os._exit(status)
