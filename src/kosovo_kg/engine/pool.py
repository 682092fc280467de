"""A pool of query worker processes that can be killed at a deadline and replaced at once.

`size` workers take queries; one extra process is kept started and ready (the spare) so that a
worker killed at the deadline is replaced immediately, and a background thread starts the next
spare. With `store_mode=disk` workers are started with the `spawn` method (no fork of a threaded
server) and each opens the store read-only; with `store_mode=memory` they are forked from one
process that has loaded the store (`kosovo_kg.engine.zygote`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import math
import multiprocessing as mp
import os
import queue
import select
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from kosovo_kg.engine import wire
from kosovo_kg.engine.idle import IdleStack, expire
from kosovo_kg.engine.worker import worker_main
from kosovo_kg.engine.zygote import Zygote, ZygoteError

log = logging.getLogger("kosovo_kg.engine")
START_TIMEOUT = 300.0  # a worker opening the on-disk store, or forked from the zygote
LOAD_TIMEOUT = 3600.0  # the zygote loading the dump (about 40 s for 5.6 M quads, 100x the dump)
LOOP_GRACE = 30.0  # beyond a job's own bounds, for a thread's job run on the event loop


# glibc's per-thread cache keeps 7 freed blocks of each size by default; the set-up of each
# Oxigraph query frees and takes more than that, and the rest goes through the slower arena
# (perf on a worker at concurrency 8: _int_malloc 17% of its CPU). With 1,000 a look-up query
# runs 12-17% faster in-process (describe-kosovo 29 -> 24.5 us, ask-withdrawal 23.4 -> 19.6 us);
# queries of milliseconds do not change. Read by each process at exec, so it is put in the
# environment the query processes are started with (unless GLIBC_TUNABLES is set already).
WORKER_MALLOC_TUNABLES = "glibc.malloc.tcache_count=1000"


class PoolError(RuntimeError):
    """A worker could not be started."""


@dataclass
class Worker:
    process: Any
    conn: Connection
    version: str
    poller: Any = field(init=False)  # a select.poll on the pipe (cheaper than conn.poll per job)
    fd: int = field(init=False)  # the pipe, for jobs and replies (`kosovo_kg.engine.wire`)
    on_loop: Any = None  # the event loop watching the pipe (`Pool.execute_async`), if any
    waiter: Any = None  # the future of the job in flight on the loop

    def __post_init__(self) -> None:
        self.fd = self.conn.fileno()
        self.poller = select.poll()
        self.poller.register(self.fd, select.POLLIN)

    def wait(self, timeout: float) -> bool:
        """Whether a reply (or the pipe's end) arrived within `timeout` seconds."""
        return bool(self.poller.poll(max(0, math.ceil(timeout * 1000))))


def _reply_ready(loop: asyncio.AbstractEventLoop, worker: Worker) -> None:
    waiter = worker.waiter
    if waiter is not None:
        if not waiter.done():
            waiter.set_result(True)
    elif select.select([worker.fd], [], [], 0)[0]:
        # readable with no job of the loop's in flight: the worker died (EOF), or a thread that
        # took it before the loop was bound is waiting for its reply (`worker.wait` polls in
        # that thread: its poll object must not be used here at the same time)
        _unwatch(loop, worker)
    # else a readiness event that went stale: the reply was read meanwhile


def _unwatch(loop: asyncio.AbstractEventLoop, worker: Worker) -> None:
    if worker.on_loop is loop:
        worker.on_loop = None
        with contextlib.suppress(RuntimeError, ValueError, OSError):  # loop or pipe closed
            loop.remove_reader(worker.fd)


class Busy(Exception):
    """No worker became free in time, or the wait queue is full."""


class Pool:
    def __init__(self, size: int, queue_size: int, mode: str, location: str) -> None:
        self.size = size
        self.queue_size = queue_size
        self._args = (mode, location)
        self._ctx = mp.get_context("spawn")
        os.environ.setdefault("GLIBC_TUNABLES", WORKER_MALLOC_TUNABLES)  # for the processes
        # last in, first out: at low concurrency the same worker answers again, its CPU caches
        # warm (a sequence of look-ups alternating between two workers ran up to 0.5 ms slower)
        self._idle = IdleStack()
        self._spares: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._active: set[int] = set()  # pids of workers in rotation (idle or busy)
        self._all: dict[int, Worker] = {}
        self._waiting = 0
        self._wake = threading.Event()
        self._closed = False
        self.version = ""
        self.replaced = 0
        self._thread: threading.Thread | None = None
        self._zygote: Zygote | None = None
        self._zygote_lock = threading.Lock()

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the workers in rotation (all at once, then each is awaited); the spare is
        started by the background thread, so the pool is ready without waiting for it."""
        launched = [self._launch() for _ in range(self.size)]
        workers = []
        try:
            for process, parent in launched:
                workers.append(self._await_ready(process, parent))
        except PoolError:
            for process, parent in launched:
                process.kill()
                parent.close()
            raise
        for worker in workers:
            self._add(worker, spare=False)
        self._thread = threading.Thread(target=self._replenish, name="kkg-pool", daemon=True)
        self._thread.start()
        self._wake.set()

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        with self._lock:
            workers = list(self._all.values())
            self._all.clear()
            self._active.clear()
        for w in workers:
            with contextlib.suppress(OSError, ValueError):
                w.conn.send(None)
        for w in workers:
            w.process.join(1)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(1)
            w.conn.close()
        with self._zygote_lock:
            if self._zygote is not None:
                self._zygote.close()
                self._zygote = None

    def _spawn(self) -> Worker:
        return self._await_ready(*self._launch())

    def _launch(self) -> tuple[Any, Connection]:
        if self._args[0] == "memory":
            return self._fork()
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

    def _fork(self) -> tuple[Any, Connection]:
        """A worker forked from the process holding the loaded store (loaded first if none is
        running, e.g. at start or after it died)."""
        with self._zygote_lock:
            if self._closed:
                raise PoolError("the pool is closed")
            try:
                if self._zygote is not None and not self._zygote.alive():
                    self._zygote.close()
                    self._zygote = None
                if self._zygote is None:
                    zygote = Zygote(self._ctx, *self._args)
                    try:
                        zygote.wait_ready(LOAD_TIMEOUT)
                    except ZygoteError:
                        zygote.close()
                        raise
                    self._zygote = zygote
                return self._zygote.fork()
            except ZygoteError as exc:
                raise PoolError(str(exc)) from exc

    def _await_ready(self, process: Any, parent: Connection) -> Worker:
        if not parent.poll(START_TIMEOUT):
            process.kill()
            raise PoolError("a query worker did not start in time")
        try:
            message = parent.recv()
        except (EOFError, OSError) as exc:
            raise PoolError("a query worker died while starting") from exc
        if message[0] != "ready":
            process.join(1)
            raise PoolError(f"a query worker could not open the store: {message[1]}")
        self.version = message[1]
        return Worker(process, parent, message[1])

    def _add(self, worker: Worker, spare: bool) -> None:
        with self._lock:
            self._all[worker.process.pid] = worker
            if not spare:
                self._active.add(worker.process.pid)
        (self._spares if spare else self._idle).put(worker)

    def _replenish(self) -> None:
        while not self._closed:
            self._wake.wait(1.0)
            self._wake.clear()
            try:
                while not self._closed and len(self._active) < self.size:
                    self._add(self._spawn(), spare=False)
                while not self._closed and self._spares.qsize() < 1:
                    self._add(self._spawn(), spare=True)
            except PoolError:
                log.exception("cannot start a query worker; retrying")
                time.sleep(1.0)

    # --- use ----------------------------------------------------------------------------------
    def acquire(self, timeout: float) -> Worker:
        with self._lock:
            if self._waiting >= self.queue_size and self._idle.empty():
                raise Busy("the query queue is full")
            self._waiting += 1
        try:
            return self._idle.get(timeout=timeout)
        except queue.Empty:
            raise Busy("no query worker became free in time") from None
        finally:
            with self._lock:
                self._waiting -= 1

    async def acquire_async(self, timeout: float) -> Worker:
        """`acquire` for a coroutine on the ASGI front's event loop."""
        with self._lock:
            if self._waiting >= self.queue_size and self._idle.empty():
                raise Busy("the query queue is full")
            self._waiting += 1
        try:
            return await self._idle.take(timeout)
        except queue.Empty:
            raise Busy("no query worker became free in time") from None
        finally:
            with self._lock:
                self._waiting -= 1

    def release(self, worker: Worker) -> None:
        self._idle.put(worker)

    @staticmethod
    def _stop(worker: Worker) -> None:
        with contextlib.suppress(OSError):
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()

    def discard(self, worker: Worker) -> None:
        """Kill a worker (deadline passed or it crashed) and put the spare in its place."""
        self._stop(worker)
        with self._lock:
            self._all.pop(worker.process.pid, None)
            self._active.discard(worker.process.pid)
            self.replaced += 1
        try:
            spare = self._spares.get_nowait()
        except queue.Empty:
            spare = None
        if spare is not None:
            with self._lock:
                self._active.add(spare.process.pid)
            self._idle.put(spare)
        self._wake.set()

    def execute(self, job: dict[str, Any], queue_timeout: float, timeout: float) -> tuple[Any, ...]:
        """Run one job. Returns the worker's reply, ("timeout",) or ("crash", message).

        Raises Busy when no worker is free within `queue_timeout`. While an event loop serves
        queries (`execute_async`), a job from another thread runs there too: the loop then does
        all the talking to the workers, whose pipes it watches."""
        loop = self._idle.loop_elsewhere()
        if loop is not None:
            future = asyncio.run_coroutine_threadsafe(
                self.execute_async(job, queue_timeout, timeout), loop
            )
            try:  # the queue's wait, then the deadline, then killing the worker
                return future.result(queue_timeout + timeout + LOOP_GRACE)
            except concurrent.futures.TimeoutError:
                future.cancel()
                raise Busy("the event loop did not answer in time") from None
        worker = self.acquire(queue_timeout)
        reply = self._ask(worker, job, timeout)
        if reply[0] in ("timeout", "crash"):
            self.discard(worker)
        else:
            self.release(worker)
        return reply

    async def execute_async(
        self, job: dict[str, Any], queue_timeout: float, timeout: float
    ) -> tuple[Any, ...]:
        """`execute` for a coroutine: the wait for a worker and for its reply happen on the event
        loop (no thread per query); killing a worker happens in a thread (it may wait).

        The loop watches a worker's pipe from its first job on (adding and removing the watch
        per job cost six epoll_ctl and two ioctl calls); it stops watching before the worker is
        killed, or when the pipe is readable with no job in flight (the worker died)."""
        loop = asyncio.get_running_loop()
        self._idle.bind(loop)
        worker = await self.acquire_async(queue_timeout)
        try:
            reply = await self._ask_async(loop, worker, job, timeout)
        except BaseException:  # cancelled mid-job: its reply would be read as the next one's
            _unwatch(loop, worker)
            await loop.run_in_executor(None, self.discard, worker)
            raise
        if reply[0] in ("timeout", "crash"):
            _unwatch(loop, worker)
            await loop.run_in_executor(None, self.discard, worker)
        else:
            self.release(worker)
        return reply

    @staticmethod
    async def _ask_async(
        loop: asyncio.AbstractEventLoop, worker: Worker, job: dict[str, Any], timeout: float
    ) -> tuple[Any, ...]:
        try:
            if worker.on_loop is not loop:
                loop.add_reader(worker.fd, _reply_ready, loop, worker)  # makes it non-blocking
                worker.on_loop = loop
            waiter: asyncio.Future[bool] = loop.create_future()
            worker.waiter = waiter
            wire.send(worker.fd, job)
            timer = loop.call_later(timeout, expire, waiter)
            try:
                arrived = await waiter
            finally:
                timer.cancel()
                worker.waiter = None
            if not arrived:
                return ("timeout",)
            return wire.recv(worker.fd)
        except (EOFError, OSError) as exc:
            code = worker.process.exitcode
            return ("crash", f"the query worker stopped ({exc or 'exit code ' + str(code)})")

    @staticmethod
    def _ask(worker: Worker, job: dict[str, Any], timeout: float) -> tuple[Any, ...]:
        """Send a job and wait for the reply: the worker's, ("timeout",) or ("crash", message)."""
        try:
            wire.send(worker.fd, job)
            if not worker.wait(timeout):
                return ("timeout",)
            return wire.recv(worker.fd)
        except (EOFError, OSError) as exc:
            code = worker.process.exitcode
            return ("crash", f"the query worker stopped ({exc or 'exit code ' + str(code)})")

    def run_aside(self, job: dict[str, Any], timeout: float) -> tuple[Any, ...]:
        """Run one job on a worker started for it and stopped after, outside the rotation: the
        service's own long scans (counting each graph's quads) take no worker from the queries."""
        try:
            worker = self._spawn()
        except PoolError as exc:
            return ("crash", str(exc))
        try:
            return self._ask(worker, job, timeout)
        finally:
            self._stop(worker)

    def health(self) -> dict[str, Any]:
        with self._lock:
            workers = [self._all[pid] for pid in self._active if pid in self._all]
        alive = sum(1 for w in workers if w.process.is_alive())
        return {
            "workers": self.size,
            "workers_alive": alive,
            "busy": max(0, len(workers) - self._idle.qsize()),
            "spare_ready": self._spares.qsize(),
            "waiting": self._waiting,
            "replaced": self.replaced,
        }
