"""Documentation generated from the headers: the JSON listing and `docs/queries.md`.

`docs/queries.md` lists every saved query with its parameters, an example call (curl) and a
sample of its output computed from the shipped graph. `kosovo-kg queries-doc` writes it and a test
fails when it is stale or a query is missing.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kosovo_kg.saved.header import SavedQuery

SAMPLE_ROWS = 5
CELL_WIDTH = 70
DEFAULT_SERVER = "http://127.0.0.1:8000"

# runner(query, args) -> (variables, first rows as {var: text}, total row count)
Runner = Callable[
    [SavedQuery, Mapping[str, str]], tuple[Sequence[str], Sequence[Mapping[str, str]], int]
]


def example_path(query: SavedQuery) -> str:
    args = query.example_args()
    return f"/queries/{query.name}" + ("?" + urllib.parse.urlencode(args) if args else "")


def curl(query: SavedQuery, server: str = DEFAULT_SERVER, accept: str = "text/csv") -> str:
    return f"curl -H 'Accept: {accept}' '{server}{example_path(query)}'"


def describe(query: SavedQuery) -> dict[str, Any]:
    """One entry of the JSON listing (`GET /queries`)."""
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "url": f"/queries/{query.name}",
        "text_url": f"/queries/{query.name}.rq",
        "example_url": example_path(query),
        "params": [
            {
                "name": p.name,
                "type": str(p.type),
                "expects": p.type.help,
                "required": p.required,
                "default": p.default,
                "example": p.example,
                "description": p.description,
            }
            for p in query.params
        ],
    }


def _cell(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > CELL_WIDTH:
        text = text[: CELL_WIDTH - 1] + "…"
    return text.replace("|", "\\|") or " "


def sample_table(variables: Sequence[str], rows: Sequence[Mapping[str, str]]) -> list[str]:
    lines = ["| " + " | ".join(variables) + " |", "|" + "---|" * len(variables)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(v, "")) for v in variables) + " |")
    return lines


def markdown(library: Mapping[str, SavedQuery], run: Runner) -> str:
    """The text of docs/queries.md."""
    out = [
        "# Saved queries",
        "",
        "<!-- GENERATED from the headers of queries/*.rq by `kosovo-kg queries-doc`;"
        " do not edit by hand. -->",
        "",
        "This file is generated from the headers of `queries/*.rq` by `kosovo-kg queries-doc`;"
        " a test fails when it is stale or a query is missing. Each sample is the output of the"
        " example call on the shipped graph (`data/generated/kosovo-kg.nq`), first"
        f" {SAMPLE_ROWS} rows.",
        "",
        "Call a query with `GET /queries/<name>?param=value` (or POST a form); choose the format"
        " with `Accept` or `format=` (json, xml, csv, tsv, html). Parameters are typed and bound"
        " as RDF terms, never pasted into the query text; a missing or invalid one gets 400"
        " naming the parameter, its type and an example. `GET /queries/<name>.rq` returns the"
        " text, `GET /openapi.json` describes every query. Answers carry an `ETag`; send it back"
        " in `If-None-Match` to get 304. A query's parameters also come back as columns (pyoxigraph"
        " requires a bound variable to be projected).",
        "",
        "| query | title | parameters |",
        "|---|---|---|",
    ]
    for name, query in library.items():
        params = ", ".join(f"`{p.name}`" for p in query.params) or "none"
        out.append(f"| [`{name}`](#{name}) | {query.title} | {params} |")
    for name, query in library.items():
        out += ["", f"## {name}", "", f"**{query.title}**", "", query.description, ""]
        if query.tags:
            out += ["Tags: " + ", ".join(query.tags), ""]
        if query.params:
            out += ["| parameter | type | required / default | example | description |"]
            out += ["|---|---|---|---|---|"]
            for p in query.params:
                need = (
                    "required"
                    if p.required
                    else f"default `{p.default}`"
                    if p.default
                    else "optional"
                )
                out.append(
                    f"| `{p.name}` | `{p.type}` | {need} | `{p.example}` |"
                    f" {p.description.replace('|', chr(92) + '|')} |"
                )
            out.append("")
        else:
            out += ["No parameters.", ""]
        out += ["```sh", curl(query), "```", ""]
        result = run(query, query.example_args())
        if result is None:
            out.append("No sample: a federated query (SERVICE) calls another endpoint, and the")
            out.append("docs are generated offline. It needs that endpoint on the server's")
            out.append("`service_allowlist`.")
            continue
        variables, rows, total = result
        out.append(f"Sample ({total} row{'s' if total != 1 else ''} in all):")
        out.append("")
        out += sample_table(variables, rows[:SAMPLE_ROWS])
    return "\n".join(out) + "\n"
