"""The audit: contradictions, single sources, derived-only dates, date conflicts, the article's
figures and coverage, on the freshly extracted graph; its saved queries agree with it; and the
`kosovo-kg audit` command runs as a real process."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from savedquery import header, run

from kosovo_kg.audit import run_audit
from kosovo_kg.audit.report import render

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def report(kg, iris):
    return run_audit(kg, iris, TODAY)


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_report_is_json_and_has_every_section(report):
    again = json.loads(json.dumps(report))
    assert set(again) == {
        "date", "perspective_counts", "contradictions", "single_source", "derived_only_dates",
        "date_conflicts", "figures", "claimed_counts", "coverage", "hedged", "wikipedia_latest",
    }  # fmt: skip


def test_serbian_withdrawals_that_kosovo_denies_are_contradictions_with_evidence(report):
    serbian_vs_kosovo = [
        c for c in report["contradictions"]
        if c["kind"] == "Withdrawal" and "SRB" in c["sides_affirming"]
        and "XKX" in c["sides_denying"]
    ]  # fmt: skip
    states = {c["state"] for c in serbian_vs_kosovo}
    assert {"GHA", "BDI", "ATG", "SOM"} <= states
    for item in serbian_vs_kosovo:
        for claim in item["affirmed_by"] + item["denied_by"]:
            assert claim["evidence"], claim["claim"]
            for ev in claim["evidence"]:
                assert ev["document"] and (ev["url"] or ev["line"]), ev
        assert any(c["claimant_side"] == "XKX" for c in item["denied_by"])
        assert any(c["claimant_side"] == "SRB" for c in item["affirmed_by"])


def test_date_conflicts_keep_each_date_with_its_sources(report):
    by_event = {short(c["event"]): c for c in report["date_conflicts"]}
    togo = {s for d in by_event["TGO-XKX-recognition-1"]["dates"] for s in d["stated"]}
    assert {"2014-07-02", "2014-07-11"} <= togo
    germany = {s for d in by_event["DEU-XKX-recognition-1"]["dates"] for s in d["stated"]}
    assert {"2008-02-19", "2008-02-20"} <= germany
    for item in report["date_conflicts"]:
        assert len(item["dates"]) >= 2 and item["disjoint_pairs"]
        for d in item["dates"]:
            assert d["claims"] and all(c["evidence"] for c in d["claims"])


def test_derived_only_dates_say_what_they_were_derived_from(report):
    assert report["derived_only_dates"]
    for item in report["derived_only_dates"]:
        for d in item["derived"]:
            assert d["basis"] == "RowOrderBound" and d["derived_from"]
            assert d["earliest"] <= d["latest"]


def test_single_source_facts_have_one_document(report):
    assert report["single_source"]
    for item in report["single_source"]:
        docs = {ev["document"] for c in item["claims"] for ev in c["evidence"]}
        assert docs == {item["document"]}


def test_article_figures_against_rows_and_perspectives(report):
    figures = {(f["value"], f["out_of"], short(f["scope"] or "all")): f for f in report["figures"]}
    for value, out_of, scope in [(22, 27, "eu"), (28, 32, "nato"), (37, 57, "oic"),
                                 (110, None, "un")]:  # fmt: skip
        f = figures[(value, out_of, scope)]
        assert f["rows"]["count"] == value, (value, scope)
        assert f["scope_size"] == (out_of or 193)
        assert f["perspectives"]["article"]["definitely"] == value
    kosovo_120 = figures[(120, None, "all")]
    assert short(kosovo_120["claimant"]) == "XKX"
    assert kosovo_120["perspectives"]["kosovo"]["definitely"] == 120
    assert kosovo_120["perspectives"]["kosovo"]["difference_from_claim"] == 0
    serbia_84 = figures[(84, None, "all")]
    view = serbia_84["perspectives"]["serbia"]
    assert len(view["states"]) == view["definitely"]
    # every state that Serbia's view counts differently from the article's rows is explained
    rows = set(serbia_84["rows"]["states"])
    explained = {d["state"] for d in view["differs_from_rows"]}
    assert explained == set(view["states"]) ^ rows
    assert all(d["why"] for d in view["differs_from_rows"])


def test_perspective_counts_differ_between_kosovo_and_serbia(report):
    counts = {(c["date"], c["perspective"]): c for c in report["perspective_counts"]}
    for day in ("2019-12-31", TODAY.isoformat()):
        kosovo, serbia = counts[(day, "kosovo")], counts[(day, "serbia")]
        assert kosovo["definitely"] != serbia["definitely"]
        for c in (kosovo, serbia):
            assert len(c["definitely_states"]) == c["definitely"]


def test_coverage_adds_up(report):
    cov = report["coverage"]
    assert cov["events"] == (
        cov["events_with_stated_date"] + cov["events_with_derived_date_only"]
        + cov["events_undated"]
    )  # fmt: skip
    assert sum(cov["sources_per_event"]["histogram"].values()) == cov["events"]
    assert cov["sources_per_event"]["min"] >= 1
    assert 0 < cov["share_with_stated_date"] <= 1
    assert cov["events_with_derived_date_only"] == len(report["derived_only_dates"])


def test_hedged_claims_are_listed_with_their_wording(report):
    hedged = report["hedged"]
    assert {h["modality"] for h in hedged} >= {"Speculated", "Rumoured", "ReportedOnly"}
    assert not {h["modality"] for h in hedged} & {"Asserted", "Denied"}
    egypt = [h for h in hedged if h["state"] == "EGY" and h["modality"] == "Speculated"]
    # one row, two speakers ("Večernje novosti / Al-Masry Al-Youm columnist"): two claims
    assert len(egypt) == 2
    assert {q for h in egypt for q in h["quotes"]} == {
        "Egypt could withdraw its decision to recognize Kosovo"
    }
    assert all(h["url"].startswith("http") for h in egypt)
    gnb = [h for h in hedged if h["state"] == "GNB"]
    assert [h["modality"] for h in gnb] == ["Rumoured"]
    assert "Guinea Bissau have withdrawn" in gnb[0]["quotes"][0]
    # the article's own hedge ("reported to have withdrawn") is listed too
    assert any(h["modality"] == "ReportedOnly" and "/agent/wikipedia" in h["claimant"]
               for h in hedged)  # fmt: skip


def test_text_report_names_the_sections(report):
    text = render(report)
    for title in ("Coverage", "Contradictions", "Date conflicts", "single source",
                  "only date is derived", "article's figures", "Hedged claims"):  # fmt: skip
        assert title in text
    assert '"Egypt could withdraw its decision to recognize Kosovo"' in text
    assert "Ministry of Foreign Affairs of Serbia" in text


# -- saved queries agree with the audit ---------------------------------------------------------


def test_saved_contradictions_agree(kg, report):
    rows = run(kg, "audit-contradictions")
    assert {r["event"] for r in rows} == {c["event"] for c in report["contradictions"]}
    ghana = run(kg, "audit-contradictions", state="GHA")
    assert ghana and {r["iso3"] for r in ghana} == {"GHA"}
    assert any(r["denierSide"] and r["denierSide"].endswith("XKX") for r in ghana)


def test_saved_single_source_agrees(kg, report):
    rows = run(kg, "audit-single-source")
    assert {r["event"] for r in rows} == {c["event"] for c in report["single_source"]}
    assert all(r["documents"] == "1" for r in rows)


def test_saved_date_conflicts_agree(kg, report):
    rows = run(kg, "audit-date-conflicts")
    assert {r["event"] for r in rows} == {c["event"] for c in report["date_conflicts"]}
    togo = run(kg, "audit-date-conflicts", state="TGO")
    pairs = {(r["dateA"], r["dateB"]) for r in togo}
    assert ("2014-07-02", "2014-07-11") in pairs


def test_saved_derived_only_dates_agree(kg, report):
    rows = run(kg, "audit-derived-only-dates")
    assert {r["event"] for r in rows} == {c["event"] for c in report["derived_only_dates"]}
    assert all(r["derivedFrom"] and r["note"] for r in rows)


@pytest.mark.parametrize(
    "name",
    ["audit-contradictions", "audit-single-source", "audit-date-conflicts",
     "audit-derived-only-dates"],
)  # fmt: skip
def test_audit_query_headers(name):
    fields, _params, text = header(name)
    assert fields["title"] and fields["description"] and "audit" in fields["tags"]
    assert "PREFIX kr:" in text


# -- the command ---------------------------------------------------------------------------------


def kkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kosovo_kg", *args],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_audit_command_json():
    done = kkg("audit", "--json", "--date", "2026-11-28")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["date"] == "2026-11-28"
    assert any(
        "SRB" in c["sides_affirming"] and "XKX" in c["sides_denying"]
        for c in data["contradictions"]
    )


def test_audit_command_rejects_a_bad_date():
    done = kkg("audit", "--date", "28/11/2026")
    assert done.returncode != 0
    assert "not a date" in done.stderr
