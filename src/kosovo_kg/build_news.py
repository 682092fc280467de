"""graph/news/{doc}: dated claims from news and official statements (`claims_news.csv`).

Each source document (one URL) becomes a `kr:SourceDocument` with its own named graph, holding
the claims read in it and their evidence (the verbatim quote). The same claim read in two
documents is two claims, one in each graph (events and agents are described once, in
graph/reference: see kosovo_kg.graph), so a researcher includes or excludes a source by
including or excluding its graph.

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
from pathlib import Path

from kosovo_kg import dates
from kosovo_kg.build_article import recognition_event, withdrawal_event
from kosovo_kg.graph import GraphBuilder, Loc, date_literal, lit
from kosovo_kg.registry import Entity, Registry
from kosovo_kg.report import BuildReport
from kosovo_kg.sources import CsvRow, read_csv
from kosovo_kg.vocab import DCTERMS, PROV, SCHEMA, XSD, short_hash, slugify

REQUIRED = (
    "claim_id", "subject_iso3", "subject_name", "claim_type", "event_date", "ordinal_claimed",
    "claimant", "claim_made_on", "publisher", "source_url", "language", "evidence", "note",
)  # fmt: skip
_VIA = re.compile(r"\s*\(((?:via|reported by|citing|through)\b[^)]*)\)")
WINDOW = dt.timedelta(days=60)
TYPES = {
    "recognition", "withdrawal", "withdrawal_denied", "withdrawal_annulled",
    "recognition_reaffirmed", "recognition_invalidated", "recognition_resumed", "ordinal",
    "count",
}  # fmt: skip


def graph_slug(url: str) -> str:
    return "news/" + short_hash(url)[:12]


class NewsExtractor:
    def __init__(
        self, b: GraphBuilder, reg: Registry, report: BuildReport, path: Path, curated: Path
    ) -> None:
        self.b, self.reg, self.report, self.path = b, reg, report, path
        self.kr = b.kr
        self.xkx = reg.get("XKX").iri
        self.sides = [
            (re.compile(r["pattern"]), r["acts_for"], r["note"])
            for r in read_csv(curated / "claimant_sides.csv", ("pattern", "acts_for", "note"))
        ]
        self.docs: set[str] = set()
        self.claims = 0
        self.skipped = 0

    # -- agents and documents --------------------------------------------------------------
    def claimant(self, text: str) -> tuple[str, str | None]:
        """The claimant agent (without the 'via' outlet) and the outlet, if any."""
        via = _VIA.search(text)
        name = _VIA.sub("", text).strip()
        iri = self.b.iris.agent("news-" + slugify(name)[:60] + "-" + short_hash(name)[:6])
        b, kr = self.b, self.kr
        b.typed("reference", iri, kr + "SpeakingAgent", PROV + "Agent")
        b.label("reference", iri, name)
        for pattern, acts_for, _note in self.sides:
            if pattern.search(name):
                b.add("reference", iri, PROV + "actedOnBehalfOf", self.reg.get(acts_for).iri)
                break
        return iri, via.group(1) if via else None

    def document(self, row: CsvRow, graph: str) -> str:
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
        made = self.parse(row, "claim_made_on", quiet=True)
        if made is not None:
            b.add(graph, iri, DCTERMS + "issued", date_literal(made))
        return slug

    def parse(self, row: CsvRow, column: str, quiet: bool = False) -> dates.PartialDate | None:
        text = row[column]
        if not text:
            return None
        try:
            return dates.parse(text)
        except ValueError:
            if not quiet:
                self.report.warn(self.path, row.line, f"{column} {text!r} is not a date")
            return None

    # -- events ------------------------------------------------------------------------------
    def window(self, event: str) -> tuple[dt.date, dt.date] | None:
        stated = [
            c
            for c in self.b.claims_about.get(event, [])
            if c.basis in {"Stated", "InferredBySource"} and c.earliest and c.latest
        ]
        if not stated:
            return None
        return min(c.earliest for c in stated), max(c.latest for c in stated)

    def made_latest(self, event: str) -> dt.date | None:
        made = [c.made for c in self.b.claims_about.get(event, []) if c.made]
        return max(made) if made else None

    def withdrawal_event(self, entity: Entity, date: dates.PartialDate | None) -> str:
        prefix = f"{entity.code}-XKX-withdrawal-"
        slugs = self.b.events_with_prefix(prefix)
        iris = [self.b.iris.event(s) for s in slugs]
        if date is None and iris:
            return iris[-1]
        if date is not None:
            for iri in iris:
                win = self.window(iri)
                if win and date.earliest - WINDOW <= win[1] and win[0] <= date.latest + WINDOW:
                    return iri
            for iri in iris:
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
        doc = self.document(row, graph)
        claimant, via = self.claimant(row["claimant"])
        loc = b.location(
            graph,
            Loc(doc, "opening of the archived page", row.line, quote=row["evidence"]),
        )
        # kr:line of a news location is the line of claims_news.csv through which the quote was
        # read (the archive gives no line of the page itself).
        b.add(graph, loc, kr + "note", lit(f"read through claims_news.csv row {row['claim_id']}"))
        if via:
            b.add(graph, loc, kr + "note", lit(f"claimant reached through: {via}"))
        date = self.parse(row, "event_date")
        made = self.parse(row, "claim_made_on")
        basis = "InferredBySource" if row["note"].startswith("inferred") else "Stated"
        ordinal = row["ordinal_claimed"]
        note = (kr + "note", lit(row["note"]) if row["note"] else None)
        common = {"claimant": claimant, "evidence": loc, "made": made}
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
                graph, cls="CountClaim", key=f"{ordinal}|{category}", **common,
                extra=[(kr + "claimedValue", lit(int(ordinal))),
                       (kr + "countCategory", kr + category),
                       (kr + "asOf", date_literal(as_of) if as_of else None), note],
            )  # fmt: skip
        elif kind in {"recognition", "ordinal", "recognition_reaffirmed", "recognition_resumed"}:
            event = self.recognition(entity)
            stated = date if kind in {"recognition", "recognition_resumed"} else None
            if kind == "recognition_reaffirmed":
                common["made"] = made or date
                note = (kr + "note", lit(("reaffirmation. " + row["note"]).strip(". ")))
            b.claim(
                graph, about=event, date=stated, date_text=row["event_date"] if stated else None,
                date_basis=basis, key=kind if kind == "recognition_reaffirmed" else "", **common,
                extra=[(kr + "ordinalClaimed", lit(int(ordinal)) if ordinal.isdigit() else None),
                       note],
            )  # fmt: skip
        elif kind == "withdrawal":
            event = self.withdrawal_event(entity, date)
            b.claim(graph, about=event, date=date, date_text=row["event_date"] or None,
                    date_basis=basis, **common,
                    extra=[(kr + "ordinalClaimed", lit(int(ordinal)) if ordinal.isdigit() else None),
                           note])  # fmt: skip
        elif kind == "withdrawal_denied":
            when = made or date
            event = self.withdrawal_event(entity, None)
            common["made"] = when
            b.claim(graph, stance="Denies", about=event, **common, extra=[note])
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
            b.claim(graph, about=event, date=date, date_basis=basis, **common, extra=[note])
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
                    date_basis=basis, **common, extra=[note])  # fmt: skip
        self.claims += 1
