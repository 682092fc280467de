"""How long the server takes to pin a dump and to start (or replace) a query worker, per store
mode, and how much memory (PSS) one worker holds.

    python bench/worker_start.py [--dump data/generated/kosovo-kg.nq] [--repeat 3]

Pinning (`store.pin_serving_data`) copies and checks the dump, and in `disk` mode builds the
on-disk store of that version once (later starts reuse it). A worker's start is what a
replacement costs after a deadline or a crash: a fresh interpreter (`spawn`), then an in-memory
load of the dump (`memory`) or a read-only open of the on-disk store (`disk`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kosovo_kg import store  # noqa: E402
from kosovo_kg.engine.pool import Pool  # noqa: E402


def pss_kib(pid: int) -> int:
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return next(int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dump", type=Path, default=ROOT / "data/generated/kosovo-kg.nq")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"dump: {args.dump} ({args.dump.stat().st_size / 2**20:.0f} MiB)")
    print("| store_mode | pin (first) | pin (again) | worker start, median | one worker PSS |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as var:
        for mode in ("memory", "disk"):
            began = time.perf_counter()
            pinned = store.pin_serving_data(mode, args.dump, Path(var))
            first = time.perf_counter() - began
            began = time.perf_counter()
            store.pin_serving_data(mode, args.dump, Path(var))
            again = time.perf_counter() - began
            pool = Pool(1, 0, mode, str(pinned.location))
            starts, pss = [], 0
            for _ in range(args.repeat):
                began = time.perf_counter()
                worker = pool.spawn()
                starts.append(time.perf_counter() - began)
                reply = worker.ask(
                    {
                        "text": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                        "result_format": "json",
                        "max_rows": 10,
                        "max_bytes": 1 << 20,
                        "union": False,
                    },
                    600,
                )
                assert reply[0] == "ok", reply
                pss = pss_kib(worker.process.pid)
                worker.stop()
            print(
                f"| {mode} | {first:.2f} s | {again:.2f} s | {statistics.median(starts):.2f} s"
                f" | {pss / 1024:.0f} MiB |"
            )


if __name__ == "__main__":
    main()
