"""Rows of numpy columns addressed by id, and postings (the rows under a key) ready for numpy."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from services.matching.search.encoding import Ints


class Table:
    """Columns grow by doubling; a released row is marked inactive and reused by the next id."""

    def __init__(self, columns: Mapping[str, tuple[npt.DTypeLike, Any]], capacity: int = 1024) -> None:
        self._spec = columns
        self.columns: dict[str, npt.NDArray[Any]] = {
            name: np.full(capacity, fill, dtype=dtype) for name, (dtype, fill) in columns.items()
        }
        self.active = np.zeros(capacity, dtype=np.bool_)
        self.ids: list[str | None] = [None] * capacity
        self.row_of: dict[str, int] = {}
        self._free: list[int] = []
        self.size = 0  # rows ever used: arrays are read up to here

    def __len__(self) -> int:
        return len(self.row_of)

    def row(self, id_: str) -> int:
        if id_ in self.row_of:
            return self.row_of[id_]
        if self._free:
            row = self._free.pop()
        else:
            if self.size == len(self.ids):
                self._grow()
            row, self.size = self.size, self.size + 1
        self.row_of[id_] = row
        self.ids[row] = id_
        self.active[row] = True
        return row

    def release(self, id_: str) -> int | None:
        row = self.row_of.pop(id_, None)
        if row is not None:
            self.active[row] = False
            self.ids[row] = None
            for name, (_, fill) in self._spec.items():
                self.columns[name][row] = fill
            self._free.append(row)
        return row

    def _grow(self) -> None:
        capacity = len(self.ids) * 2
        for name, (dtype, fill) in self._spec.items():
            grown = np.full((capacity, *self.columns[name].shape[1:]), fill, dtype=dtype)
            grown[: len(self.ids)] = self.columns[name]
            self.columns[name] = grown
        active = np.zeros(capacity, dtype=np.bool_)
        active[: len(self.ids)] = self.active
        self.active = active
        self.ids.extend([None] * (capacity - len(self.ids)))


class Postings:
    """For each key, the rows filed under it, each with a few integers (e.g. where in a path it is)."""

    def __init__(self, width: int = 0) -> None:
        self._width = width
        self._entries: dict[Hashable, dict[int, tuple[int, ...]]] = {}
        self._arrays: dict[Hashable, tuple[Ints, Ints]] = {}

    def add(self, key: Hashable, row: int, values: tuple[int, ...] = ()) -> None:
        self._entries.setdefault(key, {})[row] = values
        self._arrays.pop(key, None)

    def remove(self, key: Hashable, row: int) -> None:
        entries = self._entries.get(key)
        if entries is not None and entries.pop(row, None) is not None:
            self._arrays.pop(key, None)
            if not entries:
                del self._entries[key]

    def arrays(self, key: Hashable) -> tuple[Ints, Ints]:
        """The rows, and their integers as a (rows, width) array."""
        cached = self._arrays.get(key)
        if cached is None:
            entries = self._entries.get(key, {})
            rows = np.fromiter(entries.keys(), dtype=np.int64, count=len(entries))
            values = np.array(list(entries.values()), dtype=np.int64).reshape(len(entries), self._width)
            cached = self._arrays[key] = (rows, values)
        return cached

    def rows(self, key: Hashable) -> Ints:
        return self.arrays(key)[0]
