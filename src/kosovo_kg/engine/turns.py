"""Fair turns over a few slots (query workers, or connections to an external engine).

A client has at most one slot at a time; at most `queue_size` jobs wait, each until the caller's
timeout. A freed slot goes to the client whose last turn is oldest; when the queue is full, the
newest job of the client with the most waiting jobs is refused.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_CLIENTS_KEPT = 10_000  # clients whose last turn is remembered


class Busy(Exception):
    """No slot became free in time, or the wait queue is full."""


@dataclass(eq=False)
class _Waiter:
    client: str
    seq: int
    slot: Any = None
    refused: bool = False
    # held until the waiter gets a slot or is refused: only that waiter wakes, not every one
    woken: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.woken.acquire()


class Turns:
    """`usable(slot)` is asked (under `lock`) before a slot is given out; an unusable one goes
    to `discard`."""

    def __init__(
        self,
        queue_size: int,
        usable: Callable[[Any], bool] = lambda slot: True,
        discard: Callable[[Any], None] = lambda slot: None,
    ) -> None:
        self.queue_size = queue_size
        self.usable, self.discard = usable, discard
        self.lock = threading.Lock()
        self.free: list[Any] = []
        self.busy: set[Any] = set()
        self.closed = False
        self._waiters: list[_Waiter] = []
        self._running: Counter[str] = Counter()  # client -> slots held
        self._last_turn: dict[str, int] = {}  # client -> when its last turn started
        self._seq = itertools.count()

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def add(self, slot: Any) -> bool:
        """A new free slot; False once closed (the caller keeps it)."""
        with self.lock:
            if not self.closed:
                self.free.append(slot)
                self._dispatch()
            return not self.closed

    def close(self) -> list[Any]:
        """Refuse every later turn; the slots there were."""
        with self.lock:
            self.closed = True
            slots = [*self.free, *self.busy]
            self.free.clear()
            self.busy.clear()
            for waiter in self._waiters:
                waiter.refused = True
                waiter.woken.release()
            self._waiters.clear()
        return slots

    def acquire(self, client: str, timeout: float) -> Any:
        """A slot for `client`'s job; raises Busy (queue full, or no turn within `timeout`)."""
        with self.lock:
            if self.closed:
                raise Busy("the query engine is stopping")
            waiter = _Waiter(client, next(self._seq))
            self._waiters.append(waiter)
            self._dispatch()
            if waiter.slot is None and len(self._waiters) > self.queue_size:
                self._refuse_one()
        waiter.woken.acquire(timeout=max(timeout, 0))
        with self.lock:
            if waiter.slot is not None:
                return waiter.slot
            if not waiter.refused:
                self._waiters.remove(waiter)
            if self.closed:
                raise Busy("the query engine is stopping")
            if waiter.refused:
                raise Busy("the query queue is full")
            raise Busy("no query worker became free in time")

    def release(self, slot: Any, client: str, keep: bool = True) -> None:
        """The job of `client` is done: its slot is free again (`keep`) or gone."""
        with self.lock:
            self.busy.discard(slot)
            self._running[client] -= 1
            if not self._running[client]:
                del self._running[client]
            if keep and not self.closed:
                self.free.append(slot)
            self._dispatch()

    def _refuse_one(self) -> None:
        counts = Counter(w.client for w in self._waiters)
        most = max(counts.values())  # the newcomer is the newest: refused if its client has most
        victim = max((w for w in self._waiters if counts[w.client] == most), key=lambda w: w.seq)
        self._waiters.remove(victim)
        victim.refused = True
        victim.woken.release()

    def _dispatch(self) -> None:
        """Give free slots (under the lock) to clients with no job running, oldest turn first."""
        while self.free and not self.closed:
            ready = [w for w in self._waiters if not self._running[w.client]]
            if not ready:
                break
            waiter = min(ready, key=lambda w: (self._last_turn.get(w.client, -1), w.seq))
            slot = self.free.pop()
            if not self.usable(slot):
                self.discard(slot)
                continue
            self._waiters.remove(waiter)
            self.busy.add(slot)
            self._running[waiter.client] += 1
            if len(self._last_turn) > MAX_CLIENTS_KEPT:
                self._last_turn = {c: t for c, t in self._last_turn.items() if self._running[c]}
            self._last_turn[waiter.client] = next(self._seq)
            waiter.slot = slot
            waiter.woken.release()
