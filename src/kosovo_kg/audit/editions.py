"""Wikipedia's editions in the audit: which copy and carrier each figure was read in, the as-of
dates printed with different figures, and each edition's latest figures.

- `copies`: claim -> the edition (the claimant), the copy's URL and its carrier host;
- `flag_shared_as_of`: a figure whose printed as-of date is printed elsewhere with another
  figure cannot be dated by it;
- `latest_by_edition`: for each edition, its figures of states recognising (now) or that ever
  recognised, among UN members or among all states, with the latest printed as-of date among its
  stored copies; an edition whose copies print no as-of date shows its undated figures
  (computed at the audit date). "Latest" is the latest date printed in a stored copy, not the
  edition's current text. A figure printed as a range or bound keeps it ("more than 100").
"""

from __future__ import annotations

from typing import Any

from kosovo_kg.audit.core import prologue
from kosovo_kg.store import select_rows
from kosovo_kg.vocab import Iris

KINDS = {"RecognisingStates": "now", "EverRecognisingStates": "ever"}


def copies(store: object, iris: Iris) -> dict[str, dict[str, str]]:
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


def printed(r: dict[str, Any]) -> str:
    """A claim's figure as printed: 52, ~110, >100, 112..115, >=27."""
    if r["value"] is not None:
        return f"{'~' * r.get('approximate', False)}{r['value']}"
    if r["high"] is None:
        return f">{r['more_than']}" if r.get("more_than") is not None else f">={r['low']}"
    return f"{r['low']}..{r['high']}"


def flag_shared_as_of(rows: list[dict[str, Any]]) -> None:
    """Wikipedia figures whose printed as-of date is printed elsewhere with another figure (same
    date, category and scope) cannot be dated by it: each gets `as_of_shared_with`, the others."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for r in rows:
        if r.get("edition") and r["date_is"] == "as of":
            groups.setdefault((r["date"], r["category"], r["scope"]), []).append(r)
    for group in groups.values():
        if len({printed(r) for r in group}) < 2:
            continue
        for r in group:
            r["as_of_shared_with"] = [
                {
                    "value": o["value"] if o["value"] is not None else printed(o),
                    "edition": o["edition"],
                    "carrier": o.get("carrier"),
                }
                for o in group
                if printed(o) != printed(r)
            ]


def latest_by_edition(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per (edition, figure) at the edition's latest as-of date, editions A-Z."""
    by_edition: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        scope = r["scope"] is None or r["scope"].endswith("/org/un")
        if r.get("edition") and scope and r["category"] in KINDS and r["kind"] == "count":
            by_edition.setdefault(r["edition"], []).append(r)
    out = []
    for edition, claims in sorted(by_edition.items()):
        dated = [r for r in claims if r["date_is"] == "as of"]
        latest = max((r["to"] for r in dated), default=None)
        chosen = [r for r in dated if r["to"] == latest] if latest else claims
        figures: dict[tuple, list[dict[str, Any]]] = {}
        for r in sorted(chosen, key=lambda r: (r["low"], r["scope"] or "", r.get("carrier") or "")):
            # the same figure in two copies: one line, both carriers
            figures.setdefault((printed(r), r["category"], r["scope"], r["date"]), []).append(r)
        for (figure, category, scope, date), same in figures.items():
            r = same[0]
            out.append(
                {
                    "edition": edition,
                    "as_of": date if r["date_is"] == "as of" else None,
                    "figure": figure,
                    "value": r["value"],
                    "low": r["low"],
                    "high": r["high"],
                    "words": r.get("words"),
                    "category": category,
                    "among": "UN members" if scope else "states",
                    "carriers": sorted({c.get("carrier") or "seed" for c in same}),
                    "perspective": r["perspective"],
                    "verdict": r["verdict"],
                    "computed": r["all_perspectives"],
                    "as_of_shared_with": sorted(
                        {o["value"] for o in r.get("as_of_shared_with", [])},
                        key=lambda v: (v if isinstance(v, int) else 10**6, str(v)),
                    ),
                }
            )
    return out
