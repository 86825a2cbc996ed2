"""A cache for work repeated on every `serve` rebuild, forgetting what two builds in a row did not use."""

from __future__ import annotations

from typing import Generic, TypeVar

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
