"""A query worker process: opens the pinned data and answers one job at a time over its pipe.

start: ("ready", data_version) or ("error", message); per job (the keywords of
`store.run_serialized`, None to stop): ("ok", kind, body, rows, truncated) or ("fail", status,
message). It exits with its parent and ignores group-wide SIGINT/SIGTERM: the pool stops it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

PARENT_CHECK = 1.0  # seconds between checks that the parent process still runs


def _exit_with_parent(parent_pid: int) -> None:
    while True:  # pyoxigraph releases the GIL while it evaluates, so this runs mid-query too
        time.sleep(PARENT_CHECK)
        if os.getppid() != parent_pid:
            os._exit(0)


def worker_main(conn: Connection, mode: str, location: str, parent_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    from kosovo_kg import store as st

    try:
        db, version = st.open_for_serving(mode, Path(location))
    except Exception as exc:  # report any start failure to the pool, then stop
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", version))
    while True:
        try:
            job = conn.recv()
            if job is None:
                return
            try:
                reply = ("ok", *st.run_serialized(db, **job))
            except st.QueryFailed as exc:
                reply = ("fail", exc.status, str(exc))
            except Exception as exc:  # an unexpected store error: the worker keeps serving
                reply = ("fail", 500, f"internal error: {type(exc).__name__}: {exc}")
            conn.send(reply)
        except (EOFError, OSError):
            return
