"""The library of saved queries: loading `queries/*.rq`, base IRI rewriting, binding requests.

`load_library` refuses the whole library when one file is wrong (`HeaderError` names the file
and line), so a server never starts with a half-read library. `bind` turns request values into
substitutions (variable -> N-Triples term) or raises `ParamError` with what a 400 must say: the
parameter, its expected type and an example.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from kosovo_kg.saved.header import HeaderError, Param, SavedQuery, parse, uses
from kosovo_kg.saved.params import ParamValueError, StateIndex, to_terms
from kosovo_kg.store import QueryFailed, check_query
from kosovo_kg.vocab import DEFAULT_BASE_IRI

RESERVED_ARGS = frozenset({"format"})


class ParamError(ValueError):
    """A request's parameter is missing, unknown, repeated or does not fit its type."""

    def __init__(self, message: str, param: Param | None = None) -> None:
        self.param = param
        if param is not None:
            message = (
                f"parameter {param.name!r}: {message}; expected {param.type.help}"
                f" (type {param.type}), for example {param.name}={param.example}"
            )
        super().__init__(message)


def rewrite_base(text: str, base_iri: str) -> str:
    """Replace the default base IRI by the configured one (query text, examples)."""
    if base_iri == DEFAULT_BASE_IRI:
        return text
    return text.replace(DEFAULT_BASE_IRI, base_iri)


def _rebase(query: SavedQuery, base_iri: str) -> SavedQuery:
    params = tuple(
        replace(
            p,
            example=rewrite_base(p.example, base_iri),
            default=None if p.default is None else rewrite_base(p.default, base_iri),
        )
        for p in query.params
    )
    return replace(query, text=rewrite_base(query.text, base_iri), params=params)


def load_library(folder: Path, base_iri: str = DEFAULT_BASE_IRI) -> dict[str, SavedQuery]:
    """Every `*.rq` of `folder`, by name, in name order. Raises HeaderError on the first bad file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise HeaderError(folder, 0, "no such folder of saved queries")
    library: dict[str, SavedQuery] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix != ".rq":
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise HeaderError(path, 1, f"not UTF-8 text: {exc}") from None
        query = parse(text, path)
        _check_sparql(query)
        library[query.name] = _rebase(query, base_iri)
    if not library:
        raise HeaderError(folder, 0, "no saved queries (*.rq) in this folder")
    return library


def _check_sparql(query: SavedQuery) -> None:
    """Refuse a query that does not parse or that cannot take its parameters (each variable a
    parameter binds must be in the SELECT projection: pyoxigraph's substitutions require it)."""
    variables = tuple(v for p in query.params for v in p.variables if uses(query.body, v))
    try:
        check_query(query.text, variables)
    except QueryFailed as exc:
        where = re.search(r"error at (\d+):\d+", str(exc))
        line = int(where.group(1)) if where else query.header_lines + 1
        raise HeaderError(query.path, line, str(exc)) from None


def _items(args: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    if isinstance(args, Mapping):
        return list(args.items())
    return list(args)


def bind(
    query: SavedQuery,
    args: Mapping[str, str] | Iterable[tuple[str, str]],
    states: StateIndex | None,
) -> dict[str, str]:
    """Substitutions for a call of `query` with request values `args` (name, value pairs)."""
    items = [(k, v) for k, v in _items(args) if k not in RESERVED_ARGS]
    given: dict[str, str] = {}
    for key, value in items:
        param = query.param(key)
        if param is None:
            known = ", ".join(p.name for p in query.params) or "none"
            raise ParamError(f"unknown parameter {key!r}; query {query.name!r} takes: {known}")
        if key in given:
            raise ParamError("given more than once", param)
        given[key] = value
    bindings: dict[str, str] = {}
    for param in query.params:
        value = given.get(param.name)
        if value is None or value == "":
            if param.default is not None:
                value = param.default
            elif param.required:
                raise ParamError("missing", param)
            else:
                continue
        try:
            terms = to_terms(param.name, param.type, value, states)
        except ParamValueError as exc:
            raise ParamError(f"{exc}", param) from None
        # bind only the variables the text uses: pyoxigraph refuses a substituted variable that
        # is not projected, and a date's `?x` or `?x_end` may be left out
        bindings.update({v: term for v, term in terms.items() if uses(query.body, v)})
    return bindings


def cache_key(data_version: str, query: SavedQuery, bindings: Mapping[str, str], fmt: str) -> str:
    """A strong validator for one answer: data version, query text, bound terms, format."""
    digest = hashlib.sha256()
    for part in (data_version, query.name, query.text, fmt):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")
    for name in sorted(bindings):
        digest.update(f"{name}={bindings[name]}".encode("utf-8", "surrogatepass") + b"\x00")
    return digest.hexdigest()[:32]
