"""graph/article: every table row and the dated prose of the article, each with its evidence.

Claimant for what the article states in its own voice: `agent:wikipedia`. Where the article
attributes a statement (Serbia's foreign ministry, Kosovo, third-party sources, a state's own
position), that party is the claimant and the article is only where the claim was read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kosovo_kg import dates
from kosovo_kg.build.events import recognition_event, withdrawal_event
from kosovo_kg.build.reference import membership_event
from kosovo_kg.build.seed import Article, Row, Table, parse_article
from kosovo_kg.build.stage import Sources
from kosovo_kg.graph import GraphBuilder, Loc, lit
from kosovo_kg.registry import Entity, Registry
from kosovo_kg.report import BuildReport
from kosovo_kg.sources import CsvRow, Manifest, SourceError, read_csv
from kosovo_kg.vocab import PROV

G = "article"
DOC = "article"
RECOGNISED = "Countries which have recognised Kosovo as an independent state"
_ORDER = re.compile(r"^(\d+)(?:[–-](\d+))?$")
_YESNO = {"Yes", "No"}
_MEMBERSHIP_TOKENS = {"EU", "NATO", "OIC", "IOC"}
_WITHDRAWN = re.compile(r"Recognition withdrawn (?P<w>\d{1,2} \w+ \d{4})")
_RESUMED = re.compile(r"resumed (?P<r>\d{1,2} \w+ \d{4})")
_ANNULLED = re.compile(r"withdrawal was annulled (?P<a>\d{1,2} \w+ \d{4})")


@dataclass
class RowFacts:
    line: int
    label: str  # order label as printed ("2–8"), inherited by continuation rows
    order: tuple[int, int] | None
    code: str
    date_text: str
    relations: str | None
    membership: str


def parse_recognition_row(row: Row, group_label: str) -> RowFacts:
    """Normalise the export's shifted rows: order, code, date, relations, membership."""
    cells = list(row.cells)
    label = group_label
    if cells and _ORDER.match(cells[0]):
        label = cells.pop(0)
    m = _ORDER.match(label)
    order = (int(m.group(1)), int(m.group(2) or m.group(1))) if m else None
    code = cells[0] if cells else ""
    date_text = cells[1] if len(cells) > 1 else ""
    relations = next((c for c in cells[2:] if c in _YESNO), None)
    rest = cells[2:]
    if relations is not None:
        rest = rest[rest.index(relations) + 1 :]
    membership = "; ".join(c for c in rest if c)
    return RowFacts(row.line, label, order, code, date_text, relations, membership)


def add_to(b: GraphBuilder, sources: Sources) -> None:
    """The seed article's two recognition tables (UN members, then the others); the extractor
    stays on `sources.article` for the stages that read the rest of the article."""
    article = parse_article(sources.path("article"))
    identifications = {
        (r["table"], int(r["line"])): r
        for r in read_csv(
            sources.curated / "row_identifications.csv", ("table", "line", "entity", "basis")
        )
    }
    seed_codes = {int(r["seed_line"]): r for r in read_csv(sources.path("seed-codes"))}
    members: dict[str, set[str]] = {}
    for row in read_csv(sources.path("memberships")):
        members.setdefault(row["organisation"], set()).add(row["iso3"])
    ex = ArticleExtractor(
        b,
        sources.registry,
        article,
        sources.report,
        identifications,
        reference_locator(b, sources.manifest),
        members,
        seed_codes,
    )
    sources.article = ex
    un_table, non_un_table = [t for t in article.tables if RECOGNISED in t.section][:2]
    ex.recognition_table(un_table, "un-recognitions")
    ex.recognition_table(non_un_table, "non-un-recognitions")
    sources.report.facts.update(
        {
            "recognition_rows_un": len(ex.rows["un-recognitions"]),
            "recognition_rows_non_un": len(ex.rows["non-un-recognitions"]),
            "unidentified_rows": len(ex.unidentified),
        }
    )


def reference_locator(b: GraphBuilder, manifest: Manifest) -> Callable[[CsvRow, str], str]:
    """Find a quote in a reference file; return (and emit) the location of its line."""

    def locate(row: CsvRow, quote: str) -> str:
        source = manifest.get(row["evidence_source"], verify=False)
        text = source.path.read_text(encoding="utf-8").split("\n")
        hits = [i for i, line in enumerate(text, start=1) if quote in line]
        if len(hits) != 1:
            raise SourceError(
                "data/curated/row_identifications.csv",
                f"evidence quote found {len(hits)} times in {source.path.name}; need exactly once",
                row.line,
            )
        return b.location("reference", Loc(source.id, source.path.name, hits[0], quote=quote))

    return locate


class ArticleExtractor:
    def __init__(
        self,
        b: GraphBuilder,
        reg: Registry,
        article: Article,
        report: BuildReport,
        identifications: dict[tuple[str, int], CsvRow],
        locate_reference: Callable[[CsvRow, str], str],
        members: dict[str, set[str]],
        seed_codes: dict[int, CsvRow],
    ) -> None:
        self.b, self.reg, self.article, self.report = b, reg, article, report
        self.ids = identifications
        self.locate_reference = locate_reference
        self.members = members
        self.seed_codes = seed_codes
        self.kr = b.kr
        self.wikipedia = reg.agent_iri("wikipedia")
        self.xkx = reg.get("XKX").iri
        self.rows: dict[str, list[tuple[RowFacts, Entity]]] = {}
        self.annulled: set[str] = set()
        self.unidentified: list[str] = []

    # -- helpers -------------------------------------------------------------------------
    def loc(self, table: str, section: str, line: int, **kw) -> str:
        return self.b.location(G, Loc(DOC, section, line, table, **kw))

    def quote_loc(self, quote: str) -> str:
        para = self.article.find(quote)
        return self.b.location(G, Loc(DOC, para.section_path, para.line, quote=quote))

    def identify(self, table: str, line: int, loc: str) -> Entity | None:
        """Identify a row whose printed code is blank or unknown from the curated table."""
        row = self.ids.get((table, line))
        if row is None:
            return None
        entity = self.reg.get(row["entity"])
        kr, b = self.kr, self.b
        node = loc + "/identification"
        b.typed(G, node, kr + "RowIdentification")
        b.add(G, loc, kr + "rowIdentification", node)
        b.add(G, node, kr + "identifiedAs", entity.iri)
        b.add(G, node, kr + "identificationBasis", kr + row["basis"])
        b.add(G, node, kr + "note", lit(row["note"]))
        quote = row["evidence_quote"]
        if row["evidence_source"] == "article":
            text = self.article.lines[line - 1]
            if quote not in text:
                raise SourceError(
                    "data/curated/row_identifications.csv",
                    f"evidence {quote!r} does not occur in article line {line}",
                    row.line,
                )
            b.add(G, node, PROV + "wasDerivedFrom", loc)
        else:
            b.add(G, node, PROV + "wasDerivedFrom", self.locate_reference(row, quote))
        return entity

    def unidentified_entity(self, table: str, label: str) -> Entity:
        slug = f"unidentified-{table}-{label}".replace("–", "-")
        iri = self.b.iris.entity(slug)
        kr = self.kr
        self.b.typed(G, iri, kr + "UnidentifiedEntity", kr + "PoliticalEntity", PROV + "Agent")
        self.b.label(G, iri, f"Unidentified state ({table} row {label})")
        self.unidentified.append(iri)
        return Entity(slug, iri, f"unidentified {label}", "UnidentifiedEntity", None)  # type: ignore[arg-type]

    def recognition(self, entity: Entity, n: int = 1) -> str:
        return recognition_event(self.b, G, entity, self.xkx, n)

    def withdrawal(self, entity: Entity, recognition: str, n: int = 1) -> str:
        return withdrawal_event(self.b, G, entity, self.xkx, recognition, n)

    def dated(self, text: str, path: Path | str, line: int) -> dates.PartialDate | None:
        date = dates.try_parse(text)
        if text and date is None:
            self.report.warn(path, line, f"unparseable date {text!r} kept as text only")
        return date

    # -- recognition tables ----------------------------------------------------------------
    def recognition_table(self, table: Table, slug: str) -> None:
        kr, b = self.kr, self.b
        group = ""
        for row in table.rows:
            facts = parse_recognition_row(row, group)
            group = facts.label
            res = self.reg.resolve(facts.code)
            loc = self.loc(
                slug,
                table.section_path,
                row.line,
                row_label=facts.label,
                printed_code=facts.code,
                code_system=res.system,
                membership=facts.membership or None,
            )
            entity = res.entity
            if entity is None:
                if res.problem:
                    self.report.warn(self.article.path, row.line, res.problem)
                entity = self.identify(slug, row.line, loc)
            else:
                b.add(G, loc, kr + "rowIdentification", loc + "/identification")
                b.typed(G, loc + "/identification", kr + "RowIdentification")
                b.add(G, loc + "/identification", kr + "identifiedAs", entity.iri)
                b.add(G, loc + "/identification", kr + "identificationBasis", kr + "PrintedCode")
            if entity is None:
                self.report.warn(
                    self.article.path,
                    row.line,
                    f"row {facts.label}: no source identifies the state; kept as unidentified",
                )
                entity = self.unidentified_entity(slug, facts.label)
            self.check_seed_code(row.line, facts.code, entity)
            self.rows.setdefault(slug, []).append((facts, entity))
            date = self.dated(facts.date_text, self.article.path, row.line)
            order = facts.order or (None, None)
            rec = self.recognition(entity)
            b.claim(
                G,
                claimant=self.wikipedia,
                about=rec,
                evidence=loc,
                date=date,
                date_text=facts.date_text or None,
                extra=[
                    (kr + "orderFrom", lit(order[0]) if order[0] else None),
                    (kr + "orderTo", lit(order[1]) if order[1] else None),
                ],
            )
            if facts.relations:
                rel = b.event(
                    G,
                    f"{entity.code}-XKX-relations-1",
                    "DiplomaticRelations",
                    actor=entity.iri,
                    target=self.xkx,
                    label=f"Diplomatic relations between {entity.name} and Kosovo",
                )
                stance = "Affirms" if facts.relations == "Yes" else "Denies"
                b.claim(G, claimant=self.wikipedia, stance=stance, about=rel, evidence=loc)
            self.memberships(facts, entity, loc)
            self.status_notes(facts, entity, rec, table)

    def memberships(self, facts: RowFacts, entity: Entity, loc: str) -> None:
        if entity.iso3 is None:
            return
        printed = {t.strip() for t in re.split(r"[;,]", facts.membership)} & _MEMBERSHIP_TOKENS
        reference = {org for org, isos in self.members.items() if entity.iso3 in isos}
        for token in sorted(printed):
            org = token
            if token == "IOC":
                if "OIC" in reference:
                    org = "OIC"
                    self.report.discrepancy(
                        self.article.path,
                        facts.line,
                        f"{entity.iso3}: membership printed 'IOC' where OIC is meant "
                        "(the state is in the reference OIC list); reconciled to OIC",
                    )
                else:
                    self.report.discrepancy(
                        self.article.path,
                        facts.line,
                        f"{entity.iso3}: membership printed 'IOC', and the state is not in the "
                        "reference OIC list; kept as printed only",
                    )
                    continue
            elif org not in reference:
                self.report.discrepancy(
                    self.article.path,
                    facts.line,
                    f"{entity.iso3}: membership {org} printed but not in the reference list",
                )
            event = membership_event(self.b, self.reg, entity.iso3, org.lower())
            self.b.claim(G, claimant=self.wikipedia, about=event, evidence=loc)
        for org in sorted(reference & {"EU", "NATO", "OIC"}):
            if org not in printed and not (org == "OIC" and "IOC" in printed):
                self.report.discrepancy(
                    self.article.path,
                    facts.line,
                    f"{entity.iso3}: reference lists {org} membership; the row does not print it",
                )

    def status_notes(self, facts: RowFacts, entity: Entity, rec: str, table: Table) -> None:
        """Withdrawal / resumption / annulment stated in a row's note."""
        note = facts.membership
        m = _WITHDRAWN.search(note)
        if not m:
            return
        b = self.b
        sentence = note[m.start() :].split(". ")[0].rstrip(".") + "."
        loc = self.loc(
            "un-recognitions", table.section_path, facts.line, row_label=facts.label, quote=sentence
        )
        wd = self.withdrawal(entity, rec)
        when = dates.parse(m.group("w"))
        b.claim(
            G, claimant=self.wikipedia, about=wd, evidence=loc, date=when, date_text=m.group("w")
        )
        if r := _RESUMED.search(note):
            self._noted_event(
                entity, "resumption", "Resumption", "follows", wd, loc, r.group("r"),
                f"Resumption of recognition by {entity.name}",
            )  # fmt: skip
        if a := _ANNULLED.search(note):
            self._noted_event(
                entity, "annulment", "Annulment", "annuls", wd, loc, a.group("a"),
                f"Annulment of {entity.name}'s withdrawal of recognition",
            )  # fmt: skip
            self.annulled.add(wd)

    def _noted_event(
        self, entity: Entity, kind: str, cls: str, link: str, withdrawal: str, loc: str,
        printed: str, label: str,
    ) -> str:  # fmt: skip
        """An event that a row's note dates and links to its withdrawal, claimed by the article."""
        event = self.b.event(
            G, f"{entity.code}-XKX-{kind}-1", cls, actor=entity.iri, target=self.xkx, label=label
        )
        self.b.add(G, event, self.kr + link, withdrawal)
        self.b.claim(G, claimant=self.wikipedia, about=event, evidence=loc,
                     date=dates.parse(printed), date_text=printed)  # fmt: skip
        return event

    def check_seed_code(self, line: int, code: str, entity: Entity) -> None:
        ref = self.seed_codes.get(line)
        if ref is None:
            self.report.warn(self.article.path, line, "line not in reference seed_codes.csv")
            return
        if ref["iso3"] and ref["iso3"] != (entity.iso3 or ""):
            self.report.discrepancy(
                "seed_codes.csv",
                ref.line,
                f"code {code!r}: reference resolves to {ref['iso3']}, build to {entity.key}",
            )
        elif not ref["iso3"] and entity.iso3:
            self.report.discrepancy(
                "seed_codes.csv",
                ref.line,
                f"code {code!r} at article line {line}: reference leaves it unresolved; "
                f"identified as {entity.iso3} (see data/curated/row_identifications.csv)",
            )
