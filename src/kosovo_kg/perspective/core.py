"""Perspectives: the status of every state toward Kosovo at a date, according to chosen claimants.

The rules are written down in `docs/perspectives.md`; this module implements them. In short:

- A perspective is a set of claimants (or every claimant). Its claims are those of its
  claimants, minus claims that one of its claims disputes (`kr:disputes`).
- An event (recognition, resumption, withdrawal, annulment, invalidation of Kosovo by one state)
  counts when a claim of the perspective affirms it and no claim of the perspective denies it.
  Only asserted claims (`kr:modality kr:Asserted`) make it definite; an event that only reported
  or rumoured claims affirm is at most possible (it never definitely starts); speculated and
  retracted claims never make an event count, nor lend it dates.
  The `all` perspective keeps denied events and flags them as disputed.
- A withdrawal counts unless a counted annulment annuls it (then it never counts). A resumption
  restores recognition. A recognition that a counted invalidation invalidates does not count:
  the state's status is "invalidated" from that recognition on.
- Events are ordered by their date bounds; with bounded dates a count is a range (definitely:
  latest <= D; possibly: earliest <= D or unknown).

The facts are read with SPARQL through `kosovo_kg.store.select_rows`, so the same code runs at
build time (to materialise `graph/perspectives`), on a built graph, and on an external engine
(`kosovo_kg.audit.remote_rows.RemoteRows`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kosovo_kg.perspective.facts import KINDS as KINDS
from kosovo_kg.perspective.facts import ClaimFact as ClaimFact
from kosovo_kg.perspective.facts import EventFact as EventFact
from kosovo_kg.perspective.facts import Facts as Facts
from kosovo_kg.perspective.facts import load_facts as load_facts
from kosovo_kg.perspective.views import Perspective
from kosovo_kg.vocab import DATING as DATING
from kosovo_kg.vocab import NOT_AN_ACT as NOT_AN_ACT

RECOGNISES, WITHDRAWN, NOT_RECOGNISED, INVALIDATED = (
    "recognises",
    "withdrawn",
    "not-recognised",
    "invalidated",
)
STATUSES = (RECOGNISES, WITHDRAWN, NOT_RECOGNISED, INVALIDATED)
UNCERTAIN = "uncertain"
STATED_BASES = {"Stated", "InferredBySource"}
RANK = {"Recognition": 0, "Withdrawal": 1, "Resumption": 2}
FAR = dt.date.max


# -- events in a perspective -----------------------------------------------------------------


@dataclass
class Timed:
    """An event counted in a perspective, with its date bounds and what they rest on."""

    event: str
    kind: str
    earliest: dt.date | None
    latest: dt.date | None
    dating: list[str]  # own | derived | borrowed | claim-made | event-order | undated
    based_on: set[str]  # claims that affirm it and claims its dates come from
    disputed_by: set[str]  # claimants who deny it (only kept in the `all` perspective)
    invalidated_by: set[str] = field(default_factory=set)  # claims of counted invalidations
    hedged: bool = False  # only reported or rumoured claims affirm it: at most possible

    @property
    def key(self) -> tuple[dt.date, dt.date, int]:
        return (self.earliest or self.latest or FAR, self.latest or FAR, RANK.get(self.kind, 0))


def _kept(facts: Facts, p: Perspective, claim: ClaimFact) -> bool:
    """The claim belongs to the perspective and the perspective does not dispute it."""
    if not p.includes(claim.claimant):
        return False
    return p.flags_disputes or not any(p.includes(w) for w in facts.disputed.get(claim.iri, ()))


def _bounds(claims: list[ClaimFact]) -> tuple[dt.date | None, dt.date | None]:
    los = [c.earliest for c in claims if c.earliest]
    his = [c.latest for c in claims if c.latest]
    return (min(los) if los else None, max(his) if his else None)


def counted_events(facts: Facts, p: Perspective, state: str) -> dict[str, Timed]:
    """Events by `state` that count in the perspective, dated (before ordering constraints)."""
    out: dict[str, Timed] = {}
    for ev in facts.events.values():
        if ev.actor != state:
            continue
        claims = facts.claims.get(ev.iri, [])
        kept = [c for c in claims if _kept(facts, p, c)]
        affirm = [
            c
            for c in kept
            if c.stance == "Affirms"
            and c.claimant != facts.build_agent
            and c.modality not in NOT_AN_ACT
        ]
        deniers = {c.claimant for c in claims if c.stance == "Denies" and p.includes(c.claimant)}
        if not affirm or (deniers and not p.flags_disputes):
            continue
        based = {c.iri for c in affirm}
        dated = [c for c in affirm if c.basis in STATED_BASES and (c.earliest or c.latest)]
        own = [c for c in dated if c.modality == "Asserted"] or dated
        derived = [c for c in kept if c.basis == "RowOrderBound"]
        borrowed = [
            c
            for c in claims
            if c.stance == "Affirms"
            and c.modality in DATING
            and c.basis in STATED_BASES
            and (c.earliest or c.latest)
            and not any(p.includes(w) for w in facts.disputed.get(c.iri, ()))
        ]
        dating: list[str] = []
        for name, used in (("own", own), ("derived", derived), ("borrowed", borrowed)):
            if used:
                lo, hi = _bounds(used)
                based |= {c.iri for c in used}
                dating.append(name)
                break
        else:
            lo, hi = None, None
        made = [c.made for c in affirm if c.made]
        if made and (hi is None or min(made) < hi) and (lo is None or lo <= min(made)):
            hi = min(made)
            dating.append("claim-made")
        hedged = not any(c.modality == "Asserted" for c in affirm)
        if hedged:  # it may have happened from its earliest date on, never definitely
            hi = None
            dating.append("hedged")
        timed = Timed(ev.iri, ev.kind, lo, hi, dating or ["undated"], based, deniers)
        timed.hedged = hedged
        out[ev.iri] = timed
    return out


def _apply_links(facts: Facts, events: dict[str, Timed]) -> None:
    """Remove annulled withdrawals, mark invalidated recognitions, order linked events."""
    for t in list(events.values()):
        ev = facts.events[t.event]
        if t.hedged:  # a reported or rumoured annulment or invalidation changes nothing
            continue
        if t.kind == "Annulment":
            for w in ev.links:
                events.pop(w, None)
        if t.kind == "Invalidation":
            for r in ev.links:
                if r in events:
                    events[r].invalidated_by |= t.based_on
    # A withdrawal comes after the recognition it withdraws; a resumption after its withdrawal.
    pairs = [
        (events[r], t)
        for t in events.values()
        if t.kind in {"Withdrawal", "Resumption"}
        for r in facts.events[t.event].links
        if r in events
    ]
    for _ in range(3):
        for before, after in pairs:
            hi, lo = after.latest, before.earliest
            if hi and (before.latest is None or before.latest > hi) and (lo is None or lo <= hi):
                before.latest = hi
                if "event-order" not in before.dating:
                    before.dating.append("event-order")
            if lo and (after.earliest is None or after.earliest < lo) and (hi is None or lo <= hi):
                after.earliest = lo
                if "event-order" not in after.dating:
                    after.dating.append("event-order")


# -- periods and status ------------------------------------------------------------------------


@dataclass
class Period:
    """A stretch of one status. It starts with the first of its events (the events that led to
    this status; later ones of the same status are merged in) and ends when the next starts."""

    state: str
    index: int
    status: str
    events: list[Timed] = field(default_factory=list)  # empty: the initial, open period
    next: Period | None = None

    # Start bounds, made consistent with the order of the periods by `timeline` (a period
    # cannot start before an earlier one, nor after a later one): see `_order_bounds`.
    start_earliest: dt.date | None = None
    start_latest: dt.date | None = None

    @property
    def own_start(self) -> tuple[dt.date | None, dt.date | None]:
        """The start bounds from this period's events alone (the first of them starts it)."""
        los = [t.earliest for t in self.events]
        lo = None if not los or None in los else min(los)  # type: ignore[type-var]
        his = [t.latest for t in self.events if t.latest]
        return lo, (min(his) if his else None)

    @property
    def end_earliest(self) -> dt.date | None:
        return self.next.start_earliest if self.next else None

    @property
    def end_latest(self) -> dt.date | None:
        return self.next.start_latest if self.next else None

    @property
    def dating(self) -> list[str]:
        return sorted({d for t in self.events for d in t.dating})

    @property
    def based_on(self) -> set[str]:
        out: set[str] = set()
        for t in self.events:
            out |= t.based_on | t.invalidated_by
        return out

    @property
    def disputed_by(self) -> set[str]:
        out: set[str] = set()
        for t in self.events:
            out |= t.disputed_by
        return out

    def definitely_current(self, d: dt.date) -> bool:
        hi = self.start_latest
        started = not self.events or (hi is not None and hi <= d)
        lo = self.end_earliest
        ended = self.next is not None and (lo is None or lo <= d)
        return started and not ended

    def possibly_current(self, d: dt.date) -> bool:
        lo = self.start_earliest
        started = not self.events or lo is None or lo <= d
        hi = self.end_latest
        ended = self.next is not None and hi is not None and hi <= d
        return started and not ended


def _order_bounds(periods: list[Period]) -> None:
    """Periods follow each other: a start is no earlier than any earlier start and no later
    than any later start. With these bounds at most one period is definitely current at a date,
    and then no other period is possibly current."""
    floor: dt.date | None = None
    for p in periods[1:]:
        lo = p.own_start[0]
        floor = lo if floor is None or (lo is not None and lo > floor) else floor
        p.start_earliest = floor
    ceiling: dt.date | None = None
    for p in reversed(periods[1:]):
        hi = p.own_start[1]
        ceiling = hi if ceiling is None or (hi is not None and hi < ceiling) else ceiling
        p.start_latest = ceiling
    for p in periods[1:]:
        if p.start_earliest and p.start_latest and p.start_earliest > p.start_latest:
            p.start_earliest, p.start_latest = p.own_start


def timeline(facts: Facts, p: Perspective, state: str) -> list[Period]:
    """The state's status periods in the perspective, in order."""
    events = counted_events(facts, p, state)
    _apply_links(facts, events)
    ordered = sorted(
        (t for t in events.values() if t.kind in RANK), key=lambda t: (*t.key, t.event)
    )
    periods = [Period(state, 0, NOT_RECOGNISED)]
    for t in ordered:
        if t.kind == "Withdrawal":
            status = WITHDRAWN
        else:
            status = INVALIDATED if t.invalidated_by else RECOGNISES
        current = periods[-1]
        if status == current.status:
            current.events.append(t)
            continue
        current.next = Period(state, len(periods), status, [t])
        periods.append(current.next)
    _order_bounds(periods)
    return periods


@dataclass(frozen=True)
class StateStatus:
    state: str
    code: str
    label: str
    status: str  # one of STATUSES, or "uncertain"
    possible: tuple[str, ...]
    based_on: tuple[str, ...]
    disputed_by: tuple[str, ...]

    @property
    def definitely_recognises(self) -> bool:
        return self.status == RECOGNISES

    @property
    def possibly_recognises(self) -> bool:
        return RECOGNISES in self.possible


def status_from_periods(facts: Facts, periods: list[Period], d: dt.date) -> StateStatus:
    state = periods[0].state
    code, label = facts.states.get(state, (state, state))
    definite = [p for p in periods if p.definitely_current(d)]
    possible = [p for p in periods if p.possibly_current(d)]
    statuses = tuple(sorted({p.status for p in possible}))
    status = definite[0].status if len(definite) == 1 and len(statuses) <= 1 else UNCERTAIN
    based: set[str] = set()
    disputed: set[str] = set()
    for p in possible:
        based |= p.based_on
        disputed |= p.disputed_by
    return StateStatus(
        state, code, label, status, statuses, tuple(sorted(based)), tuple(sorted(disputed))
    )


def status_at(
    facts: Facts, p: Perspective, d: dt.date, timelines: dict[str, list[Period]] | None = None
) -> dict[str, StateStatus]:
    """Status of every state at `d`, keyed by state IRI (from `timelines`, each state's periods
    in `p`, when the caller has computed them already)."""
    return {
        s: status_from_periods(facts, timelines[s] if timelines else timeline(facts, p, s), d)
        for s in sorted(facts.states)
    }


@dataclass(frozen=True)
class Count:
    perspective: str
    date: dt.date
    definitely: tuple[str, ...]  # codes of states that definitely recognise
    possibly: tuple[str, ...]  # codes of states that possibly recognise (superset)
    by_status: dict[str, tuple[str, ...]]
    disputed: tuple[str, ...]  # codes of states counted although someone denies an event

    def as_dict(self) -> dict[str, object]:
        return {
            "perspective": self.perspective,
            "date": self.date.isoformat(),
            "definitely": len(self.definitely),
            "possibly": len(self.possibly),
            "definitely_states": list(self.definitely),
            "possibly_only_states": sorted(set(self.possibly) - set(self.definitely)),
            "by_status": {k: list(v) for k, v in self.by_status.items()},
            "disputed_states": list(self.disputed),
        }


def count_at(
    facts: Facts, p: Perspective, d: dt.date, timelines: dict[str, list[Period]] | None = None
) -> Count:
    statuses = status_at(facts, p, d, timelines).values()
    by: dict[str, list[str]] = {}
    for s in statuses:
        by.setdefault(s.status, []).append(s.code)
    return Count(
        p.name,
        d,
        tuple(sorted(s.code for s in statuses if s.definitely_recognises)),
        tuple(sorted(s.code for s in statuses if s.possibly_recognises)),
        {k: tuple(sorted(v)) for k, v in sorted(by.items())},
        tuple(sorted(s.code for s in statuses if s.possibly_recognises and s.disputed_by)),
    )
