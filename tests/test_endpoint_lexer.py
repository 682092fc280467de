"""The query pre-check: nesting, form, updates, SERVICE and FROM targets, strings and comments."""

from __future__ import annotations

import pytest

from kosovo_kg.engine.lexer import QueryCheckError, analyse


def test_forms_and_prologue():
    q = "BASE <http://b/> PREFIX e: <x/> PREFIX : <http://d/>\nconstruct { ?s ?p ?o } WHERE {}"
    assert analyse(q, 10).form == "CONSTRUCT"
    assert analyse("ask {}", 10).form == "ASK"
    assert analyse("# comment\nDESCRIBE <http://x>", 10).form == "DESCRIBE"


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <a:b> <a:b> <a:b> }",
        "PREFIX e: <http://e/> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://x>",
        "clear all",
        "DROP GRAPH <http://g>",
        "WITH <http://g> DELETE {} WHERE {}",
    ],
)
def test_updates_are_refused(text):
    with pytest.raises(QueryCheckError, match="read-only"):
        analyse(text, 10)


def test_nesting_is_counted_outside_strings_iris_and_comments():
    nested = 'SELECT * { BIND("{{{{{{{{" AS ?x) } # {{{{{{{{{{{{'  # two levels: { and (
    assert analyse(nested, 2).form == "SELECT"
    with pytest.raises(QueryCheckError, match="nested too deeply"):
        analyse(nested, 1)
    assert analyse("SELECT * { ?s <urn:x:((((([[[> ?o }", 1).form == "SELECT"
    with pytest.raises(QueryCheckError, match="nested too deeply"):
        analyse("SELECT * " + "{" * 4 + "}" * 4, 3)
    with pytest.raises(QueryCheckError, match="nested too deeply"):
        analyse("SELECT * WHERE " + "{" * 10000, 64)
    with pytest.raises(QueryCheckError, match="nested too deeply"):
        analyse("SELECT * WHERE { FILTER(" + "(" * 100 + "1" + ")" * 100 + ") }", 64)


def test_service_targets():
    q = """PREFIX ep: <http://ep.example/>
    BASE <http://base.example/dir/>
    SELECT * WHERE {
      SERVICE <http://a.example/sparql> { ?s ?p ?o }
      service silent ep:sparql { ?s ?p ?o }
      SERVICE <rel> { ?s ?p ?o }
      SERVICE ?endpoint { ?s ?p ?o }
      SERVICE <http://esc.example/\\u0073parql> { ?s ?p ?o }
      BIND("SERVICE <http://string.example/>" AS ?x)
      # SERVICE <http://comment.example/>
      BIND('''SERVICE <http://long.example/> ''' AS ?y)
      ?s ex:SERVICE ?SERVICE .
    }"""
    info = analyse(q, 10)
    assert info.services == [
        "http://a.example/sparql",
        "http://ep.example/sparql",
        "http://base.example/dir/rel",
        "?endpoint",
        "http://esc.example/sparql",
    ]


def test_from_graphs():
    info = analyse("SELECT * FROM <http://g1> FROM NAMED <http://g2> from named <http://g3> {}", 10)
    assert info.from_graphs == ["http://g1"]
    assert info.from_named_graphs == ["http://g2", "http://g3"]


@pytest.mark.parametrize(
    "text,message",
    [
        ('SELECT * { BIND("open AS ?x) }', "unterminated"),
        ("SELECT * { BIND('''open AS ?x) }", "unterminated"),
        ("SELECT * { SERVICE nope:x { } }", "undeclared prefix"),
        ("SELECT * { SERVICE { } }", "must be followed"),
        ("", "empty query"),
        ("HELLO", "expected SELECT"),
    ],
)
def test_refusals_have_messages(text, message):
    with pytest.raises(QueryCheckError, match=message):
        analyse(text, 10)


def test_lt_operator_is_not_an_iri():
    info = analyse("SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) SERVICE <http://x/> {} }", 10)
    assert info.services == ["http://x/"]
