"""Idle query workers, last in first out, for request threads and event-loop coroutines to take
(`kosovo_kg.engine.pool`)."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections import deque
from typing import Any


class IdleStack:
    """Idle workers, last in first out, for the request threads (and coroutines) to take.

    `queue.LifoQueue` waits in Python (a Condition, its locks and a notify per put), each step a
    point where the GIL changes hands among the HTTP server's request threads. Here the waiting
    is one C call: a `queue.SimpleQueue` holds a token per idle worker, and a taker that got a
    token pops a worker from the stack (each token was put after its worker was pushed, so the
    stack is never empty then).

    Coroutines on the event loop of the ASGI front (`take`) wait on a future instead, woken by
    `put` (from the loop directly, from another thread through the loop). Both kinds of taker
    may wait at once: a put wakes one of each, and the one that loses the race waits again."""

    def __init__(self) -> None:
        self._stack: list[Any] = []
        self._tokens: queue.SimpleQueue[None] = queue.SimpleQueue()
        self._waiters: deque[asyncio.Future[bool | None]] = deque()
        self.loop: asyncio.AbstractEventLoop | None = None  # of the coroutines that take
        self._loop_thread = 0

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Coroutines on `loop` (running in this thread) take workers from now on."""
        if self.loop is not loop:
            self.loop, self._loop_thread = loop, threading.get_ident()

    def loop_elsewhere(self) -> asyncio.AbstractEventLoop | None:
        """The bound loop when it is running in another thread than the caller's."""
        loop = self.loop
        if loop is not None and loop.is_running() and threading.get_ident() != self._loop_thread:
            return loop
        return None

    def put(self, worker: Any) -> None:
        self._stack.append(worker)
        self._tokens.put(None)
        if self._waiters:  # read after the token is in: a taker re-checks after it queues
            if threading.get_ident() == self._loop_thread:
                self._wake()
            elif self.loop is not None:
                with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                    self.loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def get(self, timeout: float | None = None) -> Any:
        """The worker put last; raises queue.Empty when none is idle within `timeout`."""
        self._tokens.get(timeout=timeout)
        return self._stack.pop()

    def get_nowait(self) -> Any:
        self._tokens.get(block=False)
        return self._stack.pop()

    async def take(self, timeout: float) -> Any:
        """`get` for a coroutine: waits without blocking the event loop."""
        with contextlib.suppress(queue.Empty):
            return self.get_nowait()
        loop = asyncio.get_running_loop()
        self.bind(loop)
        deadline = loop.time() + timeout
        while True:
            waiter: asyncio.Future[bool | None] = loop.create_future()
            self._waiters.append(waiter)
            with contextlib.suppress(queue.Empty):
                worker = self.get_nowait()  # a put that came before the waiter was queued
                waiter.cancel()  # so that no put spends its wake-up on it
                return worker
            remaining = deadline - loop.time()
            timer = loop.call_later(max(0.0, remaining), expire, waiter)
            try:
                woken = await waiter
            except asyncio.CancelledError:
                if not self._tokens.empty():
                    self._wake()  # a wake-up this taker got passes to the next
                raise
            finally:
                timer.cancel()
            if woken is False:  # the deadline, not a put
                with contextlib.suppress(queue.Empty):
                    return self.get_nowait()
                raise queue.Empty

    def qsize(self) -> int:
        return len(self._stack)

    def empty(self) -> bool:
        return not self._stack


def expire(waiter: asyncio.Future[bool | None]) -> None:
    """Wake `waiter` with False: its deadline passed (a put wakes it with None, a reply with
    True)."""
    if not waiter.done():
        waiter.set_result(False)
