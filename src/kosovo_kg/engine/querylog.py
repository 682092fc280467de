"""The log line of each query, made off the request path.

`Engine.run` logs one line per query (logger `kosovo_kg.query`): hash, status, rows, truncated,
duration. Making a `logging.LogRecord` takes longer than answering a look-up query, and it runs
in the HTTP server's request threads, which contend for the GIL. So the request thread only
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
FORMAT = "query hash=%s status=%d rows=%d truncated=%s duration_ms=%.1f"
INTERVAL = 0.1  # seconds


class QueryLog:
    """Collects query log lines cheaply and logs them from a background thread."""

    def __init__(self, interval: float = INTERVAL) -> None:
        self.interval = interval
        self._pending: deque[tuple[float, str, int, int, bool, float]] = deque()
        self._lock = threading.Lock()  # one thread hands lines over at a time: order kept
        self._thread: threading.Thread | None = None

    def add(self, digest: str, status: int, rows: int, truncated: bool, ms: float) -> None:
        """Note the line of one query (no formatting, no lock on the way)."""
        self._pending.append((time.time(), digest, status, rows, truncated, ms))
        if self._thread is None:
            self._start()

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="kkg-query-log", daemon=True)
            self._thread.start()
            atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            self.flush()

    def flush(self) -> None:
        """Log every line noted so far."""
        with self._lock:
            for _ in range(len(self._pending)):
                created, digest, status, rows, truncated, ms = self._pending.popleft()
                if not log.isEnabledFor(logging.INFO):
                    continue
                args = (digest, status, rows, str(truncated).lower(), ms)
                record = log.makeRecord(log.name, logging.INFO, __file__, 0, FORMAT, args, None)
                record.created = created
                record.msecs = (created - int(created)) * 1000
                log.handle(record)
