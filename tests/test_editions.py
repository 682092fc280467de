"""Wikipedia's figures copy by copy (`kosovo_kg.build.editions`), on the freshly built graph in a
real Oxigraph store, checked against the rows of the two reference tables read directly."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from test_build_pipeline import repin

from kosovo_kg.audit import run_audit
from kosovo_kg.build import make_graph
from kosovo_kg.build.editions import DEFAULTS, LANGUAGES
from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.sources import SourceError

REFERENCE = PROJECT_ROOT / "data" / "sources" / "reference"
TODAY = dt.date(2026, 11, 28)


def table(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def csv_rows() -> list[dict[str, str]]:
    """Both tables, each row with its edition's English name."""
    rows = [{**r, "language": "en"} for r in table("article_revisions")]
    rows += table("wikipedia_editions")
    for r in rows:
        r["edition"] = f"{LANGUAGES[r['language']]} Wikipedia"
    return rows


def figures(row: dict[str, str]) -> int:
    """How many figures a row prints: its figure columns, and the curated extra figures (each
    a number its quote prints outside those columns)."""
    path = PROJECT_ROOT / "data" / "curated" / "wikipedia_extra_figures.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        extra = [e for e in csv.DictReader(handle) if e["row"] == row["id"]]
    assert all(e["words"] in row["quote"] for e in extra)
    return sum(1 for column in DEFAULTS if row[column]) + len(extra)


def test_copies_and_claims_by_edition_match_the_rows(q):
    rows = csv_rows()
    copies = Counter(edition for edition, _ in {(r["edition"], r["url"]) for r in rows})
    claims = Counter()
    for r in rows:
        claims[r["edition"]] += figures(r)
    found = q(
        """SELECT ?edition (COUNT(DISTINCT ?copy) AS ?copies) (COUNT(DISTINCT ?c) AS ?claims) {
          ?copy a kr:StoredCopy ; kr:copyOfEdition ?e . ?e skos:altLabel ?edition .
          OPTIONAL { ?c kr:evidence/oa:hasSource ?copy ; a kr:CountClaim ; kr:claimant ?e } }
        GROUP BY ?edition"""
    )
    assert {r["edition"]: int(r["copies"]) for r in found} == dict(copies)
    assert {r["edition"]: int(r["claims"]) for r in found if r["claims"] != "0"} == dict(claims)
    assert len(copies) == 18 and sum(copies.values()) == 44 and sum(claims.values()) == 128


# A figure the rows give only in words or as a range, in their glosses (`other_figures`): "'más
# de 100 estados' (more than 100 states)", "112 to 115 independent countries (range ...)".
BOUNDED = re.compile(r"more than (\d+|one hundred)|(\d+) to (\d+)")
NUMBER_WORDS = {"one hundred": 100}  # the gloss of "صد" (E036), checked by hand


def bounded_in_rows() -> dict[str, tuple[str, tuple[int | None, int | None, int | None]]]:
    """row id -> (edition, (more than, at least, at most)), read from the rows' glosses."""
    out = {}
    for r in csv_rows():
        found = BOUNDED.search(r["other_figures"])
        if found:
            more = found[1] and NUMBER_WORDS.get(found[1], found[1])
            low, high = found[2], found[3]
            bounds = tuple(int(n) if n else None for n in (more, low, high))
            out[r["id"]] = (r["edition"], bounds)
    return out


def test_figures_in_words_or_ranges_are_counts_with_bounds_never_a_value(q):
    expected = bounded_in_rows()
    assert set(expected) == {"E008", "E027", "E036"}  # Spanish, Polish, Persian
    found = q(
        """SELECT ?row ?edition ?value ?gt ?ge ?le ?words ?quote ?approx ?asOf {
          ?c a kr:CountClaim ; kr:claimant/skos:altLabel ?edition ; kr:evidence ?loc .
          ?loc kr:rowLabel ?row ; oa:hasSelector/oa:exact ?quote .
          OPTIONAL { ?c kr:claimedValue ?value } OPTIONAL { ?c kr:minExclusive ?gt }
          OPTIONAL { ?c kr:minInclusive ?ge } OPTIONAL { ?c kr:maxInclusive ?le }
          OPTIONAL { ?c kr:valueText ?words } OPTIONAL { ?c kr:approximate ?approx }
          OPTIONAL { ?c kr:asOf ?asOf }
          FILTER (BOUND(?gt) || BOUND(?ge) || BOUND(?le)) }"""
    )
    by_edition = Counter(r["edition"] for r in found)
    assert by_edition == Counter(edition for edition, _ in expected.values())
    rows = {r["id"]: r for r in csv_rows()}
    for r in found:
        edition, bounds = expected[r["row"]]
        got = tuple(int(r[k]) if r[k] else None for k in ("gt", "ge", "le"))
        assert (r["edition"], got) == (edition, bounds)
        assert r["value"] is None and r["approx"] == "true"  # never a point value
        assert r["quote"] == rows[r["row"]]["quote"] and r["words"] in r["quote"]
        # dated only where the row prints a date for it (E027: "W lutym 2018")
        assert r["asOf"] == (rows[r["row"]]["as_of_iso"] or None)


def test_every_copy_is_its_own_graph_with_its_url_and_carrier(q):
    rows = {(r["url"], r["carrier_host"]) for r in csv_rows()}
    found = q(
        """SELECT ?g ?url ?host {
          GRAPH ?g { ?copy a kr:StoredCopy ; schema:url ?url ; kr:carrier ?carrier }
          ?carrier rdfs:label ?host }"""
    )
    assert {(r["url"], r["host"]) for r in found} == rows
    assert len({r["g"] for r in found}) == len(found) == len(rows)
    assert all("/graph/wikipedia/" in r["g"] for r in found)


def test_the_claimant_is_the_edition_never_the_carrier(q):
    found = q(
        """SELECT DISTINCT ?claimant ?type {
          ?c a kr:CountClaim ; kr:evidence/oa:hasSource ?copy ; kr:claimant ?claimant .
          ?copy a kr:StoredCopy . ?claimant a ?type }"""
    )
    types = {r["type"].rsplit("#", 1)[-1] for r in found}
    assert "WikipediaEdition" in types and "Carrier" not in types
    with_figures = {r["edition"] for r in csv_rows() if figures(r)}
    assert len({r["claimant"] for r in found}) == len(with_figures) == 18


def test_machine_translated_copies_are_claims_of_their_source_edition(q):
    found = q(
        """SELECT ?host ?edition ?text ?source {
          ?copy a kr:MachineTranslatedCopy ; kr:carrier/rdfs:label ?host ;
                kr:translatedFrom/skos:altLabel ?source ; kr:copyOfEdition/skos:altLabel ?edition ;
                dcterms:language ?text }"""
    )
    got = {(r["host"], r["edition"], r["text"]) for r in found}
    assert got == {
        ("deit.abcdef.wiki", "German Wikipedia", "it"),
        ("pl.wikiital.com", "Italian Wikipedia", "pl"),
        ("ru.frwiki.wiki", "French Wikipedia", "ru"),
    }
    assert all(r["source"] == r["edition"] for r in found)
    flagged = {r["carrier_host"] for r in csv_rows() if r["notes"].startswith("MACHINE-TRANSLATED")}
    assert flagged == {host for host, _, _ in got}


def test_the_seed_article_joins_the_english_series(q, iris):
    found = q(
        """SELECT ?doc ?name {
          ?doc kr:copyOfEdition ?e . ?e a kr:WikipediaEdition ; skos:altLabel ?name .
          FILTER NOT EXISTS { ?doc a kr:StoredCopy } }"""
    )
    assert found == [{"doc": iris.doc("article"), "name": "English Wikipedia"}]
    english = q(
        """SELECT (COUNT(DISTINCT ?c) AS ?n) {
          ?c a kr:CountClaim ; kr:claimant/skos:altLabel "English Wikipedia"@en }"""
    )
    seed = q(
        f"""SELECT (COUNT(DISTINCT ?c) AS ?n) {{
          GRAPH <{iris.graph("article")}> {{ ?c a kr:CountClaim ; kr:claimant ?e }}
          ?e a kr:WikipediaEdition }}"""
    )
    revisions = sum(figures(r) for r in csv_rows() if r["language"] == "en")
    assert int(english[0]["n"]) == int(seed[0]["n"]) + revisions
    assert int(seed[0]["n"]) > 0


def test_a_copy_that_prints_no_figure_has_no_count_claim(q):
    rows = csv_rows()
    printed = {r["url"] for r in rows if figures(r)}
    empty = {r["url"] for r in rows} - printed
    # R001 only: E008 and E036 print a bound ("más de 100", "بیش از صد"), a count claim too
    assert empty == {r["url"] for r in rows if r["id"] == "R001"}
    found = q(
        """SELECT ?url (COUNT(?c) AS ?n) {
          ?copy a kr:StoredCopy ; schema:url ?url .
          OPTIONAL { ?c a kr:CountClaim ; kr:evidence/oa:hasSource ?copy } } GROUP BY ?url"""
    )
    assert {r["url"] for r in found if r["n"] == "0"} == empty


def test_kinds_totals_and_as_of_dates_as_printed(q):
    found = q(
        """SELECT ?value ?total ?category ?scope ?asOf ?earliest ?latest ?text ?quote {
          ?c a kr:CountClaim ; kr:claimedValue ?value ; kr:countCategory ?category ;
             kr:evidence ?loc . ?loc kr:rowLabel ?row ; oa:hasSelector/oa:exact ?quote .
          OPTIONAL { ?c kr:outOf ?total } OPTIONAL { ?c kr:countScope ?scope }
          OPTIONAL { ?c kr:asOf ?asOf ; kr:earliest ?earliest ; kr:latest ?latest }
          OPTIONAL { ?c kr:statedDateText ?text }
          FILTER (?row IN ("E003", "E007", "R002")) }"""
    )
    by = {
        (r["value"], r["category"].rsplit("#", 1)[-1], (r["scope"] or "/").rsplit("/", 1)[-1]): r
        for r in found
    }
    assert len(by) == len(found) == 10  # E003: 5 figures, E007: 2, R002: 3
    # German: cumulative, "115 von insgesamt 193": ever recognised, out of 193 UN members; the
    # lead's "derzeit von 115 Staaten" is the same figure, among all states, with no total
    assert by[("115", "EverRecognisingStates", "un")]["total"] == "193"
    assert by[("115", "EverRecognisingStates", "")]["total"] is None
    assert not any(r["asOf"] for r in found if "115 von" in r["quote"])
    # Spanish: 100 UN members as of July 2024, 12 withdrawals dated by their own March 2020
    assert by[("100", "RecognisingStates", "un")]["asOf"] == "2024-07"
    assert by[("100", "RecognisingStates", "un")]["text"] == "Hasta julio de 2024"
    withdrawn = by[("12", "Withdrawals", "un")]
    assert (withdrawn["asOf"], withdrawn["earliest"], withdrawn["latest"]) == (
        "2020-03",
        "2020-03-01",
        "2020-03-31",
    )
    assert withdrawn["text"] is None  # the printed as-of text is the 100's, not the 12's
    # English, October 2008: 52 of 192
    old = by[("52", "RecognisingStates", "un")]
    assert (old["total"], old["asOf"], old["text"]) == ("192", "2008-10-31", "31 October 2008")


def test_the_audit_flags_an_as_of_date_printed_with_different_figures(kg, iris):
    rows = run_audit(kg, iris, TODAY)["claimed_counts"]
    sept = [
        r
        for r in rows
        if r.get("edition") and r["date"] == "2020-09-04" and (r["scope"] or "").endswith("/un")
    ]
    values = Counter(r["value"] for r in sept)
    assert values == Counter({97: 3, 101: 1, 98: 1, 104: 1})
    for r in sept:
        others = {o["value"] for o in r["as_of_shared_with"]}
        assert others == set(values) - {r["value"]}
        assert r["carrier"] and r["url"]
    # a date printed with one figure only is not flagged
    hebrew = [r for r in rows if r.get("edition") == "Hebrew Wikipedia" and r["value"] == 101]
    assert hebrew and "as_of_shared_with" not in hebrew[0]


def test_every_edition_and_revision_is_in_the_audit_table(kg, iris, q):
    rows = run_audit(kg, iris, TODAY)["claimed_counts"]
    in_audit = Counter(r["edition"] for r in rows if r.get("edition") and r.get("carrier"))
    expected = Counter()
    for r in csv_rows():
        expected[r["edition"]] += figures(r)
    assert in_audit == +expected
    # the seed's own figures are in the English series too, without a carrier
    seed = [r for r in rows if r.get("edition") == "English Wikipedia" and not r.get("carrier")]
    assert {r["value"] for r in seed} >= {110, 22, 28, 37}


def test_ever_recognised_is_never_below_currently_recognising(kg, iris):
    rows = run_audit(kg, iris, TODAY)["claimed_counts"]
    ever = next(r for r in rows if r.get("edition") == "Arabic Wikipedia" and r["value"] == 117)
    assert ever["category"] == "EverRecognisingStates" and ever["date"] == "2025-10-29"
    current = next(r for r in rows if r.get("edition") == "Arabic Wikipedia" and r["value"] == 109)
    assert ever["all_perspectives"] and set(ever["all_perspectives"]) == set(
        current["all_perspectives"]
    )
    for view, (low, high) in ever["all_perspectives"].items():
        c_low, c_high = current["all_perspectives"][view]
        assert low >= c_low and high >= c_high


def _edit(settings, name: str, old: str, new: str, source_id: str) -> int:
    path = Path(settings.data_dir) / "sources" / "reference" / name
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if old in line)
    lines[number] = lines[number].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    repin(settings, source_id)
    return number + 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (",52,192,", ",5x,192,", "un_members_recognising '5x' is not a whole number"),
        (",2008-10-31,", ",2008-10-32,", "as-of date: not a date: '2008-10-32'"),
    ],
)
def test_a_bad_row_is_refused_with_file_and_line(data_copy, old, new, message):
    line = _edit(data_copy, "article_revisions.csv", old, new, "article-revisions")
    with pytest.raises(SourceError) as failure:
        make_graph(data_copy)
    assert str(failure.value).startswith(f"{Path(data_copy.data_dir)}/sources/reference/")
    assert f"article_revisions.csv:{line}: {message}" in str(failure.value)


def test_a_kind_that_names_no_printed_figure_is_refused(data_copy):
    path = Path(data_copy.data_dir) / "curated" / "wikipedia_count_kinds.csv"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('wikipedia_editions,E001,withdrawn_count,Withdrawals,,,"no such figure"\n')
    with pytest.raises(SourceError, match="E001/withdrawn_count names no printed figure"):
        make_graph(data_copy)


def test_latest_figure_per_edition_in_the_audit(kg, iris):
    from kosovo_kg.audit.report import render

    report = run_audit(kg, iris, TODAY)
    latest = report["wikipedia_latest"]
    arabic = {
        (e["as_of"], e["value"], e["category"]) for e in latest if e["edition"].startswith("Ar")
    }
    assert arabic == {
        ("2025-10-29", 109, "RecognisingStates"),
        ("2025-10-29", 117, "EverRecognisingStates"),
    }
    korean = next(e for e in latest if e["edition"] == "Korean Wikipedia")
    assert (korean["as_of"], korean["value"], korean["as_of_shared_with"]) == (
        "2020-09-04",
        104,
        [97, 98, 101],
    )
    # every edition with a figure of UN members is there once per figure; the Czech edition
    # prints none, the French one no UN total but an undated "90 pays membres de l'ONU"
    editions = {e["edition"] for e in latest}
    assert "Czech Wikipedia" not in editions and "French Wikipedia" in editions
    assert len(editions) == 17  # 18 editions but the Czech
    for e in latest:
        assert set(e["computed"]) == {"kosovo", "serbia", "article", "all"}
    text = render(report)
    assert "== Wikipedia editions: latest figures against computed counts ==" in text
    assert "Korean Wikipedia       2020-09-04      104 now  UN members" in text
    assert "Persian Wikipedia      undated        >100 ever states" in text


def test_an_extra_figure_must_be_printed_in_its_quote(data_copy):
    path = Path(data_copy.data_dir) / "curated" / "wikipedia_extra_figures.csv"
    text = path.read_text(encoding="utf-8").replace("44 členských států OSN,44", "45 států,45")
    path.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.split("\n"), start=1) if t.count("45 států,45"))
    with pytest.raises(SourceError) as failure:
        make_graph(data_copy)
    assert f"wikipedia_extra_figures.csv:{line}: words '45 států' not in the quote of E020" in str(
        failure.value
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (",,,112,115,", ",,,116,115,", "at_most is below the lower bound"),
        (",,,112,115,", ",113,,112,115,", "a value or bounds, not both"),
        (",,,112,115,", ",,,112,116,", "every number must be printed in words"),
        (",,,112,115,", ",,,,,", "give a whole-number value or at least one bound"),
        (",,100,,,", ",,100,100,,", "more_than or at_least, not both"),
        ("W lutym 2018,2018-02", "W lutym 2019,2019-02", "as_of_printed 'W lutym 2019' not in"),
    ],
)
def test_a_bad_bound_is_refused_with_file_and_line(data_copy, old, new, message):
    path = Path(data_copy.data_dir) / "curated" / "wikipedia_extra_figures.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if old in line)
    lines[number] = lines[number].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as failure:
        make_graph(data_copy)
    assert f"wikipedia_extra_figures.csv:{number + 1}: {message}" in str(failure.value)
