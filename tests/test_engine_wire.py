"""The pool's job pipe (kosovo_kg.engine.wire) and its idle-worker stack (idle.IdleStack)."""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
import time

import pytest

from kosovo_kg.engine import wire
from kosovo_kg.engine.idle import IdleStack

SIZES = [0, 1, 100, wire.CHUNK - 5, wire.CHUNK - 4, wire.CHUNK, wire.CHUNK + 1, 3 << 20]


def _pair():
    return mp.Pipe(duplex=True)  # a Unix socket pair, as the pool's workers use


@pytest.mark.parametrize("size", SIZES)
def test_messages_round_trip_and_match_multiprocessing_framing(size: int) -> None:
    a, b = _pair()
    payload = ("ok", "graph", os.urandom(size), size, False)
    # wire -> Connection: a Connection at the other end reads what wire wrote
    writer = threading.Thread(target=wire.send, args=(a.fileno(), payload))
    writer.start()
    assert b.recv() == payload
    writer.join()
    # Connection -> wire
    writer = threading.Thread(target=b.send, args=(payload,))
    writer.start()
    assert wire.recv(a.fileno()) == payload
    writer.join()
    a.close()
    b.close()


def test_a_message_arriving_in_pieces_is_put_together() -> None:
    a, b = _pair()
    frame = b"".join(_frames({"text": "ASK {}", "pad": "x" * 200_000}))

    def dribble() -> None:  # the header split in two, then the payload in small pieces
        pieces = [frame[:1], frame[1:4]] + [frame[i : i + 5000] for i in range(4, len(frame), 5000)]
        for piece in pieces:
            os.write(b.fileno(), piece)
            time.sleep(0.0005)

    writer = threading.Thread(target=dribble)
    writer.start()
    assert wire.recv(a.fileno()) == {"text": "ASK {}", "pad": "x" * 200_000}
    writer.join()


def _frames(obj: object) -> list[bytes]:
    """The bytes multiprocessing writes for `obj` (its own Connection, through a pipe)."""
    r, w = os.pipe()
    conn = mp.connection.Connection(w, readable=False)
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(_drain(r)))
    reader.start()
    conn.send(obj)
    conn.close()
    reader.join()
    os.close(r)
    return out


def _drain(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("cut", [0, 2, 4, 10])
def test_a_pipe_closed_mid_message_is_eof(cut: int) -> None:
    a, b = _pair()
    frame = _frames(("ok", b"x" * 100))[0]
    os.write(b.fileno(), frame[:cut])
    b.close()
    with pytest.raises(EOFError):
        wire.recv(a.fileno())
    a.close()


@pytest.mark.parametrize("size", [100, 3 << 20])
def test_non_blocking_pipes_wait_instead_of_failing(size: int) -> None:
    """An event loop that watches a pipe leaves it non-blocking: a message larger than the
    socket's buffer is still written and read whole, each end waiting for the other."""
    a, b = _pair()
    os.set_blocking(a.fileno(), False)
    os.set_blocking(b.fileno(), False)
    payload = ("ok", "solutions", os.urandom(size), 1, False)
    received = []
    reader = threading.Thread(target=lambda: received.append(wire.recv(b.fileno())))
    reader.start()
    time.sleep(0.05)  # the reader finds nothing at first (EAGAIN) and waits
    wire.send(a.fileno(), payload)
    reader.join(10)
    assert received == [payload]


def test_idle_stack_is_last_in_first_out_and_times_out_when_empty() -> None:
    idle = IdleStack()
    for worker in ("w1", "w2", "w3"):
        idle.put(worker)  # type: ignore[arg-type]
    assert [idle.get(timeout=1), idle.get(timeout=1)] == ["w3", "w2"]
    assert idle.qsize() == 1 and not idle.empty()
    assert idle.get(timeout=1) == "w1" and idle.empty()
    began = time.monotonic()
    with pytest.raises(queue.Empty):
        idle.get(timeout=0.2)
    assert time.monotonic() - began >= 0.19


def test_idle_stack_under_contention_hands_each_worker_to_one_taker_at_a_time() -> None:
    idle = IdleStack()
    workers = [f"w{i}" for i in range(3)]
    for worker in workers:
        idle.put(worker)  # type: ignore[arg-type]
    holding: set[str] = set()
    lock = threading.Lock()
    errors: list[str] = []

    def use() -> None:
        for _ in range(2000):
            worker = idle.get(timeout=10)
            with lock:
                if worker in holding:
                    errors.append(f"{worker} handed out twice")
                holding.add(worker)
            with lock:
                holding.discard(worker)
            idle.put(worker)

    threads = [threading.Thread(target=use) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(idle.get(timeout=1) for _ in range(3)) == workers
    assert idle.empty()
