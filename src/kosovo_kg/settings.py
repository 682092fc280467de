"""The one settings table.

Every setting has a name, an environment variable, a CLI flag, a type, a default and a line of
documentation. `docs/generated/settings.md` is generated from this table and a test keeps the two in step.
Precedence: CLI flag > environment variable > default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any


def _project_root() -> Path:
    """Where the ontology, shapes, saved queries and data are: in an installed wheel, the copy it
    carries as package data (`kosovo_kg/_bundled/`, made by setup.py, laid out as the checkout);
    in a checkout (editable install), the checkout itself."""
    bundled = Path(str(resources.files("kosovo_kg").joinpath("_bundled")))
    return bundled if bundled.is_dir() else Path(__file__).resolve().parents[2]


PROJECT_ROOT = _project_root()
INSTALLED = PROJECT_ROOT.name == "_bundled"
# built stores, pinned copies and reports: never inside an installed package
VAR_DIR = (
    Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "kosovo-kg"
    if INSTALLED
    else PROJECT_ROOT / "var"
)


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    doc: str

    @property
    def env(self) -> str:
        return "KOSOVO_KG_" + self.name.upper()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def parse(self, raw: str) -> Any:
        if self.type is bool:
            value = raw.strip().lower()
            if value in {"1", "true", "yes", "on"}:
                return True
            if value in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(f"{self.env}: expected a boolean, got {raw!r}")
        if self.type is tuple:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if self.type is Path:
            return Path(raw)
        try:
            return self.type(raw)
        except ValueError as exc:
            raise ValueError(f"{self.env}: expected {self.type.__name__}, got {raw!r}") from exc


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_iri",
        str,
        "https://w3id.org/kosovo-kg/",
        "Base IRI of every IRI the project mints (ontology, states, events, claims, graphs).",
    ),
    Setting(
        "data_dir",
        Path,
        PROJECT_ROOT / "data",
        "Folder with the pinned sources (`sources/`, `curated/`) and the generated dump. An"
        " installed wheel's default is the copy it carries (`kosovo_kg/_bundled/data`).",
    ),
    Setting(
        "var_dir",
        Path,
        VAR_DIR,
        "Folder for built stores and build reports (not in git). An installed wheel's default is"
        " `$XDG_STATE_HOME/kosovo-kg` (`~/.local/state/kosovo-kg`).",
    ),
    # --- the SPARQL endpoint (`kosovo-kg serve`) ---
    Setting("host", str, "127.0.0.1", "Interface the endpoint listens on."),
    Setting("port", int, 8000, "TCP port the endpoint listens on."),
    Setting(
        "query_timeout",
        float,
        10.0,
        "Hard deadline in seconds for one query (parse, evaluation and serialisation). A query"
        " still running at the deadline is stopped by killing its worker process and gets 504.",
    ),
    Setting(
        "max_rows",
        int,
        10000,
        "Most result rows (solutions, or triples of a CONSTRUCT/DESCRIBE) in one answer. A capped"
        " answer carries the header `X-Kosovo-KG-Truncated: true` (and `truncated` in JSON).",
    ),
    Setting(
        "max_bytes",
        int,
        16 * 1024 * 1024,
        "Most bytes of one serialised result; a larger result is cut at a row boundary and"
        " marked truncated like `max_rows`.",
    ),
    Setting(
        "max_body_bytes",
        int,
        256 * 1024,
        "Largest request body accepted on POST; a larger body gets 413.",
    ),
    Setting(
        "max_query_length",
        int,
        100_000,
        "Longest query text in characters; a longer query gets 400.",
    ),
    Setting(
        "max_nesting",
        int,
        64,
        "Deepest nesting of `{`, `(` and `[` in a query (counted before parsing, outside strings,"
        " IRIs and comments); a deeper query gets 400.",
    ),
    Setting(
        "workers",
        int,
        2,
        "Query worker processes (each holds the store). At most this many queries run at once.",
    ),
    Setting(
        "queue_size",
        int,
        64,
        "Most queries waiting for a free worker; beyond it a query gets 503 with Retry-After.",
    ),
    Setting(
        "queue_timeout",
        float,
        5.0,
        "Longest wait in seconds for a free worker before a query gets 503 with Retry-After.",
    ),
    Setting(
        "http_threads",
        int,
        96,
        "Threads of the one gunicorn worker process that runs the Flask app (gthread). Queries"
        " do not run in them, but a query waiting for one of the `workers` holds its thread:"
        " keep this above `workers` + `queue_size` so that pages answer while queries wait.",
    ),
    Setting(
        "trusted_proxies",
        tuple,
        (),
        "Comma-separated addresses of reverse proxies whose `X-Forwarded-For` names the client"
        " (and whose `X-Forwarded-Proto` gunicorn trusts). A client, so named or by its remote"
        " address, has at most one query running at a time; its other queries wait their turn."
        " Empty: the remote address is the client.",
    ),
    Setting(
        "service_allowlist",
        tuple,
        (),
        "Comma-separated endpoint/graph IRIs a query may name in SERVICE or in FROM / FROM NAMED"
        " outside the dataset. Empty by default: no federation. Example:"
        " `https://query.wikidata.org/sparql`.",
    ),
    Setting(
        "store_mode",
        str,
        "memory",
        "How the query workers hold the pinned data: `memory` (each worker loads the pinned dump"
        " into an in-memory store: one copy per worker, and a replaced worker loads it again) or"
        " `disk` (each worker opens the on-disk store of the pinned version read-only, in"
        " milliseconds, sharing the page cache; for large graphs). See docs/endpoint.md.",
    ),
    Setting(
        "sparql_backend_url",
        str,
        "",
        "URL of an external SPARQL 1.1 query endpoint (Virtuoso, QLever, Fuseki, GraphDB,"
        " Oxigraph) to run every query on instead of the embedded store; empty: the embedded"
        " store. Checks, limits, deadlines, caching and the allowlist stay this service's. See"
        " docs/external-engines.md.",
    ),
    Setting(
        "sparql_backend_union_default",
        bool,
        False,
        "Whether the external engine's default graph is already the union of its named graphs."
        " When false, a query without FROM is sent with every named graph as `default-graph-uri`"
        " and `named-graph-uri` (SPARQL 1.1 Protocol), which every engine understands.",
    ),
    # --- saved queries (`/queries`) ---
    Setting(
        "queries_dir",
        Path,
        PROJECT_ROOT / "queries",
        "Folder of saved queries (`*.rq` with a `#+` header). The server refuses to start when a"
        " header is wrong, naming the file and line.",
    ),
    Setting(
        "saved_cache_bytes",
        int,
        64 * 1024 * 1024,
        "Most bytes of saved-query answers kept in memory (LRU), keyed by data version, query,"
        " parameters and format.",
    ),
    Setting(
        "saved_max_age",
        int,
        3600,
        "`Cache-Control: max-age` in seconds of saved-query answers (they carry an ETag; a"
        " conditional request gets 304).",
    ),
)

SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    values: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # plain attributes: read on every query, where a __getattr__ call per read shows
        self.__dict__.update(self.values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Resolve every setting: overrides (CLI flags) > environment > default."""
    environ = os.environ if environ is None else environ
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = set(overrides) - set(SETTINGS_BY_NAME)
    if unknown:
        raise KeyError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            values[setting.name] = overrides[setting.name]
        elif setting.env in environ:
            values[setting.name] = setting.parse(environ[setting.env])
        else:
            values[setting.name] = setting.default
    base = values["base_iri"]
    if not base.endswith(("/", "#")):
        raise ValueError(f"base_iri must end with '/' or '#': {base!r}")
    _check_serve_values(values)
    return Settings(values)


def _check_serve_values(values: Mapping[str, Any]) -> None:
    if values["store_mode"] not in {"memory", "disk"}:
        raise ValueError(f"store_mode must be 'memory' or 'disk': {values['store_mode']!r}")
    for name in ("max_rows", "max_bytes", "max_body_bytes", "max_query_length", "max_nesting"):
        if values[name] < 1:
            raise ValueError(f"{name} must be at least 1: {values[name]!r}")
    for name in ("workers", "http_threads"):
        if values[name] < 1:
            raise ValueError(f"{name} must be at least 1: {values[name]!r}")
    for name in ("query_timeout", "queue_timeout"):
        if values[name] <= 0:
            raise ValueError(f"{name} must be positive: {values[name]!r}")
    if values["queue_size"] < 0:
        raise ValueError(f"queue_size must not be negative: {values['queue_size']!r}")


def _doc_default(setting: Setting) -> str:
    value = setting.default
    if isinstance(value, Path):
        try:
            return "`<project>/" + value.relative_to(PROJECT_ROOT).as_posix() + "`"
        except ValueError:
            return f"`{value}`"
    if isinstance(value, tuple):
        return "`" + ",".join(value) + "`" if value else "(empty)"
    return f"`{value}`"


def settings_markdown() -> str:
    """The text of `docs/generated/settings.md`, generated from SETTINGS."""
    lines = [
        "# Settings",
        "",
        "<!-- GENERATED from src/kosovo_kg/settings.py by `kosovo-kg settings-doc`;"
        " do not edit by hand. -->",
        "",
        "This file is generated from the one settings table (`kosovo_kg.settings.SETTINGS`) by",
        "`kosovo-kg settings-doc`; a test fails when the two differ.",
        "Precedence: CLI flag > environment variable > default.",
        "",
        "| setting | environment variable | CLI flag | type | default | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        doc = s.doc.replace("|", "\\|")
        cells = [f"`{s.name}`", f"`{s.env}`", f"`{s.flag}`", s.type.__name__, _doc_default(s), doc]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
