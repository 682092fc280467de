"""graph/article, continued: Kosovo's admissions to organisations and the votes about Kosovo that
the article prints, per the curated spec `data/curated/kosovo_memberships.toml`.

Each admission is a `kr:MembershipAdmission` (actor Kosovo, `kr:organisation` the organisation);
each vote a `kr:Vote` (`kr:organisation` the organisation, target Kosovo) with the figures as
printed. The claimant is always the article (`agent:wikipedia`): the organisation is an actor
of the event, never the claimant of the article's narration. Dates are the words printed in the
quote; an entry without a printed date stays undated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kosovo_kg import dates
from kosovo_kg.build.article import ArticleExtractor, G
from kosovo_kg.build.stage import Sources
from kosovo_kg.graph import GraphBuilder, lit
from kosovo_kg.sources import SourceError, read_toml
from kosovo_kg.vocab import RDFS

FIGURES = (
    ("votes_for", "votesFor"),
    ("votes_against", "votesAgainst"),
    ("abstentions", "abstentions"),
)


def add_to(b: GraphBuilder, sources: Sources) -> None:
    spec = sources.curated / "kosovo_memberships.toml"
    memberships = MembershipExtractor(sources.the_article(), read_toml(spec), spec)
    memberships.run()
    sources.report.facts.update(
        {"kosovo_admissions": memberships.admissions, "votes_about_kosovo": memberships.votes}
    )


class MembershipExtractor:
    """Kosovo's admissions and the votes about it: events with the article's claims."""

    def __init__(self, ex: ArticleExtractor, spec: dict[str, Any], spec_path: Path) -> None:
        self.ex, self.spec, self.path = ex, spec, spec_path
        self.b, self.reg, self.kr = ex.b, ex.reg, ex.kr
        self.admissions = 0
        self.votes = 0

    def run(self) -> None:
        for entry in self.spec.get("admission", []):
            self.admission(entry)
        for entry in self.spec.get("vote", []):
            self.vote(entry)

    def _check(self, entry: dict[str, Any], key: str, where: str) -> None:
        if str(entry[key]) not in entry[where]:
            raise SourceError(
                self.path, f"{entry['id']}: {key} {entry[key]!r} not printed in {where}"
            )

    def _event(self, entry: dict[str, Any], cls: str) -> str:
        try:
            org = self.reg.org_iri(entry["org"])
        except KeyError as exc:
            raise SourceError(self.path, f"{entry['id']}: {exc.args[0]}") from None
        actor = self.ex.xkx if cls == "MembershipAdmission" else None
        target = self.ex.xkx if cls == "Vote" else None
        event = self.b.event(G, entry["id"], cls, actor=actor, target=target, label=entry["label"])
        self.b.add(G, event, self.kr + "organisation", org)
        if "note" in entry:
            self.b.add(G, event, RDFS + "comment", lit(entry["note"], lang="en"))
        return event

    def _claim(self, entry: dict[str, Any], event: str, extra: list) -> None:
        """The article's claim, dated by `date` read in `date_quote` (default: `quote`)."""
        date_quote = entry.get("date_quote", entry["quote"])
        date = None
        if "date" in entry:
            self._check(entry, "date", "date_quote" if "date_quote" in entry else "quote")
            date = dates.parse(entry["date"])
        evidence = [self.ex.quote_loc(q) for q in dict.fromkeys([entry["quote"], date_quote])]
        if "figures_quote" in entry:
            evidence.append(self.ex.quote_loc(entry["figures_quote"]))
        self.b.claim(
            G,
            claimant=self.ex.wikipedia,
            about=event,
            evidence=evidence,
            date=date,
            date_text=entry.get("date"),
            extra=extra,
        )

    def admission(self, entry: dict[str, Any]) -> str:
        event = self._event(entry, "MembershipAdmission")
        if "level" in entry:
            self._check(entry, "level", "quote")
            self.b.add(G, event, self.kr + "membershipLevel", lit(entry["level"]))
        ordinal = None
        if "ordinal" in entry:
            self._check(entry, "ordinal", "quote")
            ordinal = lit(int(entry["ordinal"]))
        self._claim(entry, event, [(self.kr + "ordinalClaimed", ordinal)])
        self.admissions += 1
        return event

    def vote(self, entry: dict[str, Any]) -> str:
        event = self._event(entry, "Vote")
        figures_in = "figures_quote" if "figures_quote" in entry else "quote"
        for key, prop in FIGURES:
            if key in entry:
                self._check(entry, key, figures_in)
                self.b.add(G, event, self.kr + prop, lit(int(entry[key])))
        if "adopted" in entry:
            self.b.add(G, event, self.kr + "adopted", lit(bool(entry["adopted"])))
        self._claim(entry, event, [])
        self.votes += 1
        return event
