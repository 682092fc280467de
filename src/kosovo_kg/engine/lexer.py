"""A small SPARQL lexer that checks a query BEFORE it reaches the parser.

It is iterative and linear in the query length, so it copes with any input (10,000 nested `{`
included), and it skips strings, IRIs and comments so that words inside them do not count.
From the token stream it reads:

- the nesting depth of `{`, `(` and `[` (Oxigraph's parser crashes the process on very deep
  nesting, so depth is limited here);
- the query form (SELECT, ASK, CONSTRUCT, DESCRIBE), or an update operation, which is refused;
- every SERVICE target (an IRI, a prefixed name expanded with the query's prefixes, or a variable)
  and every FROM / FROM NAMED graph IRI, to hold federation to an allowlist.

pyoxigraph exposes no query algebra, so this scan is the federation guard; it errs on the side
of refusing (an unresolvable prefix or a variable endpoint is refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)

_IRIREF = re.compile(r"<([^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")
_VAR = re.compile(r"[?$][A-Za-z0-9_\u00b7-\uffff]+")
_WORD = re.compile(r"(?:[A-Za-z0-9_:.\-@\u00b7-\uffff%]|\\.)+")
_UESC = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PN_ESC = re.compile(r"\\(.)")
_OPEN = "{(["
_CLOSE = "})]"


class QueryCheckError(ValueError):
    """The query is refused before parsing (too deep, unterminated, an update, ...)."""


@dataclass
class Token:
    kind: str  # "iri", "var", "word", "string", "punct"
    text: str


@dataclass
class QueryInfo:
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    services: list[str] = field(default_factory=list)  # IRIs, or "?var" for a variable endpoint
    from_graphs: list[str] = field(default_factory=list)
    from_named_graphs: list[str] = field(default_factory=list)
    max_depth: int = 0


def _unescape_iri(body: str) -> str:
    return _UESC.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), body)


def tokenize(text: str, max_nesting: int) -> tuple[list[Token], int]:
    """Split `text` into tokens; raise QueryCheckError when nesting passes `max_nesting`."""
    tokens: list[Token] = []
    depth = max_depth = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c == "<":
            m = _IRIREF.match(text, i)
            if m:
                tokens.append(Token("iri", _unescape_iri(m.group(0)[1:-1])))
                i = m.end()
            else:
                tokens.append(Token("punct", c))
                i += 1
        elif c in "\"'":
            i = _skip_string(text, i)
            tokens.append(Token("string", ""))
        elif c in "?$":
            m = _VAR.match(text, i)
            if m:
                tokens.append(Token("var", m.group(0)))
                i = m.end()
            else:
                tokens.append(Token("punct", c))
                i += 1
        elif c in _OPEN:
            depth += 1
            if depth > max_nesting:
                raise QueryCheckError(
                    f"query nested too deeply: more than {max_nesting} levels of {{, ( or ["
                )
            max_depth = max(max_depth, depth)
            tokens.append(Token("punct", c))
            i += 1
        elif c in _CLOSE:
            depth -= 1
            tokens.append(Token("punct", c))
            i += 1
        else:
            m = _WORD.match(text, i)
            if m and m.end() > i:
                word = m.group(0)
                stripped = word.rstrip(".")
                tokens.append(Token("word", stripped or word))
                i = m.end() if stripped == word or not stripped else i + len(stripped)
            else:
                tokens.append(Token("punct", c))
                i += 1
    return tokens, max_depth


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    long_quote = quote * 3
    if text.startswith(long_quote, i):
        j = i + 3
        while True:
            k = text.find(long_quote, j)
            if k < 0:
                raise QueryCheckError("unterminated long string in query")
            # an odd number of backslashes before k escapes the first quote
            backslashes = len(text[j:k]) - len(text[j:k].rstrip("\\"))
            if backslashes % 2:
                j = k + 1
                continue
            return k + 3
    j = i + 1
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
        elif c == quote:
            return j + 1
        elif c in "\r\n":
            raise QueryCheckError("unterminated string in query (line break inside quotes)")
        else:
            j += 1
    raise QueryCheckError("unterminated string in query")


def analyse(text: str, max_nesting: int) -> QueryInfo:
    """Check a query's shape and read its form, SERVICE targets and FROM graphs."""
    tokens, max_depth = tokenize(text, max_nesting)
    base: str | None = None
    prefixes: dict[str, str] = {}
    i = 0
    # prologue
    while i < len(tokens):
        tok = tokens[i]
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            base = _resolve(tokens[i + 1].text, base)
            i += 2
        elif word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].text.rstrip(":")] = _resolve(tokens[i + 2].text, base)
            i += 3
        else:
            break
    if i >= len(tokens):
        raise QueryCheckError("empty query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    first = tokens[i].text.upper() if tokens[i].kind == "word" else ""
    if first in UPDATE_WORDS:
        raise QueryCheckError(
            f"SPARQL Update ({first}) is not accepted: this endpoint is read-only"
        )
    if first not in QUERY_FORMS:
        raise QueryCheckError(
            f"expected SELECT, ASK, CONSTRUCT or DESCRIBE, found {tokens[i].text[:40]!r}"
        )
    info = QueryInfo(form=first, max_depth=max_depth)
    for j in range(i, len(tokens)):
        tok = tokens[j]
        if tok.kind != "word":
            continue
        upper = tok.text.upper()
        if upper in UPDATE_WORDS - {"ADD", "WITH", "COPY", "MOVE"} and j + 1 < len(tokens):
            nxt = tokens[j + 1]
            if nxt.kind == "word" and nxt.text.upper() in {"DATA", "WHERE"}:
                raise QueryCheckError(
                    f"SPARQL Update ({upper} {nxt.text.upper()}) is not accepted:"
                    " this endpoint is read-only"
                )
        if upper == "SERVICE":
            k = j + 1
            if k < len(tokens) and tokens[k].kind == "word" and tokens[k].text.upper() == "SILENT":
                k += 1
            info.services.append(_target(tokens, k, base, prefixes, "SERVICE"))
        elif upper == "FROM":
            k = j + 1
            named = (
                k < len(tokens) and tokens[k].kind == "word" and tokens[k].text.upper() == "NAMED"
            )
            k += 1 if named else 0
            target = _target(tokens, k, base, prefixes, "FROM NAMED" if named else "FROM")
            (info.from_named_graphs if named else info.from_graphs).append(target)
    return info


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base and ":" not in iri.split("/", 1)[0] else iri


def _target(
    tokens: list[Token], k: int, base: str | None, prefixes: dict[str, str], keyword: str
) -> str:
    if k >= len(tokens):
        raise QueryCheckError(f"{keyword} without a target")
    tok = tokens[k]
    if tok.kind == "iri":
        return _resolve(tok.text, base)
    if tok.kind == "var":
        return "?" + tok.text[1:]
    if tok.kind == "word" and ":" in tok.text:
        prefix, local = tok.text.split(":", 1)
        if prefix not in prefixes:
            raise QueryCheckError(f"{keyword} names {tok.text!r} with an undeclared prefix")
        return prefixes[prefix] + _PN_ESC.sub(r"\1", local)
    raise QueryCheckError(f"{keyword} must be followed by an IRI, found {tok.text[:40]!r}")
