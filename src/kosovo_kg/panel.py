"""A state-period panel of the perspectives (`kosovo-kg export --panel`), documented column by
column in docs/codebook.md.

One row per state and period (year or month): for each perspective (Kosovo's, Serbia's, the
article's, all sources), the state's status toward Kosovo at the period's last day, read from the
status periods the build materialised in graph/perspectives, with the same rules as the saved
queries `perspective-status-at` and `perspective-count-at`:

- a period is *possibly* current at day D when it has started or may have (the initial period,
  no earliest start, or earliest start <= D) and has not certainly ended (no end, or no latest
  end, or latest end > D);
- it is *definitely* current when it has certainly started (the initial period, or latest start
  <= D) and certainly not ended (no end, or earliest end > D).

Claims and sources count the claims the possibly-current periods rest on (`kr:basedOn`) and the
distinct documents those claims were read in. The Correlates of War and Gleditsch-Ward codes come
from the pinned reference table `data/sources/reference/countries.csv` (joined on ISO 3166-1
alpha-3), never from anywhere else: a code that table does not give stays empty.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kosovo_kg.sources import Manifest, read_csv
from kosovo_kg.store import select_rows
from kosovo_kg.vocab import Iris

PREFERRED = ("kosovo", "serbia", "article", "all")
STATUS_NAMES = {
    "Recognises": "recognises",
    "Withdrawn": "withdrawn",
    "NotRecognised": "not-recognised",
    "Invalidated": "invalidated",
}
UNCERTAIN = "uncertain"
CODE_COLUMNS = ("cow_n", "cow_c", "gw_n", "gw_n_countrycode")
STATE_COLUMNS = ("iso3", "state", "wikidata_qid", *CODE_COLUMNS, "period", "period_end")
PER_PERSPECTIVE = (
    "status", "possible", "recognises_definitely", "recognises_possibly", "disputed", "claims",
    "sources",
)  # fmt: skip


class PanelError(ValueError):
    """A bad period range or granularity."""


@dataclass
class Period:
    """One status period of a state in a perspective (graph/perspectives)."""

    status: str
    index: int
    has_end: bool
    disputed: bool
    start_earliest: dt.date | None
    start_latest: dt.date | None
    end_earliest: dt.date | None
    end_latest: dt.date | None
    claims: set[str] = field(default_factory=set)

    def possibly_current(self, d: dt.date) -> bool:
        started = self.index == 0 or self.start_earliest is None or self.start_earliest <= d
        ended = self.has_end and self.end_latest is not None and self.end_latest <= d
        return started and not ended

    def definitely_current(self, d: dt.date) -> bool:
        started = self.index == 0 or (self.start_latest is not None and self.start_latest <= d)
        ongoing = not self.has_end or (self.end_earliest is not None and self.end_earliest > d)
        return started and ongoing


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def periods_by_state(store: object, iris: Iris) -> dict[str, dict[str, list[Period]]]:
    """state IRI -> perspective name -> its status periods, from graph/perspectives."""
    graph = iris.graph("perspectives")
    rows = select_rows(
        store,
        f"""PREFIX kr: <{iris.kr}>
        SELECT ?period ?p ?state ?status ?index ?hasEnd ?disputed ?se ?sl ?ee ?el WHERE {{
          GRAPH <{graph}> {{
            ?period kr:perspective ?p ; kr:periodOf ?state ; kr:status ?status ;
                    kr:periodIndex ?index ; kr:hasEnd ?hasEnd ; kr:disputed ?disputed .
            OPTIONAL {{ ?period kr:startEarliest ?se }} OPTIONAL {{ ?period kr:startLatest ?sl }}
            OPTIONAL {{ ?period kr:endEarliest ?ee }} OPTIONAL {{ ?period kr:endLatest ?el }}
          }} }}""",
    )
    claims: dict[str, set[str]] = defaultdict(set)
    for r in select_rows(
        store,
        f"PREFIX kr: <{iris.kr}> SELECT ?period ?c WHERE {{ GRAPH <{graph}> "
        "{ ?period kr:basedOn ?c } }",
    ):
        claims[r["period"]].add(r["c"])  # type: ignore[index]
    out: dict[str, dict[str, list[Period]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        out[r["state"]][_local(r["p"])].append(  # type: ignore[index, arg-type]
            Period(
                status=STATUS_NAMES[_local(r["status"])],  # type: ignore[arg-type]
                index=int(r["index"]),  # type: ignore[arg-type]
                has_end=r["hasEnd"] == "true",
                disputed=r["disputed"] == "true",
                start_earliest=_date(r["se"]),
                start_latest=_date(r["sl"]),
                end_earliest=_date(r["ee"]),
                end_latest=_date(r["el"]),
                claims=claims[r["period"]],  # type: ignore[index]
            )
        )
    return out


def claim_documents(store: object, iris: Iris) -> dict[str, set[str]]:
    """claim IRI -> the documents its evidence was read in (oa:hasSource)."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in select_rows(
        store,
        f"""PREFIX kr: <{iris.kr}> PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT DISTINCT ?c ?doc WHERE {{
          GRAPH <{iris.graph("perspectives")}> {{ ?period kr:basedOn ?c }}
          ?c kr:evidence ?loc . ?loc oa:hasSource ?doc }}""",
    ):
        out[r["c"]].add(r["doc"])  # type: ignore[index, arg-type]
    return out


def reference_codes(data_dir: Path) -> dict[str, dict[str, str]]:
    """ISO3 -> COW and Gleditsch-Ward codes, from the pinned countries table (checksum checked)."""
    source = Manifest(data_dir).get("countries")
    return {
        row["iso3"]: {c: row.get(c) for c in CODE_COLUMNS}
        for row in read_csv(source.path, ("iso3", *CODE_COLUMNS))
        if row["iso3"]
    }


def _bound(by: str, value: str) -> int:
    """A year (by year) or a month index y*12+m-1 (by month) from YYYY or YYYY-MM."""
    m = re.fullmatch(r"(\d{4})" if by == "year" else r"(\d{4})-(\d{2})", value)
    if m is None or (by == "month" and not 1 <= int(m.group(2)) <= 12):
        shape = "YYYY" if by == "year" else "YYYY-MM"
        raise PanelError(f"bad period bound {value!r}: expected {shape}")
    return int(value) if by == "year" else int(m.group(1)) * 12 + int(m.group(2)) - 1


def periods(by: str, first: str, last: str) -> list[tuple[str, dt.date]]:
    """(label, last day) of each year or month from `first` to `last` (YYYY or YYYY-MM)."""
    if by not in ("year", "month"):
        raise PanelError(f"unknown period {by!r}: use year or month")
    lo, hi = _bound(by, first), _bound(by, last)
    if lo > hi:
        raise PanelError(f"empty range: {first!r} is after {last!r}")
    if by == "year":
        return [(str(y), dt.date(y, 12, 31)) for y in range(lo, hi + 1)]
    out = []
    for m in range(lo, hi + 1):
        y, mo = divmod(m, 12)
        end = dt.date(y, mo + 1, calendar.monthrange(y, mo + 1)[1])
        out.append((f"{y:04d}-{mo + 1:02d}", end))
    return out


def default_range(by: str, first: str | None, last: str | None) -> tuple[str, str]:
    """The range with defaults filled in: from February 2008 (Kosovo's declaration of
    independence; the year 2008 by year) to the current year or month."""
    today = dt.date.today()
    if by == "month":
        return first or "2008-02", last or today.strftime("%Y-%m")
    return first or "2008", last or str(today.year)


def _cells(found: list[Period], d: dt.date, docs: dict[str, set[str]]) -> dict[str, str | int]:
    possible = [p for p in found if p.possibly_current(d)]
    definite = [p for p in found if p.definitely_current(d)]
    statuses = sorted({p.status for p in possible})
    status = definite[0].status if len(definite) == 1 and len(statuses) <= 1 else UNCERTAIN
    claims = set().union(*(p.claims for p in possible)) if possible else set()
    sources = set().union(*(docs.get(c, set()) for c in claims)) if claims else set()
    return {
        "status": status,
        "possible": "|".join(statuses),
        "recognises_definitely": int(any(p.status == "recognises" for p in definite)),
        "recognises_possibly": int("recognises" in statuses),
        "disputed": int(any(p.disputed for p in possible)),
        "claims": len(claims),
        "sources": len(sources),
    }


def _names(store: object, iris: Iris) -> dict[str, tuple[str, str, str]]:
    """state IRI -> (ISO3, label, Wikidata QID) for every state with status periods."""
    out: dict[str, tuple[str, str, str]] = {}
    for r in select_rows(
        store,
        f"""PREFIX kr: <{iris.kr}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s (SAMPLE(?i) AS ?iso) (SAMPLE(?l) AS ?label) (SAMPLE(?q) AS ?qid) WHERE {{
          GRAPH <{iris.graph("perspectives")}> {{ ?period kr:periodOf ?s }}
          OPTIONAL {{ ?s kr:iso3 ?i }} OPTIONAL {{ ?s rdfs:label ?l }}
          OPTIONAL {{ ?s kr:wikidata ?q }} }} GROUP BY ?s""",
    ):
        out[r["s"]] = (r["iso"] or "", r["label"] or "", r["qid"] or "")  # type: ignore[index]
    return out


def columns(perspectives: list[str]) -> list[str]:
    return [*STATE_COLUMNS, *(f"{p}_{c}" for p in perspectives for c in PER_PERSPECTIVE)]


def panel_rows(
    store: object, iris: Iris, data_dir: Path, by: str, first: str, last: str
) -> tuple[list[str], list[dict[str, str | int]]]:
    """The panel's columns and rows, sorted by ISO3 (then label) and period."""
    steps = periods(by, first, last)
    found = periods_by_state(store, iris)
    docs = claim_documents(store, iris)
    codes = reference_codes(data_dir)
    names = _names(store, iris)
    seen = {p for by_p in found.values() for p in by_p}
    order = [p for p in PREFERRED if p in seen] + sorted(seen - set(PREFERRED))
    rows: list[dict[str, str | int]] = []
    for state in sorted(found, key=lambda s: (names[s][0] or "~", names[s][1], s)):
        iso, label, qid = names[state]
        ref = codes.get(iso, {})
        for period, end in steps:
            row: dict[str, str | int] = {
                "iso3": iso,
                "state": label,
                "wikidata_qid": qid,
                **{c: ref.get(c, "") for c in CODE_COLUMNS},
                "period": period,
                "period_end": end.isoformat(),
            }
            for p in order:
                for key, value in _cells(found[state].get(p, []), end, docs).items():
                    row[f"{p}_{key}"] = value
            rows.append(row)
    return columns(order), rows


def panel_csv(
    store: object, iris: Iris, data_dir: Path, by: str, first: str, last: str
) -> tuple[str, int]:
    """The panel as CSV text, and its number of rows."""
    names, rows = panel_rows(store, iris, data_dir, by, first, last)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue(), len(rows)
