"""Benchmark: where `kosovo-kg build` spends its time, and SHACL validation shape by shape.

    .venv/bin/python bench/build_bench.py [--rounds 3] [--per-shape] [--out bench/RESULTS-build.md]

Each round runs the build's stages as `kosovo_kg.build.build` does, timed through its `progress`
callback (the time from one reported stage to the next), then the SHACL validation on its own
(`kosovo_kg.validation.validate` on the build's in-memory Dataset, as the build does, and, for
comparison, on the N-Quads parsed again, as the build did before: the findings must be equal),
then the dump write and the
Oxigraph store load into a temporary directory (the shipped dump and store are not touched).
The baseline, measured in every round of the same run, is rdflib's parse of those N-Quads into
a Dataset (`validation.load_dataset`: pure-Python CPU work, like most of the build), so the
ratio stage / baseline can be compared across runs on a busy shared machine. Times are CPU
seconds of the process (`time.process_time`, all threads; `--clock wall` for wall-clock): on
2 cores shared with other jobs, wall-clock times of identical runs varied up to 5x, CPU times
far less. Medians over the rounds are reported.

`--per-shape` also validates the parsed graph against each named shape alone (the shape, the
blank nodes under it and the SPARQL prefix declarations), `--shape-rounds` times each, and
lists the shapes by median seconds: where pySHACL spends its time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rdflib import BNode, Graph, URIRef  # noqa: E402

from kosovo_kg import store as store_mod  # noqa: E402
from kosovo_kg import validation  # noqa: E402
from kosovo_kg.build import make_graph, write_atomically  # noqa: E402
from kosovo_kg.settings import load_settings  # noqa: E402

clock = time.process_time
BASELINE = "baseline: rdflib parse of the dump"
SHACL = "validating with SHACL (the build's Dataset)"
OF_DUMP = "not in the build: SHACL on the dump, parse included (the build before)"


def build_round(settings, tmp: Path) -> tuple[dict[str, float], bytes, int]:
    """One build with each stage timed; returns stage seconds, the N-Quads, violations."""
    times: dict[str, float] = {}
    current: list = [None, clock()]

    def progress(step: str) -> None:
        now = clock()
        if current[0] is not None:
            times[current[0]] = now - current[1]
        current[:] = [step, now]

    result = make_graph(settings, progress)
    progress("")  # closes the last stage ("serialising")
    nquads = result.nquads

    start = clock()
    validation.load_dataset(nquads, base_iri=settings.base_iri)
    times[BASELINE] = clock() - start

    start = clock()
    outcome = validation.validate(result.dataset, base_iri=settings.base_iri)
    times[SHACL] = clock() - start
    # before: the build validated the dump, parsed again; the findings must be the same
    start = clock()
    of_dump = validation.validate(nquads, base_iri=settings.base_iri)
    times[OF_DUMP] = clock() - start
    if (of_dump.violations, of_dump.warnings) != (outcome.violations, outcome.warnings):
        sys.exit("the build's Dataset and the parsed dump give different SHACL findings")

    start = clock()
    dump = tmp / "kosovo-kg.nq"
    write_atomically(dump, nquads)
    times["writing the dump"] = clock() - start
    start = clock()
    store_mod.build_store(dump, tmp / f"var-{time.monotonic_ns()}")
    times["loading the Oxigraph store"] = clock() - start
    return times, nquads, len(outcome.violations)


def shape_subgraph(shapes: Graph, shape: URIRef, declarations: URIRef) -> Graph:
    """The shape with every blank node under it, plus the `sh:declare` prefixes."""
    out = Graph()
    todo = [shape, declarations]
    seen = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in shapes.triples((node, None, None)):
            out.add((s, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    for prefix, namespace in shapes.namespaces():
        out.bind(prefix, namespace, override=True)
    return out


def per_shape(nquads: bytes, base_iri: str, rounds: int) -> list[tuple[str, float, int]]:
    """(shape, median seconds, findings) for each named shape validated alone."""
    shapes = validation.load_shapes(base_iri)
    dataset = validation.load_dataset(nquads, base_iri=base_iri)
    cid = URIRef(base_iri + "shapes#constraintId")
    declarations = URIRef(base_iri + "shapes")
    out = []
    for shape in sorted(set(shapes.subjects(cid, None))):
        sub = shape_subgraph(shapes, shape, declarations)
        times, findings = [], 0
        for _ in range(rounds):
            start = clock()
            result = validation.validate_with(dataset, sub, base_iri=base_iri)
            times.append(clock() - start)
            findings = len(result.violations) + len(result.warnings)
        name = str(shape).rsplit("#", 1)[-1]
        out.append((name, statistics.median(times), findings))
        print(f"  {name}: {out[-1][1]:.2f} s", flush=True)
    return sorted(out, key=lambda r: -r[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-shape", action="store_true")
    parser.add_argument("--shape-rounds", type=int, default=1)
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    parser.add_argument("--out", type=Path, default=None, help="write a Markdown report here")
    args = parser.parse_args()
    global clock
    clock = time.perf_counter if args.clock == "wall" else time.process_time

    settings = load_settings()
    samples: dict[str, list[float]] = defaultdict(list)
    order: list[str] = []
    nquads, violations = b"", 0
    with tempfile.TemporaryDirectory(prefix="kosovo-kg-bench-") as tmp:
        for n in range(args.rounds):
            times, nquads, violations = build_round(settings, Path(tmp))
            for stage, seconds in times.items():
                if stage not in order:
                    order.append(stage)
                samples[stage].append(seconds)
            print(f"round {n + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in times.items()))
    med = {stage: statistics.median(samples[stage]) for stage in order}
    base = med[BASELINE]
    build_stages = [s for s in order if s not in (BASELINE, OF_DUMP)]
    total = sum(med[s] for s in build_stages)
    quads = nquads.count(b"\n")
    command = f"bench/build_bench.py --rounds {args.rounds} --clock {args.clock}"
    if args.per_shape:
        command += f" --per-shape --shape-rounds {args.shape_rounds}"
    if args.out:
        command += f" --out {args.out}"
    lines = [
        "## Build stages",
        "",
        f"Generated by `.venv/bin/python {command}` on "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC ({platform.machine()}, "
        f"{os.cpu_count()} CPUs shared with other jobs, load average {os.getloadavg()[0]:.1f}, "
        f"Python {platform.python_version()}), "
        f"{quads} quads, {violations} SHACL violations. {args.clock} seconds, medians of {args.rounds} "
        f"rounds; baseline (rdflib parse of the dump) {base:.2f} s.",
        "",
        f"**Build total (sum of build stage medians): {total:.1f} s {args.clock}, SHACL {med[SHACL]:.1f} s "
        f"({med[SHACL] / base:.2f} x baseline); validating the dump instead, as the build did "
        f"before, {med[OF_DUMP]:.1f} s ({med[OF_DUMP] / base:.2f} x baseline).**",
        "",
        "| stage | median s | min s | max s | median / baseline |",
        "|---|---|---|---|---|",
    ]
    for stage in order:
        s = samples[stage]
        lines.append(
            f"| {stage} | {med[stage]:.2f} | {min(s):.2f} | {max(s):.2f} | {med[stage] / base:.2f} |"
        )
    if args.per_shape:
        print("per shape:", flush=True)
        shapes = per_shape(nquads, settings.base_iri, args.shape_rounds)
        lines += [
            "",
            "## SHACL shape by shape",
            "",
            f"Each named shape validated alone on the parsed graph, median of "
            f"{args.shape_rounds} run(s) (sum {sum(r[1] for r in shapes):.1f} s).",
            "",
            "| shape | median s | / baseline | findings |",
            "|---|---|---|---|",
        ]
        lines += [f"| {n} | {t:.2f} | {t / base:.2f} | {f} |" for n, t, f in shapes]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
