"""Bind variables for an external engine: a VALUES block written into the query's WHERE group.

The embedded store binds saved-query parameters with SEP-0007 pre-binding (`substitutions`); a
remote SPARQL 1.1 engine has no such API, so the values are sent inside the query, as standard
SPARQL 1.1 inline data:

    SELECT ... WHERE { <pattern> }
 -> SELECT ... WHERE { VALUES (?a ?b) { (<term a> <term b>) } <pattern> }

Safety: each value is a request's N-Triples term parsed by Oxigraph's RDF parser and written back
by its serializer (`store.sparql_term`), so what is inserted is one well-formed, escaped RDF term,
never the request's text. The insertion point is found with the endpoint's SPARQL lexer (strings,
IRIs and comments skipped), and the inserted block must lex, on its own, into exactly the
expected tokens and be sealed (`_sealed`): then the rewritten query lexes into the original token
stream plus exactly the block's tokens, so a value that could change the query's structure
(close a brace, open a comment) cannot pass. Why sealed is enough: every token of the lexer ends
at the first character that stops it (a closing quote or `>`, a newline, a character outside its
class), never at a later one, so a token that ends inside a text ends at the same place in any
text that shares that prefix; the block starts after the WHERE `{` (a token boundary); with no
comment and a last token that is a space or `{` at its very end, no token crosses either edge of
the block, and the lexer is back at a boundary of the original text after it. A test checks this
against lexing the whole rewritten query for thousands of generated values. The block opens the top-level group, so the group's
FILTERs see the values (a WHERE that is a bare sub-SELECT is wrapped in `{ }` to stay valid).
Difference from pre-binding: a FILTER inside a nested group (OPTIONAL, UNION branch, sub-SELECT)
does not see a value bound at the top, per SPARQL scoping; the saved queries use their
parameters in the top-level group.
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
    """Offsets of the `{` opening the query's WHERE group and of its matching `}`."""
    depth = 0
    open_at = -1
    after_where = False
    seen_form = False
    template_done = False
    form = ""
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind in ("ws", "comment"):
            continue
        if kind == "word" and depth == 0:
            upper = value.upper()
            if upper in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and not seen_form:
                seen_form, form = True, upper
            elif upper == "WHERE":
                after_where = True
            continue
        if kind != "punct":
            continue
        if value == "{":
            if depth == 0 and open_at < 0 and seen_form:
                # CONSTRUCT's first group is its template unless WHERE came first
                if form == "CONSTRUCT" and not after_where and not template_done:
                    template_done = True
                else:
                    open_at = match.start()
            depth += 1
        elif value == "}":
            depth -= 1
            if depth == 0 and open_at >= 0:
                return open_at, match.start()
        elif value in "([":
            depth += 1
        elif value in ")]":
            depth -= 1
    raise QueryCheckError("cannot bind parameters: the query has no WHERE group")


def _sealed(block: str) -> bool:
    """Whether no token of `block` can reach past its ends when it is written into a query:
    it holds no comment (which runs to the end of its line) and no unterminated string, and its
    last token is whitespace or a `{` ending exactly at its end."""
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
    """The WHERE group's braces and whether it is a bare sub-SELECT (memoised: the same saved
    queries are bound again and again; per call only the values are lexed)."""
    start, end = _where_braces(text)
    inner = tokenize(text[start + 1 : end], max_nesting)[0]
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
        tokens = tokenize(term, 1)[0]
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
    if not _sealed(block) or tokenize(block, max_nesting)[0] != values:
        raise QueryCheckError("cannot bind parameters: a value would change the query's structure")
    return text[: start + 1] + block + text[start + 1 : end] + close + text[end:]
