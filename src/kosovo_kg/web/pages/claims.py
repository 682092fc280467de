"""Claimed counts on the recognitions chart: every dated count of recognising states as a point.

A point is a `kr:CountClaim` of states recognising Kosovo (now, or ever: withdrawn ones
included) among all states or among UN members, placed at the last day of its as-of date and
linked to its claim page (/id/claim/..., with its evidence: quote, copy, carrier). Points are
coloured by the kind of claimant:

- `wikipedia`: a Wikipedia edition (`kr:WikipediaEdition`), whichever copy carried it;
- `government`: a state, or an agent acting on behalf of one (`prov:actedOnBehalfOf`:
  ministries, presidents, ministers; `data/curated/claimant_sides.csv`);
- `news`: everybody else (news agencies, blogs, unnamed sources).

The page /claims/chart shows the chart with a filter by kind and the table of points (the
chart's text alternative); the home page's chart carries the same points.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Blueprint, Response, render_template, request

from kosovo_kg import dates
from kosovo_kg.web import pages
from kosovo_kg.web.pages import chart
from kosovo_kg.web.pages.data import PERSPECTIVES, prologue, select, series, value
from kosovo_kg.web.pages.links import local_path

bp = Blueprint("claims", __name__)
KINDS = ("government", "wikipedia", "news")
KIND_NAMES = {
    "government": "governments and officials",
    "wikipedia": "Wikipedia editions",
    "news": "news and other sources",
}


@dataclass(frozen=True)
class ClaimPoint:
    day: dt.date
    value: int
    kind: str
    ever: bool
    claimant: str
    as_of: str
    path: str
    carrier: str | None
    quote: str | None
    ranged: bool = False  # printed only in words or as a range: `value` .. `high` (None: open)
    high: int | None = None
    words: str | None = None

    @property
    def text(self) -> str:
        """The point's tooltip: who, what, when, where it was read."""
        via = f" via {self.carrier}" if self.carrier else ""
        what = "ever recognised" if self.ever else "recognising"
        quote = f': "{self.quote}"' if self.quote else ""
        figure = f"“{self.words}”" if self.ranged else str(self.value)
        return f"{self.claimant}{via}: {figure} {what}, as of {self.as_of}{quote}"


def load_points(base: str) -> list[ClaimPoint]:
    """Every dated count of recognising states (all states or UN members), by date."""
    st = pages.state()
    rows = select(
        st.engine,
        prologue(base)
        + """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?c ?value ?low ?high ?words ?asOf ?category (SAMPLE(?l) AS ?label) (SAMPLE(?e) AS ?edition)
       (SAMPLE(?side) AS ?acts) (SAMPLE(?state) AS ?isState) (SAMPLE(?h) AS ?carrier)
       (SAMPLE(?q) AS ?quote)
WHERE {
  ?c a kr:CountClaim ; kr:asOf ?asOf ; kr:countCategory ?category ; kr:claimant ?who .
  OPTIONAL { ?c kr:claimedValue ?value } OPTIONAL { ?c kr:valueText ?words }
  OPTIONAL { ?c kr:minExclusive ?gt } OPTIONAL { ?c kr:minInclusive ?ge }
  OPTIONAL { ?c kr:maxInclusive ?high }
  BIND(COALESCE(?ge, ?gt + 1) AS ?low)
  FILTER(BOUND(?value) || BOUND(?low) || BOUND(?high))
  FILTER(?category IN (kr:RecognisingStates, kr:EverRecognisingStates))
  OPTIONAL { ?c kr:countScope ?scope }
  FILTER(!BOUND(?scope) || ?scope = <"""
        + base
        + """id/org/un>)
  OPTIONAL { ?who rdfs:label ?l }
  OPTIONAL { ?who skos:altLabel ?e FILTER EXISTS { ?who a kr:WikipediaEdition } }
  OPTIONAL { ?who prov:actedOnBehalfOf ?side }
  OPTIONAL { ?who kr:iso3 ?state }
  OPTIONAL { ?c kr:evidence ?loc .
             OPTIONAL { ?loc oa:hasSource/kr:carrier/rdfs:label ?h }
             OPTIONAL { ?loc oa:hasSelector/oa:exact ?q } }
} GROUP BY ?c ?value ?low ?high ?words ?asOf ?category ORDER BY ?asOf ?c""",
    )
    out = []
    for r in rows:
        as_of = dates.try_parse(value(r, "asOf"))
        if as_of is None:
            continue
        day = as_of.latest
        edition = value(r, "edition")
        kind = (
            "wikipedia"
            if edition
            else "government"
            if value(r, "acts") or value(r, "isState")
            else "news"
        )
        out.append(
            ClaimPoint(
                day=day,
                value=int(value(r, "value") or value(r, "low") or 0),
                kind=kind,
                ever=(value(r, "category") or "").endswith("EverRecognisingStates"),
                claimant=edition or value(r, "label") or "unnamed claimant",
                as_of=value(r, "asOf") or "",
                path=local_path(value(r, "c") or "", base) or "",
                carrier=value(r, "carrier"),
                quote=value(r, "quote"),
                ranged=value(r, "value") is None,
                high=int(value(r, "high")) if value(r, "high") else None,
                words=value(r, "words"),
            )
        )
    return out


def points(kinds: tuple[str, ...] = KINDS) -> list[ClaimPoint]:
    st = pages.state()
    every = st.memo(("claim-points",), lambda: load_points(st.settings.base_iri))
    return [p for p in every if p.kind in kinds]


def chosen_kinds() -> tuple[tuple[str, ...], list[str]]:
    """The kinds asked for with ?claimants= (repeatable); every kind when none is given."""
    asked = request.args.getlist("claimants")
    unknown = [k for k in asked if k not in KINDS]
    kinds = tuple(k for k in KINDS if k in asked) or KINDS
    return kinds, [f"unknown claimant kind {k!r}; showing every kind" for k in unknown]


@bp.route("/claims/chart")
def claims_chart() -> Response:
    st = pages.state()
    today = dt.date.today()
    perspective = request.args.get("perspective", "all")
    errors = []
    if perspective not in PERSPECTIVES:
        errors.append(f"unknown perspective {perspective!r}; showing 'all'")
        perspective = "all"
    kinds, problems = chosen_kinds()
    periods = st.periods()
    band = st.memo(("series", perspective, today), lambda: series(periods, perspective, today))
    shown = points(kinds)
    page = render_template(
        "claims_chart.html",
        title="Claimed counts against the perspectives' bands",
        chart=chart.svg(
            band,
            f"Claimed counts and states recognising Kosovo, perspective '{perspective}'",
            claims=shown,
        ),
        points=shown,
        kinds=KINDS,
        kind_names=KIND_NAMES,
        chosen=kinds,
        perspective=perspective,
        perspectives=PERSPECTIVES,
        errors=errors + problems,
    )
    return Response(page, 200, content_type="text/html; charset=utf-8")
