"""The server's log: one line per query, written off the request path.

Writing a line per request from the request thread costs more than answering a small query: the
record, the format, the handler's lock and a `write` to stderr under the GIL, contended by every
request thread (bench/RESULTS-cpu.md: about 70 us of the HTTP server's CPU per request at
concurrency 8). `DeferredStreamHandler` only appends the record to a list on the request path;
a background thread formats the lines and writes them in one `write` every `interval` seconds,
like nginx's buffered `access_log ... flush=`. `flush()` (called by `logging.shutdown` at exit,
and by `close()`) writes what is pending at once, so no line is lost on a normal stop; a process
killed with SIGKILL loses at most the last `interval` of lines.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections import deque
from typing import TextIO

FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"
INTERVAL = 0.1  # seconds between writes


class DeferredStreamHandler(logging.Handler):
    """A stream handler whose lines are formatted and written by a background thread."""

    def __init__(self, stream: TextIO | None = None, interval: float = INTERVAL) -> None:
        super().__init__()
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self._pending: deque[logging.LogRecord] = deque()  # appended and popped atomically
        self._write_lock = threading.Lock()  # one writer at a time: lines stay in order
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kkg-log", daemon=True)
        self._thread.start()

    def handle(self, record: logging.LogRecord) -> logging.LogRecord | bool:
        """Keep the record for the next write (no lock, no format, no I/O on the request path)."""
        if not self.filter(record):
            return False
        self._pending.append(record)
        return record

    def emit(self, record: logging.LogRecord) -> None:
        self._pending.append(record)

    def flush(self) -> None:
        """Format and write the lines pending now (not those that keep arriving meanwhile)."""
        with self._write_lock:
            lines = []
            for _ in range(len(self._pending)):
                record = self._pending.popleft()
                try:
                    lines.append(self.format(record) + "\n")
                except Exception:  # a bad record must not take the other lines with it
                    self.handleError(record)
            if not lines:
                return
            try:
                self.stream.write("".join(lines))
                self.stream.flush()
            except (OSError, ValueError):  # stderr closed: nothing left to write to
                pass

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            self.flush()

    def close(self) -> None:
        self._stopping.set()
        self.flush()
        super().close()


def configure() -> None:
    """The `kosovo_kg` loggers write at INFO to stderr through one DeferredStreamHandler (set
    once per process; a handler configured by the embedding application is left alone)."""
    logger = logging.getLogger("kosovo_kg")
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        handler = DeferredStreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
        logger.propagate = False


def lean_records() -> None:
    """For the serving process only: log records without the caller's file and line, thread,
    process and task names, which the server's format does not print (the logging HOWTO's
    "Optimization" section; finding the caller walks the stack on every query)."""
    logging._srcfile = None  # type: ignore[attr-defined]  # the documented switch
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def adopt(name: str) -> None:
    """Write logger `name`'s records (the HTTP server's own, e.g. `uvicorn`) at INFO through
    the `kosovo_kg` handler, in the same format and stream."""
    configure()
    other = logging.getLogger(name)
    other.setLevel(logging.INFO)
    other.handlers = list(logging.getLogger("kosovo_kg").handlers)
    other.propagate = False
