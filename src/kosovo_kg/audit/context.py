"""What one audit run computes once and passes on to every section.

`Context` reads the perspective facts, the predefined perspectives and every state's timeline in
each of them, the labels of every node, and the members of each organisation with the dates
they joined, once per `run_audit`; the sections (`figures`, `counts`, `editions`) take it.

Members at a past date. The bundled memberships table (data/sources/reference/memberships.csv)
lists today's members, with a joining date where its source gives one (a UN admission year, an
EU accession cohort, "<=1986" for the EU's first twelve, three NATO dates, none for the OIC).
At a day before the audit date, a member is one for sure when it joined by then (the last day
its joining date allows), not one when it joined after, and unknown when no source dates its
joining or the date straddles the day. Nothing is filled in: an undated joining stays unknown.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kosovo_kg import dates
from kosovo_kg import perspective as pv
from kosovo_kg.audit.core import label_map, prologue
from kosovo_kg.store import select_rows
from kosovo_kg.vocab import Iris

# "<=1986 (EU12 cohort: ...)": joined no later than that year (the table's own words)
_NO_LATER = re.compile(r"^<=\s*(\d{4})\b")


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def joining_days(
    lo: str | None, hi: str | None, text: str | None
) -> tuple[dt.date | None, dt.date | None]:
    """(earliest, latest) day a membership claim dates the joining to; (None, None) if none."""
    if lo or hi:
        return _day(lo), _day(hi)
    match = _NO_LATER.match(text or "")
    if match:
        return None, dates.parse(match[1]).latest
    return None, None


@dataclass(frozen=True)
class Members:
    """One organisation's members at some days: for sure, and possibly (unknown included)."""

    definite: frozenset[str]
    possible: frozenset[str]
    others: int = 0  # members that are not states (the EU in the G20): in totals, never counted

    @property
    def unknown(self) -> frozenset[str]:
        return self.possible - self.definite


class Context:
    """Facts, perspectives, timelines, labels and memberships, computed once per audit."""

    def __init__(
        self, store: object, iris: Iris, today: dt.date, labels: dict[str, str] | None = None
    ) -> None:
        self.store, self.iris, self.today = store, iris, today
        self.facts = pv.load_facts(store, iris)
        self.views = pv.predefined(self.facts)
        self.timelines = {
            name: {s: pv.timeline(self.facts, view, s) for s in sorted(self.facts.states)}
            for name, view in self.views.items()
        }
        pre = prologue(iris)
        self.labels = labels if labels is not None else label_map(store, iris)
        # org -> code -> (earliest, latest) joining day; (None, None) when no source dates it
        self.joined: dict[str, dict[str, tuple[dt.date | None, dt.date | None]]] = {}
        self.others: dict[str, set[str]] = {}
        for r in select_rows(
            store,
            pre
            + """SELECT ?org ?s ?code ?lo ?hi ?text WHERE {
              ?e a kr:MembershipAdmission ; kr:actor ?s ; kr:organisation ?org .
              OPTIONAL { ?s kr:iso3 ?code }
              OPTIONAL { ?c kr:about ?e . OPTIONAL { ?c kr:earliest ?lo }
                         OPTIONAL { ?c kr:latest ?hi } OPTIONAL { ?c kr:statedDateText ?text } } }""",
        ):
            if r["code"] is None:  # an organisation as a member: part of the printed totals
                self.others.setdefault(r["org"], set()).add(r["s"])
                continue
            found = joining_days(r["lo"], r["hi"], r["text"])
            known = self.joined.setdefault(r["org"], {}).get(r["code"], (None, None))
            self.joined[r["org"]][r["code"]] = known if known != (None, None) else found
        self.members = {org: set(codes) for org, codes in self.joined.items()}
        self._speaks: dict[str, str] = {}

    def perspective_of(self, claimant: str) -> str:
        """The predefined perspective a claimant speaks for: its side's, the article's, or all."""
        if claimant not in self._speaks:
            name = "article" if claimant == self.facts.article_agent else "all"
            for side, state in (("kosovo", "XKX"), ("serbia", "SRB")):
                if claimant in pv.side_claimants(self.facts, self.facts.iris.state(state)):
                    name = side
                    break
            self._speaks[claimant] = name
        return self._speaks[claimant]

    def count_at(self, name: str, day: dt.date) -> pv.Count:
        return pv.count_at(self.facts, self.views[name], day, self.timelines[name])

    def status_at(self, name: str, day: dt.date) -> dict[str, pv.StateStatus]:
        return pv.status_at(self.facts, self.views[name], day, self.timelines[name])

    def members_between(self, org: str, lo: dt.date, hi: dt.date) -> Members:
        """The organisation's members throughout lo..hi (definite) and at some day of it
        (possible). At the audit date the table's members are the members; before it, see the
        module docstring."""
        joined, others = self.joined.get(org, {}), len(self.others.get(org, ()))
        if lo >= self.today:
            return Members(frozenset(joined), frozenset(joined), others)
        definite = {c for c, (_, last) in joined.items() if last is not None and last <= lo}
        possible = {c for c, (first, _) in joined.items() if first is None or first <= hi}
        return Members(frozenset(definite), frozenset(possible | definite), others)
