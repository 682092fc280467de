"""A small pool of query worker processes: one job per worker, a hard deadline, fair turns.

Workers are `spawn`ed and each opens the pinned data itself (`worker`). At the deadline the
worker is killed and the caller gets ("timeout",). A supervisor thread replaces killed or dead
workers and checks idle ones every second; a worker is also checked just before it gets a job.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing as mp
import os
import select
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from kosovo_kg.engine.turns import Turns
from kosovo_kg.engine.worker import worker_main

log = logging.getLogger("kosovo_kg.engine")
START_TIMEOUT = 600.0  # seconds for a worker to open its data (an in-memory load at 100x: ~45 s)
CHECK_INTERVAL = 1.0  # seconds between checks of the idle workers


class PoolError(RuntimeError):
    """A worker could not be started."""


class Worker:
    def __init__(self, process: Any, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self._readable = select.poll()  # one poller for the pipe's life, not one per call
        self._readable.register(conn.fileno(), select.POLLIN)

    def alive(self) -> bool:
        """Its pipe quiet: an idle worker's pipe reads only once the worker has died (end of
        file: the worker held the pipe's other end)."""
        try:
            return not self._readable.poll(0)
        except (OSError, ValueError):
            return False

    def ask(self, job: dict[str, Any], timeout: float) -> tuple[Any, ...]:
        """Send a job; the reply, ("timeout",) or ("crash", message)."""
        try:
            self.conn.send(job)
            if not self._readable.poll(math.ceil(max(timeout, 0) * 1000)):
                return ("timeout",)
            return self.conn.recv()
        except (EOFError, OSError) as exc:
            return ("crash", f"the query worker stopped ({exc or self.process.exitcode})")

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class Pool:
    def __init__(self, size: int, queue_size: int, mode: str, location: str) -> None:
        self.size = size
        self._args = (mode, location)
        self._ctx = mp.get_context("spawn")
        self.turns = Turns(queue_size, usable=Worker.alive, discard=self._retire)
        self._wake = threading.Event()
        self.version = ""
        self.replaced = 0

    def start(self) -> None:
        """Start `size` workers at once and wait until each has opened the data."""
        self._fill()
        threading.Thread(target=self._supervise, name="kkg-pool", daemon=True).start()

    def close(self) -> None:
        workers = self.turns.close()
        self._wake.set()
        for worker in workers:
            worker.stop()

    def _launch(self) -> Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=worker_main,
            args=(child, *self._args, os.getpid()),
            name="kkg-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        return Worker(process, parent)

    def _await_ready(self, worker: Worker) -> Worker:
        try:
            ready = worker.conn.poll(START_TIMEOUT)
            message = worker.conn.recv() if ready else ("error", "not ready in time")
        except (EOFError, OSError):
            message = ("error", "it died while starting")
        if message[0] != "ready":
            worker.stop()
            raise PoolError(f"a query worker could not open the data: {message[1]}")
        self.version = message[1]
        return worker

    def _fill(self) -> None:
        """Start the missing workers at once and add them when all are ready; raises PoolError
        (then none is added)."""
        with self.turns.lock:
            missing = self.size - len(self.turns.free) - len(self.turns.busy)
        launched = [self._launch() for _ in range(missing)]
        try:
            ready = [self._await_ready(worker) for worker in launched]
        except PoolError:
            for worker in launched:
                worker.stop()
            raise
        for worker in ready:
            if not self.turns.add(worker):
                worker.stop()

    def _supervise(self) -> None:
        """Keep `size` workers: drop dead idle ones, start their replacements."""
        turns = self.turns
        while not turns.closed:
            self._wake.wait(CHECK_INTERVAL)
            self._wake.clear()
            with turns.lock:
                for worker in [w for w in turns.free if not w.alive()]:
                    turns.free.remove(worker)
                    self._retire(worker)
            try:
                self._fill()
            except PoolError:
                log.exception("cannot start a query worker; retrying")

    def _retire(self, worker: Worker) -> None:
        """Stop a worker killed at its deadline or found dead; the supervisor replaces it."""
        log.warning(
            "query worker %s stopped (past a deadline, or dead); replacing it", worker.process.pid
        )
        worker.stop()
        self.replaced += 1
        self._wake.set()

    def execute(
        self, job: dict[str, Any], queue_timeout: float, timeout: float, client: str = ""
    ) -> tuple[Any, ...]:
        """Run one job on a free worker: its reply, ("timeout",) or ("crash", message); raises
        Busy. A job whose worker died as it arrived is given once more to another."""
        waited = time.monotonic()
        for _ in range(2):
            worker = self.turns.acquire(client, queue_timeout - (time.monotonic() - waited))
            reply = worker.ask(job, timeout)
            keep = reply[0] not in ("timeout", "crash")
            self.turns.release(worker, client, keep)
            if not keep:  # killed at the deadline, or dead: replaced
                self._retire(worker)
            if reply[0] != "crash":
                break
        return reply

    def health(self) -> dict[str, Any]:
        with self.turns.lock:
            workers = [*self.turns.free, *self.turns.busy]
            busy, waiting = len(self.turns.busy), self.turns.waiting
        return {
            "workers_alive": sum(1 for w in workers if w.process.is_alive()),
            "busy": busy,
            "waiting": waiting,
            "replaced": self.replaced,
        }
