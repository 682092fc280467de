"""graph/wikipedia/{lang}/{hash}: Wikipedia's own figures, copy by copy and edition by edition.

Two reference tables list stored copies of Wikipedia pages about Kosovo's recognition, one row
per copy and printed as-of date: `article_revisions.csv` (the English article: old revisions,
mirrors, a flipbook) and `wikipedia_editions.csv` (17 other editions). Each stored copy (one
URL) becomes a `kr:StoredCopy` with its own named graph, holding the count claims read in it.

- The claimant of every claim is the edition (`kr:WikipediaEdition`): "German Wikipedia", ...
  The English edition is the agent that already speaks for the bundled seed article
  (`id/agent/wikipedia`), so the seed joins the English series (`kr:copyOfEdition` on it).
- Where the copy came from is recorded apart from the claimant: its URL (`schema:url`) and the
  host that carried it (`kr:carrier`, a `kr:Carrier` agent named by its host name).
- A machine-translated copy is a `kr:MachineTranslatedCopy`: its claims are the claims of the
  edition it was translated from (`kr:translatedFrom`), carried by the translator's host; its
  `dcterms:language` is the language of the translated text.
- Each printed figure is one `kr:CountClaim`: what it counts (`kr:countCategory`: currently
  recognising, ever recognised, withdrawn), among which members (`kr:countScope`, `kr:outOf`),
  and the as-of date as printed (`kr:statedDateText`) and parsed (`kr:asOf`, with its first and
  last day as `kr:earliest`/`kr:latest`). The kind of each column is set by `DEFAULTS`; the
  rows whose wording says otherwise are listed, with the words, in
  `data/curated/wikipedia_count_kinds.csv`. Figures a row prints in its quote outside those
  columns (the Czech lead's "44 členských států OSN" that refuse to recognise) are listed, with
  the words, in `data/curated/wikipedia_extra_figures.csv`; the build checks the words are in the
  quote. A figure printed only in words or as a range ("más de 100 estados", "od 112 do 115",
  "بیش از صد کشور") is listed there with its bounds instead of a value: a count claim with
  `kr:minExclusive` ("more than"), `kr:minInclusive` / `kr:maxInclusive` ("from .. to"), never
  a value the row does not print; the words are kept verbatim (`kr:valueText`). A copy that
  prints no figure has no count claim.

Nothing is inferred: a figure, a date or a language a row does not print stays absent, and a
copy of unknown date has no copy date. Approximate figures without a bound ("about half",
"around 110") and other claimants' figures the article reports stay in the copy's notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kosovo_kg import dates
from kosovo_kg.build.stage import Sources
from kosovo_kg.graph import GraphBuilder, Loc, date_literal, lit
from kosovo_kg.registry import Registry
from kosovo_kg.report import BuildReport
from kosovo_kg.sources import CsvRow, SourceError, read_csv
from kosovo_kg.vocab import DCTERMS, PROV, RDFS, SCHEMA, SKOS, XSD, short_hash, slugify

FIGURES = (
    "as_of_printed", "as_of_iso", "recognitions_total", "un_members_recognising",
    "un_members_total", "eu_recognising", "eu_total", "nato_recognising", "nato_total",
    "oic_recognising", "oic_total", "withdrawn_count", "other_figures", "url", "carrier_host",
    "quote", "notes",
)  # fmt: skip
REQUIRED = {"article_revisions": ("id", *FIGURES), "wikipedia_editions": ("id", "language",
            "edition_title", *FIGURES)}  # fmt: skip

# column -> (category, scope, column of the total), unless the curated kinds file says otherwise
DEFAULTS = {
    "recognitions_total": ("EverRecognisingStates", None, None),
    "un_members_recognising": ("RecognisingStates", "un", "un_members_total"),
    "eu_recognising": ("RecognisingStates", "eu", "eu_total"),
    "nato_recognising": ("RecognisingStates", "nato", "nato_total"),
    "oic_recognising": ("RecognisingStates", "oic", "oic_total"),
    "withdrawn_count": ("Withdrawals", None, None),
}
CATEGORIES = {"RecognisingStates", "EverRecognisingStates", "NonRecognisingStates", "Withdrawals"}
LANGUAGES = {
    "en": "English", "de": "German", "it": "Italian", "ro": "Romanian", "ar": "Arabic",
    "fr": "French", "es": "Spanish", "he": "Hebrew", "pl": "Polish", "fa": "Persian",
    "cs": "Czech", "bg": "Bulgarian", "id": "Indonesian", "zh": "Chinese", "ko": "Korean",
    "te": "Telugu", "pa": "Punjabi", "ja": "Japanese", "ru": "Russian",
}  # fmt: skip
CODES = {name: code for code, name in LANGUAGES.items()}
# "MACHINE-TRANSLATED: Italian text on a German-titled mirror" -> the translated text's language
_TRANSLATED = re.compile(r"^MACHINE-TRANSLATED: (\w+) text\b")
ENGLISH_TITLE = "International recognition of Kosovo"


def graph_slug(lang: str, url: str) -> str:
    return f"wikipedia/{lang}/{short_hash(url)[:12]}"


@dataclass(frozen=True)
class Kind:
    category: str
    scope: str | None
    as_of: str | None
    basis: str


class EditionExtractor:
    """Reads both tables into one graph per stored copy (see the module docstring)."""

    def __init__(self, b: GraphBuilder, reg: Registry, report: BuildReport, curated: Path) -> None:
        self.b, self.reg, self.report, self.kr = b, reg, report, b.kr
        self.kinds_path = curated / "wikipedia_count_kinds.csv"
        self.kinds = self._kinds()
        self.extras_path = curated / "wikipedia_extra_figures.csv"
        self.extras = self._extras()
        self.copies: dict[str, str] = {}  # graph slug -> document slug
        self.editions: dict[str, str] = {}  # language code -> agent IRI
        self.claims = 0
        self.used: set[tuple[str, str, str]] = set()

    def _kinds(self) -> dict[tuple[str, str, str], Kind]:
        out = {}
        cols = ("table", "row", "column", "category", "scope", "as_of", "basis")
        for r in read_csv(self.kinds_path, cols):
            if r["category"] not in CATEGORIES:
                raise SourceError(self.kinds_path, f"unknown category {r['category']!r}", r.line)
            if r["column"] not in DEFAULTS:
                raise SourceError(self.kinds_path, f"not a figure column: {r['column']!r}", r.line)
            if r["scope"] and r["scope"] not in self.reg.orgs:
                raise SourceError(self.kinds_path, f"unknown organisation {r['scope']!r}", r.line)
            if not r["basis"]:
                raise SourceError(self.kinds_path, "a kind needs its basis (the words)", r.line)
            key = (r["table"], r["row"], r["column"])
            out[key] = Kind(r["category"], r["scope"] or None, r["as_of"] or None, r["basis"])
        return out

    def _extras(self) -> dict[tuple[str, str], list]:
        """Figures a row prints in its quote outside the figure columns (see the CSV)."""
        out: dict[tuple[str, str], list] = {}
        bounds = ("more_than", "at_least", "at_most")
        cols = ("table", "row", "words", "value", *bounds, "category", "scope", "as_of_printed",
                "as_of", "basis")  # fmt: skip
        for r in read_csv(self.extras_path, cols):
            if r["category"] not in CATEGORIES:
                raise SourceError(self.extras_path, f"unknown category {r['category']!r}", r.line)
            numbers = [r[c] for c in ("value", *bounds) if r[c]]
            if not numbers or any(not n.isdigit() for n in numbers):
                raise SourceError(
                    self.extras_path, "give a whole-number value or at least one bound", r.line
                )
            if r["value"] and len(numbers) > 1:
                raise SourceError(self.extras_path, "a value or bounds, not both", r.line)
            if r["more_than"] and r["at_least"]:
                raise SourceError(self.extras_path, "more_than or at_least, not both", r.line)
            low = int(r["at_least"] or r["more_than"] or 0) + (1 if r["more_than"] else 0)
            if r["at_most"] and int(r["at_most"]) < low:
                raise SourceError(self.extras_path, "at_most is below the lower bound", r.line)
            digits = any(ch.isdigit() for ch in r["words"])  # "صد" prints 100 in letters
            if digits and any(n not in r["words"] for n in numbers):
                raise SourceError(self.extras_path, "every number must be printed in words", r.line)
            if bool(r["as_of"]) != bool(r["as_of_printed"]):
                raise SourceError(self.extras_path, "as_of needs as_of_printed", r.line)
            if r["scope"] and r["scope"] not in self.reg.orgs:
                raise SourceError(self.extras_path, f"unknown organisation {r['scope']!r}", r.line)
            out.setdefault((r["table"], r["row"]), []).append(r)
        return out

    # -- agents ---------------------------------------------------------------------------------
    def edition(self, lang: str) -> str:
        """The edition's agent; English is the agent that speaks for the seed article."""
        if lang in self.editions:
            return self.editions[lang]
        b, kr = self.b, self.kr
        name = f"{LANGUAGES[lang]} Wikipedia"
        iri = self.reg.agent_iri("wikipedia") if lang == "en" else b.iris.agent(f"wikipedia-{lang}")
        b.typed("reference", iri, kr + "WikipediaEdition", PROV + "Agent")
        if lang != "en":  # the English agent keeps its label (the seed article's editors)
            b.label("reference", iri, name)
        b.add("reference", iri, SKOS + "altLabel", lit(name, lang="en"))
        b.add("reference", iri, DCTERMS + "language", lit(lang))
        self.editions[lang] = iri
        return iri

    def carrier(self, host: str) -> str:
        iri = self.b.iris.agent("carrier-" + slugify(host))
        self.b.typed("reference", iri, self.kr + "Carrier", PROV + "Agent")
        self.b.label("reference", iri, host)
        return iri

    # -- copies ---------------------------------------------------------------------------------
    def copy(self, table: str, path: Path, row: CsvRow, lang: str, graph: str) -> str:
        slug = graph.replace("/", "-")
        if graph in self.copies:
            return slug
        self.copies[graph] = slug
        b, kr = self.b, self.kr
        iri = b.iris.doc(slug)
        edition = self.edition(lang)
        translated = _TRANSLATED.match(row["notes"])
        classes = [
            kr + "StoredCopy",
            kr + "SourceDocument",
            PROV + "Entity",
            SCHEMA + "CreativeWork",
        ]
        if translated:
            classes.insert(0, kr + "MachineTranslatedCopy")
        b.typed(graph, iri, *classes)
        title = row.get("edition_title", ENGLISH_TITLE)
        b.add(graph, iri, DCTERMS + "title", lit(title))
        b.add(graph, iri, SCHEMA + "url", lit(row["url"], XSD + "anyURI"))
        b.add(graph, iri, kr + "copyOfEdition", edition)
        b.add(graph, iri, kr + "carrier", self.carrier(row["carrier_host"]))
        b.add(graph, iri, kr + "retrievedFrom", lit(f"archived copy, via {table}.csv"))
        if translated:
            text_lang = CODES.get(translated.group(1))
            if text_lang is None:
                raise SourceError(path, f"unknown language {translated.group(1)!r}", row.line)
            b.add(graph, iri, kr + "translatedFrom", edition)
            b.add(graph, iri, DCTERMS + "language", lit(text_lang))
        else:
            b.add(graph, iri, DCTERMS + "language", lit(lang))
        return slug

    # -- rows -----------------------------------------------------------------------------------
    def run(self, table: str, path: Path) -> None:
        for row in read_csv(path, REQUIRED[table]):
            lang = row.get("language", "en")
            if lang not in LANGUAGES:
                raise SourceError(path, f"unknown edition language {lang!r}", row.line)
            self.row(table, path, row, lang)

    def row(self, table: str, path: Path, row: CsvRow, lang: str) -> None:
        b, kr = self.b, self.kr
        graph = graph_slug(lang, row["url"])
        doc = self.copy(table, path, row, lang, graph)
        loc = b.location(
            graph, Loc(doc, "lead of the stored copy", row.line, row_label=row["id"],
                       quote=row["quote"]),
        )  # fmt: skip
        # kr:line is the line of the table through which the quote was read.
        b.add(graph, loc, kr + "note", lit(f"read through {table}.csv row {row['id']}"))
        for text in (row["notes"], row["other_figures"]):
            if text:
                b.add(graph, loc, kr + "note", lit(text))
        for column, (category, scope, total) in DEFAULTS.items():
            if not row[column]:
                continue
            kind = self.kinds.get((table, row["id"], column))
            if kind is not None:
                self.used.add((table, row["id"], column))
                category, scope = kind.category, kind.scope
            value = self.integer(path, row, column)
            out_of = (
                self.integer(path, row, total) if total and scope == DEFAULTS[column][1] else None
            )
            as_of_text = kind.as_of if kind and kind.as_of else row["as_of_iso"]
            as_of = self.as_of(path, row, as_of_text)
            printed = row["as_of_printed"] if not (kind and kind.as_of) else None
            b.claim(
                graph, claimant=self.edition(lang), cls="CountClaim", evidence=loc,
                key=f"{row['id']}|{column}",
                extra=[(kr + "claimedValue", lit(value)),
                       (kr + "outOf", lit(out_of) if out_of is not None else None),
                       (kr + "countCategory", kr + category),
                       (kr + "countScope", self.reg.org_iri(scope) if scope else None),
                       (kr + "asOf", date_literal(as_of) if as_of else None),
                       (kr + "earliest", lit(as_of.earliest) if as_of else None),
                       (kr + "latest", lit(as_of.latest) if as_of else None),
                       (kr + "statedDateText", lit(printed) if printed else None),
                       (RDFS + "comment", lit(kind.basis, lang="en") if kind else None)],
            )  # fmt: skip
            self.claims += 1
        for extra in self.extras.get((table, row["id"]), []):
            if extra["words"] not in row["quote"]:
                raise SourceError(
                    self.extras_path, f"words {extra['words']!r} not in the quote of {row['id']}",
                    extra.line,
                )  # fmt: skip
            if extra["as_of_printed"] not in row["quote"]:
                raise SourceError(
                    self.extras_path,
                    f"as_of_printed {extra['as_of_printed']!r} not in the quote of {row['id']}",
                    extra.line,
                )  # fmt: skip
            self.used.add((table, row["id"], extra["words"]))
            scope = extra["scope"]
            as_of = self.as_of(self.extras_path, extra, extra["as_of"])
            number = {c: lit(int(extra[c])) if extra[c] else None
                      for c in ("value", "more_than", "at_least", "at_most")}  # fmt: skip
            bounded = number["value"] is None
            b.claim(
                graph, claimant=self.edition(lang), cls="CountClaim", evidence=loc,
                key=f"{row['id']}|{extra['words']}",
                extra=[(kr + "claimedValue", number["value"]),
                       (kr + "minExclusive", number["more_than"]),
                       (kr + "minInclusive", number["at_least"]),
                       (kr + "maxInclusive", number["at_most"]),
                       (kr + "approximate", lit(True) if bounded else None),
                       (kr + "valueText", lit(extra["words"])),
                       (kr + "countCategory", kr + extra["category"]),
                       (kr + "countScope", self.reg.org_iri(scope) if scope else None),
                       (kr + "asOf", date_literal(as_of) if as_of else None),
                       (kr + "earliest", lit(as_of.earliest) if as_of else None),
                       (kr + "latest", lit(as_of.latest) if as_of else None),
                       (kr + "statedDateText", lit(extra["as_of_printed"]) if as_of else None),
                       (RDFS + "comment", lit(extra["basis"], lang="en"))],
            )  # fmt: skip
            self.claims += 1

    def integer(self, path: Path, row: CsvRow, column: str | None) -> int | None:
        text = row[column] if column else ""
        if not text:
            return None
        if not text.isdigit():
            raise SourceError(path, f"{column} {text!r} is not a whole number", row.line)
        return int(text)

    def as_of(self, path: Path, row: CsvRow, text: str) -> dates.PartialDate | None:
        if not text:
            return None
        try:
            return dates.parse(text)
        except ValueError as exc:
            raise SourceError(path, f"as-of date: {exc}", row.line) from None

    def check_kinds_used(self) -> None:
        """Every curated kind names a printed figure: a stale entry is an error, not a no-op."""
        for key in self.kinds:
            if key not in self.used:
                raise SourceError(self.kinds_path, f"{'/'.join(key)} names no printed figure")
        for (table, row), extras in self.extras.items():
            for extra in extras:
                if (table, row, extra["words"]) not in self.used:
                    raise SourceError(self.extras_path, f"no row {table}/{row}", extra.line)

    def seed_joins_english(self) -> None:
        """The bundled seed article is a copy of the English edition (graph/article)."""
        self.b.add("article", self.b.iris.doc("article"), self.kr + "copyOfEdition",
                   self.edition("en"))  # fmt: skip


def add_to(b: GraphBuilder, sources: Sources) -> None:
    """Both tables, the seed's place in the English series, and their counts in the report."""
    ex = EditionExtractor(b, sources.registry, sources.report, sources.curated)
    ex.run("article_revisions", sources.path("article-revisions"))
    ex.run("wikipedia_editions", sources.path("wikipedia-editions"))
    ex.check_kinds_used()
    ex.seed_joins_english()
    sources.report.facts.update(
        {
            "wikipedia_copies": len(ex.copies),
            "wikipedia_editions": len(ex.editions),
            "wikipedia_count_claims": ex.claims,
        }
    )
