"""One process that loads the in-memory store once and forks query workers from it.

With `store_mode=memory` every query worker holds the whole graph. Loading it in each worker made
startup take (workers + 1) loads, and a worker killed at the deadline could only be replaced by
a process that loads the dump again (37 s at 100x, bench/RESULTS-scale.md). The zygote loads it
once; each worker is an `os.fork()` of it, so a server is ready after one load and a replacement
worker is ready in the time it takes to copy the store's memory.

Each worker then takes a private copy of the store's pages before it answers (`private_copy`:
the kernel copies them, MADV_POPULATE_WRITE; 0.3 s for 360 MB). Sharing them copy-on-write would
save memory, but reading Oxigraph's in-memory store writes to it: measured on a fifth of the 100x
graph, a forked worker's first queries ran up to 1.7x slower while the kernel copied 100 MB of
its 360 MB page by page, so query latency would depend on what a worker happened to have read
before. The cost is memory: the zygote's copy plus one per worker (and the spare).

Why forking is safe here: the zygote is started with `spawn` (not forked from the threaded
server), is single-threaded when it forks (pyoxigraph's in-memory bulk load leaves no thread
behind; `test_engine_zygote` checks), and runs no query itself. The on-disk store is never
forked (RocksDB keeps background threads and file locks): in `store_mode=disk` workers are
spawned and each opens the store read-only.

Protocol over the zygote's pipe (a Unix socket pair): the pool sends "fork" followed by one end of
a new socket pair (SCM_RIGHTS); the zygote forks, the child serves jobs on that socket exactly as a
spawned worker does (`worker.serve`), and the zygote replies ("forked", pid). The pool holds a
pidfd for each forked worker (it is the zygote's child, not the pool's), to kill it and to wait for
its end without any race with PID reuse. Forked workers die with the zygote (PR_SET_PDEATHSIG),
which dies with the server.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import threading
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from typing import Any

from kosovo_kg.engine.worker import die_with_parent, open_store, serve


class ZygoteError(RuntimeError):
    """The zygote could not load the store or fork a worker."""


class ForkedProcess:
    """A forked worker as the pool sees it: the `multiprocessing.Process` methods it uses
    (kill, join, is_alive, pid, exitcode), through a pidfd."""

    exitcode = None  # the zygote reaps its children; their exit status is not seen here

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._fd = os.pidfd_open(pid)
        self._poll = select.poll()
        self._poll.register(self._fd, select.POLLIN)
        self._lock = threading.Lock()

    def kill(self) -> None:
        with self._lock:
            if self._fd >= 0:
                with contextlib.suppress(ProcessLookupError):
                    signal.pidfd_send_signal(self._fd, signal.SIGKILL)

    def join(self, timeout: float | None = None) -> None:
        with self._lock:
            if self._fd < 0:
                return
            ms = -1 if timeout is None else max(0, int(timeout * 1000))
            if self._poll.poll(ms):  # readable once the process has ended
                os.close(self._fd)
                self._fd = -1

    def is_alive(self) -> bool:
        self.join(0)
        return self._fd >= 0


class Zygote:
    """The loading process and the client side of its fork protocol."""

    def __init__(self, ctx: Any, mode: str, location: str) -> None:
        self._ctx = ctx
        self._lock = threading.Lock()
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(
            target=zygote_main,
            args=(child, mode, location, os.getpid()),
            name="kkg-store-zygote",
            daemon=True,
        )
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        """Block until the store is loaded."""
        if not self.conn.poll(timeout):
            raise ZygoteError("the store process did not load the store in time")
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise ZygoteError("the store process died while loading the store") from exc
        if message[0] != "ready":
            self.process.join(1)
            raise ZygoteError(f"a query worker could not open the store: {message[1]}")

    def fork(self) -> tuple[ForkedProcess, Connection]:
        """A new worker forked from the loaded store, and the pool's end of its pipe."""
        parent, child = self._ctx.Pipe(duplex=True)
        try:
            with self._lock:
                try:
                    self.conn.send("fork")
                    send_handle(self.conn, child.fileno(), self.process.pid)
                    reply = self.conn.recv()
                except (EOFError, OSError) as exc:
                    raise ZygoteError(f"the store process is gone ({exc})") from exc
            if reply[0] != "forked":
                raise ZygoteError(f"the store process could not fork a worker: {reply[1]}")
            try:
                return ForkedProcess(reply[1]), parent
            except OSError as exc:  # the worker died before its pidfd was opened
                raise ZygoteError(f"a forked query worker stopped at once ({exc})") from exc
        except BaseException:
            parent.close()
            raise
        finally:
            child.close()

    def alive(self) -> bool:
        return self.process.is_alive()

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1)
        self.conn.close()


MADV_POPULATE_WRITE = 23  # Linux 5.14+


def _mappings() -> Any:
    """(start, end, permissions, path, resident bytes) of each mapping in /proc/self/smaps."""
    header: list[str] = []
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if fields and "-" in fields[0] and not fields[0].endswith(":"):
                header = fields
            elif header and fields and fields[0] == "Rss:":
                start, end = (int(x, 16) for x in header[0].split("-"))
                yield start, end, header[1], header[5] if len(header) > 5 else "", int(fields[1])
                header = []


def private_copy() -> int:
    """Fault every page of this process's dense private writable mappings (the heap and anonymous
    maps at least half resident: the loaded store) in writable, so that the kernel copies now the
    pages shared with the zygote instead of at each first write. Returns the bytes done (0 where
    the kernel cannot: then pages are copied on first write, as without this)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    done = 0
    for start, end, perms, path, rss_kib in list(_mappings()):
        anonymous = perms == "rw-p" and path in ("", "[heap]")
        dense = 2 * rss_kib * 1024 >= end - start
        if anonymous and dense and libc.madvise(start, end - start, MADV_POPULATE_WRITE) == 0:
            done += end - start
    return done


def zygote_main(conn: Connection, mode: str, location: str, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    opened = open_store(conn, mode, location)
    if opened is None:
        return
    db, version = opened
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps forked workers
    me = os.getpid()
    conn.send(("ready", version))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message != "fork":
            return
        fd = recv_handle(conn)
        try:
            pid = os.fork()
        except OSError as exc:  # e.g. out of memory: say so, keep the store for the next try
            os.close(fd)
            conn.send(("error", f"fork failed: {exc}"))
            continue
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                conn.close()
                die_with_parent(me)
                worker_conn = Connection(fd)
                private_copy()
                worker_conn.send(("ready", version))
                serve(worker_conn, db)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(fd)
        conn.send(("forked", pid))
