"""Wikidata: our QIDs are well formed, unique and agree with the reference table; the saved
`wikidata-*` queries join our data with Wikidata through SERVICE, proven offline against a
stand-in SPARQL endpoint (a real HTTP server process on 127.0.0.1 serving a Wikidata-shaped
fixture)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from savedquery import QUERIES, header, run

from kosovo_kg.settings import PROJECT_ROOT

WDQS = "<https://query.wikidata.org/sparql>"
FIXTURE = Path(__file__).parent / "fixtures" / "wikidata-standin.ttl"
STANDIN = Path(__file__).parent / "wikidata_standin.py"
WIKIDATA_QUERIES = sorted(p.stem for p in QUERIES.glob("wikidata-*.rq"))


# -- QIDs ---------------------------------------------------------------------------------------


def read_csv(relative: str) -> list[dict[str, str]]:
    text = (PROJECT_ROOT / relative).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def reference_qids() -> dict[str, str]:
    """ISO3 -> QID from countries.csv; where the table leaves it blank because its sources
    disagree, the project's recorded choice (data/curated/qid_choices.csv), which must be one of
    the candidates the table lists."""
    rows = read_csv("data/sources/reference/countries.csv")
    chosen = {r["iso3"]: r["chosen_qid"] for r in read_csv("data/curated/qid_choices.csv")}
    out = {}
    for r in rows:
        if not r["iso3"]:
            continue
        qid = r["wikidata_qid"]
        if not qid and r["iso3"] in chosen:
            qid = chosen[r["iso3"]]
            assert qid in {r["qid_dr5hn"], r["qid_datasets"]}, r["iso3"]
        out[r["iso3"]] = qid
    return out


def test_qids_are_well_formed_unique_and_linked(q):
    rows = q("""SELECT DISTINCT ?x ?qid ?entity ?same WHERE {
        ?x kr:wikidata ?qid .
        OPTIONAL { ?x kr:wikidataEntity ?entity }
        OPTIONAL { GRAPH <https://w3id.org/kosovo-kg/graph/derived> { ?x owl:sameAs ?same } } }""")
    assert len(rows) > 200
    for row in rows:
        assert re.fullmatch(r"Q[1-9][0-9]*", row["qid"]), row
        assert row["entity"] == f"http://www.wikidata.org/entity/{row['qid']}", row
        assert row["same"] == row["entity"], row
    per_entity = Counter(r["x"] for r in rows)
    assert max(per_entity.values()) == 1, [x for x, n in per_entity.items() if n > 1]
    per_qid = Counter(r["qid"] for r in rows)
    assert max(per_qid.values()) == 1, [x for x, n in per_qid.items() if n > 1]


def test_qids_agree_with_the_reference_table(q):
    expected = reference_qids()
    rows = q("SELECT DISTINCT ?iso ?qid WHERE { ?x kr:iso3 ?iso ; kr:wikidata ?qid }")
    assert len(rows) >= 199
    for row in rows:
        assert expected.get(row["iso"]) == row["qid"], row
    found = {r["iso"]: r["qid"] for r in rows}
    assert found["XKX"] == "Q1246" and found["SRB"] == "Q403"
    missing = {iso for iso, qid in expected.items() if qid and iso not in found}
    assert not missing


def test_organisations_with_qids_are_linked(q):
    rows = q("SELECT ?qid WHERE { <https://w3id.org/kosovo-kg/id/org/eu> kr:wikidata ?qid }")
    assert [r["qid"] for r in rows] == ["Q458"]


# -- federation, offline ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def standin():
    """The stand-in Wikidata endpoint as a real process; yields its SPARQL URL."""
    proc = subprocess.Popen(
        [sys.executable, str(STANDIN), str(FIXTURE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        match = re.fullmatch(r"PORT (\d+)\n", line)
        assert match, (
            f"stand-in did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        )
        yield f"http://127.0.0.1:{match.group(1)}/sparql"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def answered(url: str) -> int:
    with urllib.request.urlopen(url.replace("/sparql", "/requests"), timeout=10) as response:
        return int(response.read())


def local(name: str, url: str) -> str:
    """The saved query with Wikidata's service IRI pointed at the stand-in."""
    _, _, text = header(name)
    assert text.count(WDQS) >= 1, f"{name} does not federate with Wikidata's query service"
    return text.replace(WDQS, f"<{url}>")


def test_every_wikidata_query_names_the_query_service_and_has_a_header():
    assert len(WIKIDATA_QUERIES) >= 3
    for name in WIKIDATA_QUERIES:
        fields, _params, text = header(name)
        assert fields["title"] and "wikidata" in fields["tags"]
        assert WDQS in text and "SERVICE" in text


def test_diplomatic_relations_join(kg, standin):
    before = answered(standin)
    name = "wikidata-diplomatic-relations"
    rows = run(kg, name, local(name, standin), date="2026-11-28", perspective="kosovo")
    assert answered(standin) > before  # SERVICE reached the stand-in
    by = {r["iso3"]: r for r in rows}
    assert len(by) == len(rows) >= 150
    assert by["FRA"]["status"].endswith("#Recognises") and by["FRA"]["wikidataRelation"] == "true"
    assert by["RUS"]["status"].endswith("#NotRecognised")
    assert by["RUS"]["wikidataRelation"] == "false" and by["RUS"]["agrees"] == "true"
    assert by["GHA"]["agrees"] == "true"  # Kosovo's view: Ghana still recognises
    serbia = {
        r["iso3"]: r
        for r in run(kg, name, local(name, standin), date="2026-11-28", perspective="serbia")
    }
    assert serbia["GHA"]["status"].endswith("#Withdrawn") and serbia["GHA"]["agrees"] == "false"


def test_population_join(kg, standin):
    name = "wikidata-recognition-population"
    rows = run(kg, name, local(name, standin), date="2019-12-31", perspective="all")
    by = {r["iso3"]: r for r in rows}
    assert set(by) == {"FRA", "DEU", "USA"}  # fixture states that recognised at the end of 2019
    assert float(by["USA"]["population"]) == 331000000
    assert by["FRA"]["continents"] == "Europe"  # English labels only
    assert "PLW" not in by  # withdrawn in 2019
    in_2024 = {
        r["iso3"] for r in run(kg, name, local(name, standin), date="2024", perspective="all")
    }
    assert "PLW" in in_2024  # resumed in October 2023


def test_iso_code_check(kg, standin):
    name = "wikidata-iso-codes"
    rows = run(kg, name, local(name, standin))
    by = {r["iso3"]: r for r in rows}
    assert by["FRA"]["agrees"] == "true" and by["FRA"]["wikidataIso3"] == "FRA"
    assert by["TGO"]["agrees"] == "false" and by["TGO"]["wikidataIso3"] == "TOG"
    one = run(kg, name, local(name, standin), state="DEU")
    assert [(r["iso3"], r["agrees"]) for r in one] == [("DEU", "true")]


def test_an_unreachable_service_is_an_error_not_an_empty_answer(kg):
    name = "wikidata-iso-codes"
    text = local(name, "http://127.0.0.1:9/sparql")  # discard port: nothing listens
    with pytest.raises(OSError):
        run(kg, name, text.replace("OPTIONAL { SERVICE", "{ SERVICE"))


# -- HOOK for the endpoint (branch `endpoint`): federation through the allowlist ------------------


def test_HOOK_wikidata_queries_through_the_endpoint_allowlist(standin):
    """HOOK: once the endpoint with its federation allowlist is merged, run each wikidata-* query
    through the real HTTP endpoint with the stand-in's URL on the allowlist (query.wikidata.org
    itself stays on it in production), and check the rows as the tests above do. Until then this
    test is skipped; it must not be deleted."""
    web = pytest.importorskip("kosovo_kg.web", reason="endpoint (branch `endpoint`) not merged")
    pytest.skip(
        f"endpoint found ({web.__name__}); wire its allowlist setting here with {standin!r}"
    )
