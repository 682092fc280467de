"""Scale benchmark: load time, store size, peak memory and saved-query latency at N x the dump.

    .venv/bin/python bench/scale_bench.py --scales 1 10 --reps 5 --workdir /tmp/kkg-scale

Per scale, in one run: generate the graph (bench/generate.py); time `oxigraph load` (PyPI
`oxigraph` CLI), our on-disk store build (`store.build_store`: bulk load, with the SHA-256 of the
dump computed alongside; `oxigraph optimize` is timed too, for reference) and an in-memory pyoxigraph bulk load, each in its own child process (peak RSS from
wait4); the store size on disk; then `kosovo-kg serve` (store_mode=disk, saved-query cache off)
and, for every saved query (queries/*.rq, its header's example call; federated ones, which call
Wikidata, are skipped), the latency through HTTP next to the same query run in-process on the same
on-disk store (the floor: query + JSON serialisation), alternating, p50/p95. A query gets
`--reps` runs of each, fewer when one run is slow (`--budget` seconds per query, at least one
run; a query whose warm-up call passes `--cap` seconds is reported as over the cap and not
timed further). The HTTP overhead is the p50 of `ASK {}` through /sparql. Prints one JSON object per scale.
`--reuse` keeps the graph an earlier run generated in `--workdir` (generating 100x takes a while);
the stores are always rebuilt, so loading is timed on every run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402
from saved_queries_bench import free_port, session_processes, started  # noqa: E402

from kosovo_kg import store  # noqa: E402
from kosovo_kg.saved.library import bind, load_library  # noqa: E402
from kosovo_kg.saved.params import StateIndex  # noqa: E402
from kosovo_kg.saved.sample import STATES, federated  # noqa: E402

BIN = Path(sys.executable).parent
BASE = "https://w3id.org/kosovo-kg/"
MAX_ROWS = 1_000_000


def child(cmd: list[str]) -> tuple[float, int]:
    """Run a command; (seconds, peak RSS in MiB of that child: its VmHWM, polled every 20 ms;
    getrusage's ru_maxrss would count the forking bench process's own size)."""
    started_at = time.monotonic()
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    status = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    elapsed = time.monotonic() - started_at
    if process.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed: {process.stderr.read().decode()[-500:]}")
    return elapsed, peak // 1024


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def server_memory_mib(session: int) -> dict[str, int]:
    """RSS and PSS (MiB) summed over the server's processes (its session: the HTTP server, the
    store process and the query workers). PSS divides each shared page among the processes that
    map it, so it is the memory the server really takes; RSS counts a shared page once per process."""
    rss = pss = 0
    for entry, _, _ in session_processes(session):
        try:
            rollup = (entry / "smaps_rollup").read_text().splitlines()
        except OSError:
            continue  # ended meanwhile
        for line in rollup:
            if line.startswith("Rss:"):
                rss += int(line.split()[1])
            elif line.startswith("Pss:"):
                pss += int(line.split()[1])
    return {"rss_mib": rss // 1024, "pss_mib": pss // 1024}


class OverCap(RuntimeError):
    """The server stopped the query at its deadline (504)."""


def get(port: int, path: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started_at = time.perf_counter()
    conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started_at
    conn.close()
    if response.status == 504:
        raise OverCap(path)
    if response.status != 200:
        raise RuntimeError(f"{path[:80]}: {response.status} {body[:200]!r}")
    return elapsed * 1000


PROBE = "zz-overhead-probe"
PROBE_TEXT = """#+ title: Overhead probe (scale bench only)
#+ description: The cheapest parameterised saved query: one entity by its QID. Its HTTP p50 minus
#+   its in-process p50 is the constant cost of the saved-query HTTP path (routing, parameter
#+   parsing and binding, the worker round trip, the answer), which the latency target adds.
#+ param: qid | qid | required | example=Q142 | Wikidata QID.
#+ tags: bench
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?qid ?entity WHERE { ?entity owl:sameAs ?qid }
"""


def run_scale(
    scale: int,
    reps: int,
    workdir: Path,
    budget: float,
    cap: float,
    reuse: bool = False,
    store_mode: str = "disk",
) -> dict:
    out: dict = {"scale": scale, "store_mode": store_mode}
    root = workdir / f"x{scale}"
    dump = root / "data" / "generated" / "kosovo-kg.nq"
    t = time.monotonic()
    if reuse and dump.exists():  # the graph generate.py wrote for this scale in an earlier run
        with open(dump, "rb") as handle:
            quads = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b""))
        out.update(quads=quads, nq_bytes=dump.stat().st_size, generate_s=None)
    else:
        info = generate(ROOT / "data" / "generated" / "kosovo-kg.nq", scale, dump)
        out.update(quads=info["quads"], nq_bytes=info["bytes"], generate_s=time.monotonic() - t)
    oxdir, var = root / "oxigraph", root / "var"
    subprocess.run(["rm", "-rf", str(oxdir), str(var)], check=True)
    out["oxigraph_load_s"], out["oxigraph_load_rss_mib"] = child(
        [str(BIN / "oxigraph"), "load", "--location", str(oxdir), "--file", str(dump)]
    )
    out["oxigraph_optimize_s"], out["oxigraph_optimize_rss_mib"] = child(
        [str(BIN / "oxigraph"), "optimize", "--location", str(oxdir)]
    )
    out["oxigraph_store_bytes"] = du(oxdir)
    code = "import sys; from pathlib import Path; from kosovo_kg import store; "
    out["disk_build_s"], out["disk_build_rss_mib"] = child(
        [sys.executable, "-c", code + f"store.build_store(Path({str(dump)!r}), Path({str(var)!r}))"]
    )
    location = store.current_store(var)
    out["disk_store_bytes"] = du(location)
    out["memory_load_s"], out["memory_load_rss_mib"] = child(
        [sys.executable, "-c", code + f"s = store.memory_store_from_nquads(Path({str(dump)!r}))"]
    )
    print(
        json.dumps(out), file=sys.stderr, flush=True
    )  # the loading figures, kept if a later step fails
    # latency: floor in-process on the same on-disk store, then through HTTP
    # the floor runs on the store the server's workers hold: the on-disk one read-only, or the
    # dump loaded into memory (store_mode=memory)
    db = (
        store.open_read_only(location)
        if store_mode == "disk"
        else store.memory_store_from_nquads(dump)
    )
    rows = store.select_rows(db, STATES % {"b": BASE})
    states = StateIndex(
        {r["iso"]: r["s"] for r in rows if r["iso"]}, {r["qid"]: r["s"] for r in rows if r["qid"]}
    )
    qdir = root / "queries"  # the saved queries plus the overhead probe
    shutil.rmtree(qdir, ignore_errors=True)
    shutil.copytree(ROOT / "queries", qdir)
    (qdir / f"{PROBE}.rq").write_text(PROBE_TEXT, encoding="utf-8")
    library = load_library(qdir)
    port = free_port()
    env = dict(os.environ)
    env.update(
        KOSOVO_KG_DATA_DIR=str(root / "data"),
        KOSOVO_KG_VAR_DIR=str(var),
        KOSOVO_KG_PORT=str(port),
        KOSOVO_KG_STORE_MODE=store_mode,
        KOSOVO_KG_QUERIES_DIR=str(qdir),
        KOSOVO_KG_SAVED_CACHE_BYTES="0",
        KOSOVO_KG_QUERY_TIMEOUT=str(cap),
        # whole answers (source-documents has 20,700 rows at 100x), as the floor gets them
        KOSOVO_KG_MAX_ROWS=str(MAX_ROWS),
    )
    queries = []
    t = time.monotonic()  # serve: pin the dump, start the workers (memory: load it), list graphs
    with started(
        [str(BIN / "kosovo-kg"), "serve"], env, port, "/healthz", root / "serve.log"
    ) as server:
        out["serve_ready_s"] = time.monotonic() - t
        out["serve_memory_at_ready"] = server_memory_mib(server.pid)
        ask = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
        overhead = [get(port, ask) for _ in range(max(reps, 20))]
        out["http_overhead_ms_p50"] = statistics.median(overhead)
        for name in [PROBE, *sorted(n for n in library if n != PROBE)]:
            query = library[name]
            if federated(query):
                continue
            args = query.example_args()
            bindings = bind(query, args, states)
            text = query.text
            path = f"/queries/{name}" + ("?" + urllib.parse.urlencode(args) if args else "")
            try:
                warm = get(port, path)  # warm-up (pages the store in for both)
            except OverCap:
                queries.append({"call": path, "over_cap_s": cap})
                continue
            floor, http_ms, n = [], [], 0
            runs = max(1, min(reps, int(budget * 1000 / (2 * warm))))
            for _ in range(30 if name == PROBE else runs):
                t0 = time.perf_counter()
                _, _, n, _ = store.run_serialized(
                    db,
                    text,  # what the engine sends the store, with the bound values below
                    result_format="json",
                    max_rows=MAX_ROWS,
                    max_bytes=16 << 20,
                    union=True,
                    substitutions=bindings,
                )
                floor.append((time.perf_counter() - t0) * 1000)
                http_ms.append(get(port, path))
            f50, h50 = statistics.median(floor), statistics.median(http_ms)
            if name == PROBE:  # what a saved-query call costs over HTTP beyond its query
                out["saved_overhead_ms_p50"] = max(0.0, h50 - f50)
                out["probe"] = {"floor_p50_ms": f50, "http_p50_ms": h50, "runs": len(floor)}
                continue
            target = 1.5 * f50 + out["saved_overhead_ms_p50"]
            queries.append(
                {
                    "call": path,
                    "runs": len(floor),
                    "rows": n,
                    "floor_p50_ms": f50,
                    "floor_p95_ms": pct(floor, 0.95),
                    "http_p50_ms": h50,
                    "http_p95_ms": pct(http_ms, 0.95),
                    "target_ms": target,
                    "met": h50 <= target,
                }
            )
        out["serve_memory_after_queries"] = server_memory_mib(server.pid)
    out["queries"] = queries
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per query")
    parser.add_argument(
        "--cap", type=float, default=120.0, help="server query deadline; slower queries skipped"
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kkg-scale"))
    parser.add_argument(
        "--store-mode",
        choices=["disk", "memory"],
        default="disk",
        help="how the server's workers (and the floor) hold the data",
    )
    parser.add_argument("--out", type=Path, default=None, help="append JSON lines here")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a graph generated for that scale by an earlier run in --workdir",
    )
    args = parser.parse_args()
    for scale in args.scales:
        result = run_scale(
            scale, args.reps, args.workdir, args.budget, args.cap, args.reuse, args.store_mode
        )
        line = json.dumps(result)
        print(line, flush=True)
        if args.out:
            with open(args.out, "a") as handle:
                handle.write(line + "\n")


if __name__ == "__main__":
    main()
