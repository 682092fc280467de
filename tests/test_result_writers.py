"""SELECT answers as written by `store.run_serialized`: Oxigraph's own JSON writer with our row
count, row cap and byte cap, checked against a plain parse and against the row-by-row writers,
on a real in-memory store holding literals made to confuse a byte-level row count."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kosovo_kg import store

EX = "http://example.org/"
TRICKY = [
    "{}",
    'a {"s":{"type":"uri"} b',
    '{"s":{"type":',
    "},{",
    "line\nbreak",
    'quote " and backslash \\',
    "ünïcødé {",
    "",
]


@pytest.fixture(scope="module", params=["with-empty-braces", "without"])
def db(request, tmp_path_factory):
    """Two stores: one where a literal holds `{}` (the count falls back to parsing), one without
    (the byte-level count runs)."""
    path = tmp_path_factory.mktemp("writers") / "data.nq"
    tricky = TRICKY if request.param == "with-empty-braces" else [t for t in TRICKY if t != "{}"]
    lines = []
    for i, text in enumerate((tricky * 6)[:40]):
        literal = json.dumps(text)  # N-Quads string escapes match JSON's for these
        lines.append(f"<{EX}s{i}> <{EX}p> {literal} <{EX}g> .")
        if i % 3 == 0:
            lines.append(f'<{EX}s{i}> <{EX}q> "{i}"^^<http://www.w3.org/2001/XMLSchema#integer> .')
        if i % 4 == 0:
            lines.append(f'<{EX}s{i}> <{EX}r> "x"@en <{EX}g> .')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return store.memory_store_from_nquads(path)


def run(db, text, fmt="json", max_rows=10_000, max_bytes=1 << 24):
    return store.run_serialized(
        db, text, result_format=fmt, max_rows=max_rows, max_bytes=max_bytes, union=True
    )


QUERIES = [
    f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}",
    f"SELECT ?s ?o ?n ?l WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}q> ?n }}"
    f" OPTIONAL {{ ?s <{EX}r> ?l }} }}",
    f"SELECT ?n ?o WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}q> ?n }} }}",  # first var unbound
    f"SELECT ?x WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}nothing> ?x }} }}",  # empty solutions
    f"SELECT ?subject ?object WHERE {{ ?subject <{EX}p> ?object }}",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 0",
]


@pytest.mark.parametrize("text", QUERIES)
def test_json_rows_match_a_parse_and_the_csv_writer(db, text):
    kind, body, rows, truncated = run(db, text)
    data = json.loads(body)
    assert kind == "solutions" and truncated is False and data["truncated"] is False
    assert rows == len(data["results"]["bindings"])
    _, csv_body, csv_rows, _ = run(db, text, "csv")  # written row by row, by our own writer
    assert csv_rows == rows == len(list(csv.reader(io.StringIO(csv_body.decode())))) - 1


def test_row_cap_cuts_and_flags(db):
    text = QUERIES[1]
    _, full, rows, _ = run(db, text)
    _, body, capped, truncated = run(db, text, max_rows=7)
    data = json.loads(body)
    assert rows == 40 and capped == 7 and truncated is True and data["truncated"] is True
    assert data["results"]["bindings"] == json.loads(full)["results"]["bindings"][:7]
    assert data["head"] == json.loads(full)["head"]


def test_byte_cap_cuts_at_a_row_boundary(db):
    text = QUERIES[1]
    _, full, rows, _ = run(db, text)
    _, body, kept, truncated = run(db, text, max_bytes=len(full) // 2)
    data = json.loads(body)  # still a whole document
    assert truncated is True and data["truncated"] is True and 0 < kept < rows
    assert len(body) <= len(full) // 2
    assert data["results"]["bindings"] == json.loads(full)["results"]["bindings"][:kept]


@pytest.mark.parametrize("short_by", [1, 10, 30])
def test_byte_cap_holds_just_below_the_full_answer(db, short_by):
    """Caps that Oxigraph's writer alone would meet, but not with our `truncated` member, or not
    after cutting rows: the answer still never passes the cap."""
    text = QUERIES[1]
    _, full, rows, _ = run(db, text)
    for max_rows in (rows, rows - 1):
        _, body, kept, truncated = run(db, text, max_rows=max_rows, max_bytes=len(full) - short_by)
        assert len(body) <= len(full) - short_by and truncated is True and kept < rows
        assert json.loads(body)["truncated"] is True
