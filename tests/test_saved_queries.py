"""Every saved query against the shipped graph (data/generated/kosovo-kg.nq), with its expected
answer. Expected values are facts read in the sources (the article's tables and lead, the
reference tables), checked here through the query bound exactly as the server binds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kosovo_kg.saved.library import load_library
from kosovo_kg.saved.sample import LocalRunner
from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.store import dump_path

B = "https://w3id.org/kosovo-kg/"
KR = B + "ontology#"


@pytest.fixture(scope="module")
def lib():
    return load_library(PROJECT_ROOT / "queries")


@pytest.fixture(scope="module")
def runner():
    return LocalRunner(dump_path(PROJECT_ROOT / "data"), B)


@pytest.fixture(scope="module")
def run(lib, runner):
    def call(name: str, **args: str) -> list[dict[str, str]]:
        return runner.rows(lib[name], args)

    return call


def isos(rows, key="iso3"):
    return {r[key] for r in rows if key in r}


def test_recognitions_all(run):
    rows = run("recognitions-all")
    events = {r["event"] for r in rows}
    assert len(events) == 125  # 124 first recognitions + Palau's resumption
    un_rows = {r["articleLine"] for r in rows if r.get("articleTable") == "un-recognitions"}
    assert len(un_rows) == 110  # the UN table: order numbers 1..110, one line each
    fra = [r for r in rows if r.get("iso3") == "FRA"]
    assert {(r["orderFrom"], r["orderTo"], r["articleRow"]) for r in fra} == {("2", "8", "2–8")}
    assert fra[0]["earliest"] == fra[0]["latest"] == "2008-02-18"
    assert int(fra[0]["claimants"]) >= 5
    kinds = {r["event"]: r["kind"] for r in rows}
    assert kinds[B + "id/event/PLW-XKX-resumption-1"] == "resumption"
    assert kinds[B + "id/event/PLW-XKX-recognition-1"] == "recognition"
    one = run("recognitions-all", state="Q142")  # France by QID
    assert {r["event"] for r in one} == {B + "id/event/FRA-XKX-recognition-1"}


def test_recognitions_in_range(run):
    rows = run("recognitions-in-range", **{"from": "2008-02-17", "to": "2008-02-18"})
    assert {"CRI", "AFG", "ALB", "FRA", "TUR", "GBR", "USA"} <= isos(rows)
    assert "SEN" not in isos(rows) and "DEU" not in isos(rows)
    for r in rows:
        assert r["latest"] >= "2008-02-17" and r["earliest"] <= "2008-02-18"
    definitely = run(
        "recognitions-in-range", mode="definitely", **{"from": "2008-02-17", "to": "2008-02-18"}
    )
    assert all("2008-02-17" <= r["earliest"] <= r["latest"] <= "2008-02-18" for r in definitely)
    assert len(definitely) < len(rows)
    # a month as `to` means its last day: Germany (20 February 2008) is in February
    month = run("recognitions-in-range", state="DEU", **{"from": "2008-02", "to": "2008-02"})
    assert isos(month) == {"DEU"} and all(r["to_end"] == "2008-02-29" for r in month)
    assert run("recognitions-in-range", state="DEU", **{"from": "2009", "to": "2009"}) == []


@pytest.mark.parametrize(
    ("org", "yes", "no"), [("eu", 22, 5), ("nato", 28, 4), ("g7", 7, 0), ("g20", 11, 9)]
)
def test_organisation_members(run, org, yes, no):
    assert len(run("organisation-members", organisation=org, recognises="yes")) == yes
    assert len(run("organisation-members", organisation=org, recognises="no")) == no


def test_organisation_members_eu_names(run):
    non = isos(run("organisation-members", organisation="eu", recognises="no"))
    assert non == {"CYP", "GRC", "ROU", "SVK", "ESP"}
    yes = run("organisation-members", organisation="eu", recognises="yes")
    assert {"FRA", "DEU"} <= isos(yes) and all(r["articleRow"] for r in yes)


def test_article_figures_vs_rows(run):
    rows = run("article-figures-vs-rows")
    by = {(r["scope"].rsplit("/", 1)[1], r["category"].rsplit("#", 1)[1]): r for r in rows}
    un = by[("un", "RecognisingStates")]
    assert un["claimedValue"] == un["countedFromRows"] == "110"
    for scope, value, out_of in (
        ("eu", 22, 27),
        ("nato", 28, 32),
        ("oic", 37, 57),
        ("g20", 11, 20),
    ):
        r = by[(scope, "RecognisingStates")]
        assert (int(r["claimedValue"]), int(r["outOf"])) == (value, out_of)
        assert int(r["countedFromRows"]) == value
        assert int(r["membersInGraph"]) == out_of
    assert all(r.get("quote") for r in rows)


def test_state_profile_palau(run):
    rows = run("state-profile", state="PLW")
    events = {r["item"] for r in rows if r["section"] == "event"}
    assert {
        B + "id/event/PLW-XKX-recognition-1",
        B + "id/event/PLW-XKX-withdrawal-1",
        B + "id/event/PLW-XKX-resumption-1",
        B + "id/event/PLW-XKX-relations-1",
    } <= events
    identity = {r["kind"].rsplit("#", 1)[-1]: r["item"] for r in rows if r["section"] == "identity"}
    assert identity["wikidata"] == "Q695" and identity["iso3"] == "PLW"
    assert identity["wikidataEntity"] == "http://www.wikidata.org/entity/Q695"
    resumption = [r for r in rows if r["item"].endswith("PLW-XKX-resumption-1")]
    assert {r.get("statedDate") for r in resumption} == {"2023-10-20"}
    assert any(r["section"] == "named-in-count" for r in rows)  # Serbia's count of 18
    assert all(r["state"] == B + "id/state/PLW" for r in rows)


def test_withdrawals_status(run):
    rows = run("withdrawals")
    status = {r["withdrawal"].rsplit("/", 1)[1]: r["withdrawalStatus"] for r in rows}
    # the article's 8 rows and news reports (Palau's is one event); the 2011 rumour that
    # Guinea-Bissau withdrew is an event of its own (a rumour never pools with others)
    assert len(status) == 33
    assert status["GNB-XKX-withdrawal-1"] == "annulled"
    assert status["PLW-XKX-withdrawal-1"] == "resumed"
    assert status["GHA-XKX-withdrawal-1"] == "disputed"
    assert status["TGO-XKX-withdrawal-1"] == "reported"
    assert {s for s in status.values()} == {"reported", "disputed", "annulled", "resumed"}
    for wanted in ("reported", "disputed", "annulled", "resumed"):
        only = run("withdrawals", status=wanted)
        assert only and {r["withdrawalStatus"] for r in only} == {wanted}
        assert len(only) == sum(1 for s in status.values() if s == wanted)
    ghana = next(r for r in rows if r["withdrawal"].endswith("GHA-XKX-withdrawal-1"))
    assert int(ghana["deniedBy"]) >= 1 and int(ghana["affirmedBy"]) >= 1


def test_claims_by_claimant(run):
    rows = run("claims-by-claimant", claimant=B + "id/agent/serbia-mfa")
    assert rows and {r["claimant"] for r in rows} == {B + "id/agent/serbia-mfa"}
    assert B + "id/event/TGO-XKX-withdrawal-1" in {r.get("event") for r in rows}
    counts = [r for r in rows if r["claimType"] == KR + "CountClaim"]
    assert any(r["claimedValue"] == "18" for r in counts)  # "a total of 18 countries"
    assert run("claims-by-claimant", claimant=B + "id/agent/nobody") == []


def test_claims_by_side(run):
    serbia = run("claims-by-side", side="serbia", kind="Withdrawal")
    assert serbia and all(r["stance"] == KR + "Affirms" for r in serbia)
    kosovo = run("claims-by-side", side="kosovo", kind="Withdrawal")
    assert any(r["stance"] == KR + "Denies" for r in kosovo)
    assert {r["claimant"] for r in serbia}.isdisjoint({r["claimant"] for r in kosovo})


def test_contradictions(run):
    rows = run("contradictions")
    events = {r["event"].rsplit("/", 1)[1] for r in rows if "/event/" in r["event"]}
    assert len(events) == 22 and "GHA-XKX-withdrawal-1" in events
    assert all(r["affirmer"] != r["denier"] for r in rows)
    ghana = run("contradictions", state="GHA")
    pairs = {(r.get("affirmerSide"), r.get("denierSide")) for r in ghana}
    assert ("SRB", "XKX") in pairs  # Serbia affirms, Kosovo's side denies
    # Kosovo's MFA calls Serbia's count of 18 withdrawals (which names Palau) "fake news"
    palau = [r for r in run("contradictions", state="PLW") if r["explicitDispute"] == "true"]
    assert palau and {r.get("characterisation") for r in palau} >= {"fake news"}
    assert {r["denier"] for r in palau} == {B + "id/agent/kosovo-mfa"}


def test_fact_sources(run):
    rows = run("fact-sources", event=B + "id/event/TGO-XKX-withdrawal-1")
    claimants = {r["claimant"] for r in rows}
    assert {B + "id/agent/wikipedia", B + "id/agent/serbia-mfa"} <= claimants
    article = [r for r in rows if r["claimant"] == B + "id/agent/wikipedia"]
    assert article[0]["graph"] == B + "graph/article" and article[0]["table"] == "withdrawn"
    assert any(r.get("statedDate") == "2019-06-28" for r in rows)
    assert all(r.get("doc") for r in rows)


def test_state_event_sources(run):
    rows = run("state-event-sources", state="TGO", kind="Recognition")
    dates = {r.get("statedDate") for r in rows}
    assert {"2014-07-11", "2014-07-02"} <= dates  # the article and Kosovo's MFA disagree
    assert {r["event"] for r in rows} == {B + "id/event/TGO-XKX-recognition-1"}


def test_positions(run):
    rows = run("positions")
    assert len({r["position"] for r in rows}) == 81  # positions-un (73) and positions-other (8)
    nigeria = run("positions", text="CIVIL WAR")
    assert isos(nigeria) == {"NGA"} and "1967" in nigeria[0]["datesMentioned"]
    assert isos(run("positions", state="NGA")) == {"NGA"}
    assert run("positions", text="no position contains this text") == []


def test_diplomatic_relations(run):
    rows = run("diplomatic-relations")
    assert len({r["event"] for r in rows}) == 113
    assert len({r["event"] for r in run("diplomatic-relations", relations="yes")}) == 98
    assert len({r["event"] for r in run("diplomatic-relations", relations="no")}) == 15
    usa = run("diplomatic-relations", state="USA")
    assert [r["hasRelations"] for r in usa] == ["yes"] and usa[0]["row"] == "2–8"


def test_timeline(run):
    rows = run("timeline")
    dates = [r["earliest"] for r in rows]
    assert dates == sorted(dates)
    y2019 = run("timeline", kind="Withdrawal", **{"from": "2019", "to": "2019"})
    names = {r["event"].rsplit("/", 1)[1] for r in y2019}
    assert {"PLW-XKX-withdrawal-1", "TGO-XKX-withdrawal-1", "GHA-XKX-withdrawal-1"} <= names
    assert all("2019-01-01" <= r["earliest"] <= "2019-12-31" for r in y2019)
    declaration = [r for r in rows if r["event"].endswith("XKX-declaration-of-independence")]
    assert declaration and declaration[0]["earliest"] == "2008-02-17"


def test_state_by_qid(run):
    rows = run("state-by-qid", qid="Q142")
    assert {r["entity"] for r in rows} == {B + "id/state/FRA"}
    assert rows[0]["iso3"] == "FRA" and rows[0]["sameAs"] == "http://www.wikidata.org/entity/Q142"
    assert {r["eventClass"].rsplit("#", 1)[1] for r in rows} >= {
        "Recognition",
        "MembershipAdmission",
    }
    assert run("state-by-qid", qid="Q1") == []  # the universe is not in the graph


def test_entities_without_qid(run, runner):
    rows = run("entities-without-qid")
    classes = {r["class"].rsplit("#", 1)[1] for r in rows}
    assert "PoliticalEntity" not in classes  # every political entity has a QID
    assert len(run("entities-without-qid", kind="RegionalActor")) == 8
    assert B + "id/org/oic" in {r["entity"] for r in rows}
    # independent check: every entity listed really lacks kr:wikidata
    listed = {r["entity"] for r in rows}
    with_qid = {
        row["s"]
        for row in __import__("kosovo_kg.store", fromlist=["select_rows"]).select_rows(
            runner.store, f"SELECT DISTINCT ?s WHERE {{ ?s <{KR}wikidata> ?q }}"
        )
    }
    assert listed.isdisjoint(with_qid)


def test_unidentified_rows(run):
    rows = run("unidentified-rows")
    by_line = {(r.get("table"), r.get("row"), r["entity"].rsplit("/", 1)[1]) for r in rows}
    assert ("un-recognitions", "2–8", "AFG") in by_line  # blank first row of "2–8"
    assert ("un-recognitions", "100", "SLV") in by_line  # printed ELS
    assert all(r["identificationBasis"] != "PrintedCode" for r in rows)
    notes = run("unidentified-rows", basis="RowNote")
    assert notes and {r["identificationBasis"] for r in notes} == {"RowNote"}
    assert run("unidentified-rows", basis="Unidentified") == []  # no such entity in this build


def test_dataset_statistics(run, runner):
    from kosovo_kg.stats import compute
    from kosovo_kg.vocab import Iris

    stats = compute(runner.store, Iris(B))
    values = {r["metric"]: int(r["value"]) for r in run("dataset-statistics")}
    assert values["quads"] == stats["triples"]
    assert values["named_graphs"] == stats["named_graphs"]
    for key in ("events", "claims", "count_claims", "positions", "states", "states_with_wikidata"):
        assert values[key] == stats[key], key
    # the 2011 rumour that Guinea-Bissau withdrew is a withdrawal event of its own.
    # Palau's resumption is a kr:Resumption, not a second kr:Recognition: each state once
    assert values["recognitions"] == 124 and values["withdrawals"] == 33
    assert values["resumptions"] == 1


def test_count_claims(run):
    rows = run("count-claims", category="Withdrawals")
    assert rows and {r["countCategory"] for r in rows} == {KR + "Withdrawals"}
    serbian = [r for r in rows if r.get("side") == "SRB"]
    assert any(r["claimedValue"] == "18" for r in serbian)
    as_of: dict[str, set[str | None]] = {}
    for r in run("count-claims"):
        as_of.setdefault(r["claim"], set()).add(r.get("asOf"))
    # 88 read in the article and the news (one per document and speaker), 128 in the stored Wikipedia copies (test_editions
    # counts those against the rows of the two tables), 3 of them bounds printed in words
    assert len(as_of) == 88 + 128
    bounded = [r for r in run("count-claims") if "claimedValue" not in r]
    assert {(r.get("moreThan"), r.get("atLeast"), r.get("atMost")) for r in bounded} == {
        ("100", None, None), (None, "112", "115")}  # fmt: skip
    assert len({r["claim"] for r in bounded}) == 3
    # a claim read in two documents is two claims: none has two "as of" dates (Vučić's "106
    # do not recognise" was one claim as of 2023 and of 2023-01-04)
    assert all(len(dates) == 1 for dates in as_of.values())


def test_recognition_date_disagreements(run):
    rows = run("recognition-date-disagreements")
    assert len(rows) == 18
    togo = run("recognition-date-disagreements", state="TGO")
    assert set(togo[0]["dates"].split()) == {"2014-07-11", "2014-07-02"}


def test_source_documents(run):
    rows = run("source-documents")
    article = next(r for r in rows if r["doc"] == B + "id/doc/article")
    assert len(article["sha256"]) == 64 and int(article["claims"]) > 300
    assert all(
        "kosovo" in (r.get("title", "") + r.get("publisher", "") + r.get("url", "")).lower()
        for r in run("source-documents", text="KOSOVO")
    )


def test_claimants(run):
    kosovo = run("claimants", side="kosovo")
    assert kosovo and {r["speaksFor"] for r in kosovo} == {"XKX"}
    serbia = run("claimants", side="serbia")
    assert B + "id/agent/serbia-mfa" in {r["claimant"] for r in serbia}
    none = run("claimants", side="none")
    assert B + "id/agent/wikipedia" in {r["claimant"] for r in none}
    assert len(run("claimants")) == len(kosovo) + len(serbia) + len(none)


def test_memberships_of_state(run):
    rows = run("memberships-of-state", state="FRA")
    orgs = {r["organisation"].rsplit("/", 1)[1] for r in rows}
    assert orgs == {"un", "eu", "nato", "g7", "g20"}
    assert any(r.get("statedDate") == "1945" for r in rows if r["organisation"].endswith("/un"))


def test_invalidations(run):
    rows = run("invalidations")
    states = {r["state"].rsplit("/", 1)[1] for r in rows}
    assert {"STP", "OMN", "NGA", "JAM"} <= states and len(states) == 7
    stp = run("invalidations", state="STP")
    assert {r["recognition"] for r in stp} == {B + "id/event/STP-XKX-recognition-1"}


def test_examples_of_this_modules_queries_return_rows(lib, runner):
    """The example in each header (used by the docs and /queries) shows a non-empty answer."""
    here = Path(__file__).read_text(encoding="utf-8")
    for name, query in lib.items():
        if f'run("{name}"' in here:
            assert runner.rows(query, query.example_args()), (
                f"the example of {name} returns no rows"
            )


def test_every_query_is_tested(lib):
    """Each library query is named in a test: this module's run(...) calls for the queries of
    this module, another test module for the queries other modules own."""
    here = Path(__file__).read_text(encoding="utf-8")
    others = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
    untested = [n for n in lib if f'run("{n}"' not in here and f'"{n}' not in others]
    assert untested == [], "add a test for these saved queries"
    assert len(lib) >= 20


def test_kosovo_memberships(run):
    rows = run("kosovo-memberships", kind="admissions")
    assert [r["organisationLabel"] for r in rows][:3] == [
        "International Road Transport Union",  # May 2009 (from 1 May)
        "International Bar Association",  # 28 May 2009
        "International Monetary Fund",  # 29 June 2009
    ]
    assert {r["eventKind"] for r in rows} == {"admission"} and len(rows) == 9
    fifa = next(r for r in rows if r["event"].endswith("/XKX-fifa-admission"))
    assert (fifa["dateText"], fifa["earliest"]) == ("13 May 2016", "2016-05-13")
    assert "66th FIFA congress" in fifa["quotes"]
    assert fifa["claimant"] == B + "id/agent/wikipedia"
    votes = run("kosovo-memberships", kind="votes")
    interpol = next(r for r in votes if "interpol" in r["event"])
    assert (interpol["votesFor"], interpol["adopted"]) == ("68", "false")
    assert votes[-1]["event"].endswith("/imf-ballot-XKX-membership")  # undated: last
    assert len(run("kosovo-memberships")) == len(rows) + len(votes)
