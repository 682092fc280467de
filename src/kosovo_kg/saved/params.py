"""Parameter types of saved queries, and their conversion to RDF terms in N-Triples syntax.

A request value never reaches the query text: it is checked against its type, converted to one
RDF term written in N-Triples syntax (escaped here), and bound to the query variable by the
engine with pyoxigraph's `substitutions` (SEP-0007 pre-binding).

Types: `iri`, `state` (ISO 3166-1 alpha-3 code or Wikidata QID -> the state's IRI in the graph),
`qid` (-> the Wikidata entity IRI), `date` (YYYY, YYYY-MM or YYYY-MM-DD -> xsd:date of the first
day, plus `?<name>_end`, the last day of the period), `integer`, `string`, `enum(a,b,c)`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass

XSD = "http://www.w3.org/2001/XMLSchema#"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
MAX_STRING = 200
MAX_IRI = 2000

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_INTEGER = re.compile(r"^[+-]?\d{1,18}$")
_QID = re.compile(r"^[Qq][1-9]\d{0,11}$")
_ISO3 = re.compile(r"^[A-Za-z]{3}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`\x7f]*$")
_ENUM = re.compile(r"^enum\(([^()]*)\)$")
_ENUM_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
SIMPLE_TYPES = ("iri", "state", "qid", "date", "integer", "string")

TYPE_HELP = {
    "iri": "an absolute IRI",
    "state": "an ISO 3166-1 alpha-3 code (FRA) or a Wikidata QID (Q142) of a state in the graph",
    "qid": "a Wikidata QID (Q142)",
    "date": "a date: YYYY, YYYY-MM or YYYY-MM-DD",
    "integer": "an integer",
    "string": f"a text of at most {MAX_STRING} characters",
}


class ParamTypeError(ValueError):
    """A parameter type that the header format does not know."""


class ParamValueError(ValueError):
    """A request value that does not fit its parameter's type."""


@dataclass(frozen=True)
class ParamType:
    name: str  # iri, state, qid, date, integer, string, enum
    values: tuple[str, ...] = ()  # the values of an enum

    @classmethod
    def parse(cls, text: str) -> ParamType:
        text = text.strip()
        if text in SIMPLE_TYPES:
            return cls(text)
        match = _ENUM.match(text)
        if match:
            values = tuple(v.strip() for v in match.group(1).split(","))
            if not values or any(not _ENUM_VALUE.fullmatch(v) for v in values):
                raise ParamTypeError(
                    f"enum values must be words of letters, digits, '-' or '_': {text!r}"
                )
            if len(set(values)) != len(values):
                raise ParamTypeError(f"enum values repeat: {text!r}")
            return cls("enum", values)
        raise ParamTypeError(
            f"unknown parameter type {text!r}; expected one of {', '.join(SIMPLE_TYPES)}"
            " or enum(a,b,c)"
        )

    def __str__(self) -> str:
        return f"enum({','.join(self.values)})" if self.name == "enum" else self.name

    @property
    def help(self) -> str:
        if self.name == "enum":
            return "one of " + ", ".join(self.values)
        return TYPE_HELP[self.name]


class StateIndex:
    """ISO codes and QIDs of the political entities in the graph -> their IRIs."""

    def __init__(self, by_iso3: Mapping[str, str], by_qid: Mapping[str, str]) -> None:
        self.by_iso3 = {k.upper(): v for k, v in by_iso3.items()}
        self.by_qid = {k.upper(): v for k, v in by_qid.items()}

    def resolve(self, value: str) -> str:
        key = value.strip().upper()
        if _ISO3.fullmatch(key):
            if key in self.by_iso3:
                return self.by_iso3[key]
            raise ParamValueError(f"no state with ISO code {key} in the graph")
        if _QID.fullmatch(key):
            if key in self.by_qid:
                return self.by_qid[key]
            raise ParamValueError(f"no state with Wikidata QID {key} in the graph")
        raise ParamValueError("not an ISO 3166-1 alpha-3 code or a Wikidata QID")


def nt_iri(iri: str) -> str:
    if len(iri) > MAX_IRI or not _IRI.fullmatch(iri):
        raise ParamValueError('not an absolute IRI (no spaces, <, >, ", {, }, |, \\, ^ or `)')
    return f"<{iri}>"


def nt_string(text: str) -> str:
    """A plain literal in N-Triples syntax, every character that needs it escaped."""
    out = []
    for char in text:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ParamValueError("text with an unpaired surrogate (not valid Unicode)")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def nt_typed(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^<{XSD}{datatype}>'


def date_bounds(value: str) -> tuple[str, str]:
    """(first day, last day) of a YYYY, YYYY-MM or YYYY-MM-DD value, as ISO dates."""
    match = _DATE.fullmatch(value.strip())
    if not match:
        raise ParamValueError("not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.group(1), match.group(2), match.group(3)
    y = int(year)
    if y < 1:
        raise ParamValueError("year 0000 does not exist")
    if month is None:
        return f"{year}-01-01", f"{year}-12-31"
    m = int(month)
    if not 1 <= m <= 12:
        raise ParamValueError(f"month {month} does not exist")
    last = calendar.monthrange(y, m)[1]
    if day is None:
        return f"{year}-{month}-01", f"{year}-{month}-{last:02d}"
    if not 1 <= int(day) <= last:
        raise ParamValueError(f"day {day} does not exist in {year}-{month}")
    return f"{year}-{month}-{day}", f"{year}-{month}-{day}"


def to_terms(name: str, ptype: ParamType, value: str, states: StateIndex | None) -> dict[str, str]:
    """The bindings (variable -> N-Triples term) for one value of parameter `name`."""
    if ptype.name == "iri":
        return {name: nt_iri(value)}
    if ptype.name == "state":
        if states is None:
            raise ParamValueError("states are not known (no graph loaded)")
        return {name: nt_iri(states.resolve(value))}
    if ptype.name == "qid":
        key = value.strip().upper()
        if not _QID.fullmatch(key):
            raise ParamValueError("not a Wikidata QID (Q followed by digits)")
        return {name: nt_iri(WIKIDATA_ENTITY + key)}
    if ptype.name == "date":
        first, last = date_bounds(value)
        return {name: nt_typed(first, "date"), name + "_end": nt_typed(last, "date")}
    if ptype.name == "integer":
        text = value.strip()
        if not _INTEGER.fullmatch(text):
            raise ParamValueError("not an integer (at most 18 digits)")
        return {name: nt_typed(str(int(text)), "integer")}
    if ptype.name == "string":
        if len(value) > MAX_STRING:
            raise ParamValueError(f"longer than {MAX_STRING} characters")
        return {name: nt_string(value)}
    if ptype.name == "enum":
        if value not in ptype.values:
            raise ParamValueError("not one of " + ", ".join(ptype.values))
        return {name: nt_string(value)}
    raise ParamTypeError(f"unknown parameter type {ptype}")


def check_syntax(ptype: ParamType, value: str) -> None:
    """Check a header's default or example against the type, without the graph (states: form only)."""
    if ptype.name == "state":
        key = value.strip().upper()
        if not (_ISO3.fullmatch(key) or _QID.fullmatch(key)):
            raise ParamValueError("not an ISO 3166-1 alpha-3 code or a Wikidata QID")
        return
    to_terms("x", ptype, value, None)
