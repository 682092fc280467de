"""Write bench/RESULTS-scale.md and bench/scale-latency.png from scale_bench.py's JSON lines
(and, after them, bench/RESULTS-scale.virtuoso.md: bench/virtuoso_scale.py's section, kept as written).

    .venv/bin/python bench/scale_report.py /tmp/kkg-scale/results.jsonl

The plot needs matplotlib (`pip install -e '.[bench]'`); without it the report is written alone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEADLINE_MS = 10_000  # settings.py: query_timeout default


def mib(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MiB"


def render(results: list[dict], preamble: str) -> str:
    out = [preamble, "", "## Loading, store size, peak memory", ""]
    out.append(
        "| scale | quads | N-Quads | `oxigraph load` (+ `optimize`) | our disk build (bulk load,"
        " sha256 alongside) | ratio ours / `oxigraph load` (/ load + optimize)"
        " | in-memory bulk load | store on disk (ours / oxigraph) | peak RSS: oxigraph load /"
        " disk build / memory load |"
    )
    out.append("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        opt = r.get("oxigraph_optimize_s")
        both = f" (+ {opt:.1f} s)" if opt is not None else ""
        ratio2 = f" ({r['disk_build_s'] / (r['oxigraph_load_s'] + opt):.2f})" if opt else ""
        out.append(
            f"| {r['scale']}x{'' if r.get('store_mode', 'disk') == 'disk' else ' (memory run)'}"
            f" | {r['quads']:,} | {mib(r['nq_bytes'])} | {r['oxigraph_load_s']:.1f} s"
            f"{both} | {r['disk_build_s']:.1f} s"
            f" | {r['disk_build_s'] / r['oxigraph_load_s']:.2f}{ratio2}"
            f" | {r['memory_load_s']:.1f} s | {mib(r['disk_store_bytes'])} /"
            f" {mib(r['oxigraph_store_bytes'])} | {r['oxigraph_load_rss_mib']:,} /"
            f" {r['disk_build_rss_mib']:,} / {r['memory_load_rss_mib']:,} MiB |"
        )
    serving = [r for r in results if "serve_ready_s" in r]
    if serving:
        out += [
            "",
            "## Serving: from `kosovo-kg serve` to healthy, and the server's memory",
            "",
            "Ready = from starting `kosovo-kg serve` until `/healthz` answers (dump pinned and"
            " hashed, workers started - in `store_mode=memory` the dump loaded once and the"
            " workers forked from it -, graphs listed, saved queries checked, state index read)."
            " Memory = PSS summed over the server's processes (HTTP server, store process, query"
            " workers; a page shared by n processes counts 1/n in each), with the RSS sum beside"
            " it (a shared page counted once per process).",
            "",
            "| scale | store_mode | ready | ratio ready / `oxigraph load` | PSS (RSS) at ready |"
            " PSS (RSS) after the queries |",
            "|---|---|---|---|---|---|",
        ]
        for r in serving:
            at, after = r["serve_memory_at_ready"], r["serve_memory_after_queries"]
            out.append(
                f"| {r['scale']}x | {r.get('store_mode', 'disk')} | {r['serve_ready_s']:.1f} s"
                f" | {r['serve_ready_s'] / r['oxigraph_load_s']:.2f}"
                f" | {at['pss_mib']:,} ({at['rss_mib']:,}) MiB"
                f" | {after['pss_mib']:,} ({after['rss_mib']:,}) MiB |"
            )
    for r in results:
        met = sum(q.get("met", False) for q in r["queries"])
        slow = [
            q["call"].split("?")[0].removeprefix("/queries/")
            for q in r["queries"]
            if "over_cap_s" in q or q["http_p50_ms"] > DEADLINE_MS
        ]
        out += [
            "",
            f"## Saved-query latency at {r['scale']}x ({r['quads']:,} quads,"
            f" store_mode={r.get('store_mode', 'disk')})",
            "",
            f"HTTP overhead of a saved-query call (the probe's HTTP p50 minus its in-process p50,"
            f" {r['probe']['http_p50_ms']:.1f} - {r['probe']['floor_p50_ms']:.1f}):"
            f" {r['saved_overhead_ms_p50']:.1f} ms; `ASK {{}}` through /sparql:"
            f" {r['http_overhead_ms_p50']:.1f} ms."
            f" Target: HTTP p50 <= 1.5 x floor p50 + overhead. **Met by {met} of"
            f" {len(r['queries'])} queries.** Over the default query deadline"
            f" ({DEADLINE_MS / 1000:g} s): {', '.join(f'`{s}`' for s in slow) or 'none'}.",
            "",
            "| call | rows | runs | floor p50 / p95 (ms) | HTTP p50 / p95 (ms) | target (ms) | met |",
            "|---|---|---|---|---|---|---|",
        ]
        for q in r["queries"]:
            call = q["call"] if len(q["call"]) < 70 else q["call"][:67] + "..."
            if "over_cap_s" in q:
                out.append(f"| `{call}` | | 0 | | over {q['over_cap_s']:g} s | | **no** |")
                continue
            out.append(
                f"| `{call}` | {q['rows']} | {q['runs']} | {q['floor_p50_ms']:.1f} /"
                f" {q['floor_p95_ms']:.1f} | {q['http_p50_ms']:.1f} / {q['http_p95_ms']:.1f}"
                f" | {q['target_ms']:.1f} | {'yes' if q['met'] else '**no**'} |"
            )
    return "\n".join(out) + "\n"


def plot(results: list[dict], target: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(9, 6))
    by_call: dict[str, list[tuple[int, float, float]]] = {}
    for r in results:
        if r.get("store_mode", "disk") != "disk":  # the plot follows one mode across scales
            continue
        for q in r["queries"]:
            if "http_p50_ms" in q:
                by_call.setdefault(q["call"], []).append(
                    (r["quads"], q["http_p50_ms"], q["floor_p50_ms"])
                )
    for call, points in by_call.items():
        quads = [p[0] for p in points]
        line = ax.plot(quads, [p[1] for p in points], marker="o", linewidth=1)[0]
        ax.plot(quads, [p[2] for p in points], linestyle=":", color=line.get_color(), linewidth=1)
        name = call.split("?")[0].removeprefix("/queries/")
        ax.annotate(name, (quads[-1], points[-1][1]), fontsize=6)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("quads")
    ax.set_ylabel("p50 latency (ms): HTTP solid, in-process floor dotted")
    ax.set_title("Saved-query latency against graph size (kosovo-kg serve, store_mode=disk)")
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    return True


def main() -> None:
    source = Path(sys.argv[1])
    results = [json.loads(line) for line in source.read_text().splitlines() if line.strip()]
    preamble = (HERE / "RESULTS-scale.head.md").read_text().rstrip()
    text = render(results, preamble)
    virtuoso = HERE / "RESULTS-scale.virtuoso.md"  # bench/virtuoso_scale.py's figures and notes
    if virtuoso.exists():
        text = text.rstrip("\n") + "\n\n" + virtuoso.read_text()
    (HERE / "RESULTS-scale.md").write_text(text)
    if plot(results, HERE / "scale-latency.png"):
        print("wrote bench/RESULTS-scale.md and bench/scale-latency.png")
    else:
        print("wrote bench/RESULTS-scale.md (no matplotlib: no plot)")


if __name__ == "__main__":
    main()
