"""Claimed counts against computed ones: every count claim in the graph, at its own date.

A count claim is a `kr:CountClaim` (Kosovo's 120 and 117, Serbia's 84 and its 18 withdrawals,
the article's figures, every count read in the news) or an ordinal a claimant attaches to a
recognition or a withdrawal ("the 108th state to recognise": a count of N at that date). For
each, at the claim's date (see `claim_day`), the claimant's perspective (`perspective_of`) gives
a [definite, possible] count within the claim's scope, and the difference is explained by the
states that make it (`explain`). The rules are in docs/audit.md; the perspectives in
docs/perspectives.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kosovo_kg import dates
from kosovo_kg import perspective as pv
from kosovo_kg.audit.core import is_true, local_name, prologue
from kosovo_kg.store import select_rows
from kosovo_kg.vocab import Iris

EVER = (pv.RECOGNISES, pv.WITHDRAWN)  # statuses a state can only have after recognising
EXPLAIN_LIMIT = 12  # states named per reason in the text report (all of them in --json)


# -- the claims -------------------------------------------------------------------------------


def count_claims(store: object, iris: Iris) -> list[dict[str, Any]]:
    """Every count claim and every ordinal on a recognition or withdrawal, one row per claim
    and date it gives (a claim merged across documents may carry two; it is then taken as made
    no later than the latest day it was made)."""
    pre = prologue(iris)
    rows = select_rows(
        store,
        pre
        + """SELECT ?c ?claimant ?value ?category ?scope ?asOf (MAX(?m) AS ?made) ?approx
                  (MIN(?q) AS ?quote) WHERE {
          ?c a kr:CountClaim ; kr:claimant ?claimant ; kr:claimedValue ?value .
          OPTIONAL { ?c kr:countCategory ?category } OPTIONAL { ?c kr:countScope ?scope }
          OPTIONAL { ?c kr:asOf ?asOf } OPTIONAL { ?c kr:claimMadeOn ?m }
          OPTIONAL { ?c kr:approximate ?approx }
          OPTIONAL { ?c kr:evidence/oa:hasSelector/oa:exact ?q } }
        GROUP BY ?c ?claimant ?value ?category ?scope ?asOf ?approx""",
    )
    out = [
        {
            "claim": r["c"],
            "kind": "count",
            "claimant": r["claimant"],
            "value": int(r["value"]),
            "category": local_name(r["category"]) or "RecognisingStates",
            "scope": r["scope"],
            "date": r["asOf"] or r["made"],
            "date_is": "as of" if r["asOf"] else "claim made" if r["made"] else None,
            "made": r["made"],
            "approximate": is_true(r["approx"]),
            "quote": r["quote"],
        }
        for r in rows
    ]
    rows = select_rows(
        store,
        pre
        + """SELECT ?c ?claimant ?value ?kind ?e ?code ?stated (MAX(?m) AS ?made)
               (MIN(?q) AS ?quote) WHERE {
          VALUES ?kind { kr:Recognition kr:Withdrawal }
          ?c kr:ordinalClaimed ?value ; kr:claimant ?claimant ; kr:about ?e . ?e a ?kind .
          ?e kr:actor/kr:iso3 ?code .
          OPTIONAL { ?c kr:statedDate ?stated } OPTIONAL { ?c kr:claimMadeOn ?m }
          OPTIONAL { ?c kr:evidence/oa:hasSelector/oa:exact ?q } }
        GROUP BY ?c ?claimant ?value ?kind ?e ?code ?stated""",
    )
    for r in rows:
        out.append(
            {
                "claim": r["c"],
                "kind": "ordinal",
                "claimant": r["claimant"],
                "value": int(r["value"]),
                "category": "Withdrawals"
                if r["kind"].endswith("Withdrawal")
                else "RecognisingStates",
                "scope": None,
                "date": r["stated"] or r["made"],
                "date_is": "event date" if r["stated"] else "claim made" if r["made"] else None,
                "made": r["made"],
                "approximate": False,
                "quote": r["quote"],
                "event": r["e"],
                "state": r["code"],
            }
        )
    out.sort(key=lambda c: (c["date"] or "9999", c["claim"]))
    return out


def _parse(text: str | None) -> dates.PartialDate | None:
    try:
        return dates.parse(text) if text else None
    except ValueError:
        return None


def claim_days(
    claim: dict[str, Any],
    today: dt.date,
    event: tuple[dt.date | None, dt.date | None] = (None, None),
) -> tuple[dt.date, dt.date]:
    """The days a claim's count is computed between: its date's first and last day (a month,
    a year), the last no later than the last day the claim was made nor than the audit date.
    An ordinal without a date of its own takes the event's dates in the perspective. A claim
    with no date at all is counted at the audit date."""
    own = _parse(claim["date"]) if claim["date_is"] != "claim made" else None
    made = _parse(claim["made"])
    lo, hi = (own.earliest, own.latest) if own else event
    basis = claim["date_is"] if own else "the event's dates in the perspective"
    if lo is None and hi is None:
        basis = "claim made" if made else "no date: the audit date"
        if made is not None:
            lo = hi = made.latest
    hi = min(d for d in (hi, made.latest if made else None, today) if d is not None)
    lo = hi if lo is None or lo > hi else lo
    return lo, hi, basis


def perspective_of(facts: pv.Facts, claimant: str) -> str:
    """The predefined perspective a claimant speaks for: its side's, the article's, or all."""
    for name, state in (("kosovo", "XKX"), ("serbia", "SRB")):
        if claimant in pv.side_claimants(facts, facts.iris.state(state)):
            return name
    return "article" if claimant == facts.article_agent else "all"


# -- counting at a day --------------------------------------------------------------------------


class Counts:
    """Each perspective's timelines, computed once; counts at any day from them."""

    def __init__(self, facts: pv.Facts, members: dict[str, set[str]]) -> None:
        self.facts, self.members = facts, members
        self.views = pv.predefined(facts)
        self.timelines = {
            name: {s: pv.timeline(facts, view, s) for s in sorted(facts.states)}
            for name, view in self.views.items()
        }
        self._cache: dict[tuple[str, dt.date, str], tuple[set[str], set[str]]] = {}
        self.event_bounds = {
            (name, t.event): (t.earliest, t.latest)
            for name, by_state in self.timelines.items()
            for periods in by_state.values()
            for period in periods
            for t in period.events
        }

    def over(
        self, name: str, claim: dict[str, Any], lo: dt.date, hi: dt.date
    ) -> tuple[set[str], set[str]]:
        """(definitely counted throughout lo..hi, possibly counted at some day of it), within
        the claim's scope (the definite set at both ends, the possible set at either end). For
        "the Nth", the definite set is the states counted before its first day, plus itself."""
        scope = self.universe(claim["scope"])
        category = claim["category"]
        d_hi, p_hi = self.count(name, hi, category)
        start = lo - dt.timedelta(days=1) if claim["kind"] == "ordinal" else lo
        d_lo, p_lo = self.count(name, start, category)
        definite = d_lo & d_hi
        if claim["kind"] == "ordinal" and claim["state"] in d_hi:
            definite |= {claim["state"]}
        return definite & scope, (p_lo | p_hi | definite) & scope

    def universe(self, scope: str | None) -> set[str]:
        codes = {code for code, _ in self.facts.states.values()}
        return codes & self.members.get(scope, set()) if scope else codes

    def count(self, name: str, day: dt.date, category: str) -> tuple[set[str], set[str]]:
        """(definitely counted, possibly counted) state codes, over every state."""
        key = (name, day, category)
        if key not in self._cache:
            self._cache[key] = self._count(name, day, category)
        return self._cache[key]

    def _count(self, name: str, day: dt.date, category: str) -> tuple[set[str], set[str]]:
        definite: set[str] = set()
        possible: set[str] = set()
        for state, periods in self.timelines[name].items():
            code = self.facts.states[state][0]
            if category == "Withdrawals":  # states that have withdrawn by `day` (annulled: never)
                started = [p for p in periods[1:] if p.status == pv.WITHDRAWN]
                if any(p.start_latest and p.start_latest <= day for p in started):
                    definite.add(code)
                if any(p.start_earliest is None or p.start_earliest <= day for p in started):
                    possible.add(code)
                continue
            if category == "EverRecognisingStates":  # recognised by `day`, withdrawn or not
                first = next((p for p in periods[1:] if p.status in EVER), None)
                if first and first.start_latest and first.start_latest <= day:
                    definite.add(code)
                if first and (first.start_earliest is None or first.start_earliest <= day):
                    possible.add(code)
                continue
            status = pv.status_from_periods(self.facts, periods, day)
            if category == "NonRecognisingStates":
                definite |= {code} if not status.possibly_recognises else set()
                possible |= {code} if not status.definitely_recognises else set()
            else:
                definite |= {code} if status.definitely_recognises else set()
                possible |= {code} if status.possibly_recognises else set()
        return definite, possible


def explain(
    counter: Counts, claim: dict[str, Any], name: str, lo: dt.date, hi: dt.date
) -> dict[str, Any]:
    """The states that make the difference between the claimed number and [definite, possible]:
    `uncertain` (possibly but not definitely counted), and when the claim is outside the range,
    `missing` (counted, at least possibly, by another perspective but not by this one) or
    `contested` (counted definitely here but not by every other perspective), and, for a count
    without a scope, `not_un_members` (counted here, not members of the UN); `unexplained` is
    what no such state accounts for (when below, `others_counted` lists the states it is among)."""
    scope = counter.universe(claim["scope"])
    definite, possible = counter.over(name, claim, lo, hi)
    others = {other: counter.over(other, claim, lo, hi) for other in counter.views if other != name}
    out: dict[str, Any] = {"uncertain": [{"state": c} for c in sorted(possible - definite)]}
    out["unexplained"] = 0
    if claim["value"] > len(possible):
        by = {c: sorted(o for o, (_, p) in others.items() if c in p) for c in scope - possible}
        out["missing"] = [{"state": c, "counted_by": by[c]} for c in sorted(by) if by[c]]
        gap = claim["value"] - len(possible) - len(out["missing"])
        out["unexplained"] = max(gap, 0)
    if claim["value"] < len(definite):
        by = {c: sorted(o for o, (d, _) in others.items() if c not in d) for c in definite}
        out["contested"] = [{"state": c, "not_counted_by": by[c]} for c in sorted(by) if by[c]]
        if claim["scope"] is None and counter.members.get(counter.facts.iris.org("un")):
            un = counter.members[counter.facts.iris.org("un")]
            out["not_un_members"] = [{"state": c} for c in sorted(definite - un)]
        named = {i["state"] for k in ("contested", "not_un_members") for i in out.get(k, [])}
        out["unexplained"] = max(len(definite) - claim["value"] - len(named), 0)
        if out["unexplained"]:  # the rest of the counted states, among which are the extra ones
            out["others_counted"] = [{"state": c} for c in sorted(definite - named)]
    return out


def claimed_vs_computed(
    store: object, iris: Iris, facts: pv.Facts, members: dict[str, set[str]], today: dt.date
) -> list[dict[str, Any]]:
    """One row per count claim (and date): claimed value, day, the claimant's perspective's
    [definite, possible] count in the claim's scope, and the states that explain a difference."""
    counter = Counts(facts, members)
    labels = {
        r["a"]: r["l"]
        for r in select_rows(
            store, prologue(iris) + "SELECT ?a (MIN(?x) AS ?l) { ?a rdfs:label ?x } GROUP BY ?a"
        )
    }
    copies = _edition_copies(store, iris)
    out = []
    for claim in count_claims(store, iris):
        name = perspective_of(facts, claim["claimant"])
        bounds = counter.event_bounds.get((name, claim.get("event", "")), (None, None))
        lo, hi, dated_by = claim_days(claim, today, bounds)
        computed = {
            view: [len(s) for s in counter.over(view, claim, lo, hi)] for view in counter.views
        }
        low, high = computed[name]
        value = claim["value"]
        out.append(
            {
                **claim,
                "claimant_label": labels.get(claim["claimant"]),
                **copies.get(claim["claim"], {}),
                "dated_by": dated_by,
                "from": lo.isoformat(),
                "to": hi.isoformat(),
                "perspective": name,
                "definite": low,
                "possible": high,
                "verdict": "within"
                if low <= value <= high
                else "above"
                if value > high
                else "below",
                "difference": 0
                if low <= value <= high
                else value - (high if value > high else low),
                "all_perspectives": computed,
                "explanation": explain(counter, claim, name, lo, hi),
            }
        )
    flag_shared_as_of(out)
    return out


def _edition_copies(store: object, iris: Iris) -> dict[str, dict[str, str]]:
    """claim -> the Wikipedia edition that makes it, and the copy and carrier it was read in."""
    rows = select_rows(
        store,
        prologue(iris)
        + """SELECT ?c (MIN(?n) AS ?edition) (MIN(?u) AS ?url) (MIN(?h) AS ?carrier)
        WHERE { ?c a kr:CountClaim ; kr:claimant ?e . ?e a kr:WikipediaEdition ; skos:altLabel ?n .
          OPTIONAL { ?c kr:evidence/oa:hasSource ?doc .
                     OPTIONAL { ?doc schema:url ?u } OPTIONAL { ?doc kr:carrier/rdfs:label ?h } }
        } GROUP BY ?c""",
    )
    return {
        r["c"]: {k: r[k] for k in ("edition", "url", "carrier") if r[k] is not None} for r in rows
    }


def flag_shared_as_of(rows: list[dict[str, Any]]) -> None:
    """Wikipedia figures whose printed as-of date is printed elsewhere with another figure (same
    date, category and scope) cannot be dated by it: each gets `as_of_shared_with`, the others."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for r in rows:
        if r.get("edition") and r["date_is"] == "as of":
            groups.setdefault((r["date"], r["category"], r["scope"]), []).append(r)
    for group in groups.values():
        if len({r["value"] for r in group}) < 2:
            continue
        for r in group:
            r["as_of_shared_with"] = [
                {"value": o["value"], "edition": o["edition"], "carrier": o.get("carrier")}
                for o in group
                if o["value"] != r["value"]
            ]


# -- text -----------------------------------------------------------------------------------------

SHORT = {"RecognisingStates": "recognising", "NonRecognisingStates": "not recognising",
         "Withdrawals": "withdrawn", "EverRecognisingStates": "ever recognised"}  # fmt: skip


def _states(items: list[dict[str, Any]], key: str | None = None) -> str:
    shown = [i["state"] + (f" ({','.join(i[key])})" if key else "") for i in items[:EXPLAIN_LIMIT]]
    more = f" (+{len(items) - EXPLAIN_LIMIT} more)" if len(items) > EXPLAIN_LIMIT else ""
    return " ".join(shown) + more


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def render_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The claimed-vs-computed table as text lines for `kosovo-kg audit`."""
    out = [
        "(days: the claim's date, from its first to its last day; definite..possible: the "
        "claimant's perspective in the claim's scope; within / above / below and by how much)"
    ]
    for r in rows:
        n = (
            _ordinal(r["value"])
            if r["kind"] == "ordinal"
            else f"{'~' * r['approximate']}{r['value']}"
        )
        scope = f" of {r['scope'].rsplit('/', 1)[-1]}" if r["scope"] else ""
        who = (r["claimant_label"] or r["claimant"].rsplit("/", 1)[-1])[:60]
        if r.get("edition"):
            who = r["edition"] + (f" via {r['carrier']}" if r.get("carrier") else "")
        diff = f" by {abs(r['difference'])}" if r["difference"] else ""
        date = f"{r['date']}, " if r["date"] else ""
        days = r["from"] if r["from"] == r["to"] else f"{r['from']}..{r['to']}"
        out.append(
            f"{days} {n} {SHORT.get(r['category'], r['category'])}{scope} [{who}; {date}{r['dated_by']}] "
            f"{r['perspective']} {r['definite']}..{r['possible']}: {r['verdict']}{diff}"
        )
        ex = r["explanation"]
        if r.get("as_of_shared_with"):
            others = ", ".join(
                f"{o['value']} ({o['edition']} via {o['carrier']})" for o in r["as_of_shared_with"]
            )
            out.append(f"    as-of date not trusted: also printed with {others}")
        if ex.get("missing"):
            out.append("    counted elsewhere, not here: " + _states(ex["missing"], "counted_by"))
        if ex.get("contested"):
            out.append(
                "    counted here, not everywhere: " + _states(ex["contested"], "not_counted_by")
            )
        if ex.get("not_un_members"):
            out.append("    counted here, not UN members: " + _states(ex["not_un_members"]))
        if ex["uncertain"]:
            out.append("    possibly, not definitely: " + _states(ex["uncertain"]))
        if ex["unexplained"] > 0:
            out.append(
                f"    {ex['unexplained']} more than any perspective counts: no claim in the graph"
                if r["verdict"] == "above"
                else f"    {ex['unexplained']} fewer, among the others counted here: "
                + _states(ex["others_counted"])
            )
    return out
