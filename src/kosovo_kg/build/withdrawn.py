"""graph/article, continued: the table of states "reported to have withdrawn" recognition, and
Serbia's March 2020 claim of 18 withdrawals with Kosovo's "fake news" reply.

The table's withdrawals are the article's claims with `kr:modality kr:ReportedOnly` and
`kr:hedge kr:Reported`: the article itself introduces them as reported (its section title,
"Countries which have recognised Kosovo but have subsequently been reported to have withdrawn
recognition", and its first sentence); docs/perspectives.md says what that makes of them.
"""

from __future__ import annotations

import re

from kosovo_kg import dates
from kosovo_kg.build.article import ArticleExtractor, G
from kosovo_kg.build.seed import Table
from kosovo_kg.build.stage import Sources
from kosovo_kg.graph import GraphBuilder, date_literal, lit
from kosovo_kg.registry import Entity
from kosovo_kg.sources import SourceError

WITHDRAWN = "withdrawn recognition"  # in the table's section title


def add_to(b: GraphBuilder, sources: Sources) -> None:
    ex = sources.the_article()
    table = next(t for t in ex.article.tables if WITHDRAWN in t.section[-1])
    withdrawals = withdrawn_table(ex, table)
    serbia_claim(ex, withdrawals)
    sources.report.facts["withdrawn_rows"] = len(withdrawals)


def withdrawn_table(ex: ArticleExtractor, table: Table) -> list[str]:
    """The rows of the withdrawn table: a recognition and a withdrawal the article only reports
    (\"reported to have withdrawn\"), each with its dates as printed."""
    b, kr = ex.b, ex.kr
    events: list[str] = []
    for row in table.rows:
        cells = row.cells
        if cells and cells[0] == "Recognition":
            continue  # second header row
        label, code, rec_text, wd_text = cells[0], cells[1], cells[2], cells[3]
        membership = "; ".join(c for c in cells[4:] if c)
        res = ex.reg.resolve(code)
        if res.entity is None:
            raise SourceError(ex.article.path, res.problem or "blank country", row.line)
        entity = res.entity
        ex.check_seed_code(row.line, code, entity)
        loc = ex.loc(
            "withdrawn",
            table.section_path,
            row.line,
            row_label=label,
            printed_code=code,
            code_system=res.system,
            membership=membership or None,
        )
        rec = ex.recognition(entity)
        wd = ex.withdrawal(entity, rec)
        # the recognition as the article states it, the withdrawal as the article reports it
        for event, text, reported in ((rec, rec_text, False), (wd, wd_text, True)):
            b.claim(
                G,
                claimant=ex.wikipedia,
                about=event,
                evidence=loc,
                date=ex.dated(text, ex.article.path, row.line),
                date_text=text or None,
                modality="ReportedOnly" if reported else "Asserted",
                extra=[(kr + "hedge", kr + "Reported" if reported else None)],
            )
        events.append(wd)
    return events


def serbia_claim(ex: ArticleExtractor, table_withdrawals: list[str]) -> None:
    """Serbia's March 2020 claim of 18 withdrawals, and Kosovo's 'fake news' reply."""
    b, kr, reg = ex.b, ex.kr, ex.reg
    quote = (
        "The Serbian Foreign Ministry claimed in March 2020 that a total of 18 "
        "countries had withdrawn their recognition"
    )
    loc = ex.quote_loc(quote)
    srb = reg.agent_iri("serbia-mfa")
    made = dates.parse("March 2020")
    named_quote = "Grenada, Guinea-Bissau, Liberia, Palau, São Tomé and Príncipe, and Suriname"
    named_loc = ex.quote_loc(named_quote)
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
        known = [b.iris.event(s) for s in b.events_with_prefix(f"{entity.code}-XKX-withdrawal-")]
        live = [wd for wd in known if wd not in ex.annulled]
        if len(live) == 1:
            wd = live[0]
        else:
            wd = ex.withdrawal(entity, ex.recognition(entity), len(known) + 1)
        b.claim(G, claimant=srb, about=wd, evidence=named_loc, made=made)
    fake_quote = (
        "In some of those cases, Kosovo's foreign ministry has called it "
        '"fake news" and "Serbian propaganda".'
    )
    fake_loc = ex.quote_loc(fake_quote)
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
            (kr + "positionOn", ex.xkx),
            (kr + "characterisation", lit("fake news", lang="en")),
            (kr + "characterisation", lit("Serbian propaganda", lang="en")),
            (kr + "note", lit("The article does not say which of the cases.")),
        ],
    )
