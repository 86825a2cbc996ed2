"""The two kinds of build errors: bad input (names a file and line) and a missing setup step."""

from __future__ import annotations

from pathlib import Path


class BuildError(Exception):
    """Bad input in a source file: reported once as `file:line: message`."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        where = _display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.message}"


class SetupError(Exception):
    """A tool the build needs is missing; the message says how to install it."""


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
