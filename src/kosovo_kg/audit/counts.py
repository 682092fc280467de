"""Claimed counts against computed ones: every count claim in the graph, at its own date.

A count claim is a `kr:CountClaim` (Kosovo's 120 and 117, Serbia's 84 and its 18 withdrawals,
the article's figures, every count read in the news or in a Wikipedia copy) or an ordinal a
claimant attaches to a recognition or a withdrawal ("the 108th state to recognise": a count of N
at that date). For each, at the claim's date (see `claim_days`), the claimant's perspective
(`Context.perspective_of`) gives a [definite, possible] count within the claim's scope, and the
difference is explained by the states that make it (`explain`). A claim printed as a range or a
bound ("more than 100", "from 112 to 115") is the range [low, high]; it agrees with the computed
count when the two ranges overlap. Within an organisation at a past date, the count is unknown
when it depends on members whose joining no source dates, or when the claim's printed total is
not the number of members the bundled table gives at that date (`Context.members_between`).
The rules are in docs/audit.md; the perspectives in docs/perspectives.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kosovo_kg import dates
from kosovo_kg import perspective as pv
from kosovo_kg.audit.context import Context, Members
from kosovo_kg.audit.core import is_true, local_name, prologue
from kosovo_kg.store import select_rows
from kosovo_kg.vocab import Iris

EVER = (pv.RECOGNISES, pv.WITHDRAWN)  # statuses a state can only have after recognising

COUNT_CLAIMS = """SELECT ?c ?claimant ?value ?gt ?ge ?le ?words ?outOf ?category ?scope ?asOf
       (MAX(?m) AS ?made) ?approx ?q WHERE {
  %s
  OPTIONAL { ?c kr:claimedValue ?value } OPTIONAL { ?c kr:minExclusive ?gt }
  OPTIONAL { ?c kr:minInclusive ?ge } OPTIONAL { ?c kr:maxInclusive ?le }
  OPTIONAL { ?c kr:valueText ?words } OPTIONAL { ?c kr:outOf ?outOf }
  OPTIONAL { ?c kr:countCategory ?category } OPTIONAL { ?c kr:countScope ?scope }
  OPTIONAL { ?c kr:asOf ?asOf } OPTIONAL { ?c kr:claimMadeOn ?m }
  OPTIONAL { ?c kr:approximate ?approx }
  OPTIONAL { ?c kr:evidence/oa:hasSelector/oa:exact ?q }
} GROUP BY ?c ?claimant ?value ?gt ?ge ?le ?words ?outOf ?category ?scope ?asOf ?approx ?q"""

ORDINALS = """SELECT ?c ?claimant ?value ?kind ?e ?code ?stated (MAX(?m) AS ?made)
       (MIN(?q) AS ?quote) WHERE {
  VALUES ?kind { kr:Recognition kr:Withdrawal }
  ?c kr:ordinalClaimed ?value ; kr:claimant ?claimant ; kr:about ?e . ?e a ?kind .
  ?e kr:actor/kr:iso3 ?code .
  OPTIONAL { ?c kr:statedDate ?stated } OPTIONAL { ?c kr:claimMadeOn ?m }
  OPTIONAL { ?c kr:evidence/oa:hasSelector/oa:exact ?q } }
GROUP BY ?c ?claimant ?value ?kind ?e ?code ?stated"""


def _org(claim: dict[str, Any]) -> str:
    return claim["scope"].rsplit("/", 1)[-1].upper()


def _int(text: str | None) -> int | None:
    return int(text) if text is not None else None


def count_claims(store: object, iris: Iris, graph: str | None = None) -> list[dict[str, Any]]:
    """Every `kr:CountClaim` (only those in `graph`, if given), one row per claim and as-of
    date (a claim merged across documents is taken as made no later than the latest day it was
    made). `value` is the printed number, or None when only bounds are printed; `low`..`high`
    is the range the claim allows (`high` None: no upper bound)."""
    where = "?c a kr:CountClaim ; kr:claimant ?claimant ."
    if graph is not None:
        where = f"GRAPH <{iris.graph(graph)}> {{ {where} }}"
    # one row per quote, joined here in sorted order: GROUP_CONCAT's order is the engine's, and
    # a quote may itself hold " | ", so a joined text could not be re-sorted
    quotes: dict[tuple[tuple[str, str | None], ...], set[str]] = {}
    for r in select_rows(store, prologue(iris) + COUNT_CLAIMS % where):
        key = tuple((k, v) for k, v in r.items() if k != "q")
        quotes.setdefault(key, set()).update([r["q"]] if r["q"] is not None else [])
    out = []
    for key, found in quotes.items():
        r = {**dict(key), "quote": " | ".join(sorted(found)) or None}
        value, more_than = _int(r["value"]), _int(r["gt"])
        low = value if value is not None else _int(r["ge"])
        if low is None:
            low = more_than + 1 if more_than is not None else 0
        out.append(
            {
                "claim": r["c"],
                "kind": "count",
                "claimant": r["claimant"],
                "value": value,
                "low": low,
                "high": value if value is not None else _int(r["le"]),
                "more_than": more_than,
                "words": r["words"],
                "out_of": _int(r["outOf"]),
                "category": local_name(r["category"]) or "RecognisingStates",
                "scope": r["scope"],
                "as_of": r["asOf"],
                "date": r["asOf"] or r["made"],
                "date_is": "as of" if r["asOf"] else "claim made" if r["made"] else None,
                "made": r["made"],
                "approximate": is_true(r["approx"]),
                "quote": r["quote"],
            }
        )
    return out


def ordinal_claims(store: object, iris: Iris) -> list[dict[str, Any]]:
    """Every ordinal on a recognition or a withdrawal ("the 108th"): a count of N at its date."""
    out = []
    for r in select_rows(store, prologue(iris) + ORDINALS):
        value = int(r["value"])
        out.append(
            {
                "claim": r["c"],
                "kind": "ordinal",
                "claimant": r["claimant"],
                "value": value,
                "low": value,
                "high": value,
                "out_of": None,
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
) -> tuple[dt.date, dt.date, str]:
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


# -- counting at a day --------------------------------------------------------------------------


class Counts:
    """Counts at any day from the context's timelines, each (perspective, day, category) once."""

    def __init__(self, ctx: Context) -> None:
        self.ctx, self.facts = ctx, ctx.facts
        self.codes = frozenset(code for code, _ in self.facts.states.values())
        self._cache: dict[tuple[str, dt.date, str], tuple[set[str], set[str]]] = {}
        self.event_bounds = {
            (name, t.event): (t.earliest, t.latest)
            for name, by_state in ctx.timelines.items()
            for periods in by_state.values()
            for period in periods
            for t in period.events
        }

    def members(
        self, claim: dict[str, Any], lo: dt.date, hi: dt.date
    ) -> tuple[Members | None, str | None]:
        """(members of the claim's scope over lo..hi, or None without a scope; why the count
        cannot be compared in it: the printed total is not what the bundled table gives)."""
        if claim["scope"] is None:
            return None, None
        members = self.ctx.members_between(claim["scope"], lo, hi)
        total, sure, maybe = (
            claim.get("out_of"),
            len(members.definite) + members.others,
            len(members.possible) + members.others,
        )
        if total is None or sure <= total <= maybe:
            return members, None
        known = f"{sure}" + (f"..{maybe}" if members.unknown else "")
        return members, (
            f"printed out of {total}, but the bundled table gives {known} {_org(claim)} members "
            "then: the claim counts among other members (the table lists today's members with "
            "the joining dates its sources give; a state that has left is not in it)"
        )

    def over(
        self, name: str, claim: dict[str, Any], lo: dt.date, hi: dt.date, members: Members | None
    ) -> tuple[set[str], set[str]]:
        """(definitely counted throughout lo..hi, possibly counted at some day of it), within
        the claim's scope (the definite set at both ends, the possible set at either end; a
        state counts definitely when it is a member for sure (`members`), possibly when it may be
        one; `members` is None for a claim without a scope). For
        "the Nth", the definite set is the states counted before its first day, plus itself."""
        category = claim["category"]
        d_hi, p_hi = self.count(name, hi, category)
        start = lo - dt.timedelta(days=1) if claim["kind"] == "ordinal" else lo
        d_lo, p_lo = self.count(name, start, category)
        definite = d_lo & d_hi
        if claim["kind"] == "ordinal" and claim["state"] in d_hi:
            definite |= {claim["state"]}
        possible = p_lo | p_hi | definite
        if claim["scope"] is None:
            return definite & self.codes, possible & self.codes
        return definite & members.definite, possible & members.possible

    def count(self, name: str, day: dt.date, category: str) -> tuple[set[str], set[str]]:
        """(definitely counted, possibly counted) state codes, over every state."""
        key = (name, day, category)
        if key not in self._cache:
            self._cache[key] = self._count(name, day, category)
        return self._cache[key]

    def _count(self, name: str, day: dt.date, category: str) -> tuple[set[str], set[str]]:
        definite: set[str] = set()
        possible: set[str] = set()
        for state, periods in self.ctx.timelines[name].items():
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
    counter: Counts, claim: dict[str, Any], name: str, computed: dict[str, tuple[set, set]]
) -> dict[str, Any]:
    """The states that make the difference between the claimed range [low, high] and
    [definite, possible] (`computed`: each perspective's sets, where known): `uncertain` (possibly but not
    definitely counted), and when the claim is outside the range, `missing` (counted, at least
    possibly, by another perspective but not by this one) or `contested` (counted definitely
    here but not by every other perspective), and, for a count without a scope,
    `not_un_members` (counted here, not members of the UN); `unexplained` is what no such state
    accounts for (when below, `others_counted` lists the states it is among)."""
    definite, possible = computed[name]
    others = {other: sets for other, sets in computed.items() if other != name}
    out: dict[str, Any] = {"uncertain": [{"state": c} for c in sorted(possible - definite)]}
    out["unexplained"] = 0
    low, high = claim["low"], claim["high"]
    if low > len(possible):
        scope = possible | {c for _, p in others.values() for c in p}
        by = {c: sorted(o for o, (_, p) in others.items() if c in p) for c in scope - possible}
        out["missing"] = [{"state": c, "counted_by": by[c]} for c in sorted(by) if by[c]]
        out["unexplained"] = max(low - len(possible) - len(out["missing"]), 0)
    if high is not None and high < len(definite):
        by = {c: sorted(o for o, (d, _) in others.items() if c not in d) for c in definite}
        out["contested"] = [{"state": c, "not_counted_by": by[c]} for c in sorted(by) if by[c]]
        un = counter.ctx.members.get(counter.facts.iris.org("un"))
        if claim["scope"] is None and un:
            out["not_un_members"] = [{"state": c} for c in sorted(definite - un)]
        named = {i["state"] for k in ("contested", "not_un_members") for i in out.get(k, [])}
        out["unexplained"] = max(len(definite) - high - len(named), 0)
        if out["unexplained"]:  # the rest of the counted states, among which are the extra ones
            out["others_counted"] = [{"state": c} for c in sorted(definite - named)]
    return out


def verdict(low: int, high: int | None, definite: int, possible: int) -> tuple[str, int]:
    """(within / above / below, by how much): the ranges [low, high] and [definite, possible]
    agree when they overlap."""
    if low > possible:
        return "above", low - possible
    if high is not None and high < definite:
        return "below", high - definite
    return "within", 0


def claimed_vs_computed(ctx: Context, copies: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """One row per count claim (and date): the claimed value or range, the days, the claimant's
    perspective's [definite, possible] count in the claim's scope (None when the members then
    are unknown: `members_unknown` says why), and the states that explain a difference.
    `copies`: claim -> the Wikipedia edition, copy URL and carrier it was read in."""
    counter = Counts(ctx)
    claims = count_claims(ctx.store, ctx.iris) + ordinal_claims(ctx.store, ctx.iris)
    claims.sort(key=lambda c: (c["date"] or "9999", c["claim"]))
    out = []
    for claim in claims:
        name = ctx.perspective_of(claim["claimant"])
        bounds = counter.event_bounds.get((name, claim.get("event", "")), (None, None))
        lo, hi, dated_by = claim_days(claim, ctx.today, bounds)
        members, why = counter.members(claim, lo, hi)
        sets = {view: counter.over(view, claim, lo, hi, members) for view in ctx.views}
        # a state possibly counted whose membership then no source dates: that count is unknown
        depends = {v: p & members.unknown if members else set() for v, (_, p) in sets.items()}
        row = {
            **claim,
            "claimant_label": ctx.labels.get(claim["claimant"]),
            **copies.get(claim["claim"], {}),
            "dated_by": dated_by,
            "from": lo.isoformat(),
            "to": hi.isoformat(),
            "perspective": name,
        }
        if members is not None:  # [sure, possible], non-state members included
            row["members"] = [len(m) + members.others for m in (members.definite, members.possible)]
        row["all_perspectives"] = {
            v: None if why or depends[v] else [len(d), len(p)] for v, (d, p) in sets.items()
        }
        if why is None and depends[name]:
            codes = sorted(depends[name])
            why = (
                f"the {name} perspective counts, at least possibly, {len(codes)} of today's "
                f"{_org(claim)} members whose joining no source we bundle dates to before or "
                "after then: "
                + " ".join(codes[:12])
                + (f" (+{len(codes) - 12} more)" if len(codes) > 12 else "")
            )
        if why is not None:  # members then unknown: no computed count, and why
            row.update(definite=None, possible=None, verdict="unknown", difference=None)
            row.update(members_unknown=why, explanation={"uncertain": [], "unexplained": 0})
            out.append(row)
            continue
        low, high = (len(s) for s in sets[name])
        said, by = verdict(claim["low"], claim["high"], low, high)
        row.update(definite=low, possible=high, verdict=said, difference=by)
        known = {v: sets[v] for v, counted in row["all_perspectives"].items() if counted}
        row["explanation"] = explain(counter, claim, name, known)
        out.append(row)
    return out
