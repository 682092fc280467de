"""Scale figures on Virtuoso: loading a dump and saved-query latency through our server.

    .venv/bin/python bench/virtuoso_scale.py --dump /tmp/kkg-100x.nq --workdir /tmp/kkg-virt \\
        --out bench/results-virtuoso.jsonl

Steps, each printed as one JSON line (and appended to `--out`):
- `bulk`: a fresh Virtuoso (Debian's `virtuoso-t`, page cache bounded by `--buffers`), the dump
  loaded with its bulk loader (`ld_dir` + `rdf_loader_run` + `checkpoint`, timed as one isql
  call), then the loader's own error list and the quads it holds under our graphs counted.
- `latency`: three `kosovo-kg serve` processes at once, each with 2 workers and the saved-query
  cache off: on that Virtuoso (`sparql_backend_union_default=true`, see below), on the embedded
  store in `store_mode=disk` (its store built first, timed) and in `store_mode=memory`. Every
  saved query that calls no SERVICE is called with its example parameters, the three servers in
  turn (so that the load of the shared machine falls on all three alike), `--reps` times each
  after one warm-up call; p50 per server. A call past `--cap` seconds is recorded as over the cap
  (the server answers 504) and the query is not called again on that server.
- `publish`: another fresh Virtuoso, `kosovo-kg publish --to <it>/sparql-graph-crud` timed (one
  Graph Store PUT per named graph, then every graph counted back), at most `--publish-limit`
  seconds; when cut off, the graphs sent so far (from its progress lines) are reported.

Virtuoso is served with its own union default graph here, not the protocol's dataset
(`sparql_backend_union_default=false` sends every named graph twice per query: 2 x 35,000 IRIs at
100x, which Virtuoso echoes back as 70,000 headers). Its union also holds its few system graphs;
no saved query reads their vocabulary, but dataset-statistics counts their quads too.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from engine_support import isql, virtuoso  # noqa: E402
from saved_queries_bench import free_port, started  # noqa: E402
from scale_bench import child  # noqa: E402

from kosovo_kg.saved.library import load_library  # noqa: E402
from kosovo_kg.saved.sample import federated  # noqa: E402

BIN = Path(sys.executable).parent
GRAPHS = "https://w3id.org/kosovo-kg/graph/"
# never sent to Virtuoso: they run past any deadline there and keep it busy after our 504
# (tests/test_engine_differential.py, NOT_RUN; docs/external-engines.md)
NOT_ON_VIRTUOSO = {"perspective-count-over-time", "wikipedia-editions-latest"}


def emit(record: dict, out: Path | None) -> None:
    line = json.dumps(record)
    print(line, flush=True)
    if out:
        with open(out, "a") as handle:
            handle.write(line + "\n")


def bulk_load(sql_port: int, dump: Path) -> dict:
    t = time.monotonic()
    isql(
        sql_port,
        f"ld_dir('{dump.parent}', '{dump.name}', 'urn:kosovo-kg:unused');"
        " rdf_loader_run(); checkpoint;",
        timeout=7200,
    )
    seconds = time.monotonic() - t
    errors = isql(sql_port, "select count(*) from DB.DBA.LOAD_LIST where ll_error is not null;")
    quads = isql(
        sql_port,
        "sparql select count(*) where { graph ?g { ?s ?p ?o }"
        f" filter(strstarts(str(?g), '{GRAPHS}')) " + "};",
    )
    return {
        "step": "bulk",
        "bulk_load_s": seconds,
        "loader_errors": _number(errors),
        "quads_loaded": _number(quads),
    }


def _number(isql_output: str) -> int | None:
    """The single number of a one-cell isql answer."""
    found = re.findall(r"^\s*(\d+)\s*$", isql_output, re.M)
    return int(found[0]) if found else None


def call(port: int, path: str, cap: float) -> tuple[int, float, int]:
    """(status, milliseconds, rows of the answer) of one GET."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=cap + 60)
    t = time.perf_counter()
    conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - t) * 1000
    conn.close()
    rows = len(json.loads(body)["results"]["bindings"]) if response.status == 200 else 0
    return response.status, elapsed, rows


def serve(dump: Path, root: Path, name: str, cap: float, env_extra: dict[str, str]):
    """`kosovo-kg serve` on the dump (hard-linked into its own data folder): (port, context)."""
    data = root / name / "data" / "generated"
    data.mkdir(parents=True, exist_ok=True)
    if not (data / "kosovo-kg.nq").exists():
        os.link(dump, data / "kosovo-kg.nq")
    port = free_port()
    env = dict(os.environ)
    env.update(
        KOSOVO_KG_DATA_DIR=str(root / name / "data"),
        KOSOVO_KG_VAR_DIR=str(root / name / "var"),
        KOSOVO_KG_PORT=str(port),
        KOSOVO_KG_WORKERS="2",
        KOSOVO_KG_SAVED_CACHE_BYTES="0",
        KOSOVO_KG_QUERY_TIMEOUT=str(cap),
        KOSOVO_KG_MAX_ROWS="1000000",
        **env_extra,
    )
    cmd = [str(BIN / "kosovo-kg"), "serve"]
    return port, started(cmd, env, port, "/healthz", root / f"{name}.log", timeout=900)


def latency(dump: Path, root: Path, virtuoso_url: str, reps: int, cap: float) -> dict:
    out: dict = {"step": "latency", "reps": reps, "cap_s": cap}
    disk_var = root / "disk" / "var"
    shutil.rmtree(disk_var, ignore_errors=True)
    code = "from pathlib import Path; from kosovo_kg import store; "
    out["disk_build_s"], _ = child(
        [
            sys.executable,
            "-c",
            code + f"store.build_store(Path({str(dump)!r}), Path({str(disk_var)!r}))",
        ]
    )
    ports: dict[str, int] = {}
    library = load_library(ROOT / "queries")
    with ExitStack() as stack:
        for name, extra in (
            (
                "virtuoso",
                {
                    "KOSOVO_KG_SPARQL_BACKEND_URL": virtuoso_url,
                    "KOSOVO_KG_SPARQL_BACKEND_UNION_DEFAULT": "true",
                },
            ),
            ("disk", {"KOSOVO_KG_STORE_MODE": "disk"}),
            ("memory", {"KOSOVO_KG_STORE_MODE": "memory"}),
        ):
            t = time.monotonic()
            ports[name], context = serve(dump, root, name, cap, extra)
            stack.enter_context(context)
            out[f"{name}_ready_s"] = time.monotonic() - t
        queries = []
        for qname in sorted(library):
            query = library[qname]
            if federated(query):
                continue
            args = query.example_args()
            path = f"/queries/{qname}" + ("?" + urllib.parse.urlencode(args) if args else "")
            row: dict = {"query": qname}
            live = {
                n: p for n, p in ports.items() if n != "virtuoso" or qname not in NOT_ON_VIRTUOSO
            }
            for n in ports:
                if n not in live:
                    row[n] = {"not_run": "runs past any deadline on Virtuoso 7.2"}
            times: dict[str, list[float]] = {n: [] for n in live}
            rows: dict[str, int] = {}
            for rep in range(reps + 1):  # the first round warms up
                for n, port in list(live.items()):
                    status, ms, rows[n] = call(port, path, cap)
                    if status != 200:
                        row[n] = {"status": status, "ms": ms}
                        del live[n]
                    elif rep:
                        times[n].append(ms)
            for n, values in times.items():
                if values and n in live:
                    row[n] = {
                        "p50_ms": statistics.median(values),
                        "runs": len(values),
                        "rows": rows[n],
                    }
            print(json.dumps(row), file=sys.stderr, flush=True)
            queries.append(row)
        out["queries"] = queries
    return out


def publish_timed(dump: Path, root: Path, limit: float, buffers: int) -> dict:
    out: dict = {"step": "publish", "limit_s": limit}
    with virtuoso(root / "virt-publish", dump.parent, buffers=buffers) as (base, _):
        log = root / "publish.log"
        t, wall = time.monotonic(), time.time()
        data = root / "publish" / "data" / "generated"  # publish sends the data folder's dump
        data.mkdir(parents=True)
        os.link(dump, data / "kosovo-kg.nq")
        env = dict(os.environ, KOSOVO_KG_DATA_DIR=str(data.parent))
        cmd = [str(BIN / "kosovo-kg"), "publish", "--to", f"{base}/sparql-graph-crud"]
        with open(log, "wb") as handle:
            process = subprocess.Popen(cmd, env=env, stdout=handle, stderr=subprocess.STDOUT)
            try:
                out["exit"] = process.wait(limit)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                out["exit"] = None
        out["publish_s"] = time.monotonic() - t
        out["sent_s"] = log.stat().st_mtime - wall  # the last progress line: every graph sent
        text = log.read_text(errors="replace")
        sent = re.findall(r"^\[(\d+)/(\d+)\]", text, re.M)
        out["graphs_sent"], out["graphs"] = (int(sent[-1][0]), int(sent[-1][1])) if sent else (0, 0)
        out["last_lines"] = text.strip().splitlines()[-2:]
    return out


def _cell(entry: dict | None) -> str:
    if not entry:
        return "-"
    if "p50_ms" in entry:
        ms = entry["p50_ms"]
        return f"{ms:,.0f} ms" if ms >= 100 else f"{ms:.1f} ms"
    if "not_run" in entry:
        return "not sent"
    return f"HTTP {entry['status']} after {entry['ms'] / 1000:.0f} s"


def report(path: Path) -> str:
    """The markdown section of bench/RESULTS-scale.virtuoso.md from this script's JSON lines."""
    steps = {r["step"]: r for r in map(json.loads, path.read_text().splitlines()) if r}
    start, lat = steps["start"], steps.get("latency", {})
    lines = [
        f"Run {start['utc']} - {steps.get('end', {}).get('utc', '?')} UTC on"
        f" {start['dump']} ({start['bytes'] / 2**20:,.0f} MiB), Virtuoso page cache"
        f" {start['buffers']:,} x 8 KiB = {start['buffers'] * 8 / 2**20:.1f} GiB.",
        "",
        "| loading | time |",
        "|---|---|",
    ]
    if "bulk" in steps:
        b = steps["bulk"]
        lines.append(
            f"| Virtuoso bulk loader (`ld_dir` + `rdf_loader_run` + `checkpoint`):"
            f" {b['quads_loaded']:,} quads in our graphs, {b['loader_errors']} loader errors"
            f" | {b['bulk_load_s']:.0f} s |"
        )
    if "publish" in steps:
        pb = steps["publish"]
        done = "finished" if pb["exit"] == 0 else f"cut off at {pb['limit_s']:.0f} s"
        if "sent_s" in pb:
            done += f", all sent after {pb['sent_s']:.0f} s"
        lines.append(
            f"| `kosovo-kg publish --to <virtuoso>/sparql-graph-crud` ({done}: {pb['graphs_sent']:,}"
            f" of {pb['graphs']:,} graphs sent; last line: {pb['last_lines'][-1]!s}) |"
            f" {pb['publish_s']:.0f} s |"
        )
    if lat:
        lines.append(
            f"| our disk store build (`store.build_store`), for comparison | {lat['disk_build_s']:.0f} s |"
        )
        lines += [
            "",
            f"`kosovo-kg serve` start to healthy: on Virtuoso {lat['virtuoso_ready_s']:.0f} s,"
            f" disk {lat['disk_ready_s']:.0f} s, memory {lat['memory_ready_s']:.0f} s"
            " (started one after the other, in that order).",
            "",
            f"Saved-query p50 through our server ({lat['reps']} timed calls per server after one"
            f" warm-up, the three servers called in turn; deadline {lat['cap_s']:.0f} s):",
            "",
            "| saved query | on Virtuoso | embedded, disk | embedded, memory | Virtuoso / disk | Virtuoso / memory |",
            "|---|---|---|---|---|---|",
        ]
        ratios: dict[str, list[float]] = {"disk": [], "memory": []}
        for q in lat["queries"]:
            v = q.get("virtuoso", {})
            cells = []
            for mode in ("disk", "memory"):
                other = q.get(mode, {})
                if "p50_ms" in v and "p50_ms" in other:
                    ratio = v["p50_ms"] / other["p50_ms"]
                    ratios[mode].append(ratio)
                    cells.append(f"{ratio:.2f}")
                else:
                    cells.append("-")
            counts = {
                q[n]["rows"] for n in ("virtuoso", "disk", "memory") if "rows" in q.get(n, {})
            }
            note = " (rows differ)" if len(counts) > 1 else ""
            lines.append(
                f"| {q['query']}{note} | {_cell(v)} | {_cell(q.get('disk'))}"
                f" | {_cell(q.get('memory'))} | {cells[0]} | {cells[1]} |"
            )
        lines.append("")
        for mode, values in ratios.items():
            if values:
                faster = sum(r < 1 for r in values)
                geo = statistics.geometric_mean(values)
                lines.append(
                    f"- Virtuoso against embedded {mode}: faster on {faster} of {len(values)}"
                    f" queries timed on both; ratio median {statistics.median(values):.2f},"
                    f" geometric mean {geo:.2f}."
                )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kkg-virt"))
    parser.add_argument("--steps", nargs="+", default=["bulk", "latency", "publish"])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--cap", type=float, default=60.0, help="server deadline, seconds")
    parser.add_argument(
        "--buffers", type=int, default=250_000, help="Virtuoso's NumberOfBuffers (8 KiB pages)"
    )
    parser.add_argument("--publish-limit", type=float, default=1800.0)
    parser.add_argument("--out", type=Path, default=None, help="append JSON lines here")
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        help="print the markdown of these JSON lines, run nothing",
    )
    args = parser.parse_args()
    if args.report:
        print(report(args.report), end="")
        return
    dump = args.dump.resolve()
    root = args.workdir
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    emit(
        {
            "step": "start",
            "dump": str(dump),
            "bytes": dump.stat().st_size,
            "buffers": args.buffers,
            "utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        },
        args.out,
    )
    if "bulk" in args.steps or "latency" in args.steps:
        with virtuoso(
            root / "virt-bulk", dump.parent, buffers=args.buffers, query_seconds=int(args.cap)
        ) as (base, sql_port):
            emit(bulk_load(sql_port, dump), args.out)
            if "latency" in args.steps:
                emit(latency(dump, root, f"{base}/sparql", args.reps, args.cap), args.out)
    if "publish" in args.steps:
        emit(publish_timed(dump, root, args.publish_limit, args.buffers), args.out)
    emit({"step": "end", "utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}, args.out)


if __name__ == "__main__":
    main()
