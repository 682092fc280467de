"""The home page: what the dataset is, its sources and licences, figures per perspective, the
recognitions chart and the table of states by status for a chosen perspective and date."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, render_template, request

from kosovo_kg.web import pages
from kosovo_kg.web.pages import chart
from kosovo_kg.web.pages.data import (
    PERSPECTIVES,
    STATUS_NAMES,
    prologue,
    select,
    series,
    value,
)
from kosovo_kg.web.pages.links import local_path

bp = Blueprint("home", __name__)
SORTS = ("name", "iso", "status")


def _sources() -> list[dict[str, str | None]]:
    st = pages.state()
    rows = select(
        st.engine,
        prologue(st.settings.base_iri)
        + """SELECT ?doc (SAMPLE(?t) AS ?title) (SAMPLE(?lic) AS ?licence) (SAMPLE(?u) AS ?url)
WHERE { ?doc a kr:SourceDocument ; dcterms:license ?lic .
  OPTIONAL { ?doc dcterms:title ?t } OPTIONAL { ?doc schema:url ?u } }
GROUP BY ?doc ORDER BY ?doc""",
    )
    return [
        {
            "path": local_path(value(r, "doc") or "", st.settings.base_iri),
            "title": value(r, "title") or value(r, "doc"),
            "licence": value(r, "licence"),
            "url": value(r, "url"),
        }
        for r in rows
    ]


def _day(text: str | None, today: dt.date) -> tuple[dt.date, str | None]:
    if not text:
        return today, None
    try:
        return dt.date.fromisoformat(text), None
    except ValueError:
        return today, f"not a date (YYYY-MM-DD): {text!r}; showing {today.isoformat()}"


@bp.route("/")
def index() -> Response:
    st = pages.state()
    today = dt.date.today()
    errors = []
    perspective = request.args.get("perspective", "all")
    if perspective not in PERSPECTIVES:
        errors.append(f"unknown perspective {perspective!r}; showing 'all'")
        perspective = "all"
    day, problem = _day(request.args.get("date"), today)
    if problem:
        errors.append(problem)
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    periods = st.periods()
    figures = []
    for name in PERSPECTIVES:
        row = {"name": name}
        for key in STATUS_NAMES:
            row[key] = periods.count(name, key, day)
        figures.append(row)
    rows = []
    for state in periods.states.values():
        status, definite, disputed = periods.status(perspective, state.iri, day)
        rows.append(
            {
                "label": state.label,
                "iso3": state.iso3,
                "qid": state.qid,
                "path": local_path(state.iri, st.settings.base_iri),
                "status": status,
                "status_name": STATUS_NAMES.get(status, status),
                "definite": definite,
                "disputed": disputed,
            }
        )
    key = {
        "name": lambda r: r["label"].casefold(),
        "iso": lambda r: r["iso3"],
        "status": lambda r: (r["status_name"], r["label"].casefold()),
    }[sort]
    rows.sort(key=key)
    points = series(periods, perspective, today)
    page = render_template(
        "home.html",
        title="kosovo-kg: the international recognition of Kosovo",
        figures=figures,
        statuses=STATUS_NAMES,
        perspectives=PERSPECTIVES,
        perspective=perspective,
        day=day.isoformat(),
        date_given=request.args.get("date") or "",
        sort=sort,
        rows=rows,
        chart=chart.svg(points, f"States recognising Kosovo, perspective '{perspective}'"),
        sources=_sources(),
        errors=errors,
    )
    return Response(page, 200, content_type="text/html; charset=utf-8")
