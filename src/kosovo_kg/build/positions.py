"""graph/article, continued: position rows (states, entities, organisations, movements, NGOs)
and the prose facts declared in `data/curated/article_prose.toml`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kosovo_kg import dates
from kosovo_kg.build.article import DOC, ArticleExtractor, G
from kosovo_kg.build.seed import Table
from kosovo_kg.build.stage import Sources
from kosovo_kg.graph import GraphBuilder, Loc, date_literal, lit
from kosovo_kg.registry import Entity
from kosovo_kg.sources import SourceError, read_toml
from kosovo_kg.vocab import RDFS

_REPORTED = re.compile(
    r"\b(reportedly|it was reported|is reported|was reported|apparently)\b", re.I
)
_ALLEGED = re.compile(r"\b(allegedly|according to|purportedly)\b", re.I)

NOT_RECOGNISED = "Countries which have not recognised Kosovo as an independent state"
POSITION_TABLES = {
    (NOT_RECOGNISED, "Member states of the United Nations"): "positions-un",
    (NOT_RECOGNISED, "Other states and entities"): "positions-other",
    ("Positions taken by intergovernmental organisations",): "igo",
    (
        "Positions taken by other actors",
        "Autonomous regions and secessionist movements",
    ): "regional",
    ("Positions taken by other actors", "International non-governmental organisations"): "ngo",
}


def add_to(b: GraphBuilder, sources: Sources) -> None:
    """The article's position tables, then the prose facts of `article_prose.toml`."""
    ex = sources.the_article()
    positions = PositionExtractor(ex)
    positions.tables()
    spec = sources.curated / "article_prose.toml"
    prose = ProseExtractor(ex, read_toml(spec), spec)
    counts = prose.counts()
    events = prose.events()
    sources.report.facts.update(
        {"position_rows": positions.count, "count_claims_prose": counts, "prose_events": events}
    )


def table_slug(table: Table) -> str | None:
    for prefix, slug in POSITION_TABLES.items():
        # sections below "Positions taken by UN member states and other entities"
        path = (
            table.section[1:]
            if table.section[0].startswith("Positions taken by UN")
            else table.section
        )
        if tuple(path[: len(prefix)]) == prefix:
            return slug
    return None


class PositionExtractor:
    def __init__(self, ex: ArticleExtractor) -> None:
        self.ex = ex
        self.b, self.reg, self.kr = ex.b, ex.reg, ex.kr
        self.count = 0

    def actor_for(self, slug: str, label: str, text: str, line: int, loc: str) -> str:
        if slug in {"positions-un", "positions-other"}:
            if label:
                res = self.reg.resolve(label)
                if res.entity is not None:
                    self._printed(loc, res.entity.iri)
                    return res.entity.iri
            entity = self.ex.identify(slug, line, loc)
            if entity is None:
                raise SourceError(
                    self.ex.article.path, f"position row {label!r}: unknown actor", line
                )
            return entity.iri
        for org_slug, row in self.reg.orgs.items():
            if row["article_table"] != slug:
                continue
            if label and row["article_label"] == label:
                self._printed(loc, self.reg.org_iri(org_slug))
                return self.reg.org_iri(org_slug)
            if not label and not row["article_label"] and row["identified_by"] in text:
                node = loc + "/identification"
                b, kr = self.b, self.kr
                b.typed(G, node, kr + "RowIdentification")
                b.add(G, loc, kr + "rowIdentification", node)
                b.add(G, node, kr + "identifiedAs", self.reg.org_iri(org_slug))
                b.add(G, node, kr + "identificationBasis", kr + "RowNote")
                b.add(
                    G,
                    node,
                    kr + "note",
                    lit(f"blank first cell; the row names {row['identified_by']!r}"),
                )
                return self.reg.org_iri(org_slug)
        raise SourceError(
            self.ex.article.path, f"position row {label!r}: unknown organisation", line
        )

    def _printed(self, loc: str, iri: str) -> None:
        b, kr = self.b, self.kr
        node = loc + "/identification"
        b.typed(G, node, kr + "RowIdentification")
        b.add(G, loc, kr + "rowIdentification", node)
        b.add(G, node, kr + "identifiedAs", iri)
        b.add(G, node, kr + "identificationBasis", kr + "PrintedCode")

    def tables(self) -> None:
        for table in self.ex.article.tables:
            slug = table_slug(table)
            if slug is None:
                continue
            for row in table.rows:
                cells = [c for c in row.cells if c != "nowrap"]
                if len(cells) != 2:
                    raise SourceError(
                        self.ex.article.path,
                        f"position row has {len(cells)} cells, expected 2",
                        row.line,
                    )
                label, text = cells
                loc = self.ex.loc(
                    slug, table.section_path, row.line, row_label=label, printed_code=label or None
                )
                actor = self.actor_for(slug, label, text, row.line, loc)
                # An organisation's or movement's row is the article narrating: the article is
                # the claimant and the organisation the one whose position it is. A state's row
                # keeps the state as claimant (its position, as the article reports it).
                states = slug in {"positions-un", "positions-other"}
                self.position(actor, text, loc, actor if states else self.ex.wikipedia)

    def position(self, actor: str, text: str, loc: str, claimant: str | None = None) -> str:
        b, kr = self.b, self.kr
        hedge = (
            "Reported" if _REPORTED.search(text) else "Alleged" if _ALLEGED.search(text) else None
        )
        claim = b.claim(
            G,
            claimant=claimant or actor,
            cls="Position",
            evidence=loc,
            key=text,
            modality="ReportedOnly" if hedge else "Asserted",
            extra=[
                (kr + "positionOf", actor),
                (kr + "positionText", lit(text, lang="en")),
                (kr + "positionOn", self.ex.xkx),
                (kr + "hedge", kr + hedge if hedge else None),
            ],
        )
        for i, mention in enumerate(dates.mentions(text), start=1):
            node = f"{claim}/date/{i}"
            b.typed(G, node, kr + "DateMention")
            b.add(G, claim, kr + "mentionsDate", node)
            b.add(G, node, kr + "dateText", lit(mention.text))
            b.add(G, node, kr + "date", date_literal(mention.date))
            b.add(G, node, kr + "datePrecision", kr + mention.date.precision)
            b.add(G, node, kr + "earliest", lit(mention.date.earliest))
            b.add(G, node, kr + "latest", lit(mention.date.latest))
        self.count += 1
        return claim


class ProseExtractor:
    """Counts and dated events from the lead and background, per the curated spec."""

    def __init__(self, ex: ArticleExtractor, spec: dict[str, Any], spec_path: Path) -> None:
        self.ex, self.spec, self.path = ex, spec, spec_path
        self.b, self.reg, self.kr = ex.b, ex.reg, ex.kr

    def ref(self, value: str) -> str:
        kind, _, key = value.partition(":")
        if kind == "state":
            return self.reg.get(key).iri
        if kind == "agent":
            return self.reg.agent_iri(key)
        if kind == "org":
            return self.reg.org_iri(key)
        raise SourceError(self.path, f"bad reference {value!r} (state:, agent: or org:)")

    def names(self, text: str) -> list[Entity]:
        out = []
        for name in re.split(r",\s*(?:and\s+)?|\s+and\s+", text):
            entity = self.reg.by_printed_name(name.strip())
            if entity is None:
                raise SourceError(self.path, f"name {name!r} matches no state")
            out.append(entity)
        return out

    def counts(self) -> int:
        b, kr = self.b, self.kr
        n = 0
        for entry in self.spec.get("count", []):
            loc = self.ex.quote_loc(entry["quote"])
            extra = [
                (kr + "claimedValue", lit(int(entry["value"]))),
                (kr + "countCategory", kr + entry["category"]),
                (kr + "outOf", lit(int(entry["out_of"])) if "out_of" in entry else None),
                (kr + "countScope", self.reg.org_iri(entry["scope"]) if "scope" in entry else None),
                (kr + "approximate", lit(True) if entry.get("approximate") else None),
                (kr + "note", lit(entry["note"]) if "note" in entry else None),
            ]
            claim = b.claim(
                G,
                claimant=self.ref(entry["claimant"]),
                cls="CountClaim",
                evidence=loc,
                key=entry["id"],
                extra=extra,
            )
            if "names" in entry:
                if entry["names"] not in entry["quote"]:
                    raise SourceError(self.path, f"count {entry['id']}: names not in the quote")
                for entity in self.names(entry["names"]):
                    b.add(G, claim, kr + "namesEntity", entity.iri)
            n += 1
        return n

    def events(self) -> int:
        b, kr = self.b, self.kr
        for entry in self.spec.get("event", []):
            if entry["date"] not in entry["quote"]:
                raise SourceError(self.path, f"event {entry['id']}: date not printed in the quote")
            loc = self.ex.quote_loc(entry["quote"])
            actor = self.ref(entry["actor"]) if "actor" in entry else None
            event = b.event(G, entry["id"], entry["class"], actor=actor, label=entry["label"])
            if "organisation" in entry:
                b.add(G, event, kr + "organisation", self.ref(entry["organisation"]))
            for participant in entry.get("participants", []):
                b.add(G, event, kr + "participant", self.ref(participant))
            for key, prop in (
                ("votes_for", "votesFor"),
                ("votes_against", "votesAgainst"),
                ("abstentions", "abstentions"),
            ):
                if key in entry:
                    b.add(G, event, kr + prop, lit(int(entry[key])))
            if "ends" in entry:
                b.add(G, event, kr + "ends", b.iris.event(entry["ends"]))
            if "note" in entry:
                b.add(G, event, RDFS + "comment", lit(entry["note"], lang="en"))
            b.claim(
                G,
                claimant=self.ex.wikipedia,
                about=event,
                evidence=loc,
                date=dates.parse(entry["date"]),
                date_text=entry["date"],
            )
        return len(self.spec.get("event", []))


__all__ = ["DOC", "Loc", "PositionExtractor", "ProseExtractor"]
