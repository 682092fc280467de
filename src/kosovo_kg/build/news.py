"""graph/news/{doc}: dated claims from news and official statements (`claims_news.csv`).

Each source document (one URL) becomes a `kr:SourceDocument` with its own named graph, holding
the claims read in it and their evidence (the verbatim quote). A claim is read in one document:
its dates, quote and locator are that document's. The same statement read in two documents is
two claims sharing a `kr:statement` (events and agents are described once, in
graph/reference: see kosovo_kg.graph), so a researcher includes or excludes a source by including
or excluding its graph, and counts the documents that repeat a statement.

Every claim gets a modality (`modality`: asserted, reported only, speculated, rumoured, denied,
retracted) read from the row's quote, note and claimant, and a date basis read from the whole
note ("month inferred", "inferred: ..."; not "claim_made_on inferred"). A rumoured, speculated
or retracted withdrawal claim joins only an event dated near it; it never pools with, or dates,
an undated event.

Claimants are the people or bodies who assert a claim ("Serbian Foreign Minister Ivica Dačić");
the outlet it came through ("via Tanjug") is kept on the evidence. Which side a claimant speaks
for (Kosovo, Serbia) comes from `data/curated/claimant_sides.csv`.

Withdrawal claims are matched to withdrawal events already known for the state: a dated claim
joins the event whose stated dates lie within 60 days of it, or an event that no source dates
yet (if the claim is not dated after that event was claimed); otherwise it founds a new event.
Undated claims join the latest known event. Every row that cannot be read is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from kosovo_kg import dates
from kosovo_kg.build.events import recognition_event, withdrawal_event
from kosovo_kg.build.news_claimants import People, Speaker
from kosovo_kg.build.stage import Sources
from kosovo_kg.graph import GraphBuilder, Loc, date_literal, lit
from kosovo_kg.registry import Entity, Registry
from kosovo_kg.report import BuildReport
from kosovo_kg.sources import CsvRow, read_csv
from kosovo_kg.vocab import DCTERMS, ORG, PROV, SCHEMA, UNSURE, XSD, short_hash, slugify

REQUIRED = (
    "claim_id", "subject_iso3", "subject_name", "claim_type", "event_date", "ordinal_claimed",
    "claimant", "claim_made_on", "publisher", "source_url", "language", "evidence", "note",
)  # fmt: skip
# A claimant that names a body, not a person (typed org:Organization).
_ORGANISATION = re.compile(
    r"^(Ministry|Government|Office|Embassy|Presidency|Cabinet)\b"
    r"|\b(Ministry|MFA|Council of Ministers|federal government)$"
)
WINDOW = dt.timedelta(days=60)
TYPES = {
    "recognition", "withdrawal", "withdrawal_denied", "withdrawal_annulled",
    "recognition_reaffirmed", "recognition_invalidated", "recognition_resumed", "ordinal",
    "count",
}  # fmt: skip


# How a row puts its claim (kr:modality), read from its quote, note and claimant, in this order
# (the first that matches wins). Denials are kr:Denied by their claim type.
MODALITY_RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("Retracted", "note", re.compile(r"\b(later )?retracted by the claimant\b|\bclaimant retracted\b", re.I)),
    ("Speculated", "note", re.compile(r"\bSPECULATIVE\b|\bPROMISED\b")),
    ("Speculated", "evidence", re.compile(
        r"\b(could|may|might|would)\s+(soon\s+)?(withdraw|revoke|recogni[sz]e|be\s+the)\b"
        r"|\bconsidering\b|\bplans?\s+to\b", re.I)),
    ("Rumoured", "evidence", re.compile(r"\bunconfirmed\b|\brumou?rs?\b", re.I)),
    ("Rumoured", "note", re.compile(
        r"\bunconfirmed by\b|\bnot yet confirmed\b|\bno official confirmation\b"
        r"|\bprocedure was suspended\b|\brumou?r", re.I)),
    ("ReportedOnly", "evidence", re.compile(
        r"\breportedly\b|\ballegedly\b|\bapparently\b|\battesterebbero\b", re.I)),
    ("ReportedOnly", "note", re.compile(r"\breportedly\b", re.I)),
    ("ReportedOnly", "claimant", re.compile(r"\bas quoted by\b", re.I)),
    ("Rumoured", "claimant", re.compile(r"\bdiplomatic sources?\b|\bunnamed\b|^senior .* official$", re.I)),
)  # fmt: skip
# The note says the event date was worked out ("inferred: ...", "month inferred", "year
# inferred 2009"), not that claim_made_on was, and not "so not inferred".
_INFERRED = re.compile(r"(?<!claim_made_on )(?<!not )\binferred\b", re.I)


def add_to(b: GraphBuilder, sources: Sources) -> None:
    news = NewsExtractor(
        b, sources.registry, sources.report, sources.path("claims-news"), sources.curated,
        sources.people,
    )  # fmt: skip
    news.run()
    sources.report.facts.update(
        {
            "news_claim_rows": news.claims,
            "news_rows_not_ingested": news.skipped,
            "news_documents": len(news.docs),
            "news_claims_split": news.split,
        }
    )


def modality(row: CsvRow) -> tuple[str, str | None]:
    """The row's modality and the column whose wording gave it (None: the default)."""
    if row["claim_type"] == "withdrawal_denied":
        return "Denied", "claim_type"
    for value, column, pattern in MODALITY_RULES:
        if pattern.search(row[column]):
            return value, column
    return "Asserted", None


def date_basis(row: CsvRow) -> str:
    return "InferredBySource" if _INFERRED.search(row["note"]) else "Stated"


@dataclass(frozen=True)
class RowDates:
    """What a row says of its claim whoever speaks it: read once per row, not per speaker."""

    date: dates.PartialDate | None  # event_date
    made: dates.PartialDate | None  # claim_made_on
    basis: str  # date_basis(row)
    modality: str  # modality(row)


def graph_slug(url: str) -> str:
    return "news/" + short_hash(url)[:12]


class NewsExtractor:
    def __init__(
        self,
        b: GraphBuilder,
        reg: Registry,
        report: BuildReport,
        path: Path,
        curated: Path,
        people: People,
    ) -> None:
        self.b, self.reg, self.report, self.path, self.people = b, reg, report, path, people
        self.kr = b.kr
        self.xkx = reg.get("XKX").iri
        self.sides = [
            (re.compile(r["pattern"]), r["acts_for"], r["note"])
            for r in read_csv(curated / "claimant_sides.csv", ("pattern", "acts_for", "note"))
        ]
        self.docs: set[str] = set()
        self.claims = 0
        self.skipped = 0
        self.split = 0  # rows whose claimant column names several speakers

    # -- agents and documents --------------------------------------------------------------
    def claimant(self, speaker: Speaker) -> str:
        """The speaker's agent: the curated person, or an agent named as printed (an
        organisation when the name says so)."""
        b, kr = self.b, self.kr
        if speaker.person:
            iri = b.iris.person(speaker.person)
            if speaker.post:
                b.add("reference", iri, ORG + "holds", b.iris.post(speaker.post))
            return iri
        name = speaker.text
        iri = b.iris.agent("news-" + slugify(name)[:60] + "-" + short_hash(name)[:6])
        b.typed("reference", iri, kr + "SpeakingAgent", PROV + "Agent")
        if _ORGANISATION.search(name):
            b.typed("reference", iri, ORG + "Organization")
        b.label("reference", iri, name)
        for pattern, acts_for, _note in self.sides:
            if pattern.search(name):
                b.add("reference", iri, PROV + "actedOnBehalfOf", self.reg.get(acts_for).iri)
                break
        return iri

    def document(self, row: CsvRow, graph: str, made: dates.PartialDate | None) -> str:
        url = row["source_url"]
        slug = graph.replace("/", "-")
        iri = self.b.iris.doc(slug)
        if slug in self.docs:
            return slug
        self.docs.add(slug)
        b, kr = self.b, self.kr
        b.typed(graph, iri, kr + "SourceDocument", PROV + "Entity", SCHEMA + "CreativeWork")
        b.add(graph, iri, SCHEMA + "url", lit(url, XSD + "anyURI"))
        b.add(graph, iri, DCTERMS + "publisher", lit(row["publisher"]))
        if row["language"]:
            b.add(graph, iri, DCTERMS + "language", lit(row["language"]))
        b.add(graph, iri, kr + "retrievedFrom", lit("archived copy, via claims_news.csv"))
        if made is not None:
            b.add(graph, iri, DCTERMS + "issued", date_literal(made))
        return slug

    def parse(self, row: CsvRow, column: str) -> dates.PartialDate | None:
        date = dates.try_parse(row[column])
        if row[column] and date is None:
            self.report.warn(self.path, row.line, f"{column} {row[column]!r} is not a date")
        return date

    # -- events ------------------------------------------------------------------------------
    def window(self, event: str, unsure: bool = False) -> tuple[dt.date, dt.date] | None:
        """The span of the dates that claims state for the event: rumours and speculation
        aside, unless `unsure` and the event rests on nothing else."""
        claims = self.b.claims_about.get(event, [])
        if unsure and any(c.modality not in UNSURE for c in claims):
            return None
        stated = [
            c
            for c in claims
            if c.basis in {"Stated", "InferredBySource"}
            and c.earliest
            and c.latest
            and (unsure or c.modality not in UNSURE)
        ]
        if not stated:
            return None
        return min(c.earliest for c in stated), max(c.latest for c in stated)

    def made_latest(self, event: str) -> dt.date | None:
        made = [c.made for c in self.b.claims_about.get(event, []) if c.made]
        return max(made) if made else None

    def withdrawal_event(
        self, entity: Entity, date: dates.PartialDate | None, unsure: bool = False
    ) -> str:
        """An unsure claim (rumour, speculation, retraction) joins only an event dated near its
        date, by others or by unsure claims alone; otherwise it founds an event of its own, so
        that it never dates or pools with an undated event."""
        prefix = f"{entity.code}-XKX-withdrawal-"
        slugs = self.b.events_with_prefix(prefix)
        iris = [self.b.iris.event(s) for s in slugs]
        if date is None and iris and not unsure:
            return iris[-1]
        if date is not None:
            for iri in iris:
                win = self.window(iri) or (self.window(iri, unsure=True) if unsure else None)
                if win and date.earliest - WINDOW <= win[1] and win[0] <= date.latest + WINDOW:
                    return iri
            for iri in iris if not unsure else ():
                made = self.made_latest(iri)
                if self.window(iri) is None and (made is None or date.earliest <= made):
                    return iri
        return withdrawal_event(
            self.b, "reference", entity, self.xkx, self.recognition(entity), len(slugs) + 1
        )

    def recognition(self, entity: Entity) -> str:
        return recognition_event(self.b, "reference", entity, self.xkx)

    def single(
        self, entity: Entity, kind: str, cls: str, link: str, linked: str, label: str
    ) -> str:
        iri = self.b.event(
            "reference", f"{entity.code}-XKX-{kind}-1", cls, actor=entity.iri, target=self.xkx,
            label=label,
        )  # fmt: skip
        self.b.add("reference", iri, self.kr + link, linked)
        return iri

    # -- rows --------------------------------------------------------------------------------
    def run(self) -> None:
        for row in read_csv(self.path, REQUIRED):
            try:
                self.row(row)
            except (KeyError, ValueError) as exc:
                self.skipped += 1
                self.report.warn(self.path, row.line, f"row {row['claim_id']} not ingested: {exc}")

    def row(self, row: CsvRow) -> None:
        b, kr = self.b, self.kr
        kind = row["claim_type"]
        if kind not in TYPES:
            raise ValueError(f"unknown claim_type {kind!r}")
        try:
            entity = self.reg.get(row["subject_iso3"])
        except KeyError:
            raise ValueError(f"unknown subject_iso3 {row['subject_iso3']!r}") from None
        graph = graph_slug(row["source_url"])
        said = RowDates(
            self.parse(row, "event_date"), self.parse(row, "claim_made_on"), date_basis(row),
            modality(row)[0],
        )  # fmt: skip
        doc = self.document(row, graph, said.made)
        reading = self.people.read(row["claimant"])
        loc = b.location(
            graph,
            Loc(doc, "opening of the archived page", row.line, quote=row["evidence"]),
        )
        # kr:line of a news location is the line of claims_news.csv through which the quote was
        # read (the archive gives no line of the page itself).
        b.add(graph, loc, kr + "note", lit(f"read through claims_news.csv row {row['claim_id']}"))
        b.add(graph, loc, kr + "note", lit(f"claimant as printed: {row['claimant']}"))
        if reading.channel:
            b.add(graph, loc, kr + "note", lit(f"claimant reached through: {reading.channel}"))
        self.split += len(reading.speakers) > 1
        reporter = b.iris.person(reading.reporter) if reading.reporter else None
        for speaker in reading.speakers:
            who = [
                (kr + "spokeAs", b.iris.post(speaker.post) if speaker.post else None),
                (kr + "reportedBy", reporter),
            ]
            self.claim(row, said, entity, graph, doc, loc, self.claimant(speaker), who)
        self.claims += 1

    def claim(
        self,
        row: CsvRow,
        said: RowDates,
        entity: Entity,
        graph: str,
        doc: str,
        loc: str,
        claimant: str,
        who: list[tuple[str, str | None]],
    ) -> None:
        """The row's claim by one of its speakers."""
        b, kr = self.b, self.kr
        kind = row["claim_type"]
        date, made, basis, mode = said.date, said.made, said.basis, said.modality
        ordinal = row["ordinal_claimed"]
        note = (kr + "note", lit(row["note"]) if row["note"] else None)
        tail = [*who, note]
        common = {
            "claimant": claimant, "evidence": loc, "made": made, "modality": mode,
            "document": doc,
        }  # fmt: skip
        if kind == "count":
            if not ordinal.isdigit():
                raise ValueError(f"count row without a number: {ordinal!r}")
            text = row["note"].lower()
            category = (
                "NonRecognisingStates" if "non-recognising" in text
                else "Withdrawals" if "withdrawals" in text else "RecognisingStates"
            )  # fmt: skip
            as_of = date or made
            b.claim(
                graph, cls="CountClaim", key=f"{ordinal}|{category}",
                as_read=as_of.lexical if as_of else "", **common,
                extra=[(kr + "claimedValue", lit(int(ordinal))),
                       (kr + "countCategory", kr + category),
                       (kr + "asOf", date_literal(as_of) if as_of else None), *tail],
            )  # fmt: skip
        elif kind in {"recognition", "ordinal", "recognition_reaffirmed", "recognition_resumed"}:
            event = self.recognition(entity)
            stated = date if kind in {"recognition", "recognition_resumed"} else None
            if kind == "recognition_reaffirmed":
                common["made"] = made or date
                tail = [*who, (kr + "note", lit(("reaffirmation. " + row["note"]).strip(". ")))]
            b.claim(
                graph, about=event, date=stated, date_text=row["event_date"] if stated else None,
                date_basis=basis, key=kind if kind == "recognition_reaffirmed" else "", **common,
                extra=[(kr + "ordinalClaimed", lit(int(ordinal)) if ordinal.isdigit() else None),
                       *tail],
            )  # fmt: skip
        elif kind == "withdrawal":
            event = self.withdrawal_event(entity, date, unsure=mode in UNSURE)
            b.claim(graph, about=event, date=date, date_text=row["event_date"] or None,
                    date_basis=basis, **common,
                    extra=[(kr + "ordinalClaimed", lit(int(ordinal)) if ordinal.isdigit() else None),
                           *tail])  # fmt: skip
        elif kind == "withdrawal_denied":
            when = made or date
            event = self.withdrawal_event(entity, None)
            common["made"] = when
            b.claim(graph, stance="Denies", about=event, **common, extra=tail)
        elif kind == "withdrawal_annulled":
            existing = b.events_with_prefix(f"{entity.code}-XKX-annulment-")
            if existing:
                event = b.iris.event(existing[0])
            else:
                target = self.withdrawal_event(entity, None)
                event = self.single(
                    entity,
                    "annulment",
                    "Annulment",
                    "annuls",
                    target,
                    f"Annulment of {entity.name}'s withdrawal of recognition",
                )
            b.claim(graph, about=event, date=date, date_basis=basis, **common, extra=tail)
        elif kind == "recognition_invalidated":
            event = self.single(
                entity,
                "invalidation",
                "Invalidation",
                "invalidates",
                self.recognition(entity),
                f"Invalidation of {entity.name}'s recognition of Kosovo",
            )
            b.claim(graph, about=event, date=date, date_text=row["event_date"] or None,
                    date_basis=basis, **common, extra=tail)  # fmt: skip
