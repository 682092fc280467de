"""Each Wikipedia edition's latest figure of UN members recognising, next to the computed counts.

Read off the claimed-vs-computed rows (`kosovo_kg.audit.counts`): for each edition, its count
claims of UN members (`kr:countScope` the UN), currently recognising or ever recognised, with the
latest printed as-of date among its stored copies; an edition whose copies print no as-of date
shows its undated figures (computed at the audit date). "Latest" is the latest date printed in a
stored copy, not the edition's current text.
"""

from __future__ import annotations

from typing import Any

KINDS = {"RecognisingStates": "now", "EverRecognisingStates": "ever"}


def latest_by_edition(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per (edition, figure) at the edition's latest as-of date, editions A-Z."""
    by_edition: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        un = (r["scope"] or "").endswith("/org/un")
        if r.get("edition") and un and r["category"] in KINDS and r["kind"] == "count":
            by_edition.setdefault(r["edition"], []).append(r)
    out = []
    for edition, claims in sorted(by_edition.items()):
        dated = [r for r in claims if r["date_is"] == "as of"]
        latest = max((r["to"] for r in dated), default=None)
        chosen = [r for r in dated if r["to"] == latest] if latest else claims
        seen = set()
        for r in sorted(chosen, key=lambda r: (r["value"], r.get("carrier") or "")):
            key = (r["value"], r["category"], r["date"])
            if key in seen:  # the same figure in two copies: one line, both carriers
                continue
            seen.add(key)
            carriers = sorted(
                {c.get("carrier") or "seed" for c in chosen if (c["value"], c["category"],
                                                                c["date"]) == key}
            )  # fmt: skip
            out.append(
                {
                    "edition": edition,
                    "as_of": r["date"] if r["date_is"] == "as of" else None,
                    "value": r["value"],
                    "category": r["category"],
                    "carriers": carriers,
                    "computed": r["all_perspectives"],
                    "as_of_shared_with": sorted(
                        {o["value"] for o in r.get("as_of_shared_with", [])}
                    ),
                }
            )
    return out


def render_lines(entries: list[dict[str, Any]]) -> list[str]:
    """The table as text lines for `kosovo-kg audit`."""
    views = ("kosovo", "serbia", "article", "all")
    out = [
        "(UN members recognising (now) or that ever recognised (ever), at the latest as-of date "
        "a stored copy prints (undated: the audit date); computed: definite..possible per "
        "perspective " + "/".join(views) + ")"
    ]
    for e in entries:
        computed = " ".join(
            f"{v[0]}..{v[1]}" for v in (e["computed"].get(name, ["?", "?"]) for name in views)
        )
        flag = (
            f"  [date also printed with {e['as_of_shared_with']}]" if e["as_of_shared_with"] else ""
        )
        out.append(
            f"{e['edition']:22} {e['as_of'] or 'undated':10} {e['value']:>4} "
            f"{KINDS[e['category']]:4} computed {computed}  via {', '.join(e['carriers'])}{flag}"
        )
    return out
