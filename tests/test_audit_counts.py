"""The audit's claimed-vs-computed table (`claimed_counts`): every count claim in the graph, at
its own date, against its claimant's perspective, on the freshly built graph. Rows are checked
against the perspective module directly and against the figures the claimants published."""

from __future__ import annotations

import datetime as dt

import pytest

from kosovo_kg import perspective as pv
from kosovo_kg.audit import run_audit
from kosovo_kg.audit.counts import claim_days
from kosovo_kg.audit.report import render

TODAY = dt.date(2026, 11, 28)
HOXHAJ = "Enver Hoxhaj"  # printed "Acting Kosovo FM Enver Hoxhaj (Facebook, via Koha / ...)"


@pytest.fixture(scope="module")
def report(kg, iris):
    return run_audit(kg, iris, TODAY)


@pytest.fixture(scope="module")
def rows(report):
    return report["claimed_counts"]


@pytest.fixture(scope="module")
def facts(kg, iris):
    return pv.load_facts(kg, iris)


def find(rows, label: str, value: int, date: str | None, kind: str = "count", copy: bool = False):
    """The one row of `label`'s claim; read in a carried Wikipedia copy if `copy`, else not."""
    hits = [
        r
        for r in rows
        if r["claimant_label"] == label
        and r["value"] == value
        and r["date"] == date
        and r["kind"] == kind
        and bool(r.get("carrier")) == copy
    ]
    assert len(hits) == 1, (label, value, date, len(hits))
    return hits[0]


def test_kosovo_120_in_2025_is_within_kosovos_count(rows, facts):
    row = find(rows, "Vjosa Osmani", 120, "2025-10-29")
    assert (row["perspective"], row["from"], row["to"]) == ("kosovo", "2025-10-29", "2025-10-29")
    count = pv.count_at(facts, pv.get(facts, "kosovo"), dt.date(2025, 10, 29))
    assert (row["definite"], row["possible"]) == (len(count.definitely), len(count.possibly))
    assert (row["definite"], row["possible"], row["verdict"]) == (118, 123, "within")
    uncertain = {i["state"] for i in row["explanation"]["uncertain"]}
    # BHS, SDN: undated; CAF, MDG, NRU: withdrawals the article only reports ("reported to have
    # withdrawn", kr:ReportedOnly), which are at most possible
    assert uncertain == set(count.possibly) - set(count.definitely)
    assert uncertain == {"BHS", "SDN", "CAF", "MDG", "NRU"}


def test_kosovo_117_in_2021_is_within_kosovos_possible_count(rows):
    row = find(rows, "Ministry of Foreign Affairs of Kosovo website", 117, "2021-10-06")
    assert (row["perspective"], row["definite"], row["possible"]) == ("kosovo", 116, 119)
    assert (row["verdict"], row["difference"]) == ("within", 0)
    # 116 definite; the three withdrawals the article only reports make 119 possible
    assert {i["state"] for i in row["explanation"]["uncertain"]} == {"CAF", "MDG", "NRU"}


def test_serbia_84_is_below_serbias_own_count_and_explained_by_states(rows):
    # read in two documents: two claims of one statement, counted alike
    hits = [r for r in rows if (r["claimant_label"], r["value"], r["date"]) == (
        "Aleksandar Vučić", 84, "2023-01-04")]  # fmt: skip
    assert len(hits) == 2 and len({(r["definite"], r["verdict"]) for r in hits}) == 1
    row = hits[0]
    assert (row["perspective"], row["definite"], row["possible"]) == ("serbia", 91, 91)
    assert (row["verdict"], row["difference"]) == ("below", -7)
    ex = row["explanation"]
    assert {i["state"] for i in ex["not_un_members"]} == {"COK", "NIU", "TWN"}
    contested = {i["state"]: i["not_counted_by"] for i in ex["contested"]}
    # Egypt's "could withdraw" (2018) is speculation: no perspective counts it as withdrawn
    assert contested == {"DOM": ["all"], "OMN": ["all"]}
    assert ex["unexplained"] == 2  # 91 - 84 = 7 = 3 non-UN + 2 contested + 2


def test_serbias_18_withdrawals_of_march_2020_are_within_serbias_count(rows):
    row = find(rows, "Ministry of Foreign Affairs of Serbia", 18, "2020-03")
    assert row["category"] == "Withdrawals"
    assert (row["from"], row["to"]) == ("2020-03-01", "2020-03-31")
    assert (row["perspective"], row["verdict"]) == ("serbia", "within")
    assert row["definite"] <= 18 <= row["possible"]


def test_kosovos_108th_is_an_ordinal_at_its_event_date(rows):
    row = find(rows, HOXHAJ, 108, "2014-08", kind="ordinal")
    assert (row["from"], row["to"], row["perspective"]) == ("2014-08-01", "2014-08-31", "kosovo")
    # the Solomon Islands, plus every state definitely recognising before August 2014
    assert (row["definite"], row["possible"], row["verdict"]) == (110, 110, "below")
    assert {i["state"] for i in row["explanation"]["not_un_members"]} == {"TWN"}


def test_the_articles_figures_are_counted_at_the_audit_date(rows):
    row = find(rows, 'Wikipedia editors of "International recognition of Kosovo"', 110, None)
    assert row["scope"].endswith("/org/un") and row["dated_by"] == "no date: the audit date"
    # the article's 8 withdrawals are "reported" (kr:ReportedOnly): possible, not definite
    assert (row["perspective"], row["definite"], row["possible"]) == ("article", 110, 118)
    assert row["to"] == TODAY.isoformat()


def test_every_row_is_consistent_and_every_difference_has_its_states(rows):
    assert len(rows) > 200  # 85 count claims and the ordinals on recognitions and withdrawals
    for r in rows:
        low, high, value = r["definite"], r["possible"], r["value"]
        assert low <= high and r["from"] <= r["to"] <= TODAY.isoformat()
        assert r["all_perspectives"][r["perspective"]] == [low, high]
        ex = r["explanation"]
        if r["verdict"] == "within":
            assert low <= value <= high and r["difference"] == 0
        elif r["verdict"] == "above":
            assert r["difference"] == value - high > 0
            assert len(ex["missing"]) + ex["unexplained"] >= r["difference"]
        else:
            assert r["difference"] == value - low < 0
            named = {i["state"] for k in ("contested", "not_un_members") for i in ex.get(k, [])}
            assert len(named) + ex["unexplained"] >= -r["difference"]


def test_claim_days_cap_a_date_at_when_the_claim_was_made():
    claim = {"date": "2023", "date_is": "as of", "made": "2023-01-04"}
    assert claim_days(claim, TODAY) == (dt.date(2023, 1, 1), dt.date(2023, 1, 4), "as of")
    undated = {"date": None, "date_is": None, "made": None}
    assert claim_days(undated, TODAY) == (TODAY, TODAY, "no date: the audit date")


def test_text_report_has_the_table(report):
    text = render(report)
    section = text.split("== Claimed counts against computed ones", 1)[1]
    assert "2025-10-29 120 recognising [Vjosa Osmani" in section
    assert "kosovo 118..123: within" in section
    assert "counted here, not UN members: COK NIU TWN" in section


def test_the_articles_five_founding_brics_against_todays_brics(rows):
    row = find(rows, 'Wikipedia editors of "International recognition of Kosovo"', 5, None)
    assert row["scope"].endswith("/org/brics") and row["category"] == "NonRecognisingStates"
    assert (row["definite"], row["verdict"], row["difference"]) == (8, "below", -3)
    others = {i["state"] for i in row["explanation"]["others_counted"]}
    assert {"BRA", "CHN", "IND", "RUS", "ZAF"} < others and len(others) == 8
