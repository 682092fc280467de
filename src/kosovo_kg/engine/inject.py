"""Bind variables for an external engine (no SEP-0007 substitutions): a VALUES block written
at the start of the query's WHERE group (docs/external-engines.md, "Parameters of saved queries").

Each value is an N-Triples term re-serialised by Oxigraph (`store.sparql_term`); the block must
lex into exactly the expected tokens and be sealed (no comment, no open string, ending on a space
or `{`), so no value can change the query's structure: a lexer token ends at the first character
that stops it, so no token crosses either edge of a sealed block (tests/test_inject_values.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from kosovo_kg.engine.lexer import _TOKEN, QueryCheckError, Token, tokenize
from kosovo_kg.store import sparql_term

_TERM_SHAPES = (
    ["iri"],
    ["string"],
    ["string", "word"],  # "text"@lang
    ["string", "punct", "punct", "iri"],  # "text"^^<datatype>
)


def _where_braces(text: str) -> tuple[int, int]:
    """Offsets of the `{` opening the query's WHERE group and of its matching `}`: the first
    top-level group, or the second after a CONSTRUCT template (not in `CONSTRUCT WHERE {`)."""
    depth = 0
    open_at = -1
    template = False  # a CONSTRUCT template is the next top-level group
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "word" and depth == 0 and open_at < 0:
            template = value.upper() == "CONSTRUCT" or (template and value.upper() != "WHERE")
        elif kind == "punct" and value in "{([":
            if value == "{" and depth == 0 and open_at < 0 and not template:
                open_at = match.start()
            template = template and depth > 0
            depth += 1
        elif kind == "punct" and value in "})]":
            depth -= 1
            if value == "}" and depth == 0 and open_at >= 0:
                return open_at, match.start()
    raise QueryCheckError("cannot bind parameters: the query has no WHERE group")


def _sealed(block: str) -> bool:
    """No comment, no unterminated string, and a last token (space or `{`) at its very end."""
    last = None
    for match in _TOKEN.finditer(block):
        if match.lastgroup == "comment" or match.group() in ("'", '"'):
            return False
        last = match
    return (
        last is not None
        and last.end() == len(block)
        and (last.lastgroup == "ws" or last.group() == "{")
    )


@lru_cache(maxsize=256)
def _parts(text: str, max_nesting: int) -> tuple[int, int, bool]:
    """The WHERE group's braces and whether it is a bare sub-SELECT."""
    start, end = _where_braces(text)
    inner = tokenize(text[start + 1 : end], max_nesting)
    return start, end, bool(inner) and inner[0].kind == "word" and inner[0].text.upper() == "SELECT"


def bind_values(text: str, substitutions: Mapping[str, str], max_nesting: int = 10_000) -> str:
    """The query with `substitutions` (variable name -> N-Triples term) as a VALUES block."""
    if not substitutions:
        return text
    names = list(substitutions)
    for name in names:
        if not name or not all(c.isalnum() or c == "_" for c in name):
            raise QueryCheckError(f"not a variable name: {name!r}")
    terms = [sparql_term(substitutions[n]) for n in names]
    term_tokens: list[Token] = []
    for term in terms:
        tokens = tokenize(term, 1)
        if [t.kind for t in tokens] not in _TERM_SHAPES:
            raise QueryCheckError(f"cannot bind parameters: not one RDF term: {term[:60]!r}")
        term_tokens += tokens
    variables = " ".join("?" + n for n in names)
    start, end, subselect = _parts(text, max_nesting)
    block = f" VALUES ({variables}) {{ ({' '.join(terms)}) }} " + ("{" if subselect else "")
    close = "} " if subselect else ""
    values = [Token("word", "VALUES"), Token("punct", "(")]
    values += [Token("var", "?" + n) for n in names] + [Token("punct", ")"), Token("punct", "{")]
    values += [Token("punct", "("), *term_tokens, Token("punct", ")"), Token("punct", "}")]
    values += [Token("punct", "{")] if subselect else []
    if not _sealed(block) or tokenize(block, max_nesting) != values:
        raise QueryCheckError("cannot bind parameters: a value would change the query's structure")
    return text[: start + 1] + block + text[start + 1 : end] + close + text[end:]
