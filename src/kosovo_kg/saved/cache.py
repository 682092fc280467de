"""A thread-safe LRU cache of saved-query answers, bounded in bytes.

Keys are `library.cache_key(...)` (data version, query, bound parameters, format), so an entry
can never be served for other data: a new build changes the data version and every key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    content_type: str
    body: bytes
    rows: int
    truncated: bool


class AnswerCache:
    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: str, entry: Entry) -> None:
        size = len(entry.body)
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old.body)
            self._entries[key] = entry
            self._size += size
            while self._size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        return self._size
