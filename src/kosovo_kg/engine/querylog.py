"""The log line of each query, made off the request path.

`Engine.run` logs one line per query (logger `kosovo_kg.query`): hash, status, rows, truncated,
duration, and where it ran. Making a `logging.LogRecord` takes longer than answering a look-up
query, and it runs in the HTTP server's request threads, which contend for the GIL. So the request thread only
appends a tuple to a deque; a background thread turns the tuples into ordinary log records on
`kosovo_kg.query` every `interval` seconds (each record stamped with the time its query ended)
and hands them to the logger's handlers, whatever they are. Pending lines are also handed over
at exit (`atexit`, before `logging.shutdown` flushes the handlers) and by `flush()`.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import deque

log = logging.getLogger("kosovo_kg.query")
FORMAT = "query hash=%s status=%d rows=%d truncated=%s duration_ms=%.1f ran=%s"
INTERVAL = 0.1  # seconds


class QueryLog:
    """Collects query log lines cheaply and logs them from a background thread."""

    def __init__(self, interval: float = INTERVAL) -> None:
        self.interval = interval
        self._pending: deque[tuple[float, str, int, int, bool, float, str]] = deque()
        self._lock = threading.Lock()  # one thread hands lines over at a time: order kept
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def add(
        self, digest: str, status: int, rows: int, truncated: bool, ms: float, ran: str
    ) -> None:
        """Note the line of one query (no formatting, no lock on the way). `ran`: where it ran
        (`worker`, `front`, `remote`, or `none` when the checks refused it)."""
        self._pending.append((time.time(), digest, status, rows, truncated, ms, ran))
        if self._thread is None:
            self._start()

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="kkg-query-log", daemon=True)
            atexit.register(self.flush)
            if not self._stop.is_set():
                self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush()

    def close(self) -> None:
        """Log what is pending and stop the background thread (a line noted after this is
        logged at exit)."""
        self._stop.set()
        with self._lock:
            thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join()
        self.flush()

    def flush(self) -> None:
        """Log every line noted so far."""
        with self._lock:
            for _ in range(len(self._pending)):
                created, digest, status, rows, truncated, ms, ran = self._pending.popleft()
                if not log.isEnabledFor(logging.INFO):
                    continue
                args = (digest, status, rows, str(truncated).lower(), ms, ran)
                record = log.makeRecord(log.name, logging.INFO, __file__, 0, FORMAT, args, None)
                record.created = created
                record.msecs = (created - int(created)) * 1000
                log.handle(record)
