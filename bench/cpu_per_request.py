"""CPU time per request, process by process: kosovo-kg's endpoint against `oxigraph serve-read-only`.

    .venv/bin/python bench/cpu_per_request.py [--requests 3000] [--rounds 2] [--queries ...]
        [--baseline-src /path/to/other/checkout/src]

On a machine where the client shares the cores with the server, throughput at concurrency 8 is
set by the CPU each request costs everyone: the client, the HTTP server, the query workers. This
runs each query of `bench/endpoint_bench.py`'s mix at concurrency 8 over keep-alive connections
against both servers in turn (same on-disk store for Oxigraph; kosovo-kg with its defaults and
2 workers), and reports throughput and the CPU time (user + system, from /proc) per request of
the client (this process) and of each server process (its session: kosovo-kg's HTTP server,
zygote and query workers). `--rounds` rounds, the servers' order rotating each round, then the
median of each column; `--baseline-src` adds a kosovo-kg server run from another source tree
(an older commit), for a before/after comparison in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


def _kosovo_kg(
    stack: contextlib.ExitStack, data: Path, var: Path, src: Path | None, log: Path
) -> tuple[int, str, Any]:
    """A kosovo-kg server (from `src`, a source tree such as a git worktree of another commit,
    when given) with its defaults and 2 workers: (port, path, process)."""
    port = eb.free_port()
    env = dict(
        os.environ,
        KOSOVO_KG_DATA_DIR=str(data),
        KOSOVO_KG_VAR_DIR=str(var),
        KOSOVO_KG_WORKERS="2",
        KOSOVO_KG_PORT=str(port),
    )
    if src is not None:
        env["PYTHONPATH"] = str(src)
    command = [str(Path(sys.executable).parent / "kosovo-kg"), "serve"]  # PYTHONPATH first
    return port, "/sparql", stack.enter_context(eb.started(command, env, port, "/healthz", log))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--queries", default="ask-withdrawal,describe-kosovo,sources-of-togo")
    parser.add_argument("--dump", type=Path, default=ROOT / "data" / "generated" / "kosovo-kg.nq")
    parser.add_argument(
        "--baseline-src",
        type=Path,
        help="also run kosovo-kg from this source tree (e.g. `git worktree add /tmp/old <commit>`"
        " then /tmp/old/src), measured in turn with the others",
    )
    parser.add_argument("--out", type=Path, help="write the report here (bench/RESULTS-cpu.md)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kkg-cpu-"))
    try:
        data, _, location = eb.prepare(args.dump, tmp)
        oxi = eb.free_port()
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
                "kosovo-kg": _kosovo_kg(stack, data, tmp / "var", None, tmp / "k.log"),
            }
            if args.baseline_src:
                servers["kosovo-kg baseline"] = _kosovo_kg(
                    stack, data, tmp / "var-baseline", args.baseline_src, tmp / "b.log"
                )
            header = [
                "| query | server | q/s at c=8 | client CPU/request | server CPU/request |",
                "|---|---|---|---|---|",
            ]
            rounds = list(header)
            print("\n".join(header), flush=True)
            summary: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
            for qname in args.queries.split(","):
                query = eb.QUERIES[qname]
                for port, path, _ in servers.values():
                    eb.measure(port, path, query, 200, 8)  # warm-up
                for r in range(args.rounds):
                    names = list(servers)
                    for name in names[r % len(names) :] + names[: r % len(names)]:
                        port, path, process = servers[name]
                        row = _measure(port, path, query, args.requests, process.pid)
                        summary.setdefault((qname, name), []).append(row[:3])
                        rounds.append(
                            f"| {qname} | {name} | {row[0]:.0f} | {row[1]:.0f} us"
                            f" | {row[2]:.0f} us ({row[3]}) |"
                        )
                        print(rounds[-1], flush=True)
        medians = list(header)
        for (qname, name), rows in summary.items():
            med = [statistics.median(column) for column in zip(*rows, strict=True)]
            medians.append(
                f"| {qname} | {name} | {med[0]:.0f} | {med[1]:.0f} us | {med[2]:.0f} us |"
            )
        report = _report(args, medians, rounds)
        if args.out:
            args.out.write_text(report, encoding="utf-8")
        print(report)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _report(args: argparse.Namespace, medians: list[str], rounds: list[str]) -> str:
    command = (
        f".venv/bin/python bench/cpu_per_request.py --requests {args.requests}"
        f" --rounds {args.rounds} --queries {args.queries}"
    )
    if args.baseline_src:
        command += " --baseline-src <checkout of the baseline commit>/src"
    baseline = f" (commit {_commit(args.baseline_src)})" if args.baseline_src else ""
    quads = sum(1 for line in args.dump.read_bytes().splitlines() if line.strip())
    return "\n".join(
        [
            "# CPU time per request: kosovo-kg vs `oxigraph serve-read-only`",
            "",
            "Generated by `bench/cpu_per_request.py` (do not edit); rerun with:",
            "",
            "```sh",
            command + " --out bench/RESULTS-cpu.md",
            "```",
            "",
            f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine:"
            f" {platform.machine()}, {os.cpu_count()} CPUs shared with other work, Python"
            f" {platform.python_version()}; data: `{args.dump.name}` ({quads} quads).",
            f"- kosovo-kg (commit {_commit(ROOT / 'src')}) with its defaults (uvicorn,"
            " `store_mode=memory`) and 2 workers; Oxigraph on the same on-disk store"
            + (
                f"; `kosovo-kg baseline`: the same server run from another checkout{baseline},"
                " for a before/after comparison in one run."
                if args.baseline_src
                else "."
            ),
            f"- each line: {args.requests} POST requests at concurrency 8 over keep-alive"
            " connections; CPU = user + system time from /proc over the run, divided by the"
            " requests, for the client (the benchmark process, Python threads) and for each"
            " server process (its session: kosovo-kg's HTTP server and its query workers; the"
            f" zygote and the spare spend nothing). {args.rounds} rounds, the servers' order"
            " rotating each round.",
            "- the client and the servers share the 2 cores, so throughput at c=8 is set by the"
            " CPU each request costs all of them together.",
            "",
            "## Medians over the rounds",
            "",
            *medians,
            "",
            "## Each round",
            "",
            *rounds,
            "",
        ]
    )


def _commit(src: Path) -> str:
    """The short commit of the checkout holding `src` (and `+changes` when it has any)."""
    git = ["git", "-C", str(src)]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "--", "."], capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty.stdout.strip() else "")


def _measure(
    port: int, path: str, query: str, requests: int, session: int
) -> tuple[float, float, float, str]:
    """(q/s, client CPU us/request, server CPU us/request, server CPU per process)."""
    before = session_cpu(session)
    mine = resource.getrusage(resource.RUSAGE_SELF)
    run = eb.measure(port, path, query, requests, 8)
    after_mine = resource.getrusage(resource.RUSAGE_SELF)
    after = session_cpu(session)
    client = after_mine.ru_utime + after_mine.ru_stime - mine.ru_utime - mine.ru_stime
    parts = {f"{after[p][0]}:{p}": after[p][1] - before.get(p, ("", 0.0))[1] for p in after}
    per = {k: v / requests * 1e6 for k, v in parts.items() if v > 0}
    detail = ", ".join(f"{k} {v:.0f}" for k, v in sorted(per.items()))
    return requests / run["wall"], client / requests * 1e6, sum(per.values()), detail


if __name__ == "__main__":
    main()
