"""Pinned source files: the manifest, checksum checks and line-numbered CSV reading.

Every error names the file and, where there is one, the line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class SourceError(Exception):
    """A source file is missing, corrupt or cannot be parsed."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class SourceFile:
    id: str
    path: Path
    meta: dict[str, Any]

    @property
    def sha256(self) -> str:
        return str(self.meta["sha256"])


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Manifest:
    """`data/sources/manifest.json`: the pinned files with their metadata and checksums."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "sources"
        path = self.root / "manifest.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SourceError(path, "manifest is missing") from None
        except json.JSONDecodeError as exc:
            raise SourceError(path, f"manifest is not valid JSON: {exc.msg}", exc.lineno) from None
        self.path = path
        self.files = {
            entry["id"]: SourceFile(entry["id"], self.root / entry["path"], entry)
            for entry in raw["sources"]
        }

    def get(self, source_id: str, *, verify: bool = True) -> SourceFile:
        try:
            source = self.files[source_id]
        except KeyError:
            raise SourceError(self.path, f"no source with id {source_id!r}") from None
        if not source.path.exists():
            raise SourceError(source.path, "source file is missing")
        if verify:
            actual = sha256_file(source.path)
            if actual != source.sha256:
                raise SourceError(
                    source.path,
                    f"checksum mismatch: manifest pins sha256 {source.sha256[:16]}…, "
                    f"file has {actual[:16]}… (corrupt or changed; update the manifest if the "
                    "change is intended)",
                )
        return source


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise SourceError(path, f"invalid UTF-8 ({exc.reason})", line) from None
    except FileNotFoundError:
        raise SourceError(path, "file is missing") from None


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values[key]

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default) or default


def read_csv(path: Path, required: tuple[str, ...] = ()) -> list[CsvRow]:
    """Read a CSV file; each row keeps the 1-based line on which it starts."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError(path, "empty CSV file", 1) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise SourceError(path, f"missing column(s): {', '.join(missing)}", 1)
    rows: list[CsvRow] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            if not record:
                line = reader.line_num + 1
                continue
            if len(record) != len(header):
                raise SourceError(path, f"expected {len(header)} fields, found {len(record)}", line)
            rows.append(CsvRow(line, dict(zip(header, record, strict=True))))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise SourceError(path, f"CSV syntax error: {exc}", reader.line_num) from None
    return rows


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(path, f"TOML syntax error: {exc}") from None


def iter_lines(text: str) -> Iterator[tuple[int, str]]:
    yield from enumerate(text.split("\n"), start=1)
