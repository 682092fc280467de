"""The VALUES block of `bind_values`: the cheap seal check against lexing the whole query again."""

from __future__ import annotations

import random

import pytest

from kosovo_kg.engine.inject import _where_braces, bind_values
from kosovo_kg.engine.lexer import QueryCheckError, tokenize
from kosovo_kg.store import QueryFailed

QUERIES = [
    "SELECT ?s ?x WHERE { ?s ?p ?x } LIMIT 1",
    "PREFIX ex: <http://example.org/> SELECT ?x WHERE {?x ex:p 'a{b}' # note }\n . } ORDER BY ?x",
    "SELECT ?x WHERE { SELECT ?x { ?x ?p '''long { \"\"\" ''' } }",
    "CONSTRUCT { ?x ?p \"}\" } WHERE { ?x ?p ?o FILTER(?o != '''#''') } # end",
    'ASK WHERE{?x ?p """a\\"""" . ?x ?q \'\'\'b\'\'\'}',
]
ALPHABET = [
    '"',
    "'",
    "''",
    "'''",
    '"""',
    "#",
    "{",
    "}",
    "<",
    ">",
    "\\",
    '\\"',
    "\n",
    " ",
    "a",
    "VALUES",
    "?x",
    "^^",
    "@en",
    "\t",
    "\u00e9",
    "SELECT * {",
]


def _values(rng: random.Random) -> list[str]:
    """N-Triples terms and near-terms built from the characters that could break out."""
    out = []
    for _ in range(600):
        body = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8)))
        escaped = body.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        out += [
            f'"{escaped}"',
            f'"{escaped}"@en',
            f'"{escaped}"^^<http://www.w3.org/2001/XMLSchema#string>',
            f'"{body}"',  # unescaped: mostly refused by the RDF parser
            f"<http://example.org/{body}>",
            body,
        ]
    return out


@pytest.mark.parametrize("query", QUERIES)
def test_an_accepted_value_never_changes_the_token_stream(query):
    rng = random.Random(7)
    accepted = refused = 0
    for value in _values(rng):
        try:
            rewritten = bind_values(query, {"x": value})
        except (QueryCheckError, QueryFailed, ValueError, SyntaxError):
            refused += 1
            continue
        accepted += 1
        assert rewritten_tokens_match(query, rewritten), (value, rewritten)
    assert accepted > 500 and refused > 100  # both sides of the check were exercised


def test_a_block_that_would_leak_is_refused():
    from kosovo_kg.engine.inject import _sealed

    assert _sealed(" VALUES (?x) { (<a>) } ")
    assert _sealed(" VALUES (?x) { (<a>) } {")
    assert not _sealed(" VALUES (?x) { (<a>) } # c ")  # a comment runs into the query
    assert not _sealed(" VALUES (?x) { (<a>) }")  # the last token touches the query's text
    assert not _sealed(' VALUES (?x) { ("a) } ')


def rewritten_tokens_match(text: str, rewritten: str) -> bool:
    """The slow check that `inject._sealed` stands for: the whole rewritten query lexed again
    equals the original token stream plus exactly the VALUES block's tokens."""
    start, end = _where_braces(text)
    inner = tokenize(text[start + 1 : end], 10_000)
    subselect = bool(inner) and inner[0].kind == "word" and inner[0].text.upper() == "SELECT"
    head = tokenize(text[: start + 1], 10_000)
    body = tokenize(text[start + 1 : end] + ("} " if subselect else ""), 10_000)
    tail = tokenize(text[end:], 10_000)
    shift = len(rewritten) - len(text) - (2 if subselect else 0)
    block = rewritten[start + 1 : start + 1 + shift]
    expected = [*head, *tokenize(block, 10_000), *body, *tail]
    return tokenize(rewritten, 10_000) == expected
