"""The header of a saved query (`queries/<name>.rq`), parsed strictly.

Format (fixed by the lead, see HELPER_QUERIES.md):

    #+ title: Recognitions in a date range
    #+ description: First line of the description,
    #+   continued on lines that start with `#+   `.
    #+ param: from | date | default=2008-02-17 | example=2008-01-01 | Start of the range.
    #+ param: state | state | optional | example=FRA | ISO 3166-1 alpha-3 code or QID.
    #+ tags: recognition, dates
    PREFIX kr: <https://w3id.org/kosovo-kg/ontology#>
    SELECT ...

Any mistake raises `HeaderError`, whose message names the file and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kosovo_kg.saved.params import ParamType, ParamTypeError, ParamValueError, check_syntax

NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED = frozenset({"format", "query", "default_graph_uri", "named_graph_uri"})
KEYS = ("title", "description", "param", "tags")


class HeaderError(ValueError):
    """A saved query's header (or file name) is wrong; the message names file and line."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.reason = message


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    required: bool
    default: str | None
    example: str
    description: str
    line: int

    @property
    def variables(self) -> tuple[str, ...]:
        return (self.name, self.name + "_end") if self.type.name == "date" else (self.name,)


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    tags: tuple[str, ...]
    text: str  # the whole file, header included (it is valid SPARQL: the header is comments)
    path: str = ""
    header_lines: int = 0

    @property
    def body(self) -> str:
        """The SPARQL text after the header."""
        return "".join(self.text.splitlines(keepends=True)[self.header_lines :])

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def example_args(self) -> dict[str, str]:
        """The example value of every parameter (a call that shows what the query does)."""
        return {p.name: p.example for p in self.params}


@dataclass
class _Field:
    key: str
    value: str
    line: int
    parts: list[str] = field(default_factory=list)


def parse(text: str, path: Path | str) -> SavedQuery:
    """Parse one saved query file's text. `path` names it in errors and gives the query name."""
    path = Path(path)
    if path.suffix != ".rq" or not NAME.fullmatch(path.stem):
        raise HeaderError(
            path, 1, "file name must be <name>.rq, name of lowercase letters, digits and hyphens"
        )
    lines = text.splitlines()
    fields: list[_Field] = []
    count = 0
    for number, line in enumerate(lines, start=1):
        if not line.startswith("#+"):
            break
        count = number
        if line.startswith("#+   ") and line[5:].strip():
            if not fields:
                raise HeaderError(path, number, "continuation line before any field")
            fields[-1].value += " " + line.strip()[2:].strip()
            continue
        if not line.startswith("#+ ") or line.startswith("#+  "):
            raise HeaderError(
                path,
                number,
                "header lines start with '#+ key: value' (continuations with '#+   ')",
            )
        key, sep, value = line[3:].partition(":")
        key = key.strip()
        if not sep or key not in KEYS:
            raise HeaderError(
                path, number, f"unknown header field {key!r}; expected one of {', '.join(KEYS)}"
            )
        fields.append(_Field(key, value.strip(), number))
    if not fields:
        raise HeaderError(path, 1, "no header: the file must start with '#+ title: ...'")
    if not "\n".join(lines[count:]).strip():
        raise HeaderError(path, count + 1, "no SPARQL text after the header")
    return _build(path, fields, text, count)


def _build(path: Path, fields: list[_Field], text: str, count: int) -> SavedQuery:
    single: dict[str, _Field] = {}
    params: list[Param] = []
    for f in fields:
        if f.key == "param":
            param = _param(path, f)
            if any(p.name == param.name for p in params):
                raise HeaderError(path, f.line, f"parameter {param.name!r} is declared twice")
            params.append(param)
            continue
        if f.key in single:
            raise HeaderError(path, f.line, f"field {f.key!r} given twice")
        if not f.value:
            raise HeaderError(path, f.line, f"field {f.key!r} is empty")
        single[f.key] = f
    for key in ("title", "description"):
        if key not in single:
            raise HeaderError(path, 1, f"missing field {key!r}")
    names = {p.name for p in params}
    for p in params:
        if p.type.name == "date" and p.name + "_end" in names:
            raise HeaderError(path, p.line, f"{p.name}_end is the companion of date {p.name}")
    tags: tuple[str, ...] = ()
    if "tags" in single:
        tags = tuple(t.strip() for t in single["tags"].value.split(",") if t.strip())
    body = "\n".join(text.splitlines()[count:])
    for p in params:
        if not any(uses(body, v) for v in p.variables):
            raise HeaderError(path, p.line, f"parameter {p.name!r} is not used in the query")
        for v in p.variables:
            found = re.search(rf"BOUND\s*\(\s*[?$]{re.escape(v)}\s*\)", body, re.IGNORECASE)
            if found:
                line = count + body.count("\n", 0, found.start()) + 1
                raise HeaderError(
                    path,
                    line,
                    f"BOUND(?{v}) tests a parameter: pyoxigraph evaluates BOUND() of a substituted"
                    f" variable to false, so the filter would ignore the value given; write"
                    f" COALESCE(<test using ?{v}>, true) or use ?{v} in a pattern",
                )
    return SavedQuery(
        name=path.stem,
        title=single["title"].value,
        description=single["description"].value,
        params=tuple(params),
        tags=tags,
        text=text,
        path=str(path),
        header_lines=count,
    )


def uses(body: str, variable: str) -> bool:
    """Whether the SPARQL text mentions ?variable (or $variable)."""
    return re.search(rf"[?$]{re.escape(variable)}(?![A-Za-z0-9_])", body) is not None


def _param(path: Path, f: _Field) -> Param:
    parts = [p.strip() for p in f.value.split("|", 4)]
    if len(parts) != 5:
        raise HeaderError(
            path,
            f.line,
            "param needs 5 fields: name | type | required|optional|default=VALUE |"
            " example=VALUE | description",
        )
    name, type_text, need, example, description = parts
    if not PARAM_NAME.fullmatch(name) or name in RESERVED:
        raise HeaderError(
            path,
            f.line,
            f"bad parameter name {name!r}: lowercase letters, digits and '_', starting with a"
            f" letter, and not one of {', '.join(sorted(RESERVED))}",
        )
    try:
        ptype = ParamType.parse(type_text)
    except ParamTypeError as exc:
        raise HeaderError(path, f.line, f"parameter {name!r}: {exc}") from None
    default: str | None = None
    if need == "required":
        required = True
    elif need == "optional":
        required = False
    elif need.startswith("default="):
        required, default = False, need[len("default=") :].strip()
    else:
        raise HeaderError(
            path,
            f.line,
            f"parameter {name!r}: third field must be required, optional or default=VALUE",
        )
    if not example.startswith("example=") or not example[len("example=") :].strip():
        raise HeaderError(path, f.line, f"parameter {name!r}: fourth field must be example=VALUE")
    example = example[len("example=") :].strip()
    if not description:
        raise HeaderError(path, f.line, f"parameter {name!r}: description is empty")
    for label, value in (("default", default), ("example", example)):
        if value is None:
            continue
        try:
            check_syntax(ptype, value)
        except ParamValueError as exc:
            raise HeaderError(
                path, f.line, f"parameter {name!r}: {label} {value!r} is not {ptype.help}: {exc}"
            ) from None
    return Param(name, ptype, required, default, example, description, f.line)
