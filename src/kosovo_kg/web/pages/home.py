"""The home page: what the dataset is, its sources and licences, figures per perspective, the
recognitions chart and the table of states by status for a chosen perspective and date."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, render_template, request

from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.web import assets, pages
from kosovo_kg.web.pages import chart, claims, forms, worldmap
from kosovo_kg.web.pages.data import (
    PERSPECTIVES,
    STATUS_NAMES,
    Periods,
    prologue,
    select,
    series,
    value,
)
from kosovo_kg.web.pages.links import local_path
from kosovo_kg.web.sparql import error_response

bp = Blueprint("home", __name__)
SORTS = ("name", "iso", "status")
KOSOVO = "id/state/XKX"


def differences(periods: Periods, day: dt.date, base: str) -> list[dict[str, Any]]:
    """Per perspective other than 'all': the states it counts as recognising on `day` (definitely)
    that 'all' does not, with their status in 'all' (the reason the figures differ)."""
    out = []
    for name in PERSPECTIVES[1:]:
        states = []
        for iri, state in periods.states.items():
            mine = periods.status(name, iri, day)
            if mine[0] != "Recognises" or not mine[1]:
                continue
            other = periods.status("all", iri, day)
            if other[0] == "Recognises" and other[1]:
                continue
            states.append(
                {
                    "label": state.label,
                    "path": local_path(iri, base),
                    "status": STATUS_NAMES.get(other[0], other[0]),
                    "disputed": other[2],
                }
            )
        out.append({"name": name, "states": states})
    return out


def country_tables(data_dir: Path) -> tuple[Path, ...]:
    return tuple(
        Path(d) / "sources" / "reference" / "countries.csv"
        for d in (data_dir, PROJECT_ROOT / "data")
    )


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


def _map_files() -> tuple[Path, Path] | None:
    st = pages.state()
    topojson = assets.assets_dir(st.settings.var_dir) / "countries-110m.json"
    # ISO numeric codes: the reference table of the served data folder, else the project's
    table = next((p for p in country_tables(st.settings.data_dir) if p.is_file()), None)
    if "countries-110m.json" not in st.assets or table is None:
        return None
    return topojson, table


def _choice(today: dt.date) -> tuple[str, dt.date, list[str]]:
    errors = []
    perspective = request.args.get("perspective", "all")
    if perspective not in PERSPECTIVES:
        errors.append(f"unknown perspective {perspective!r}; showing 'all'")
        perspective = "all"
    day, _, problem = forms.day_at_end(request.args.get("date"), today)
    if problem:
        errors.append(problem)
    return perspective, day, errors


@bp.route("/map.svg")
def world_map() -> Response:
    """The states coloured by status for ?perspective= and ?date=, as an SVG image."""
    files = _map_files()
    if files is None:
        abort(404)
    perspective, day, _ = _choice(dt.date.today())
    periods = pages.state().periods()
    statuses = {}
    for state in periods.states.values():
        key = periods.status(perspective, state.iri, day)[0]
        statuses[state.iso3] = (key, STATUS_NAMES.get(key, key))
    title = f"States by status toward Kosovo on {day.isoformat()}, perspective '{perspective}'"
    base = pages.state().settings.base_iri
    links = {s.iso3: local_path(s.iri, base) or "" for s in periods.states.values()}
    body = worldmap.svg(worldmap.shapes(*files), statuses, title, links)
    response = Response(body, 200, content_type="image/svg+xml; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _figures(periods: Periods, day: dt.date) -> list[dict[str, Any]]:
    """Per perspective, (definitely, possibly) states per status at the end of `day`."""
    figures = []
    for name in PERSPECTIVES:
        row: dict[str, Any] = {"name": name}
        for key in STATUS_NAMES:
            row[key] = periods.count(name, key, day)
        figures.append(row)
    return figures


def _rows(periods: Periods, perspective: str, day: dt.date, base: str) -> list[dict[str, Any]]:
    """Every state but Kosovo with its status toward Kosovo at the end of `day`."""
    kosovo = base + KOSOVO
    rows = []
    for state in periods.states.values():
        if state.iri == kosovo:  # the states' status toward Kosovo: Kosovo is not one of them
            continue
        status, definite, disputed = periods.status(perspective, state.iri, day)
        rows.append(
            {
                "label": state.label,
                "iso3": state.iso3,
                "qid": state.qid,
                "path": local_path(state.iri, base),
                "status": status,
                "status_name": STATUS_NAMES.get(status, status),
                "definite": definite,
                "disputed": disputed,
            }
        )
    return rows


def _csv(header: list[str], rows: list[list[Any]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = Response(out.getvalue(), 200, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/states.csv")
def states_csv() -> Response:
    """The home page's table of states for ?perspective= and ?date=, as CSV."""
    perspective, day, errors = _choice(dt.date.today())
    if errors:
        return error_response(400, "; ".join(errors))
    st = pages.state()
    rows = sorted(
        _rows(st.periods(), perspective, day, st.settings.base_iri), key=lambda r: r["iso3"]
    )
    return _csv(
        ["iso3", "state", "wikidata", "perspective", "date", "status", "definite", "disputed"],
        [
            [
                r["iso3"],
                r["label"],
                r["qid"] or "",
                perspective,
                day.isoformat(),
                r["status"],
                str(r["definite"]).lower(),
                str(r["disputed"]).lower(),
            ]
            for r in rows
        ],
        f"states-{perspective}-{day.isoformat()}.csv",
    )


@bp.route("/figures.csv")
def figures_csv() -> Response:
    """The home page's key figures at ?date=, as CSV (one row per perspective and status)."""
    _, day, errors = _choice(dt.date.today())
    if errors:
        return error_response(400, "; ".join(errors))
    rows = [
        [f["name"], day.isoformat(), key, *f[key]]
        for f in _figures(pages.state().periods(), day)
        for key in STATUS_NAMES
    ]
    return _csv(
        ["perspective", "date", "status", "definitely", "possibly"],
        rows,
        f"figures-{day.isoformat()}.csv",
    )


@bp.route("/")
def index() -> Response:
    st = pages.state()
    today = dt.date.today()
    perspective, day, errors = _choice(today)
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    periods = st.periods()
    figures = _figures(periods, day)
    rows = _rows(periods, perspective, day, st.settings.base_iri)
    key = {
        "name": lambda r: r["label"].casefold(),
        "iso": lambda r: r["iso3"],
        "status": lambda r: (r["status_name"], r["label"].casefold()),
    }[sort]
    rows.sort(key=key)
    points = st.memo(("series", perspective, today), lambda: series(periods, perspective, today))
    page = render_template(
        "home.html",
        title="kosovo-kg: the international recognition of Kosovo",
        figures=figures,
        statuses=STATUS_NAMES,
        perspectives=PERSPECTIVES,
        perspective=perspective,
        day=day.isoformat(),
        date_given=request.args.get("date") or "",
        date_range=forms.day_at_end(request.args.get("date"), today)[1],
        date_pattern=forms.DATE_PATTERN,
        sort=sort,
        rows=rows,
        chart=chart.svg(
            points,
            f"States recognising Kosovo, perspective '{perspective}'",
            claims=claims.points(),
            marker=day,
        ),
        sources=st.memo(("sources",), _sources),
        errors=errors,
        differences=differences(periods, day, st.settings.base_iri),
        map=_map_files() is not None,
    )
    return Response(page, 200, content_type="text/html; charset=utf-8")
