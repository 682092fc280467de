"""A linear SPARQL lexer that checks a query before the parser sees it: nesting depth (deep
nesting crashes Oxigraph's parser), the query form (updates refused), and every SERVICE target and
FROM / FROM NAMED graph (for the allowlist). Strings, IRIs and comments are skipped; an
unresolvable prefix or a variable endpoint is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urljoin

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
UPDATE_OPS = UPDATE_WORDS - {"ADD", "WITH", "COPY", "MOVE"}  # refused anywhere before DATA/WHERE

_UESC = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PN_ESC = re.compile(r"\\(.)")


class QueryCheckError(ValueError):
    """The query is refused before parsing (too deep, unterminated, an update, ...)."""


class Token(NamedTuple):
    kind: str  # "iri", "var", "word", "string", "punct"
    text: str


@dataclass
class QueryInfo:
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    services: list[str] = field(default_factory=list)  # IRIs, or "?var" for a variable endpoint
    from_graphs: list[str] = field(default_factory=list)
    from_named_graphs: list[str] = field(default_factory=list)


def _unescape_iri(body: str) -> str:
    return _UESC.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), body)


_LONG1 = r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
_LONG2 = _LONG1.replace("'", '"')
_SHORT1 = r"'(?:[^'\\\n\r]|\\.)*'"
_SHORT2 = _SHORT1.replace("'", '"')
_TOKEN = re.compile(
    r"(?P<ws>\s+)"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<iri><(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)"
    rf"|(?P<string>{_LONG1}|{_LONG2}|{_SHORT1}|{_SHORT2})"
    r"|(?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)"
    r"|(?P<word>(?:[A-Za-z0-9_:.\-@\u00b7-\uffff%]|\\.)+)"
    r"|(?P<punct>.)",
    re.DOTALL,
)


def tokenize(text: str, max_nesting: int) -> list[Token]:
    """Tokens without whitespace and comments (strings kept opaque); QueryCheckError when
    nesting passes `max_nesting`."""
    tokens: list[Token] = []
    append = tokens.append
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "ws" or kind == "comment":
            continue
        value = match.group()
        if kind == "punct":
            if value in "{([":
                depth += 1
                if depth > max_nesting:
                    raise QueryCheckError(
                        f"query nested too deeply: more than {max_nesting} levels of {{, ( or ["
                    )
            elif value in "})]":
                depth -= 1
            elif value in "\"'":
                raise QueryCheckError("unterminated string in query")
            append(Token("punct", value))
        elif kind == "iri":
            append(Token("iri", _unescape_iri(value[1:-1])))
        elif kind == "string":
            append(Token("string", ""))
        elif kind == "word":
            stripped = value.rstrip(".")
            append(Token("word", stripped or value))
        else:
            append(Token(kind, value))
    return tokens


CACHED_TEXT = 16_384  # characters: a query up to this long is lexed once (70-200 us a query)


def analyse(text: str, max_nesting: int) -> QueryInfo:
    """The query's form, SERVICE targets and FROM graphs; QueryCheckError when refused. The last
    256 short texts that passed are remembered: callers must not change the result."""
    if len(text) <= CACHED_TEXT:
        return _analyse_cached(text, max_nesting)
    return _analyse(text, max_nesting)


def _analyse(text: str, max_nesting: int) -> QueryInfo:
    tokens = tokenize(text, max_nesting)
    base: str | None = None
    prefixes: dict[str, str] = {}
    i = 0
    while i < len(tokens):  # the prologue
        word = _word(tokens, i)
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
    first = _word(tokens, i)
    if first in UPDATE_WORDS:
        raise QueryCheckError(
            f"SPARQL Update ({first}) is not accepted: this endpoint is read-only"
        )
    if first not in QUERY_FORMS:
        raise QueryCheckError(
            f"expected SELECT, ASK, CONSTRUCT or DESCRIBE, found {tokens[i].text[:40]!r}"
        )
    info = QueryInfo(form=first)
    for j in range(i, len(tokens)):
        upper, following = _word(tokens, j), _word(tokens, j + 1)
        if upper in UPDATE_OPS and following in ("DATA", "WHERE"):
            raise QueryCheckError(
                f"SPARQL Update ({upper} {following}) is not accepted: this endpoint is read-only"
            )
        if upper == "SERVICE":
            k = j + 2 if following == "SILENT" else j + 1
            info.services.append(_target(tokens, k, base, prefixes, "SERVICE"))
        elif upper == "FROM":
            named = following == "NAMED"
            keyword = "FROM NAMED" if named else "FROM"
            target = _target(tokens, j + 1 + named, base, prefixes, keyword)
            (info.from_named_graphs if named else info.from_graphs).append(target)
    return info


_analyse_cached = lru_cache(maxsize=256)(_analyse)


def _word(tokens: list[Token], k: int) -> str:
    """The word at `k`, upper-cased; "" if there is none."""
    return tokens[k].text.upper() if k < len(tokens) and tokens[k].kind == "word" else ""


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
