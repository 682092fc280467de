"""Kosovo's admissions to organisations and the votes about it, as the article prints them
(data/curated/kosovo_memberships.toml): events claimed by the article, never by the
organisation; organisations' position rows are the article's narration too."""

from __future__ import annotations

from pathlib import Path

import pytest

from kosovo_kg.build import make_graph
from kosovo_kg.sources import SourceError

ADMISSIONS = """SELECT ?org ?text ?lo ?hi ?level ?claimant WHERE {
  ?e a kr:MembershipAdmission ; kr:actor ?xkx ; kr:organisation ?o .
  FILTER(STRENDS(STR(?xkx), "/state/XKX"))
  BIND(STRAFTER(STR(?o), "/org/") AS ?org)
  ?c kr:about ?e ; kr:claimant ?claimant ; kr:statedDateText ?text ; kr:earliest ?lo ;
     kr:latest ?hi .
  OPTIONAL { ?e kr:membershipLevel ?level } }"""


def test_kosovo_admissions_with_dates_as_printed(q, iris):
    rows = q(ADMISSIONS)
    assert {r["claimant"] for r in rows} == {iris.agent("wikipedia")}
    got = {(r["org"], r["text"], r["lo"], r["hi"], r["level"]) for r in rows}
    assert got == {
        ("imf", "29 June 2009", "2009-06-29", "2009-06-29", "full"),
        ("world-bank", "29 June 2009", "2009-06-29", "2009-06-29", "full"),
        ("wco", "3 March 2017", "2017-03-03", "2017-03-03", "full"),
        ("ioc", "22 October 2014", "2014-10-22", "2014-10-22", "provisional"),
        ("ioc", "9 December 2014", "2014-12-09", "2014-12-09", "full"),
        ("uefa", "April 2016", "2016-04-01", "2016-04-30", None),
        ("fifa", "13 May 2016", "2016-05-13", "2016-05-13", None),
        ("iru", "May 2009", "2009-05-01", "2009-05-31", None),
        ("iba", "28 May 2009", "2009-05-28", "2009-05-28", None),
    }
    # "the 181st member of the IRU" is the article's ordinal, on its claim
    ordinal = q("""SELECT ?n WHERE { ?e kr:organisation ?o ; a kr:MembershipAdmission .
      FILTER(STRENDS(STR(?o), "/org/iru")) ?c kr:about ?e ; kr:ordinalClaimed ?n }""")
    assert [r["n"] for r in ordinal] == ["181"]


def test_votes_with_their_printed_figures(q):
    rows = q("""SELECT ?e ?for ?against ?abst ?adopted ?text WHERE { ?e a kr:Vote .
      OPTIONAL { ?e kr:votesFor ?for } OPTIONAL { ?e kr:votesAgainst ?against }
      OPTIONAL { ?e kr:abstentions ?abst } OPTIONAL { ?e kr:adopted ?adopted }
      OPTIONAL { ?c kr:about ?e ; kr:statedDateText ?text } }""")
    got = {r["e"].rsplit("/", 1)[1]: (r["for"], r["against"], r["abst"], r["adopted"], r["text"])
           for r in rows}  # fmt: skip
    assert got["unga-resolution-icj-request"] == ("77", "6", "74", None, "8 October 2008")
    assert got["imf-ballot-XKX-membership"] == ("108", None, None, "true", None)  # no date printed
    assert got["fifa-congress-XKX-membership"] == (None, "23", None, "true", "13 May 2016")
    assert got["interpol-2018-XKX-membership"] == ("68", None, None, "false", "November 2018")
    assert got["ep-2009-recognition-resolution"] == ("424", "133", None, "true", "5 February 2009")
    assert got["ebrd-governors-XKX-membership"][3:] == ("true", "16 November 2012")
    assert len(got) == 8
    # the ICJ's advisory opinion is a court opinion with its 10 to 4
    icj = q("""SELECT ?for ?against WHERE { ?e a kr:CourtOpinion ; kr:votesFor ?for ;
      kr:votesAgainst ?against }""")
    assert [(r["for"], r["against"]) for r in icj] == [("10", "4")]


def test_organisations_are_actors_not_claimants_of_the_articles_narration(q, iris):
    rows = q("""SELECT ?claimant ?of WHERE { ?c a kr:Position ; kr:claimant ?claimant ;
      kr:positionOf ?of . FILTER(CONTAINS(STR(?of), "/org/")) }""")
    assert len(rows) >= 20  # the IGO, movement and NGO rows
    assert {r["claimant"] for r in rows} == {iris.agent("wikipedia")}
    assert iris.org("imf") in {r["of"] for r in rows}
    as_claimant = q(
        """SELECT ?c WHERE { ?c kr:claimant ?o . FILTER(CONTAINS(STR(?o), "/org/")) }"""
    )
    assert as_claimant == []


def _spec(settings) -> Path:
    return Path(settings.data_dir) / "curated" / "kosovo_memberships.toml"


def test_a_date_not_printed_in_the_quote_is_refused(data_copy):
    path = _spec(data_copy)
    path.write_text(path.read_text().replace('date = "3 March 2017"', 'date = "4 March 2017"'))
    with pytest.raises(SourceError, match=r"kosovo_memberships.toml: XKX-wco-admission: date"):
        make_graph(data_copy)


def test_a_figure_not_printed_is_refused(data_copy):
    path = _spec(data_copy)
    path.write_text(path.read_text().replace("votes_for = 68", "votes_for = 86"))
    with pytest.raises(
        SourceError, match=r"interpol-2018-XKX-membership: votes_for 86 not printed"
    ):
        make_graph(data_copy)
