"""graph/article: every table row and the dated prose of the article, each with its evidence.

Claimant for what the article states in its own voice: `agent:wikipedia`. Where the article
attributes a statement (Serbia's foreign ministry, Kosovo, third-party sources, a state's own
position), that party is the claimant and the article is only where the claim was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kosovo_kg import dates
from kosovo_kg.build.reference import membership_event
from kosovo_kg.build.seed import Article, Row, Table
from kosovo_kg.graph import GraphBuilder, Loc, date_literal, lit
from kosovo_kg.registry import Entity, Registry
from kosovo_kg.report import BuildReport
from kosovo_kg.sources import CsvRow, SourceError
from kosovo_kg.vocab import PROV

G = "article"
DOC = "article"
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


def recognition_event(b: GraphBuilder, graph: str, entity: Entity, target: str, n: int = 1) -> str:
    """The event `{ACTOR}-XKX-recognition-{n}` (shared by every extractor)."""
    return b.event(
        graph,
        f"{entity.code}-XKX-recognition-{n}",
        "Recognition",
        actor=entity.iri,
        target=target,
        label=f"Recognition of Kosovo by {entity.name}",
    )


def withdrawal_event(
    b: GraphBuilder, graph: str, entity: Entity, target: str, recognition: str, n: int = 1
) -> str:
    """The event `{ACTOR}-XKX-withdrawal-{n}`, withdrawing `recognition`."""
    iri = b.event(
        graph,
        f"{entity.code}-XKX-withdrawal-{n}",
        "Withdrawal",
        actor=entity.iri,
        target=target,
        label=f"Withdrawal of recognition of Kosovo by {entity.name}"
        + (f" ({n})" if n > 1 else ""),
    )
    b.add(graph, iri, b.kr + "withdraws", recognition)
    return iri


class ArticleExtractor:
    def __init__(
        self,
        b: GraphBuilder,
        reg: Registry,
        article: Article,
        report: BuildReport,
        identifications: dict[tuple[str, int], CsvRow],
        reference_locator,
        members: dict[str, set[str]],
        seed_codes: dict[int, CsvRow],
    ) -> None:
        self.b, self.reg, self.article, self.report = b, reg, article, report
        self.ids = identifications
        self.locate_reference = reference_locator
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

    # -- withdrawn table -------------------------------------------------------------------
    def withdrawn_table(self, table: Table) -> list[str]:
        b, kr = self.b, self.kr
        events: list[str] = []
        for row in table.rows:
            cells = row.cells
            if cells and cells[0] == "Recognition":
                continue  # second header row
            label, code, rec_text, wd_text = cells[0], cells[1], cells[2], cells[3]
            membership = "; ".join(c for c in cells[4:] if c)
            res = self.reg.resolve(code)
            if res.entity is None:
                raise SourceError(self.article.path, res.problem or "blank country", row.line)
            entity = res.entity
            self.check_seed_code(row.line, code, entity)
            loc = self.loc(
                "withdrawn",
                table.section_path,
                row.line,
                row_label=label,
                printed_code=code,
                code_system=res.system,
                membership=membership or None,
            )
            rec = self.recognition(entity)
            b.claim(
                G,
                claimant=self.wikipedia,
                about=rec,
                evidence=loc,
                date=self.dated(rec_text, self.article.path, row.line),
                date_text=rec_text or None,
            )
            wd = self.withdrawal(entity, rec)
            b.claim(
                G,
                claimant=self.wikipedia,
                about=wd,
                evidence=loc,
                date=self.dated(wd_text, self.article.path, row.line),
                date_text=wd_text or None,
                modality="ReportedOnly",
                extra=[(kr + "hedge", kr + "Reported")],
            )
            events.append(wd)
        return events

    def serbia_claim(self, table_withdrawals: list[str]) -> None:
        """Serbia's March 2020 claim of 18 withdrawals, and Kosovo's 'fake news' reply."""
        b, kr, reg = self.b, self.kr, self.reg
        quote = (
            "The Serbian Foreign Ministry claimed in March 2020 that a total of 18 "
            "countries had withdrawn their recognition"
        )
        loc = self.quote_loc(quote)
        srb = reg.agent_iri("serbia-mfa")
        made = dates.parse("March 2020")
        named_quote = "Grenada, Guinea-Bissau, Liberia, Palau, São Tomé and Príncipe, and Suriname"
        named_loc = self.quote_loc(named_quote)
        names = [n.strip() for n in re.split(r",\s*(?:and\s+)?", named_quote)]
        named: list[Entity] = [reg.get(n) for n in names]
        count = b.claim(
            G,
            claimant=srb,
            cls="CountClaim",
            evidence=[loc, named_loc],
            key="18",
            extra=[
                (kr + "claimedValue", lit(18)),
                (kr + "countCategory", kr + "Withdrawals"),
                (kr + "asOf", date_literal(made)),
            ],
            made=made,
        )
        for wd in table_withdrawals:
            b.claim(G, claimant=srb, about=wd, evidence=loc, made=made)
        for entity in named:
            b.add(G, count, kr + "namesEntity", entity.iri)
            # Serbia's list names the state, not the act: it joins the state's one known
            # withdrawal that still stands (Palau, 18 January 2019); where the only known
            # withdrawal was annulled (Guinea-Bissau, 2017), it must mean a later act.
            known = [
                b.iris.event(s) for s in b.events_with_prefix(f"{entity.code}-XKX-withdrawal-")
            ]
            live = [wd for wd in known if wd not in self.annulled]
            if len(live) == 1:
                wd = live[0]
            else:
                wd = self.withdrawal(entity, self.recognition(entity), len(known) + 1)
            b.claim(G, claimant=srb, about=wd, evidence=named_loc, made=made)
        fake_quote = (
            "In some of those cases, Kosovo's foreign ministry has called it "
            '"fake news" and "Serbian propaganda".'
        )
        fake_loc = self.quote_loc(fake_quote)
        b.claim(
            G,
            claimant=reg.agent_iri("kosovo-mfa"),
            stance="Denies",
            cls="Position",
            evidence=fake_loc,
            key="fake-news",
            extra=[
                (kr + "disputes", count),
                (kr + "positionText", lit(fake_quote, lang="en")),
                (kr + "positionOn", self.xkx),
                (kr + "characterisation", lit("fake news", lang="en")),
                (kr + "characterisation", lit("Serbian propaganda", lang="en")),
                (kr + "note", lit("The article does not say which of the cases.")),
            ],
        )
