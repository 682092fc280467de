"""Compare the saved queries' results on the real dump between two versions of queries/.

    git worktree add /tmp/old-queries <rev>   # or: git archive <rev> queries | tar -x -C /tmp/old
    .venv/bin/python bench/saved_query_diff.py /tmp/old-queries/queries [name ...]

For each saved query (federated ones skipped), runs the old and the new text on an in-memory
store of data/generated/kosovo-kg.nq, bound as the server binds them, for: the example call,
the example call without each optional parameter, without all of them, with every value of an
enum parameter, and with each of a sample of states (ISO codes and QIDs) for a state parameter.
Prints every call whose SPARQL JSON results differ (noting when only the order of rows does)
and exits 1 if any does.

    .venv/bin/python bench/saved_query_diff.py /tmp/old-queries/queries --old-dump OLD.nq [name ...]

runs the old texts on OLD.nq (the dump of the old version) and the new texts on the current
dump, to check that a change of graph and queries together leaves every answer's content as it
was. Claim IRIs are hashes of the claim's content and graph, so they are compared masked
(`id/claim/*`), and rows as multisets (a row more or less is a difference; order is noted).

    .venv/bin/python bench/saved_query_diff.py --values [name ...]

compares instead, for the current texts and the same calls, the binding by `substitutions`
alone with the one used for an external engine (a VALUES block, engine/inject.py) and with the
one the embedded engine sends (both: the VALUES block lets its planner start from the value),
as sets of rows: a query whose parameter is used where a VALUES block does not reach (a nested
group's FILTER, a sub-select) gives other rows through an external engine.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kosovo_kg import store  # noqa: E402
from kosovo_kg.engine.inject import bind_values  # noqa: E402
from kosovo_kg.saved.header import SavedQuery  # noqa: E402
from kosovo_kg.saved.library import bind, load_library  # noqa: E402
from kosovo_kg.saved.sample import LocalRunner, federated  # noqa: E402

BASE = "https://w3id.org/kosovo-kg/"
STATES = ["GHA", "TGO", "STP", "SRB", "FRA", "USA", "NGA", "PLW", "CRI", "GNB", "XKX", "ESP",
          "RUS", "CHN", "IND", "BRA", "SUR", "LBR", "DMA", "GRD", "MDV", "BDI", "PNG", "SLB",
          "Q142", "Q30"]  # fmt: skip


def calls(query: SavedQuery) -> list[dict[str, str]]:
    example = query.example_args()
    out = [dict(example)]
    for param in query.params:
        if not param.required:
            out.append({k: v for k, v in example.items() if k != param.name})
        if param.type.name == "enum":
            out += [{**example, param.name: v} for v in param.type.values]
        if param.type.name == "state":
            out += [{**example, param.name: s} for s in STATES]
    out.append({k: v for k, v in example.items() if query.param(k).required})
    unique: dict[str, dict[str, str]] = {}
    for args in out:
        unique.setdefault(json.dumps(args, sort_keys=True), args)
    return list(unique.values())


CLAIM_IRI = re.compile(re.escape(BASE) + r"id/claim/[0-9a-f]{16}")


def result(
    runner: LocalRunner, query: SavedQuery, args: dict[str, str], mask: bool = False
) -> dict | str:
    try:
        data = runner.json(query, args)
    except Exception as exc:  # an error is a result to compare too
        return f"error: {exc}"
    if mask:
        data = json.loads(CLAIM_IRI.sub(BASE + "id/claim/*", json.dumps(data)))
    return data


def rows(runner: LocalRunner, text: str, bindings: dict[str, str] | None) -> list[str] | str:
    try:
        _, body, _, _ = store.run_serialized(
            runner.store,
            text,
            result_format="json",
            max_rows=1_000_000,
            max_bytes=1 << 30,
            union=True,
            substitutions=bindings,
        )
    except Exception as exc:  # an error is a result to compare too
        return f"error: {exc}"
    return sorted(json.dumps(b, sort_keys=True) for b in json.loads(body)["results"]["bindings"])


def compare_bindings(runner: LocalRunner, names: list[str]) -> int:
    library = load_library(ROOT / "queries", BASE)
    differences = 0
    for name in names or sorted(library):
        query = library[name]
        if federated(query):
            continue
        for args in calls(query):
            bindings = bind(query, args, runner.states)
            if not bindings:
                continue
            embedded = rows(runner, query.text, bindings)
            with_values = bind_values(query.text, bindings)
            if embedded != rows(runner, with_values, None):
                differences += 1
                print(f"DIFF {name} {args}: substitutions and a VALUES block give other rows")
            if embedded != rows(runner, with_values, bindings):  # what the embedded engine sends
                differences += 1
                print(f"DIFF {name} {args}: substitutions alone and with a VALUES block differ")
    return differences


def main() -> None:
    runner = LocalRunner(ROOT / "data" / "generated" / "kosovo-kg.nq", BASE)
    if sys.argv[1:2] == ["--values"]:
        differences = compare_bindings(runner, sys.argv[2:])
        print(f"{differences} call(s) differ")
        sys.exit(1 if differences else 0)
    old_dir, names = Path(sys.argv[1]), sys.argv[2:]
    old_runner, mask = runner, False
    if names[:1] == ["--old-dump"]:
        old_runner, mask, names = LocalRunner(Path(names[1]), BASE), True, names[2:]
    old, new = load_library(old_dir, BASE), load_library(ROOT / "queries", BASE)
    differences = 0
    for name in names or sorted(new):
        query = new[name]
        if federated(query) or name not in old:
            continue
        started, count = time.perf_counter(), 0
        for args in calls(query):
            a, b = result(old_runner, old[name], args, mask), result(runner, query, args, mask)
            count += 1
            if a != b:
                differences += 1
                same_rows = isinstance(a, dict) and isinstance(b, dict)
                same_rows = same_rows and sorted(
                    map(json.dumps, a["results"]["bindings"])
                ) == sorted(map(json.dumps, b["results"]["bindings"]))
                print(f"DIFF {name} {args}" + (" (same rows, other order)" if same_rows else ""))
        print(f"{name:36s} {count:3d} calls, {time.perf_counter() - started:.1f} s")
    print(f"{differences} call(s) differ")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
