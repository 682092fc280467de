"""Fair turns over the query slots (kosovo_kg.engine.turns), with real threads."""

from __future__ import annotations

import threading
import time

import pytest

from kosovo_kg.engine.turns import Busy, Turns


def waiting(turns: Turns, n: int) -> None:
    deadline = time.monotonic() + 10
    while turns.waiting < n:
        assert time.monotonic() < deadline, "the waiters did not queue"
        time.sleep(0.005)


def acquire_in_thread(turns: Turns, client: str, got: list, timeout: float = 10.0):
    def run() -> None:
        try:
            got.append((client, turns.acquire(client, timeout)))
        except Busy as exc:
            got.append((client, exc))

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_client_has_one_slot_at_a_time():
    turns = Turns(queue_size=10)
    turns.add("s1")
    turns.add("s2")
    first = turns.acquire("a", 1)
    got: list = []
    second_of_a = acquire_in_thread(turns, "a", got)
    waiting(turns, 1)
    assert turns.acquire("b", 1) in ("s1", "s2")  # the free slot goes to b, not to a's 2nd job
    assert got == []
    turns.release(first, "a")
    second_of_a.join(5)
    assert got == [("a", first)]


def test_a_freed_slot_goes_to_the_client_whose_last_turn_is_oldest():
    turns = Turns(queue_size=10)
    turns.add("s")
    for client in ("old", "new"):  # both have had a turn: "old" first
        turns.release(turns.acquire(client, 1), client)
    held = turns.acquire("x", 1)
    got: list = []
    threads = [acquire_in_thread(turns, "new", got)]
    waiting(turns, 1)
    threads.append(acquire_in_thread(turns, "old", got))
    waiting(turns, 2)
    turns.release(held, "x")
    deadline = time.monotonic() + 5
    while not got and time.monotonic() < deadline:
        time.sleep(0.005)
    assert [client for client, _ in got] == ["old"]  # though "new" has waited longer
    turns.release("s", "old")
    for thread in threads:
        thread.join(5)
    assert [client for client, _ in got] == ["old", "new"]


def test_a_full_queue_refuses_the_newest_job_of_the_client_with_most_waiting():
    turns = Turns(queue_size=2)
    turns.add("s")
    held = turns.acquire("x", 1)
    got: list = []
    threads = [acquire_in_thread(turns, "heavy", got), acquire_in_thread(turns, "light", got)]
    waiting(turns, 2)
    threads.append(acquire_in_thread(turns, "heavy", got))  # heavy's second waiting job
    for thread in threads[2:]:
        thread.join(5)
    assert len(got) == 1 and got[0][0] == "heavy" and "queue is full" in str(got[0][1])
    turns.release(held, "x")
    turns.close()
    for thread in threads:
        thread.join(5)


def test_no_turn_in_time_and_close_wake_the_waiters():
    turns = Turns(queue_size=5)
    with pytest.raises(Busy, match="in time"):
        turns.acquire("a", 0.05)
    assert turns.waiting == 0  # the one that gave up left the queue
    got: list = []
    began = time.monotonic()
    thread = acquire_in_thread(turns, "b", got, timeout=30)
    waiting(turns, 1)
    turns.close()
    thread.join(5)
    assert time.monotonic() - began < 5  # woken at close, not at its 30 s timeout
    assert "stopping" in str(got[0][1])
    with pytest.raises(Busy, match="stopping"):
        turns.acquire("c", 1)


def test_an_unusable_slot_is_discarded_and_the_next_one_given():
    discarded: list = []
    turns = Turns(queue_size=5, usable=lambda slot: slot != "dead", discard=discarded.append)
    turns.add("good")
    turns.add("dead")  # the last added is given out first
    assert turns.acquire("a", 1) == "good"
    assert discarded == ["dead"]
