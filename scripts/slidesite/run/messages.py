"""What the build and its cell process say to each other: a PageJob one way; Ready, then Started and
Finished per cell, then PageEnd the other way. Their own module, so both sides unpickle the same classes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CellJob:
    """One cell as the worker needs it."""

    index: int
    code: str
    live_only: bool
    solution: str = ""  # an exercise's solution and check lines (empty for a run cell)
    checks: tuple[str, ...] = ()
    states: tuple[str, ...] = ()  # a #@param cell's code once per combination of its controls (params.py)
    limit: float = 30.0  # seconds of CPU each state may take


@dataclass(frozen=True)
class PageJob:
    """Everything one page's run needs; picklable."""

    cells: tuple[CellJob, ...]
    modules: tuple[tuple[str, str], ...]  # (file name, absolute path) written into the working folder
    figures: str  # folder of the content-addressed figure store


# The messages the process sends, in order: Ready, then Started/Finished per cell run, then PageEnd.
@dataclass(frozen=True)
class Ready:
    pass


@dataclass(frozen=True)
class Started:
    index: int


@dataclass(frozen=True)
class Finished:
    index: int
    status: str
    outputs: list[tuple[str, str]]  # (kind, text); an image's text is its file name in the figure store
    asked_input: bool
    exercise: dict[str, Any] | None  # Session.solve's result, for an exercise
    # A #@param cell's states, in CellJob.states order: (status, outputs, asked_input) each.
    states: tuple[tuple[str, list[tuple[str, str]], bool], ...] = ()


@dataclass(frozen=True)
class PageEnd:
    pass


Message = Ready | Started | Finished | PageEnd
