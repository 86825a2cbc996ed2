"""Caches for work repeated on every build: in memory for `serve` rebuilds, on disk across builds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class BuildMemo(Generic[V]):
    """Values by key; `next_build()` drops every value the previous build did not ask for."""

    def __init__(self) -> None:
        self._current: dict[str, V] = {}
        self._previous: dict[str, V] = {}

    def next_build(self) -> None:
        self._previous, self._current = self._current, {}

    def get(self, key: str) -> V | None:
        value = self._current.get(key)
        if value is None and (value := self._previous.get(key)) is not None:
            self._current[key] = value
        return value

    def put(self, key: str, value: V) -> None:
        self._current[key] = value


class StoredJSON:
    """JSON values by key, one file each in `folder`, kept from build to build.

    `prune()`, after a build that completed, deletes what that build did not ask for.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._used: set[str] = set()

    def get(self, key: str) -> Any | None:
        path = self.folder / f"{key}.json"
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        self._used.add(path.name)
        return value

    def put(self, key: str, value: Any) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"{key}.json.tmp"
        tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.folder / f"{key}.json")
        self._used.add(f"{key}.json")

    def prune(self) -> None:
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in self._used:
                    path.unlink(missing_ok=True)
        self._used = set()
