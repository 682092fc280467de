"""A small pool of query worker processes: one job per worker, a hard deadline, fair turns.

Workers are started with the standard library's `multiprocessing` (`spawn`: a fresh
interpreter, no fork of a threaded server) and each opens the pinned data itself
(`kosovo_kg.engine.worker`). A job goes to a free worker; at the deadline that worker is killed
and the caller gets ("timeout",). A background thread keeps `size` workers alive: it replaces a
worker that was killed or died, and checks the idle ones every second. A worker is also checked
just before a job is given to it, so a job never goes to a dead one.

Fairness: a client (a key the caller gives, e.g. its address) has at most one job running at a
time; the other jobs wait, at most `queue_size` of them, at most `queue_timeout` seconds. When a
worker frees, it goes to the waiting job whose client started a job longest ago. When the queue
is full, the newest waiting job of the client with the most waiting jobs is refused, so one
client cannot fill the queue against the others.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing as mp
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from kosovo_kg.engine.worker import worker_main

log = logging.getLogger("kosovo_kg.engine")
START_TIMEOUT = 600.0  # seconds for a worker to open its data (an in-memory load at 100x: ~45 s)
CHECK_INTERVAL = 1.0  # seconds between checks of the idle workers
MAX_CLIENTS_KEPT = 10_000  # clients whose last turn is remembered


class PoolError(RuntimeError):
    """A worker could not be started."""


class Busy(Exception):
    """No worker became free in time, or the wait queue is full."""


@dataclass(eq=False)
class Worker:
    process: Any
    conn: Connection

    def alive(self) -> bool:
        """Running and its pipe quiet (an idle worker's pipe reads only at its end)."""
        try:
            return self.process.is_alive() and not self.conn.poll()
        except (OSError, ValueError):
            return False

    def ask(self, job: dict[str, Any], timeout: float) -> tuple[Any, ...]:
        """Send a job; the reply, ("timeout",) or ("crash", message)."""
        try:
            self.conn.send(job)
            if not self.conn.poll(timeout):
                return ("timeout",)
            return self.conn.recv()
        except (EOFError, OSError) as exc:
            return ("crash", f"the query worker stopped ({exc or self.process.exitcode})")

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(5)
        self.conn.close()


@dataclass(eq=False)
class _Waiter:
    client: str
    seq: int
    worker: Worker | None = field(default=None)
    refused: bool = False


def _seq(waiter: _Waiter) -> int:
    return waiter.seq


class Pool:
    def __init__(self, size: int, queue_size: int, mode: str, location: str) -> None:
        self.size = size
        self.queue_size = queue_size
        self._args = (mode, location)
        self._ctx = mp.get_context("spawn")
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._waiters: list[_Waiter] = []
        self._running: Counter[str] = Counter()  # client -> jobs running
        self._last_turn: dict[str, int] = {}  # client -> when its last job started
        self._seq = itertools.count()
        self._wake = threading.Event()
        self._closed = False
        self.version = ""
        self.replaced = 0

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start `size` workers at once and wait until each has opened the data."""
        launched = [self._launch() for _ in range(self.size)]
        try:
            workers = [self._await_ready(*pair) for pair in launched]
        except PoolError:
            for process, conn in launched:
                Worker(process, conn).stop()
            raise
        self._idle.extend(workers)
        threading.Thread(target=self._supervise, name="kkg-pool", daemon=True).start()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._busy.clear()
            self._cond.notify_all()
        self._wake.set()
        for worker in workers:
            worker.stop()

    def spawn(self) -> Worker:
        """A new worker, ready (raises PoolError)."""
        return self._await_ready(*self._launch())

    def _launch(self) -> tuple[Any, Connection]:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=worker_main,
            args=(child, *self._args, os.getpid()),
            name="kkg-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        return process, parent

    def _await_ready(self, process: Any, conn: Connection) -> Worker:
        worker = Worker(process, conn)
        try:
            if not conn.poll(START_TIMEOUT):
                raise PoolError("a query worker did not open the data in time")
            message = conn.recv()
        except (EOFError, OSError) as exc:
            worker.stop()
            raise PoolError("a query worker died while starting") from exc
        except PoolError:
            worker.stop()
            raise
        if message[0] != "ready":
            worker.stop()
            raise PoolError(f"a query worker could not open the data: {message[1]}")
        self.version = message[1]
        return worker

    def _supervise(self) -> None:
        """Keep `size` workers: drop dead idle ones, start replacements one at a time."""
        while not self._closed:
            self._wake.wait(CHECK_INTERVAL)
            self._wake.clear()
            with self._cond:
                for worker in [w for w in self._idle if not w.alive()]:
                    self._drop(worker)
                missing = self.size - len(self._idle) - len(self._busy)
            for _ in range(missing):
                try:
                    worker = self.spawn()
                except PoolError:
                    if self._closed:
                        return
                    log.exception("cannot start a query worker; retrying")
                    time.sleep(CHECK_INTERVAL)
                    break
                with self._cond:
                    if self._closed:
                        worker.stop()
                        return
                    self._idle.append(worker)
                    self._dispatch()

    def _drop(self, worker: Worker) -> None:
        """Forget a dead worker and stop it (under the lock); the supervisor replaces it."""
        log.warning("query worker %s died while idle; replacing it", worker.process.pid)
        self._idle.remove(worker)
        worker.stop()
        self.replaced += 1
        self._wake.set()

    # --- use ----------------------------------------------------------------------------------
    def execute(
        self, job: dict[str, Any], queue_timeout: float, timeout: float, client: str = ""
    ) -> tuple[Any, ...]:
        """Run one job on a free worker: its reply, ("timeout",) or ("crash", message).

        Raises Busy when the queue is full or no worker (or no turn of `client`'s) comes within
        `queue_timeout`. A worker that dies as the job reaches it is replaced and the job given
        once more to another."""
        waited = time.monotonic()
        for _ in range(2):
            remaining = queue_timeout - (time.monotonic() - waited)
            worker = self._acquire(client, remaining)
            reply = worker.ask(job, timeout)
            self._release(worker, client, keep=reply[0] not in ("timeout", "crash"))
            if reply[0] != "crash":
                break
        return reply

    def _acquire(self, client: str, timeout: float) -> Worker:
        with self._cond:
            waiter = _Waiter(client, next(self._seq))
            self._waiters.append(waiter)
            self._dispatch()
            try:
                if waiter.worker is None and len(self._waiters) > self.queue_size:
                    self._refuse_one(waiter)
                arrived = self._cond.wait_for(
                    lambda: waiter.worker is not None or waiter.refused, max(timeout, 0)
                )
                if waiter.refused:
                    raise Busy("the query queue is full")
                if not arrived:
                    raise Busy("no query worker became free in time")
            finally:
                if waiter.worker is None and not waiter.refused:
                    self._waiters.remove(waiter)
            return waiter.worker

    def _refuse_one(self, newcomer: _Waiter) -> None:
        """The queue is full: refuse the newest waiting job of the client with the most waiting
        jobs (the newcomer's own if its client has as many as any)."""
        counts = Counter(w.client for w in self._waiters)
        most = max(counts.values())
        if counts[newcomer.client] == most:
            victim = newcomer
        else:
            victim = max((w for w in self._waiters if counts[w.client] == most), key=_seq)
        self._waiters.remove(victim)
        victim.refused = True
        self._cond.notify_all()

    def _dispatch(self) -> None:
        """Give idle workers to waiting jobs (under the lock): first the waiting job of the
        client whose last turn is oldest, among clients with no job running."""
        served = False
        while self._idle and not self._closed:
            ready = [w for w in self._waiters if not self._running[w.client]]
            if not ready:
                break
            waiter = min(ready, key=lambda w: (self._last_turn.get(w.client, -1), w.seq))
            worker = self._idle.pop()
            if not worker.alive():
                self._idle.append(worker)
                self._drop(worker)
                continue
            self._waiters.remove(waiter)
            self._busy.add(worker)
            self._running[waiter.client] += 1
            if len(self._last_turn) > MAX_CLIENTS_KEPT:
                self._last_turn = {c: t for c, t in self._last_turn.items() if self._running[c]}
            self._last_turn[waiter.client] = next(self._seq)
            waiter.worker = worker
            served = True
        if served:
            self._cond.notify_all()

    def _release(self, worker: Worker, client: str, keep: bool) -> None:
        """Back to the idle workers, or (deadline passed, crashed) killed and replaced."""
        if not keep:
            worker.stop()
        with self._cond:
            self._busy.discard(worker)
            self._running[client] -= 1
            if not self._running[client]:
                del self._running[client]
            if keep and not self._closed:
                self._idle.append(worker)
            elif not keep:
                self.replaced += 1
                self._wake.set()
            self._dispatch()

    def run_aside(self, job: dict[str, Any], timeout: float) -> tuple[Any, ...]:
        """Run one job on a worker started for it and stopped after, outside the pool: the
        service's own long scans (counting each graph's quads) take no worker from queries."""
        try:
            worker = self.spawn()
        except PoolError as exc:
            return ("crash", str(exc))
        try:
            return worker.ask(job, timeout)
        finally:
            worker.stop()

    def health(self) -> dict[str, Any]:
        with self._cond:
            workers = [*self._idle, *self._busy]
            busy, waiting = len(self._busy), len(self._waiters)
        return {
            "workers": self.size,
            "workers_alive": sum(1 for w in workers if w.process.is_alive()),
            "busy": busy,
            "waiting": waiting,
            "replaced": self.replaced,
        }
