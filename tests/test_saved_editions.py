"""The saved queries about Wikipedia's figures, against the shipped graph, bound as the server
binds them; checked against the reference tables read directly and against the audit's own
(Python) computation of each perspective's counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from test_editions import csv_rows

from kosovo_kg.audit import run_audit
from kosovo_kg.build.editions import DEFAULTS
from kosovo_kg.saved.library import load_library
from kosovo_kg.saved.sample import LocalRunner
from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.store import dump_path

B = "https://w3id.org/kosovo-kg/"
KR = B + "ontology#"


@pytest.fixture(scope="module")
def run():
    lib = load_library(PROJECT_ROOT / "queries")
    runner = LocalRunner(dump_path(PROJECT_ROOT / "data"), B)
    return lambda name, **args: runner.rows(lib[name], args)


def test_series_of_an_edition_is_every_figure_its_copies_print(run):
    rows = run("wikipedia-edition-series", edition="ar")
    expected = sorted(
        int(r[c]) for r in csv_rows() if r["language"] == "ar" for c in DEFAULTS if r[c]
    )
    assert sorted(int(r["claimedValue"]) for r in rows) == expected
    assert {r["name"] for r in rows} == {"Arabic Wikipedia"}
    dated = [r["earliest"] for r in rows if r.get("earliest")]
    assert dated == sorted(dated) and dated[0] == "2020-03-02" and dated[-1] == "2025-10-29"
    # the English series includes the seed article's own (undated) figures after the revisions
    english = run("wikipedia-edition-series")
    seed = [r for r in english if not r.get("carrier")]
    assert seed and all("earliest" not in r for r in seed)
    assert english[0]["asOfPrinted"] == "31 October 2008"


def test_latest_figures_per_edition(run):
    rows = run("wikipedia-editions-latest", category="RecognisingStates")
    un = {
        r["edition"]: (r.get("asOf"), int(r["claimedValue"]))
        for r in rows
        if r.get("scope") == B + "id/org/un" and r["edition"] != "English Wikipedia"
    }
    assert un["Arabic Wikipedia"] == ("2025-10-29", 109)
    assert un["Hebrew Wikipedia"] == ("2022-11-13", 101)
    assert un["Spanish Wikipedia"] == ("2024-07", 100)
    assert un["Korean Wikipedia"] == ("2020-09-04", 104)
    assert un["Bulgarian Wikipedia"] == (None, 111)  # no copy prints an as-of date
    english = {int(r["claimedValue"]) for r in rows if r["edition"] == "English Wikipedia"}
    assert {97, 101} <= english  # two copies print "4 September 2020", with 97 and with 101
    translated = {r["carrier"] for r in rows if r["translated"] == "true"}
    assert translated == {"pl.wikiital.com"}


def test_disagreements_at_the_same_as_of_date(run):
    rows = run("wikipedia-as-of-disagreements", category="RecognisingStates")
    un = [r for r in rows if r["asOf"] == "2020-09-04" and r["scope"] == B + "id/org/un"]
    pairs = {(int(r["value1"]), int(r["value2"])) for r in un}
    assert pairs == {(97, 98), (97, 101), (97, 104), (98, 101), (98, 104), (101, 104)}
    editions = {r["edition1"] for r in un} | {r["edition2"] for r in un}
    assert {"English Wikipedia", "Korean Wikipedia", "Hebrew Wikipedia"} <= editions
    assert all(int(r["value1"]) < int(r["value2"]) for r in rows)


def test_claimed_counts_over_time_match_the_audit(run, kg, iris):
    rows = run("claimed-counts-over-time")
    audit = run_audit(kg, iris, dt.date(2026, 11, 28))["claimed_counts"]
    by_claim = {r["claim"]: r for r in audit}
    compared = unknown = 0
    for r in rows:
        a = by_claim[r["claim"]]
        assert (r.get("claimedValue"), r["low"], r.get("high")) == tuple(
            None if a[k] is None else str(a[k]) for k in ("value", "low", "high")
        )
        if a["from"] != a["to"]:
            continue  # a month or a year: the audit spans it, the query takes its last day
        assert r["day"] == a["to"]
        if a["all_perspectives"]["all"] is None:  # members then unknown in the audit: here too
            assert r["verdict"] == "unknown" and "definitely" not in r, r
            unknown += 1
            continue
        assert [int(r["definitely"]), int(r["possibly"])] == a["all_perspectives"]["all"], r
        compared += 1
    assert compared > 60 and unknown > 10 and compared + unknown > 80
    assert {r["countCategory"] for r in rows} == {
        KR + "RecognisingStates",
        KR + "EverRecognisingStates",
        KR + "Withdrawals",
    }
    wiki = run("claimed-counts-over-time", claimants="wikipedia", perspective="serbia")
    others = run("claimed-counts-over-time", claimants="others")
    assert len(wiki) + len(others) == len(rows)
    assert all(r.get("edition") for r in wiki) and not any(r.get("edition") for r in others)
    assert Counter(r["perspective"] for r in wiki) == {"serbia": len(wiki)}
