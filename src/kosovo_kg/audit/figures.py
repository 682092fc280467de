"""The article's figures against what its rows and each perspective count, state by state.

For each count claim read in the article (Kosovo's 120, Serbia's 84, third parties' ~110, the
article's 110 UN members, 22/27 EU, 28/32 NATO, 37/57 OIC, G20, G7, BRICS, Serbia's 18
withdrawals) the audit gives:

- `rows`: what the article's own tables give (states with a row in the recognition tables, or in
  the withdrawn table), within the figure's scope (members of the organisation, if any);
- `perspectives`: each predefined perspective's count at the audit date (definitely / possibly),
  within the same scope, and the states that differ from the article's rows, each with its
  status in that perspective and the claims (claimant, event) behind that status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kosovo_kg import perspective as pv
from kosovo_kg.audit.core import is_true, prologue
from kosovo_kg.store import select_rows
from kosovo_kg.vocab import Iris


def count_claims(store: object, iris: Iris) -> list[dict[str, Any]]:
    """The article's count claims, largest first, each with its quotes joined by " | " in sorted
    order (one row per quote from the store, joined here: GROUP_CONCAT's order is the engine's,
    and a quote may itself hold " | ", so the joined text could not be re-sorted)."""
    rows = select_rows(
        store,
        prologue(iris)
        + """SELECT DISTINCT ?c ?claimant ?value ?outOf ?category ?scope ?asOf ?approx ?q WHERE {
          GRAPH <"""
        + iris.graph("article")
        + """> { ?c a kr:CountClaim ; kr:claimant ?claimant ; kr:claimedValue ?value ;
                        kr:evidence ?loc . }
          OPTIONAL { ?c kr:outOf ?outOf } OPTIONAL { ?c kr:countCategory ?category }
          OPTIONAL { ?c kr:countScope ?scope } OPTIONAL { ?c kr:asOf ?asOf }
          OPTIONAL { ?c kr:approximate ?approx } OPTIONAL { ?loc oa:hasSelector/oa:exact ?q }
        }""",
    )
    quotes: dict[tuple[str | None, ...], set[str]] = {}
    for r in rows:
        key = tuple(
            r[k] for k in ("c", "claimant", "value", "outOf", "category", "scope", "asOf", "approx")
        )
        quotes.setdefault(key, set()).update([r["q"]] if r["q"] is not None else [])
    out = [
        {
            "claim": c,
            "claimant": claimant,
            "value": int(value or 0),
            "out_of": int(out_of) if out_of else None,
            "category": (category or "").rsplit("#", 1)[-1] or None,
            "scope": scope,
            "as_of": as_of,
            "approximate": is_true(approx),
            "quote": " | ".join(sorted(found)) or None,
        }
        for (c, claimant, value, out_of, category, scope, as_of, approx), found in quotes.items()
    ]
    out.sort(key=lambda f: (-f["value"], f["claim"]))
    return out


def _members(store: object, iris: Iris) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in select_rows(
        store,
        prologue(iris)
        + """SELECT DISTINCT ?org ?code WHERE {
          ?e a kr:MembershipAdmission ; kr:actor ?s ; kr:organisation ?org . ?s kr:iso3 ?code }""",
    ):
        out.setdefault(r["org"], set()).add(r["code"])
    return out


def _article_rows(store: object, iris: Iris) -> tuple[set[str], set[str]]:
    """(states with a row in the recognition tables, states with a row in the withdrawn table)."""
    found: dict[str, set[str]] = {"recognised": set(), "withdrawn": set()}
    for r in select_rows(
        store,
        prologue(iris)
        + """SELECT DISTINCT ?table ?code WHERE {
          GRAPH <"""
        + iris.graph("article")
        + """> { ?c kr:evidence ?loc ; kr:about ?e ;
                   kr:claimant <"""
        + iris.agent("wikipedia")
        + """> }
          ?loc kr:table ?table . ?e kr:actor ?s . ?s kr:iso3 ?code .
          { ?e a kr:Recognition } UNION { ?e a kr:Withdrawal } }""",
    ):
        if r["table"] in ("un-recognitions", "non-un-recognitions"):
            found["recognised"].add(r["code"])
        elif r["table"] == "withdrawn":
            found["withdrawn"].add(r["code"])
    return found["recognised"], found["withdrawn"]


def _why(facts: pv.Facts, labels: dict[str, str], status: pv.StateStatus) -> list[str]:
    claims = {
        c.iri: c
        for ev in facts.events.values()
        if ev.actor == status.state
        for c in facts.claims.get(ev.iri, [])
    }
    out = set()
    for iri in status.based_on:
        c = claims.get(iri)
        if c is None:
            continue
        event = c.event.rsplit("/", 1)[1]
        when = f" ({c.earliest}..{c.latest})" if c.earliest or c.latest else ""
        out.add(f"{labels.get(c.claimant, c.claimant)}: {c.stance.lower()} {event}{when}")
    for who in status.disputed_by:
        out.add(f"disputed by {labels.get(who, who)}")
    return sorted(out)


def figures(store: object, iris: Iris, facts: pv.Facts, today: dt.date) -> list[dict[str, Any]]:
    members = _members(store, iris)
    recognised_rows, withdrawn_rows = _article_rows(store, iris)
    labels = {
        r["a"]: r["l"]
        for r in select_rows(
            store, prologue(iris) + "SELECT ?a (MIN(?x) AS ?l) { ?a rdfs:label ?x } GROUP BY ?a"
        )
    }
    views = pv.predefined(facts)
    statuses = {name: pv.status_at(facts, view, today) for name, view in views.items()}
    by_code = {name: {s.code: s for s in found.values()} for name, found in statuses.items()}
    out = []
    for claim in count_claims(store, iris):
        scope = members.get(claim["scope"]) if claim["scope"] else None
        category = claim["category"]
        if category == "Withdrawals":
            rows = set(withdrawn_rows)
        elif category == "NonRecognisingStates":
            rows = (scope or set()) - recognised_rows
        else:
            rows = recognised_rows & scope if scope is not None else set(recognised_rows)
        entry: dict[str, Any] = {
            **claim,
            "claimant_label": labels.get(claim["claimant"]),
            "scope_size": len(scope) if scope is not None else None,
            "rows": {"count": len(rows), "states": sorted(rows)},
            "perspectives": {},
        }
        for name, codes in by_code.items():
            in_scope = {c: s for c, s in codes.items() if scope is None or c in scope}
            if category == "Withdrawals":
                definite = {c for c, s in in_scope.items() if s.status == pv.WITHDRAWN}
                possible = {c for c, s in in_scope.items() if pv.WITHDRAWN in s.possible}
            elif category == "NonRecognisingStates":
                definite = {c for c, s in in_scope.items() if not s.possibly_recognises}
                possible = {c for c, s in in_scope.items() if not s.definitely_recognises}
            else:
                definite = {c for c, s in in_scope.items() if s.definitely_recognises}
                possible = {c for c, s in in_scope.items() if s.possibly_recognises}
            differ = sorted(definite ^ rows | (possible - definite))
            entry["perspectives"][name] = {
                "definitely": len(definite),
                "possibly": len(possible),
                "difference_from_claim": len(definite) - claim["value"],
                "states": sorted(definite),
                "differs_from_rows": [
                    {
                        "state": code,
                        "in_rows": code in rows,
                        "counted": code in definite,
                        "status": codes[code].status,
                        "why": _why(facts, labels, codes[code]),
                    }
                    for code in differ
                    if code in codes
                ],
            }
        out.append(entry)
    return out
