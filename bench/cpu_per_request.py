"""CPU time per request, process by process: kosovo-kg's endpoint against `oxigraph serve-read-only`.

    .venv/bin/python bench/cpu_per_request.py [--requests 3000] [--queries ask-withdrawal,...]

On a machine where the client shares the cores with the server, throughput at concurrency 8 is
set by the CPU each request costs everyone: the client, the HTTP server, the query workers. This
runs each query of `bench/endpoint_bench.py`'s mix at concurrency 8 over keep-alive connections
against both servers in turn (same on-disk store for Oxigraph; kosovo-kg with its defaults and
2 workers), and reports throughput and the CPU time (user + system, from /proc) per request of
the client (this process) and of each server process (its session: kosovo-kg's HTTP server,
zygote and query workers). Two rounds, alternating servers.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import endpoint_bench as eb  # noqa: E402
from saved_queries_bench import session_processes  # noqa: E402

HZ = os.sysconf("SC_CLK_TCK")


def session_cpu(session: int) -> dict[int, tuple[str, float]]:
    """pid -> (name, CPU seconds) of every process in a session."""
    return {
        int(entry.name): (name, (int(fields[11]) + int(fields[12])) / HZ)
        for entry, name, fields in session_processes(session)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--queries", default="ask-withdrawal,describe-kosovo,sources-of-togo")
    parser.add_argument("--dump", type=Path, default=ROOT / "data" / "generated" / "kosovo-kg.nq")
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    tmp = Path(tempfile.mkdtemp(prefix="kkg-cpu-"))
    try:
        data, _, location = eb.prepare(args.dump, tmp)
        oxi, kkg = eb.free_port(), eb.free_port()
        env = dict(
            os.environ,
            KOSOVO_KG_DATA_DIR=str(data),
            KOSOVO_KG_VAR_DIR=str(tmp / "var"),
            KOSOVO_KG_WORKERS="2",
            KOSOVO_KG_PORT=str(kkg),
        )
        oxigraph = eb.oxigraph_command(location, oxi)
        with contextlib.ExitStack() as stack:
            servers = {
                "oxigraph": (
                    oxi,
                    "/query",
                    stack.enter_context(
                        eb.started(oxigraph, dict(os.environ), oxi, "/", tmp / "oxigraph.log")
                    ),
                ),
                "kosovo-kg": (
                    kkg,
                    "/sparql",
                    stack.enter_context(
                        eb.started(
                            [str(bindir / "kosovo-kg"), "serve"],
                            env,
                            kkg,
                            "/healthz",
                            tmp / "k.log",
                        )
                    ),
                ),
            }
            print("| query | server | q/s at c=8 | client CPU/request | server CPU/request |")
            print("|---|---|---|---|---|")
            for qname in args.queries.split(","):
                query = eb.QUERIES[qname]
                for _ in range(2):
                    for name, (port, path, process) in servers.items():
                        before = session_cpu(process.pid)
                        mine = resource.getrusage(resource.RUSAGE_SELF)
                        run = eb.measure(port, path, query, args.requests, 8)
                        after_mine = resource.getrusage(resource.RUSAGE_SELF)
                        after = session_cpu(process.pid)
                        client = (
                            after_mine.ru_utime
                            + after_mine.ru_stime
                            - mine.ru_utime
                            - mine.ru_stime
                        )
                        parts = {
                            f"{after[p][0]}:{p}": after[p][1] - before.get(p, ("", 0.0))[1]
                            for p in after
                        }
                        per = {k: v / args.requests * 1e6 for k, v in parts.items() if v > 0}
                        detail = ", ".join(f"{k} {v:.0f}" for k, v in sorted(per.items()))
                        print(
                            f"| {qname} | {name} | {args.requests / run['wall']:.0f}"
                            f" | {client / args.requests * 1e6:.0f} us"
                            f" | {sum(per.values()):.0f} us ({detail}) |",
                            flush=True,
                        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
