"""Benchmark: saved-query throughput of kosovo-kg against `oxigraph serve-read-only`, same run.

    .venv/bin/python bench/saved_queries_bench.py [--requests 400] [--out bench/RESULTS-saved.md]

Starts three servers on the shipped graph (`data/generated/kosovo-kg.nq`):
  * `oxigraph serve-read-only --union-default-graph` on an on-disk store built from the dump;
  * `kosovo-kg serve` with the saved-query cache (default settings, memory store);
  * `kosovo-kg serve` with the cache off (`KOSOVO_KG_SAVED_CACHE_BYTES=0`), to show what the
    cache contributes.
The workload is a mix of saved-query calls (name + parameters). kosovo-kg gets
`GET /queries/<name>?params`. Oxigraph gets the same query text (the file, header included as
comments) with each parameter written in as a constant (what pre-binding does), by
`GET /query?query=...`. Before measuring, the script checks that both servers return
the same number of rows for every call. Each server then gets one warm-up pass over the mix and
`--requests` requests at concurrency 8 over keep-alive connections. Target (issue 4): kosovo-kg
with its cache >= 2x Oxigraph's throughput.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kosovo_kg import store  # noqa: E402
from kosovo_kg.saved.library import bind, load_library  # noqa: E402
from kosovo_kg.saved.sample import LocalRunner  # noqa: E402

BASE = "https://w3id.org/kosovo-kg/"
CALLS: list[tuple[str, dict[str, str]]] = [
    ("recognitions-in-range", {"from": "2008-02-17", "to": "2008-02-18"}),
    ("organisation-members", {"organisation": "eu", "recognises": "no"}),
    ("organisation-members", {"organisation": "nato"}),
    ("withdrawals", {"status": "disputed"}),
    ("article-figures-vs-rows", {}),
    ("fact-sources", {"event": BASE + "id/event/TGO-XKX-withdrawal-1"}),
    ("state-profile", {"state": "PLW"}),
    ("positions", {"text": "civil war"}),
    ("recognitions-all", {}),
    ("timeline", {"from": "2019", "to": "2019", "kind": "Withdrawal"}),
    ("contradictions", {"state": "GHA"}),
    ("dataset-statistics", {}),
]
ACCEPT = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def started(
    cmd: list[str],
    env: dict[str, str],
    port: int,
    ready: str,
    log: Path,
    timeout: float = 180,
) -> Iterator[subprocess.Popen]:
    with open(log, "wb") as out:
        process = subprocess.Popen(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited:\n{log.read_text(errors='replace')}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", ready)
                if conn.getresponse().status < 500:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{cmd[0]} did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def session_processes(session: int) -> Iterator[tuple[Path, str, list[str]]]:
    """(its /proc folder, name, the fields of /proc/<pid>/stat after the name) of each process
    in a session (a server started with `start_new_session`: all its processes)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == session:
            yield entry, stat[stat.index("(") + 1 : stat.rindex(")")], fields


def oxigraph_text(text: str, body_start: int, bindings: dict[str, str]) -> str:
    """The saved query's text with each bound parameter written in as a constant (what SEP-0007
    pre-binding does inside the engine): the bare term in patterns and expressions, `(term)` in
    GROUP BY and ORDER BY, `(term AS ?x)` in sub-SELECT clauses, and `VALUES ?x { term }` first
    in the top-level WHERE so that the projected variable is bound. The header stays (comments)."""
    head, body = text[:body_start], text[body_start:]
    top = re.compile(r"SELECT\b.*?WHERE\s*\{", re.S).search(body)
    if top is None:
        raise ValueError("no top-level SELECT ... WHERE {")
    projection, rest = body[: top.end()], body[top.end() :]
    values = ""
    for name, term in bindings.items():
        var = re.compile(rf"[?$]{re.escape(name)}(?![A-Za-z0-9_])")

        def within(match: re.Match[str], repl: str, var: re.Pattern[str] = var) -> str:
            return var.sub(lambda _m: repl, match.group(0))

        rest = re.sub(
            r"SELECT\b.*?(?=WHERE\b|\{)",
            lambda m, t=term, n=name: within(m, f"({t} AS ?{n})"),
            rest,
            flags=re.S,
        )
        rest = re.sub(r"(GROUP|ORDER)\s+BY\b[^}\n]*", lambda m, t=term: within(m, f"({t})"), rest)
        rest = re.sub(rf"(?<!AS )[?$]{re.escape(name)}(?![A-Za-z0-9_])", lambda _m, t=term: t, rest)
        if var.search(projection):
            values += f"\n  VALUES ?{name} {{ {term} }}"
    return head + projection + values + rest


def paths(runner: LocalRunner) -> tuple[list[str], list[str]]:
    library = load_library(ROOT / "queries")
    ours, theirs = [], []
    for name, args in CALLS:
        query = library[name]
        ours.append(f"/queries/{name}" + ("?" + urllib.parse.urlencode(args) if args else ""))
        bindings = bind(query, args, runner.states)
        start = len("".join(query.text.splitlines(keepends=True)[: query.header_lines]))
        text = oxigraph_text(query.text, start, bindings)
        theirs.append("/query?" + urllib.parse.urlencode({"query": text}))
    return ours, theirs


def fetch(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Accept": ACCEPT})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path[:80]}: {response.status} {body[:200]!r}")
    return body


def rows(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


def measure(port: int, mix: list[str], requests: int, concurrency: int) -> dict:
    lock = threading.Lock()
    counter = {"next": 0, "errors": 0}
    latencies: list[float] = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                i = counter["next"]
                if i >= requests:
                    break
                counter["next"] += 1
            path = mix[i % len(mix)]
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": ACCEPT})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                ok = False
            with lock:
                latencies.append(time.perf_counter() - t0)
                if not ok:
                    counter["errors"] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    return {
        "requests": requests,
        "errors": counter["errors"],
        "seconds": elapsed,
        "throughput": requests / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)],
    }


def run_suite(port: int, mix: list[str], requests: int) -> dict:
    for path in mix:  # warm-up pass (fills caches, lets both servers page the data in)
        fetch(port, path)
    single = []
    for path in mix:  # one call at a time: median of 3, per call of the mix
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            fetch(port, path)
            times.append(1000 * (time.perf_counter() - t0))
        single.append(sorted(times)[1])
    result = measure(port, mix, requests, 8)
    result["single_ms"] = single
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS-saved.md")
    args = parser.parse_args()
    dump = store.dump_path(ROOT / "data")
    bindir = Path(sys.executable).parent
    runner = LocalRunner(dump, BASE)
    ours, theirs = paths(runner)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="saved-bench-") as tmpdir:
        tmp = Path(tmpdir)
        location = store.build_store(dump, tmp / "var")
        oxi_port = free_port()
        cmd = [
            str(bindir / "oxigraph"), "serve-read-only", "--location", str(location),
            "--bind", f"127.0.0.1:{oxi_port}", "--union-default-graph",
        ]  # fmt: skip
        with started(cmd, dict(os.environ), oxi_port, "/", tmp / "oxigraph.log"):
            expected = [rows(fetch(oxi_port, p)) for p in theirs]
            print("oxigraph rows per call:", expected, flush=True)
            results["oxigraph"] = run_suite(oxi_port, theirs, args.requests)
            print("oxigraph", results["oxigraph"], flush=True)
        for label, extra in (
            ("kosovo-kg (cache)", {}),
            ("kosovo-kg (no cache)", {"KOSOVO_KG_SAVED_CACHE_BYTES": "0"}),
        ):
            port = free_port()
            env = dict(os.environ)
            env.update(
                {
                    "KOSOVO_KG_DATA_DIR": str(ROOT / "data"),
                    "KOSOVO_KG_VAR_DIR": str(tmp / "var-kkg"),
                    "KOSOVO_KG_PORT": str(port),
                    "KOSOVO_KG_STORE_MODE": "memory",
                    **extra,
                }
            )
            with started(
                [str(bindir / "kosovo-kg"), "serve"], env, port, "/healthz", tmp / "kkg.log"
            ):
                got = [rows(fetch(port, p)) for p in ours]
                if got != expected:
                    raise SystemExit(f"row counts differ: kosovo-kg {got} vs oxigraph {expected}")
                results[label] = run_suite(port, ours, args.requests)
                print(label, results[label], flush=True)
    text = render(results, args, expected)
    args.out.write_text(text, encoding="utf-8")
    print(text)


def render(results: dict, args: argparse.Namespace, expected: list[int]) -> str:
    oxi = results["oxigraph"]["throughput"]
    cached = results["kosovo-kg (cache)"]["throughput"]
    lines = [
        "# Saved-query benchmark: kosovo-kg vs `oxigraph serve-read-only`",
        "",
        "Generated by `.venv/bin/python bench/saved_queries_bench.py"
        f" --requests {args.requests}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"({platform.machine()}, {os.cpu_count()} CPUs shared with other jobs, Python"
        f" {platform.python_version()}). Same data (the shipped graph), same run, same query text"
        " (Oxigraph gets the parameters written in as constants); both servers return the same row"
        " counts for every call (checked before measuring). Concurrency 8, keep-alive"
        " connections, one warm-up pass over the mix first.",
        "",
        f"**Result: kosovo-kg with its saved-query cache serves {cached / oxi:.1f}x Oxigraph's"
        f" throughput** (target >= 2x).",
        "",
        "| server | requests | errors | seconds | requests/s | p50 ms | p95 ms | vs oxigraph |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['requests']} | {r['errors']} | {r['seconds']:.2f} |"
            f" {r['throughput']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} |"
            f" {r['throughput'] / oxi:.2f}x |"
        )
    names = list(results)
    lines += [
        "",
        "Latency of each call of the mix alone (concurrency 1, median of 3, ms), and the rows"
        " it returns:",
        "",
        "| call | rows | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for i, ((name, call_args), n) in enumerate(zip(CALLS, expected, strict=True)):
        shown = "&".join(f"{k}={v}" for k, v in call_args.items())
        label = f"`{name}`" + (f" `{shown}`" if shown else "")
        cells = " | ".join(f"{results[s]['single_ms'][i]:.1f}" for s in names)
        lines.append(f"| {label} | {n} | {cells} |")
    lines += [
        "",
        "Reading the numbers: Oxigraph's server reads its on-disk (RocksDB) store, where these"
        " join-heavy queries run several times slower than on kosovo-kg's in-memory store"
        " (`store_mode=memory`, the default); that explains the no-cache ratio. The cache"
        " explains the rest: a repeated call is a lookup, not a query. The heaviest calls"
        " uncached are `recognitions-in-range` and `dataset-statistics`.",
    ]
    lines += [
        "",
        "The cache holds answers keyed by (data version, query, bound parameters, format); a"
        " new build changes the data version and so every key. Without the cache kosovo-kg runs"
        " every call through its worker pool (2 workers by default) and pays the pool round trip"
        " and the serialisation; the cache turns repeated calls into a dictionary lookup.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
