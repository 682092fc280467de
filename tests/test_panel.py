"""The state-period panel (`kosovo-kg export --panel`): checked against the perspective saved
queries at several dates, against the pinned countries table for the COW / Gleditsch-Ward codes,
and through the CLI."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from savedquery import run

from kosovo_kg.panel import PER_PERSPECTIVE, STATE_COLUMNS, PanelError, panel_rows, periods
from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.store import select_rows

PERSPECTIVES = ("kosovo", "serbia", "article", "all")
YEARS = ("2008", "2012", "2018", "2019", "2023")
MONTHS = ("2008-02", "2009-03", "2019-01", "2019-11", "2023-10")


@pytest.fixture(scope="module")
def by_year(kg, iris, settings):
    return panel_rows(kg, iris, settings.data_dir, "year", "2008", "2024")


@pytest.fixture(scope="module")
def by_month(kg, iris, settings):
    return panel_rows(kg, iris, settings.data_dir, "month", "2008-02", "2024-12")


def test_columns_and_one_row_per_state_and_period(by_year, by_month):
    for (names, rows), n_periods in ((by_year, 17), (by_month, 203)):
        assert names == [
            *STATE_COLUMNS, *(f"{p}_{c}" for p in PERSPECTIVES for c in PER_PERSPECTIVE)
        ]  # fmt: skip
        keys = [(r["iso3"], r["state"], r["period"]) for r in rows]
        assert len(keys) == len(set(keys))
        states = {(r["iso3"], r["state"]) for r in rows}
        assert len(rows) == len(states) * n_periods
        assert len(states) > 190


def _at(rows, period):
    return [r for r in rows if r["period"] == period and r["iso3"]]


@pytest.mark.parametrize("perspective", PERSPECTIVES)
def test_counts_equal_perspective_count_at(kg, by_year, by_month, perspective):
    for rows, dates in ((by_year[1], YEARS), (by_month[1], MONTHS)):
        for date in dates:
            (count,) = run(kg, "perspective-count-at", date=date, perspective=perspective)
            here = _at(rows, date)
            definite = {r["iso3"] for r in here if r[f"{perspective}_recognises_definitely"]}
            possible = {r["iso3"] for r in here if r[f"{perspective}_recognises_possibly"]}
            assert len(definite) == int(count["definitely"]), (perspective, date)
            assert len(possible) == int(count["possibly"]), (perspective, date)
            assert definite == set((count["definitelyStates"] or "").split()) - {""}
            assert possible - definite == set((count["possiblyOnlyStates"] or "").split()) - {""}


@pytest.mark.parametrize("perspective", PERSPECTIVES)
def test_statuses_and_claims_equal_perspective_status_at(kg, iris, by_year, by_month, perspective):
    for rows, dates in ((by_year[1], YEARS[1:4]), (by_month[1], MONTHS[2:4])):
        for date in dates:
            found = defaultdict(list)
            for r in run(kg, "perspective-status-at", date=date, perspective=perspective):
                found[r["iso3"]].append(r)
            here = {r["iso3"]: r for r in _at(rows, date)}
            assert set(here) == set(found), (perspective, date)
            for iso, periods_now in found.items():
                row = here[iso]
                statuses = sorted({_status(p["status"]) for p in periods_now})
                assert row[f"{perspective}_possible"] == "|".join(statuses), (iso, date)
                definite = [p for p in periods_now if p["definite"] == "true"]
                if len(definite) == 1 and len(statuses) == 1:
                    assert row[f"{perspective}_status"] == statuses[0], (iso, date)
                else:
                    assert row[f"{perspective}_status"] == "uncertain", (iso, date)
                claims = {c for p in periods_now for c in (p["basis"] or "").split()}
                assert row[f"{perspective}_claims"] == len(claims), (iso, date)
                disputed = any(p["disputed"] == "true" for p in periods_now)
                assert row[f"{perspective}_disputed"] == int(disputed), (iso, date)


def _status(iri: str) -> str:
    local = iri.rsplit("#", 1)[1]
    return {"NotRecognised": "not-recognised"}.get(local, local.lower())


def test_sources_are_distinct_documents_of_the_claims(kg, by_year):
    (row,) = [r for r in by_year[1] if r["period"] == "2019" and r["iso3"] == "PLW"]
    (found,) = run(kg, "perspective-status-at", date="2019", perspective="all", state="PLW")
    claims = " ".join(f"<{c}>" for c in (found["basis"] or "").split())
    docs = select_rows(
        kg,
        "PREFIX kr: <https://w3id.org/kosovo-kg/ontology#> PREFIX oa: <http://www.w3.org/ns/oa#> "
        f"SELECT DISTINCT ?doc WHERE {{ VALUES ?c {{ {claims} }} ?c kr:evidence/oa:hasSource ?doc }}",
    )
    assert row["all_sources"] == len(docs) > 0
    assert row["all_sources"] <= row["all_claims"]


def test_cow_and_gw_codes_come_only_from_the_countries_table(by_year):
    table = {
        r["iso3"]: r
        for r in csv.DictReader(
            (PROJECT_ROOT / "data/sources/reference/countries.csv").open(encoding="utf-8")
        )
        if r["iso3"]
    }
    for row in by_year[1]:
        source = table.get(row["iso3"], {})
        for column in ("cow_n", "cow_c", "gw_n", "gw_n_countrycode"):
            assert row[column] == source.get(column, ""), (row["iso3"], column)
    serbia = next(r for r in by_year[1] if r["iso3"] == "SRB")
    assert serbia["cow_n"] == "" and serbia["gw_n"] == "340"  # the table gives no COW code


def test_period_ranges_and_bad_ranges():
    assert periods("month", "2019-11", "2020-02")[-1][1].isoformat() == "2020-02-29"
    assert [p for p, _ in periods("year", "2008", "2010")] == ["2008", "2009", "2010"]
    with pytest.raises(PanelError, match="empty range"):
        periods("year", "2020", "2019")
    with pytest.raises(PanelError, match="bad period bound"):
        periods("month", "2019-13", "2020-01")


def kkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kosovo_kg", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
    )


def test_cli_writes_the_panel_and_refuses_a_bad_range(tmp_path: Path):
    out = tmp_path / "panel.csv"
    done = kkg("export", "--panel", "--by", "month", "--from", "2019-01", "--to", "2019-03",
               "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r["period"] for r in rows} == {"2019-01", "2019-02", "2019-03"}
    assert f"wrote {len(rows)} rows" in done.stderr
    bad = kkg("export", "--panel", "--from", "2020", "--to", "2019", "--out", str(out))
    assert bad.returncode == 1 and "empty range" in bad.stderr and "Traceback" not in bad.stderr
