"""Dumps, data versions and on-disk stores: build, open, pin for serving.

Layout under `var_dir/store/`:
  `<version>/`   one on-disk store per data version (version = first 12 hex of the dump's sha256)
  `current`      a symlink to the last good store, swapped atomically (rename of a new symlink)

A build loads the dump into `build.tmp-<pid>/`, renames it to `<version>/`, then swaps the
`current` link. An interrupted build leaves at most a `.tmp-*` folder behind; `current` still
points at the last good store, which keeps serving.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kosovo_kg.sources import sha256_file

DUMP_NAME = "kosovo-kg.nq"


class StoreError(RuntimeError):
    """A store is missing, corrupt or cannot be opened."""


def dump_path(data_dir: Path) -> Path:
    return Path(data_dir) / "generated" / DUMP_NAME


def data_version(dump: Path) -> str:
    """The data version: the first 12 hex digits of the dump's SHA-256."""
    return sha256_file(dump)[:12]


def bytes_version(data: bytes) -> str:
    """The data version of a dump whose bytes are `data` (what `data_version` gives its file)."""
    return hashlib.sha256(data).hexdigest()[:12]


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


def build_store(dump: Path, var_dir: Path, version: str | None = None) -> Path:
    """Load `dump` into a new on-disk store and make it current. Returns the store path.

    `version` is the dump's data version when the caller has just computed it (nothing is
    loaded if that store exists); without it, the SHA-256 is computed in a thread while the
    dump loads (hashlib releases the GIL on large buffers), so it adds no wall-clock time.

    The store is compacted (`optimize`) after the bulk load: on 5.6 M quads that takes ~20 s,
    and saved queries ran 2-5x slower on the uncompacted store (bench/RESULTS-scale.md)."""
    root = stores_dir(var_dir)
    root.mkdir(parents=True, exist_ok=True)
    if version is not None and (root / version).exists():
        _swap_current(root, root / version)
        return root / version
    tmp = root / f"build.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            hashed = pool.submit(data_version, dump) if version is None else None
            store = ox.Store(str(tmp))
            store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            store.optimize()
            store.flush()
            del store
            version = hashed.result() if hashed is not None else version
        final = root / version
        if final.exists():  # built meanwhile by another process: keep that one
            shutil.rmtree(tmp, ignore_errors=True)
        else:
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


@dataclass(frozen=True)
class Pinned:
    """The data a server serves until an explicit reload (see `pin_serving_data`)."""

    mode: str
    location: Path  # what each query worker opens: the dump copy, or an on-disk store
    dump: Path  # the pinned copy of the dump (also what /dumps/kosovo-kg.nq serves)
    version: str


def pin_serving_data(mode: str, dump: Path, var_dir: Path, keep: Path | None = None) -> Pinned:
    """Fix the data every query worker opens until an explicit reload.

    The dump is copied to `var_dir/serve/<version>.nq` (the version is computed on the copy)
    and checked (`check_nquads`: it parses and is not empty), so a rebuild while serving, or a
    corrupt file left on disk, cannot give a restarted process other data. A checked copy is
    remembered by its full SHA-256 (`<version>.checked`): pinning the same bytes again skips the
    parse (the dump is only hashed). mode `memory`: the workers load that copy; mode `disk`:
    they open the on-disk store of that version (built when missing).
    Other copies in `var_dir/serve/`, their marks and the release files written for them
    (`<version>.release*`, see `kosovo_kg.web.downloads`), are deleted, except `keep`'s (the
    copy still served while a reload takes over). Raises StoreError, leaving what is served alone."""
    serve_dir = Path(var_dir) / "serve"
    serve_dir.mkdir(parents=True, exist_ok=True)
    tmp = serve_dir / f"dump.tmp-{os.getpid()}"
    try:
        try:
            shutil.copyfile(dump, tmp)
        except OSError as exc:
            raise StoreError(f"cannot read the dump {dump}: {exc}") from exc
        digest = sha256_file(tmp)
        version = digest[:12]
        checked = serve_dir / f"{version}.checked"
        if not (checked.is_file() and checked.read_text().strip() == digest):
            try:
                quads = check_nquads(tmp)
            except StoreError as exc:  # name the dump, not its copy
                raise StoreError(str(exc).replace(str(tmp), str(dump))) from None
            if quads == 0:
                raise StoreError(f"the dump {dump} holds no quads: run `kosovo-kg build`")
            checked.write_text(digest + "\n")
        copy = serve_dir / f"{version}.nq"
        os.replace(tmp, copy)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    location = copy
    if mode == "disk":
        location = stores_dir(var_dir) / version
        if store_version(location) != version:
            location = build_store(copy, var_dir, version)
    kept = {p.stem for p in (copy, keep) if p is not None}
    # other versions' copies, marks and release files (web.downloads)
    for old in [
        *serve_dir.glob("*.nq"),
        *serve_dir.glob("*.checked"),
        *serve_dir.glob("*.release*"),
    ]:
        if old.name.split(".", 1)[0] not in kept:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    return Pinned(mode, location, copy, version)


def open_for_serving(mode: str, location: Path) -> tuple[ox.Store, str]:
    """The store a query worker serves from, and its data version (see `pin_serving_data`):
    mode `memory` loads an N-Quads file into an in-memory store; mode `disk` opens an on-disk
    store read-only."""
    location = Path(location)
    if mode == "memory":
        return memory_store_from_nquads(location), location.stem
    return open_read_only(location), store_version(location) or location.name


def check_nquads(path: Path) -> int:
    """The number of quads of an N-Quads file, read with Oxigraph's parser (streamed). Raises
    StoreError `<path>:<line>: <message>` at the first syntax error (a truncated dump ends in
    one), or `<path>: <message>` when the file cannot be read."""
    count = 0
    try:
        for _ in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            count += 1
    except SyntaxError as exc:
        where = f"{path}:{exc.lineno}" if exc.lineno else str(path)
        raise StoreError(f"{where}: not valid N-Quads: {exc.msg}") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return count
