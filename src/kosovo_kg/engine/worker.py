"""The query worker process: holds the store and answers one job at a time over a pipe.

Messages (pickled tuples over a multiprocessing Connection):
  worker -> parent at start: ("ready", data_version) or ("error", message)
  parent -> worker: a job dict (see `Pool.execute`), or None to stop
  worker -> parent per job: ("ok", kind, body, rows, truncated) or ("fail", status, message)

The worker exits when its pipe closes (the parent died), so no orphan outlives the server.
"""

from __future__ import annotations

from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any


def worker_main(conn: Connection, mode: str, var_dir: str, dump: str) -> None:
    from kosovo_kg import store as st

    try:
        db, version = st.open_for_serving(mode, Path(var_dir), Path(dump))
    except Exception as exc:  # report any start failure to the parent, then stop
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", version))
    while True:
        try:
            job: dict[str, Any] | None = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            kind, body, rows, truncated = st.run_serialized(db, **job)
            reply: tuple[Any, ...] = ("ok", kind, body, rows, truncated)
        except st.QueryFailed as exc:
            reply = ("fail", exc.status, str(exc))
        except Exception as exc:  # an unexpected store error: answer, keep serving
            reply = ("fail", 500, f"internal error: {type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
