"""Read the article export: headings, paragraphs and tables, each with its line number.

The export is a lossy text rendering of a MediaWiki page: `= Title =` headings, paragraphs, and
tables as `| cell | cell |` lines. This module knows nothing about recognition; it only gives a
faithful, line-numbered structure for the extractors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kosovo_kg.sources import SourceError, read_text

_HEADING = re.compile(r"^(=+)\s*(.*?)\s*\1\s*$")


@dataclass
class Row:
    line: int
    cells: list[str]
    raw: str


@dataclass
class Table:
    section: tuple[str, ...]
    header_line: int
    header: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def section_path(self) -> str:
        return " > ".join(self.section)


@dataclass
class Paragraph:
    section: tuple[str, ...]
    line: int
    text: str

    @property
    def section_path(self) -> str:
        return " > ".join(self.section)


@dataclass
class Article:
    path: Path
    title: str
    lines: list[str]
    tables: list[Table]
    paragraphs: list[Paragraph]

    def find(self, quote: str) -> Paragraph:
        """The paragraph (or table row, as a paragraph) that contains `quote` exactly once."""
        hits = [p for p in self.paragraphs if quote in p.text]
        hits += [
            Paragraph(t.section, r.line, r.raw)
            for t in self.tables
            for r in t.rows
            if quote in r.raw
        ]
        if len(hits) != 1:
            where = "nowhere" if not hits else f"{len(hits)} times (lines {[h.line for h in hits]})"
            raise SourceError(self.path, f"quote {quote[:60]!r} found {where}; need exactly once")
        return hits[0]

    def tables_under(self, *section: str) -> list[Table]:
        """Tables whose section path starts with the given headings."""
        n = len(section)
        return [t for t in self.tables if t.section[:n] == section]


def split_cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [cell.strip() for cell in body.split("|")]


def parse_article(path: Path) -> Article:
    text = read_text(path)
    lines = text.split("\n")
    title = ""
    stack: list[tuple[int, str]] = []
    tables: list[Table] = []
    paragraphs: list[Paragraph] = []
    current: Table | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if heading:
            level, name = len(heading.group(1)), heading.group(2)
            if level == 1:
                title = name
                stack = []
            else:
                stack = [(lvl, n) for lvl, n in stack if lvl < level] + [(level, name)]
            current = None
            continue
        section = tuple(n for _, n in stack) or ("(lead)",)
        if stripped.startswith("|"):
            if not stripped.endswith("|"):
                raise SourceError(path, "table row does not end with '|'", number)
            cells = split_cells(stripped)
            if current is None:
                current = Table(section, number, cells)
                tables.append(current)
            else:
                current.rows.append(Row(number, cells, stripped))
            continue
        current = None
        if stripped:
            paragraphs.append(Paragraph(section, number, stripped))
    if not title:
        raise SourceError(path, "no '= Title =' heading: not an article export", 1)
    return Article(path, title, lines, tables, paragraphs)
