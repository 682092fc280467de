"""The Oxigraph store: the only module that imports pyoxigraph.

Layout under `var_dir/store/`:
  `<version>/`   one on-disk store per data version (version = first 12 hex of the dump's sha256)
  `current`      a symlink to the last good store, swapped atomically (rename of a new symlink)

A build loads the dump into `<version>.tmp-<pid>/`, renames it to `<version>/`, then swaps the
`current` link. An interrupted build leaves at most a `.tmp-*` folder behind; `current` still
points at the last good store, which keeps serving.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

DUMP_NAME = "kosovo-kg.nq"


class StoreError(RuntimeError):
    """A store is missing, corrupt or cannot be opened."""


def dump_path(data_dir: Path) -> Path:
    return Path(data_dir) / "generated" / DUMP_NAME


def data_version(dump: Path) -> str:
    """The data version: the first 12 hex digits of the dump's SHA-256."""
    digest = hashlib.sha256()
    with open(dump, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]


def stores_dir(var_dir: Path) -> Path:
    return Path(var_dir) / "store"


def current_store(var_dir: Path) -> Path | None:
    """The path of the last good store, or None if none was built."""
    link = stores_dir(var_dir) / "current"
    if not link.exists():
        return None
    return link.resolve()


def memory_store_from_nquads(data: bytes | str | Path) -> ox.Store:
    """An in-memory store loaded from N-Quads bytes, text or a file."""
    store = ox.Store()
    try:
        if isinstance(data, Path):
            store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        else:
            raw = data.encode("utf-8") if isinstance(data, str) else data
            store.bulk_load(raw, format=ox.RdfFormat.N_QUADS)
    except (SyntaxError, ValueError, OSError) as exc:
        raise StoreError(f"cannot load N-Quads: {exc}") from exc
    return store


def build_store(dump: Path, var_dir: Path) -> Path:
    """Load `dump` into a new on-disk store and make it current. Returns the store path."""
    version = data_version(dump)
    root = stores_dir(var_dir)
    root.mkdir(parents=True, exist_ok=True)
    final = root / version
    if not final.exists():
        tmp = root / f"{version}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            store = ox.Store(str(tmp))
            store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            store.optimize()
            store.flush()
            del store
            (tmp / "VERSION").write_text(version + "\n")
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    _swap_current(root, final)
    return final


def _swap_current(root: Path, target: Path) -> None:
    tmp_link = root / f"current.tmp-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    tmp_link.symlink_to(target.name)
    os.replace(tmp_link, root / "current")


def open_read_only(path: Path) -> ox.Store:
    """Open an on-disk store read-only (for serving)."""
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open store {path}: {exc}") from exc


def store_version(path: Path) -> str | None:
    marker = Path(path) / "VERSION"
    return marker.read_text().strip() if marker.exists() else None


def query(store: ox.Store, text: str, *, union: bool = True, **kwargs: Any) -> Any:
    """Run a SPARQL query. By default the default graph is the union of all named graphs."""
    return store.query(text, use_default_graph_as_union=union, **kwargs)


def select_rows(store: ox.Store, text: str, *, union: bool = True) -> list[dict[str, str | None]]:
    """Run a SELECT and return rows of plain Python values (IRI/literal lexical forms)."""
    solutions = query(store, text, union=union)
    names = [v.value for v in solutions.variables]
    rows: list[dict[str, str | None]] = []
    for solution in solutions:
        row: dict[str, str | None] = {}
        for name in names:
            term = solution[name]
            row[name] = None if term is None else term.value
        rows.append(row)
    return rows


def count_quads(store: ox.Store) -> int:
    return len(store)


def named_graphs(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs())


def iter_nquads_lines(store: ox.Store) -> Iterator[bytes]:
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    yield from data.splitlines(keepends=True)


class QueryError(ValueError):
    """A query that cannot be parsed or evaluated."""


_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}


def run_cli_query(store: ox.Store, text: str, fmt: str) -> str:
    """Run any query for the CLI: SELECT as a table/JSON/CSV/TSV, ASK as true/false or JSON,
    CONSTRUCT/DESCRIBE as Turtle."""
    try:
        result = query(store, text)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from None
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from None
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            return "true\n" if bool(result) else "false\n"
        return result.serialize(
            format=_RESULT_FORMATS.get(fmt, ox.QueryResultsFormat.JSON)
        ).decode()
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.TURTLE).decode()
    if fmt != "table":
        return result.serialize(format=_RESULT_FORMATS[fmt]).decode()
    names = [v.value for v in result.variables]
    rows = [[_cell(solution[n]) for n in names] for solution in result]
    return _table(names, rows)


def _cell(term: object) -> str:
    if term is None:
        return ""
    return str(getattr(term, "value", term))


def _table(names: list[str], rows: list[list[str]]) -> str:
    widths = [len(n) for n in names]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(names), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
