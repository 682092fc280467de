"""The query worker process: holds the store and answers one job at a time over a pipe.

Messages (pickled tuples over a multiprocessing Connection; jobs and replies are read and written
with `kosovo_kg.engine.wire`, same framing, fewer system calls):
  worker -> parent at start: ("ready", data_version) or ("error", message)
  parent -> worker: a job dict (see `Pool.execute`), or None to stop
  worker -> parent per job: ("ok", kind, body, rows, truncated, seconds) or ("fail", status,
  message); `seconds` is the time the worker spent on the job (`answer`), which the front uses to
  learn which queries it may answer itself (`kosovo_kg.engine.inline`)

The worker exits when its pipe closes (the parent died), so no orphan outlives the server.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this worker when the server process dies, even mid-query (a worker
    busy in a long query never reads its pipe, so it would not notice otherwise)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(0)


def open_store(conn: Connection, mode: str, location: str) -> tuple[Any, str] | None:
    """The store and its data version, or None after telling the parent why it cannot open."""
    from kosovo_kg import store as st

    try:
        return st.open_for_serving(mode, Path(location))
    except Exception as exc:  # report any start failure to the parent, then stop
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return None


def worker_main(conn: Connection, mode: str, location: str, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    opened = open_store(conn, mode, location)
    if opened is None:
        return
    db, version = opened
    conn.send(("ready", version))
    serve(conn, db)


def answer(db: Any, job: dict[str, Any]) -> tuple[Any, ...]:
    """The reply to one job: ("ok", kind, body, rows, truncated, seconds) or ("fail", status,
    message). A store error is answered too: the caller keeps serving."""
    from kosovo_kg import store as st

    started = time.perf_counter()
    try:
        kind, body, rows, truncated = st.run_serialized(db, **job)
    except st.QueryFailed as exc:
        return ("fail", exc.status, str(exc))
    except Exception as exc:  # an unexpected store error
        return ("fail", 500, f"internal error: {type(exc).__name__}: {exc}")
    return ("ok", kind, body, rows, truncated, time.perf_counter() - started)


def serve(conn: Connection, db: Any) -> None:
    """Answer jobs from `conn` with the store `db` until the pipe closes or None arrives."""
    from kosovo_kg.engine import wire

    fd = conn.fileno()
    while True:
        try:
            job: dict[str, Any] | None = wire.recv(fd)
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            wire.send(fd, answer(db, job))
        except (EOFError, OSError):
            return
