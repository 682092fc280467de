"""People as people: one IRI per person (curated in data/curated/people.csv), the post they
spoke in, reporting chains and fused claimants split, on the freshly extracted graph and on the
real curated files."""

from __future__ import annotations

import csv

import pytest

from kosovo_kg.build.news_claimants import People
from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.sources import SourceError

CURATED = PROJECT_ROOT / "data" / "curated"
CODES = {"SRB", "XKX", "GRD", "BDI", "AUS", "AND", "BGD", "GBR", "DEU", "GHA", "ISR", "ITA"}


@pytest.fixture(scope="module")
def people():
    from kosovo_kg.sources import read_csv

    codes = {r["iso3"] for r in read_csv(PROJECT_ROOT / "data/sources/reference/countries.csv")}
    return People(CURATED, codes)


def test_reading_a_fused_claimant_gives_its_people(people):
    reading = people.read("Serbian FM Ivica Dačić and Grenadian FM Peter David (via RTS / N1)")
    assert [(s.person, s.post) for s in reading.speakers] == [
        ("ivica-dacic", "srb-foreign-minister"),
        ("peter-david", None),
    ]
    assert reading.channel == "via RTS / N1"
    three = people.read("Koha / KTV, confirmed by Serbian Foreign Minister Ivica Dačić")
    assert [s.text for s in three.speakers] == [
        "Koha",
        "KTV",
        "Serbian Foreign Minister Ivica Dačić",
    ]
    # "and" splits only between people: a ministry's name keeps its "and"
    one = people.read("Ministry of Foreign Affairs and Diaspora of Kosovo")
    assert [s.text for s in one.speakers] == ["Ministry of Foreign Affairs and Diaspora of Kosovo"]


def test_a_second_hand_report_keeps_its_speaker_and_names_the_reporter(people):
    reading = people.read("Kosovo authorities (as quoted by Serbian FM Dačić)")
    assert [s.text for s in reading.speakers] == ["Kosovo authorities"]
    assert reading.reporter == "ivica-dacic"
    thaci = people.read("President of Kosovo Hashim Thaçi (as quoted by Serbian FM Dačić)")
    assert [(s.person, s.post) for s in thaci.speakers] == [("hashim-thaci", "xkx-president")]


def test_a_persons_office_and_an_adviser_are_not_the_person(people):
    office = people.read("Kosovo Deputy PM Behgjet Pacolli's office (via INA / Top Channel)")
    assert office.speakers[0].person is None
    adviser = people.read("Jetlir Zyberaj, adviser to Kosovo FM Behgjet Pacolli (via RTK2)")
    assert adviser.speakers[0].person == "jetlir-zyberaj"
    assert adviser.speakers[0].post is None  # Pacolli's post is not his adviser's


def test_a_post_needs_the_persons_state(people):
    # "President" matches Kosovo's president pattern, but Porfirio Lobo acts for Honduras
    honduras = people.read("President of Honduras Porfirio Lobo Sosa")
    assert [(s.person, s.post) for s in honduras.speakers] == [("porfirio-lobo-sosa", None)]


def test_bad_curated_people_are_reported_with_file_and_line(tmp_path):
    (tmp_path / "people.csv").write_text(
        "person,name,variants,acts_for,note\nx,X Y,X Y,ZZZ,\n", encoding="utf-8"
    )
    (tmp_path / "posts.csv").write_text((CURATED / "posts.csv").read_text(encoding="utf-8"))
    with pytest.raises(SourceError) as err:
        People(tmp_path, CODES)
    assert "people.csv:2:" in str(err.value)
    assert "ZZZ" in str(err.value)


def test_one_iri_per_person_with_name_variants(q, iris):
    dacic = iris.person("ivica-dacic")
    agents = q(
        """SELECT DISTINCT ?a WHERE { ?a a prov:Agent ; rdfs:label ?l
        FILTER(CONTAINS(?l, "Dačić") || CONTAINS(?l, "Dacic")) }"""
    )
    assert [r["a"] for r in agents] == [dacic]
    labels = q(f"SELECT ?l WHERE {{ <{dacic}> rdfs:label ?l }}")
    assert [r["l"] for r in labels] == ["Ivica Dačić"]  # one row per person in label queries
    alt = {r["l"] for r in q(f"SELECT ?l WHERE {{ <{dacic}> skos:altLabel ?l }}")}
    assert alt == {"Ivica Dacic", "Dačić", "Dacic"}
    # "everything Dačić claimed" needs no regex on labels: every row that prints him as a
    # speaker (not only as the one who quotes someone) has a claim of his
    printed = q(
        """SELECT DISTINCT ?loc WHERE { ?loc kr:note ?n
        FILTER(STRSTARTS(?n, "claimant as printed:") && CONTAINS(?n, "Dačić")
               && !CONTAINS(?n, "quoted by")) }"""
    )
    his = q(f"SELECT DISTINCT ?loc WHERE {{ ?c kr:claimant <{dacic}> ; kr:evidence ?loc }}")
    assert len(printed) >= 50
    assert {r["loc"] for r in printed} == {r["loc"] for r in his}
    for slug in ("behgjet-pacolli", "aleksandar-vucic"):
        n = q(f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c kr:claimant <{iris.person(slug)}> }}")
        assert int(n[0]["n"]) >= 10, slug


def test_claims_name_the_post_and_people_hold_it(q, iris):
    dacic, post = iris.person("ivica-dacic"), iris.post("srb-foreign-minister")
    rows = q(
        f"""SELECT ?post (COUNT(DISTINCT ?c) AS ?n) WHERE {{
          ?c kr:claimant <{dacic}> OPTIONAL {{ ?c kr:spokeAs ?post }} }} GROUP BY ?post"""
    )
    assert {r["post"] for r in rows} == {post}
    held = q(f"SELECT ?in WHERE {{ <{dacic}> org:holds <{post}> . <{post}> org:postIn ?in }}")
    assert [r["in"] for r in held] == [iris.state("SRB")]
    pacolli = q(
        f"""SELECT DISTINCT ?post WHERE {{ <{iris.person("behgjet-pacolli")}> org:holds ?post }}
        ORDER BY ?post"""
    )
    assert [r["post"].rsplit("/", 1)[1] for r in pacolli] == [
        "xkx-deputy-prime-minister",
        "xkx-foreign-minister",
    ]


def test_people_are_not_organisations_and_carry_no_qid(q):
    assert (
        q(
            """SELECT ?p WHERE { ?p a foaf:Person .
        { ?p a org:Organization } UNION { ?p a kr:Organisation } UNION { ?p kr:wikidata ?x }
        UNION { ?p owl:sameAs ?y } }"""
        )
        == []
    )
    people = q("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a foaf:Person }")
    with open(CURATED / "people.csv", encoding="utf-8", newline="") as f:
        curated = {row["person"] for row in csv.DictReader(f)}
    assert curated and int(people[0]["n"]) == len(curated)  # one IRI per curated person


def _codes(q) -> set[str]:
    return {r["c"] for r in q("SELECT ?c WHERE { ?s a kr:PoliticalEntity ; kr:iso3 ?c }")}


def test_fused_row_becomes_one_claim_per_speaker(q, iris):
    """C0544: "Serbian FM Ivica Dačić and Grenadian FM Peter David" on Grenada's withdrawal."""
    rows = q(
        """SELECT ?c ?who ?loc WHERE { ?c kr:evidence ?loc ; kr:claimant ?who .
          ?loc kr:note "read through claims_news.csv row C0544" }"""
    )
    assert sorted(r["who"] for r in rows) == [
        iris.person("ivica-dacic"),
        iris.person("peter-david"),
    ]
    assert len({r["loc"] for r in rows}) == 1


def test_a_second_hand_report_never_takes_the_reporters_side(q, iris):
    """C0360: "Kosovo authorities (as quoted by Serbian FM Dačić)": the speaker is Kosovo's,
    the claim only reported, relayed by Dačić, and not a claim of Serbia's side."""
    rows = q(
        """SELECT ?c ?who ?side ?mod ?by WHERE { ?c kr:evidence ?loc ; kr:claimant ?who ;
          kr:modality ?mod ; kr:reportedBy ?by .
          ?loc kr:note "read through claims_news.csv row C0360" .
          OPTIONAL { ?who prov:actedOnBehalfOf ?side } }"""
    )
    assert len(rows) == 1
    assert rows[0]["by"] == iris.person("ivica-dacic")
    assert rows[0]["who"] != iris.person("ivica-dacic")
    assert rows[0]["side"] == iris.state("XKX")
    assert rows[0]["mod"].endswith("#ReportedOnly")
