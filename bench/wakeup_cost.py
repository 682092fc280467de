"""What a query's round trip to a worker process costs, with both processes on one CPU or not.

    .venv/bin/python bench/wakeup_cost.py [--jobs 5000] [--query describe-kosovo]

A parent process sends the same job to a worker process (the real `worker.serve` loop and
`kosovo_kg.engine.wire`, the shipped graph in memory) and waits for each reply, as the server
does. Reported per job: the worker's CPU, the parent's CPU and the wall time of the round trip,
next to the worker's CPU for the query alone (no pipe), for three placements: any CPU (the
scheduler's choice), parent and worker on different CPUs, and both on CPU 0. On a small virtual
machine a wake-up on another CPU is costly; the `cpu_affinity` setting exists for that.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import endpoint_bench  # noqa: E402

from kosovo_kg import store  # noqa: E402
from kosovo_kg.engine import analyse, wire, worker  # noqa: E402

DUMP = ROOT / "data" / "generated" / "kosovo-kg.nq"


def _job(query: str) -> dict:
    graph = analyse(query, 100).form in ("CONSTRUCT", "DESCRIBE")
    return {
        "text": query,
        "result_format": "turtle" if graph else "json",
        "max_rows": 10_000,
        "max_bytes": 10_000_000,
        "union": True,
    }


def _child(conn, job: dict, jobs: int, cpus: set[int] | None, out) -> None:
    if cpus is not None:
        os.sched_setaffinity(0, cpus)
    db = store.memory_store_from_nquads(DUMP)
    for _ in range(200):
        store.run_serialized(db, **job)
    began = time.process_time()
    for _ in range(jobs):
        store.run_serialized(db, **job)
    out.send((time.process_time() - began) / jobs)
    began = time.process_time()
    worker.serve(conn, db)
    out.send((time.process_time() - began) / jobs)


def measure(job: dict, jobs: int, parent: set[int] | None, child: set[int] | None) -> dict:
    ctx = mp.get_context("fork")
    ours, theirs = ctx.Pipe(duplex=True)
    report, report_in = ctx.Pipe()
    process = ctx.Process(target=_child, args=(theirs, job, jobs, child, report_in))
    process.start()
    alone = report.recv()
    before = os.sched_getaffinity(0)
    if parent is not None:
        os.sched_setaffinity(0, parent)
    try:
        fd = ours.fileno()
        for _ in range(200):
            wire.send(fd, job)
            wire.recv(fd)
        cpu, wall = time.process_time(), time.monotonic()
        for _ in range(jobs - 200):
            wire.send(fd, job)
            assert wire.recv(fd)[0] == "ok"
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        wire.send(fd, None)
        served = report.recv()
    finally:
        os.sched_setaffinity(0, before)
    process.join()
    n = jobs - 200
    return {"alone": alone, "worker": served, "parent": cpu / n, "wall": wall / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--query", default="describe-kosovo", choices=endpoint_bench.QUERIES)
    args = parser.parse_args()
    job = _job(endpoint_bench.QUERIES[args.query])
    cpus = sorted(os.sched_getaffinity(0))
    placements = {"any CPU": (None, None)}
    if len(cpus) > 1:
        placements["different CPUs"] = ({cpus[0]}, {cpus[1]})
    placements[f"both on CPU {cpus[0]}"] = ({cpus[0]}, {cpus[0]})
    print(f"{args.query}, {args.jobs} jobs; us per job (the worker's CPU includes the query)")
    print("| placement | query alone | worker CPU | parent CPU | round trip (wall) |")
    print("|---|---|---|---|---|")
    for name, (parent, child) in placements.items():
        r = measure(job, args.jobs, parent, child)
        print(
            f"| {name} | {r['alone'] * 1e6:.1f} | {r['worker'] * 1e6:.1f} |"
            f" {r['parent'] * 1e6:.1f} | {r['wall'] * 1e6:.1f} |"
        )


if __name__ == "__main__":
    main()
