"""A minimal runner for saved queries (queries/*.rq) in tests: header params -> pre-bindings.

The project's saved-query loader lives elsewhere; this follows HELPER_QUERIES.md closely enough
to run our queries the way the endpoint will: a `date` parameter binds `?name` to the first day
and `?name_end` to the last day of the given day, month or year; `state` binds the state's IRI;
`enum` and `string` bind plain literals; absent optional parameters stay unbound.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

import pyoxigraph as ox

from kosovo_kg.store import query

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
BASE = "https://w3id.org/kosovo-kg/"


def header(name: str) -> tuple[dict[str, str], dict[str, dict[str, str]], str]:
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: dict[str, dict[str, str]] = {}
    last = None
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        if line.startswith("#+   "):
            assert last, f"{name}: continuation line without a field"
            fields[last] += " " + line[5:].strip()
            continue
        key, _, value = line[3:].partition(":")
        key, value = key.strip(), value.strip()
        if key == "param":
            parts = [p.strip() for p in value.split("|")]
            assert len(parts) == 5, f"{name}: param needs 5 fields: {value}"
            pname, ptype, need, example, doc = parts
            params[pname] = {"type": ptype, "need": need, "example": example, "doc": doc}
        else:
            fields[key] = value
            last = key
    return fields, params, text


def _date_range(value: str) -> tuple[dt.date, dt.date]:
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
    day = dt.date(*parts)
    return day, day


def bindings(params: dict[str, dict[str, str]], values: dict[str, str]) -> dict:
    subs: dict = {}
    for pname, spec in params.items():
        value = values.get(pname)
        if value is None and spec["need"].startswith("default="):
            value = spec["need"][len("default=") :]
        if value is None:
            assert spec["need"] != "required", f"missing required parameter {pname}"
            continue
        ptype = spec["type"]
        if ptype == "date":
            first, last = _date_range(value)
            subs[ox.Variable(pname)] = ox.Literal(first.isoformat(), datatype=XSD_DATE)
            subs[ox.Variable(pname + "_end")] = ox.Literal(last.isoformat(), datatype=XSD_DATE)
        elif ptype == "state":
            subs[ox.Variable(pname)] = ox.NamedNode(f"{BASE}id/state/{value}")
        elif ptype == "qid":
            subs[ox.Variable(pname)] = ox.NamedNode(f"http://www.wikidata.org/entity/{value}")
        elif ptype == "iri":
            subs[ox.Variable(pname)] = ox.NamedNode(value)
        elif ptype == "integer":
            subs[ox.Variable(pname)] = ox.Literal(
                str(int(value)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
            )
        else:
            m = re.fullmatch(r"enum\(([^)]*)\)", ptype)
            if m:
                assert value in m.group(1).split(","), f"{pname}: {value!r} not in {ptype}"
            subs[ox.Variable(pname)] = ox.Literal(value)
    return subs


def run(store, name: str, text: str | None = None, **values: str) -> list[dict[str, str | None]]:
    """Run a saved query with parameters; rows of plain values (None for unbound)."""
    _, params, original = header(name)
    solutions = query(store, text or original, substitutions=bindings(params, values))
    names = [v.value for v in solutions.variables]
    return [{n: (None if s[n] is None else s[n].value) for n in names} for s in solutions]
