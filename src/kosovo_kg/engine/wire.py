"""Jobs and replies between the pool and a query worker: `multiprocessing.connection` framing
(a 4-byte big-endian length, or -1 and an 8-byte length, then a pickle), read and written with
fewer system calls.

`Connection.recv` reads the length, then the payload: two `read`s per message, each of which
releases and retakes the GIL, which costs the HTTP server most when many request threads contend
for it. `recv` here reads up to 64 KiB at once, which holds a whole job or a small reply, and
reads on only for a larger one; `send` writes header and payload in one `write` when small.
The bytes on the pipe are the same as Connection's, so either end may use either. The pipe may be
non-blocking (an event loop watches it, `Pool.execute_async`): a read or write that would block
waits for the pipe with `poll`, as a blocking one would. One message is
in flight per direction at a time (a worker answers one job, then waits for the next), so a read
never takes in the start of the next message.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
from typing import Any

CHUNK = 1 << 16
_LENGTH = struct.Struct("!i")
_LONG = struct.Struct("!Q")


def send(fd: int, obj: Any) -> None:
    """Write one message. Raises OSError (e.g. BrokenPipeError) when the other end is gone."""
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    n = len(payload)
    header = _LENGTH.pack(n) if n <= 0x7FFFFFFF else _LENGTH.pack(-1) + _LONG.pack(n)
    if n <= CHUNK:
        _write_all(fd, memoryview(header + payload))  # one write
    else:
        _write_all(fd, memoryview(header))
        _write_all(fd, memoryview(payload))


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        try:
            data = data[os.write(fd, data) :]
        except BlockingIOError:  # a pipe the event loop watches is non-blocking
            _wait(fd, select.POLLOUT)


def recv(fd: int) -> Any:
    """Read one message. Raises EOFError when the other end closed before a whole message."""
    data = _read(fd, CHUNK)
    while len(data) < 4:
        data += _read(fd, CHUNK)
    (size,) = _LENGTH.unpack_from(data)
    start = 4
    if size == -1:
        while len(data) < 12:
            data += _read(fd, CHUNK)
        (size,) = _LONG.unpack_from(data, 4)
        start = 12
    end = start + size
    if len(data) >= end:
        return pickle.loads(memoryview(data)[start:end])
    buf = bytearray(data[start:])
    while len(buf) < size:
        buf += _read(fd, min(size - len(buf), 1 << 22))
    return pickle.loads(buf)


def _read(fd: int, n: int) -> bytes:
    while True:
        try:
            chunk = os.read(fd, n)
            break
        except BlockingIOError:  # the rest of a large message is on its way
            _wait(fd, select.POLLIN)
    if not chunk:
        raise EOFError("the other end closed the pipe")
    return chunk


def _wait(fd: int, event: int) -> None:
    poller = select.poll()
    poller.register(fd, event)
    poller.poll()
