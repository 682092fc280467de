"""Answering a query in the front process once a worker has shown that it is fast.

Each query crosses to a worker process and back (`pool`), because only a process can be killed
at the deadline. On a small virtual machine the hop costs more than a look-up query: a 26 us
describe query took 278 us of round trip when the two processes ran on different CPUs
(bench/wakeup_cost.py). So the front keeps its own copy of the store. Once a worker has answered
a job within `inline_ms`, with an answer of at most INLINE_BYTES and no SERVICE call, the same
job (same text, result format, dataset and caps) is answered on the front's event loop thread.
The data are read-only, so the same job does the same work again; the loop is held no longer
than that.

The deadline still holds. The store releases the GIL while it evaluates, so a watchdog thread
sees an inline job that runs past its deadline. It writes the 504 to that client's connection
itself and ends the front process, which is the only way to stop the query. The supervisor
(`kosovo_kg.web.server`) then starts a new front on the same listening socket. The front's other
connections close with it: the price of a case that needs a job to run thousands of times slower
than it did in a worker.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kosovo_kg.engine.worker import answer

log = logging.getLogger("kosovo_kg.engine")

INLINE_BYTES = 65536  # a larger answer is serialised in a worker: the loop would wait for it
KNOWN_JOBS = 4096  # jobs remembered as fast (least recently learned forgotten first)
KEY_CHARS = 8192  # a longer job (text and bound values) is not remembered: at most ~32 MB of keys
WATCH_INTERVAL = 0.05  # seconds between the watchdog's looks at the clock
EXIT_DEADLINE = 70  # exit status of a front that the watchdog ended

JobKey = tuple[Any, ...]


def job_key(job: dict[str, Any]) -> JobKey:
    """What makes two jobs do the same work: text, format, caps, dataset, bound values."""
    values = job.get("substitutions") or {}
    return (
        job["text"],
        job["result_format"],
        job["max_rows"],
        job["max_bytes"],
        job["union"],
        tuple(sorted(values.items())),
        tuple(job["default_graph_uris"]),
        tuple(job["named_graph_uris"]),
    )


def end_process() -> None:
    """The watchdog's last step: flush the log, then end the process at once (a thread cannot
    be stopped, and the query holds the thread that would run any clean-up)."""
    for handler in logging.getLogger("kosovo_kg").handlers:
        handler.flush()
    os._exit(EXIT_DEADLINE)


class Watchdog:
    """Calls `overrun`, then `end`, when an armed job is still running at its deadline.

    Arming and disarming take a lock that the watchdog holds from the moment it fires: a job
    that ends just after the deadline then waits, and its answer is never written after the
    504 (`end` does not return)."""

    def __init__(
        self, interval: float = WATCH_INTERVAL, end: Callable[[], None] = end_process
    ) -> None:
        self._interval = interval
        self._end = end
        self._lock = threading.Lock()
        self._deadline = 0.0  # 0: nothing armed
        self._overrun: Callable[[], None] | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kkg-watchdog", daemon=True)
            self._thread.start()

    def arm(self, deadline: float, overrun: Callable[[], None]) -> None:
        with self._lock:
            self._deadline = deadline
            self._overrun = overrun

    def disarm(self) -> None:
        with self._lock:
            self._deadline = 0.0
            self._overrun = None

    def _run(self) -> None:
        while True:
            time.sleep(self._interval)
            with self._lock:
                if not self._deadline or time.monotonic() < self._deadline:
                    continue
                overrun = self._overrun
                try:
                    if overrun is not None:
                        overrun()
                finally:
                    self._end()
                return  # only reached when `end` returns (tests)


class InlineRunner:
    """The front's own copy of the store and the jobs known to be fast on it."""

    def __init__(
        self, mode: str, location: Path, budget: float, watchdog: Watchdog | None = None
    ) -> None:
        self.budget = budget
        self._source = (mode, location)
        self._db: Any = None
        self._known: OrderedDict[JobKey, None] = OrderedDict()
        self._watchdog = watchdog or Watchdog()
        self.answered = 0
        self.started = False

    def start(self, wait: bool = False) -> None:
        """Load the copy in a thread (the server answers through its workers meanwhile), or
        before returning with `wait`. The engine starts it at the first query that could be
        answered here, so a process that never serves one (a WSGI server, a test client, the
        CLI) never loads it."""
        self.started = True
        self._watchdog.start()
        if wait:
            self._load()
        else:
            threading.Thread(target=self._load, name="kkg-inline-load", daemon=True).start()

    def _load(self) -> None:
        from kosovo_kg import store as st

        began = time.monotonic()
        try:
            db, version = st.open_for_serving(*self._source)
        except Exception as exc:  # the workers still answer everything
            log.error("front copy of the store not loaded (%s): all queries go to workers", exc)
            return
        self._db = db
        log.info("front copy of the store %s loaded in %.1f s", version, time.monotonic() - began)

    @property
    def ready(self) -> bool:
        return self._db is not None

    def learn(self, key: JobKey, reply: tuple[Any, ...]) -> None:
        """Remember `key` as fast if a worker's `reply` says so (see the module docstring)."""
        if (
            reply[0] == "ok"
            and len(reply) > 5
            and reply[5] <= self.budget
            and len(reply[2]) <= INLINE_BYTES
            and len(key[0]) + sum(len(name) + len(value) for name, value in key[5]) <= KEY_CHARS
            and key not in self._known
        ):
            self._known[key] = None
            if len(self._known) > KNOWN_JOBS:
                self._known.popitem(last=False)

    def knows(self, key: JobKey) -> bool:
        return self._db is not None and key in self._known

    @property
    def known(self) -> int:
        return len(self._known)

    def run(
        self, job: dict[str, Any], timeout: float, overrun: Callable[[], None]
    ) -> tuple[Any, ...]:
        """Answer `job` on this thread under the watchdog: past `timeout` seconds, `overrun`
        is called (it tells the client) and the process ends."""
        self._watchdog.arm(time.monotonic() + timeout, overrun)
        try:
            reply = answer(self._db, job)
        finally:
            self._watchdog.disarm()
        self.answered += 1
        return reply
