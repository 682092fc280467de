"""The server's log handler (kosovo_kg.web.logs): lines leave the request path and are written
in batches by a background thread, none lost, none doubled, in order."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from kosovo_kg.engine.querylog import QueryLog
from kosovo_kg.web.logs import FORMAT, DeferredStreamHandler


def _logger(name: str, handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def test_lines_wait_for_the_next_write_then_all_appear_in_order() -> None:
    stream = io.StringIO()
    handler = DeferredStreamHandler(stream, interval=3600)  # no timed write during the test
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = _logger("kkg-test-order", handler)
    for i in range(5):
        log.info("line %d", i)
    assert stream.getvalue() == ""  # nothing written on the request path
    handler.flush()
    assert stream.getvalue() == "".join(f"line {i}\n" for i in range(5))
    handler.flush()  # nothing pending: nothing written twice
    assert stream.getvalue().count("line 0") == 1
    handler.close()


def test_the_background_thread_writes_without_a_flush() -> None:
    stream = io.StringIO()
    handler = DeferredStreamHandler(stream, interval=0.02)
    handler.setFormatter(logging.Formatter(FORMAT))
    log = _logger("kkg-test-timed", handler)
    log.info("query hash=%s status=%d", "abc", 200)
    deadline = time.monotonic() + 5
    while "query hash=abc status=200" not in stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    line = stream.getvalue().strip()
    assert line.endswith("kkg-test-timed INFO query hash=abc status=200"), line
    handler.close()


def test_concurrent_lines_each_written_exactly_once() -> None:
    stream = io.StringIO()
    handler = DeferredStreamHandler(stream, interval=0.001)  # writes race the threads
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = _logger("kkg-test-threads", handler)

    def emit(t: int) -> None:
        for i in range(2000):
            log.info("t%d-%d", t, i)

    threads = [threading.Thread(target=emit, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 16000
    assert set(lines) == {f"t{t}-{i}" for t in range(8) for i in range(2000)}
    for t in range(8):  # each thread's lines keep their order
        mine = [int(x.split("-")[1]) for x in lines if x.startswith(f"t{t}-")]
        assert mine == sorted(mine)


def test_a_record_that_cannot_be_formatted_does_not_lose_the_others() -> None:
    stream = io.StringIO()
    handler = DeferredStreamHandler(stream, interval=3600)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = _logger("kkg-test-bad", handler)
    log.info("before")
    log.info("%d", "not a number")  # fails when formatted, in the writer
    log.info("after")
    handler.flush()
    assert stream.getvalue() == "before\nafter\n"
    handler.close()


def _stderr_of(code: str) -> str:
    """What a Python process running `code` wrote on stderr by the time it exited."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stderr


def test_pending_lines_are_written_when_the_process_exits() -> None:
    """logging.shutdown (atexit) flushes the handler: a normal stop loses no line."""
    code = (
        "import logging\n"
        "from kosovo_kg.web import logs\n"
        "logs.configure()\n"
        "log = logging.getLogger('kosovo_kg.query')\n"
        "for i in range(300): log.info('query hash=%04d', i)\n"
    )
    lines = [x for x in _stderr_of(code).splitlines() if "kosovo_kg.query INFO query hash=" in x]
    assert [x.rsplit("=", 1)[1] for x in lines] == [f"{i:04d}" for i in range(300)]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def query_records() -> Iterator[list[logging.LogRecord]]:
    """The records the `kosovo_kg.query` logger hands to its handlers during the test."""
    collect = _Collect()
    logger = logging.getLogger("kosovo_kg.query")
    saved = logger.handlers, logger.propagate, logger.level
    logger.handlers, logger.propagate = [collect], False
    logger.setLevel(logging.INFO)
    yield collect.records
    logger.handlers, logger.propagate = saved[0], saved[1]
    logger.setLevel(saved[2])


def test_query_lines_are_logged_later_stamped_with_the_time_of_the_query(
    query_records: list[logging.LogRecord],
) -> None:
    qlog = QueryLog(interval=3600)  # no timed hand-over during the test
    before = time.time()
    qlog.add("0123456789abcdef", 504, 0, False, 10000.04, "worker")
    qlog.add("fedcba9876543210", 200, 3, True, 1.25, "front")
    time.sleep(0.05)
    assert query_records == []  # nothing made on the request path
    qlog.flush()
    lines = [r.getMessage() for r in query_records]
    assert lines == [
        "query hash=0123456789abcdef status=504 rows=0 truncated=false duration_ms=10000.0"
        " ran=worker",
        "query hash=fedcba9876543210 status=200 rows=3 truncated=true duration_ms=1.2 ran=front",
    ]
    first = query_records[0]
    assert before <= first.created < before + 0.04  # when the query ended, not the flush
    assert first.name == "kosovo_kg.query" and first.levelno == logging.INFO
    qlog.flush()
    assert len(query_records) == 2


def test_query_lines_noted_just_before_exit_are_written() -> None:
    code = (
        "from kosovo_kg.web import logs\n"
        "from kosovo_kg.engine.querylog import QueryLog\n"
        "logs.configure()\n"
        "q = QueryLog(interval=3600)\n"
        "for i in range(300): q.add(f'{i:016x}', 200, i, False, 0.5, 'worker')\n"
    )
    rows = [x.split(" rows=")[1].split()[0] for x in _stderr_of(code).splitlines() if " rows=" in x]
    assert rows == [str(i) for i in range(300)]


def test_closing_the_query_log_logs_what_is_pending_and_stops_its_thread(
    query_records: list[logging.LogRecord],
) -> None:
    qlog = QueryLog(interval=3600)
    qlog.add("aaaaaaaaaaaaaaaa", 200, 1, False, 0.3, "worker")
    thread = qlog._thread
    assert thread is not None and thread.is_alive()
    qlog.close()
    assert not thread.is_alive()
    assert [r.getMessage().split()[1] for r in query_records] == ["hash=aaaaaaaaaaaaaaaa"]
    qlog.add("bbbbbbbbbbbbbbbb", 200, 1, False, 0.3, "worker")  # after close: kept for the exit
    qlog.flush()
    assert len(query_records) == 2
