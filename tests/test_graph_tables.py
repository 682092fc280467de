"""The article's tables, shape by shape, as they come out of the real pipeline."""

from __future__ import annotations

import pytest

from kosovo_kg import stats as stats_mod


def test_headline_statistics(kg, iris):
    s = stats_mod.compute(kg, iris)
    assert s["recognitions_un"] == 110
    assert s["recognitions_non_un"] == 3
    assert s["withdrawals_reported"] == 8
    assert s["positions"] >= 112
    assert s["claims_with_evidence"] == s["claims"] > 0
    assert s["computed"]["eu"] == 22
    assert s["computed"]["nato"] == 28
    assert s["computed"]["oic"] == 37
    assert s["computed"]["g20"] == 11
    assert s["computed"]["g7"] == 7


ROW = """SELECT ?iso ?from ?to ?code ?system ?basis ?date WHERE {
  ?loc kr:table "%s" ; kr:line %d ; kr:rowIdentification ?id .
  OPTIONAL { ?loc kr:printedCode ?code } OPTIONAL { ?loc kr:codeSystem ?system }
  ?id kr:identifiedAs ?e ; kr:identificationBasis ?basis .
  OPTIONAL { ?e kr:iso3 ?iso }
  ?c kr:evidence ?loc ; kr:about ?rec . ?rec a kr:Recognition ; kr:actor ?e .
  ?c kr:orderFrom ?from ; kr:orderTo ?to .
  OPTIONAL { ?c kr:statedDate ?date }
}"""


@pytest.mark.parametrize(
    ("line", "iso", "order", "code", "system", "basis"),
    [
        (51, "CRI", ("1", "1"), "CRC", "IOC", "PrintedCode"),  # plain row, IOC code
        (52, "AFG", ("2", "8"), "", "blank", "ReferenceRow"),  # blank first row of "2–8"
        (53, "ALB", ("2", "8"), "ALB", "ISO+IOC", "PrintedCode"),  # shifted continuation row
        (73, "NLD", ("23", "23"), "NED", "IOC", "PrintedCode"),  # shifted row with order
        (79, "MCO", ("29", "31"), "MON", "IOC", "PrintedCode"),  # MON is Monaco, not Mongolia
        (77, "CAN", ("27", "28"), "CAN", "ISO+IOC", "PrintedCode"),
        (99, "MKD", ("48", "49"), "", "blank", "RowNote"),  # blank row named by its own note
        (126, "GIN", ("76", "76"), "GUI", "IOC", "PrintedCode"),
        (127, "NER", ("77", "77"), "NIG", "IOC", "PrintedCode"),  # NIG is Niger, not Nigeria
        (75, "SVN", ("25", "25"), "SLO", "IOC", "PrintedCode"),  # SLO is Slovenia
        (87, "BFA", ("37", "37"), "BUR", "IOC", "PrintedCode"),
        (150, "SLV", ("100", "100"), "ELS", "unknown", "ReferenceRow"),  # ELS: no standard code
        (159, "SYR", ("109", "109"), "SYR", "ISO+IOC", "PrintedCode"),
    ],
)
def test_un_recognition_rows(q, line, iso, order, code, system, basis):
    rows = q(ROW % ("un-recognitions", line))
    assert rows, f"no recognition row at line {line}"
    row = rows[0]
    assert row["iso"] == iso
    assert (row["from"], row["to"]) == order
    assert (row["code"] or "") == code
    assert row["system"] == system
    assert row["basis"].endswith("#" + basis)


def test_printed_dates_in_the_un_table(q):
    assert q(ROW % ("un-recognitions", 92))[0]["date"] == "2008-06-11"  # SLE
    assert q(ROW % ("un-recognitions", 133))[0]["date"] == "2012-01-23"  # GHA
    assert q(ROW % ("un-recognitions", 51))[0]["date"] is None  # blank in the export


def test_non_un_rows_are_identified_from_note_or_reference(q):
    got = {line: q(ROW % ("non-un-recognitions", line))[0]["iso"] for line in (164, 165, 166)}
    assert got == {164: "TWN", 165: "COK", 166: "NIU"}


def test_identification_cites_the_reference_line(q):
    rows = q("""SELECT ?doc ?line ?exact WHERE {
      ?loc kr:table "un-recognitions" ; kr:line 89 ; kr:rowIdentification/prov:wasDerivedFrom ?ref .
      ?ref oa:hasSource ?doc ; kr:line ?line ; oa:hasSelector/oa:exact ?exact }""")
    assert len(rows) == 1
    assert rows[0]["doc"].endswith("/id/doc/claims-news-notes")
    assert "San Marino" in rows[0]["exact"]


def test_relations_column_becomes_affirm_or_deny(q):
    rows = q("""SELECT ?iso ?stance WHERE {
      ?c kr:about ?e ; kr:stance ?stance ; kr:claimant ?w . ?e a kr:DiplomaticRelations ;
         kr:actor/kr:iso3 ?iso . FILTER(?iso IN ("PER", "ALB")) }""")
    got = {r["iso"]: r["stance"].rsplit("#")[1] for r in rows}
    assert got == {"PER": "Denies", "ALB": "Affirms"}


STATUS = """SELECT ?cls ?date ?link WHERE {
  ?e kr:actor/kr:iso3 "%s" ; a ?cls . FILTER(?cls IN (kr:Withdrawal, kr:Resumption, kr:Annulment))
  ?c kr:about ?e ; kr:statedDate ?date ; kr:evidence/kr:table "un-recognitions" .
  OPTIONAL { ?e kr:follows|kr:annuls ?link }
} ORDER BY ?date"""


def test_palau_withdrawal_and_resumption(q, iris):
    rows = q(STATUS % "PLW")
    assert [(r["cls"].rsplit("#")[1], r["date"]) for r in rows] == [
        ("Withdrawal", "2019-01-18"),
        ("Resumption", "2023-10-20"),
    ]
    assert rows[1]["link"] == iris.event("PLW-XKX-withdrawal-1")


def test_guinea_bissau_withdrawal_annulled(q, iris):
    rows = q(STATUS % "GNB")
    assert [(r["cls"].rsplit("#")[1], r["date"]) for r in rows] == [
        ("Withdrawal", "2017-11-21"),
        ("Annulment", "2018-02-02"),
    ]
    assert rows[1]["link"] == iris.event("GNB-XKX-withdrawal-1")


def test_withdrawn_table(q):
    rows = q("""SELECT ?iso ?rec ?wd WHERE {
      ?loc kr:table "withdrawn" . ?cw kr:evidence ?loc ; kr:about ?w . ?w a kr:Withdrawal ;
         kr:actor/kr:iso3 ?iso ; kr:withdraws ?r .
      OPTIONAL { ?cw kr:statedDate ?wd }
      OPTIONAL { ?cr kr:evidence ?loc ; kr:about ?r ; kr:statedDate ?rec } }""")
    got = {r["iso"]: (r["rec"], r["wd"]) for r in rows}
    assert set(got) == {"BDI", "PNG", "DMA", "SLB", "MDG", "TGO", "CAF", "NRU"}
    assert got["TGO"] == ("2014-07-11", "2019-06-28")
    assert got["CAF"] == ("2011-07-22", "2019-07-24")
    assert got["NRU"] == ("2008-04-23", "2019-11-13")
    assert got["BDI"] == (None, None)


def test_serbia_claims_eighteen_withdrawals_and_kosovo_disputes(q, iris):
    rows = q("""SELECT ?value (COUNT(DISTINCT ?named) AS ?n) WHERE {
      ?c a kr:CountClaim ; kr:claimant ?srb ; kr:claimedValue ?value ; kr:namesEntity ?named ;
         kr:countCategory kr:Withdrawals } GROUP BY ?value""")
    assert rows == [{"value": "18", "n": "6"}]
    withdrawals = q(f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
      ?c kr:claimant <{iris.agent("serbia-mfa")}> ; kr:about ?e . ?e a kr:Withdrawal }}""")
    assert withdrawals[0]["n"] == "14"
    disputes = q(f"""SELECT ?ch WHERE {{
      ?p a kr:Position ; kr:claimant <{iris.agent("kosovo-mfa")}> ; kr:stance kr:Denies ;
         kr:disputes/kr:claimedValue 18 ; kr:characterisation ?ch }}""")
    assert {d["ch"] for d in disputes} == {"fake news", "Serbian propaganda"}


def test_position_tables(q):
    rows = q("""SELECT ?table (COUNT(DISTINCT ?line) AS ?n) WHERE {
      ?p a kr:Position ; kr:evidence ?loc . ?loc kr:table ?table ; kr:line ?line }
      GROUP BY ?table""")
    got = {r["table"]: int(r["n"]) for r in rows}
    assert got == {"positions-un": 73, "positions-other": 8, "igo": 14, "regional": 8, "ngo": 9}


POSITION_DATES = """SELECT ?text ?date ?precision WHERE {
  ?p a kr:Position ; kr:claimant ?actor ; kr:mentionsDate ?m .
  ?actor %s .
  ?m kr:dateText ?text ; kr:date ?date ; kr:datePrecision ?precision }"""


def test_position_date_mentions(q):
    angola = q(POSITION_DATES % 'kr:iso3 "AGO"')
    assert ("On 23 June 2008", "2008-06-23", "Day") in {
        (r["text"], r["date"], r["precision"].rsplit("#")[1]) for r in angola
    }
    argentina = q(POSITION_DATES % 'kr:iso3 "ARG"')
    assert ("In February 2008", "2008-02", "Month") in {
        (r["text"], r["date"], r["precision"].rsplit("#")[1]) for r in argentina
    }


def test_organisation_rows_including_blank_and_ioc(q, iris):
    arab = q("""SELECT ?basis WHERE { ?loc kr:table "igo" ; kr:line 331 ;
        kr:rowIdentification [ kr:identifiedAs ?o ; kr:identificationBasis ?basis ] }""")
    assert arab and arab[0]["basis"].endswith("#RowNote")
    ioc = q("""SELECT ?o WHERE { ?loc kr:table "ngo" ; kr:rowLabel "(IOC)" .
        ?p kr:evidence ?loc ; kr:positionOf ?o }""")
    assert ioc == [{"o": iris.org("ioc")}]  # the Olympic committee, not the OIC


def test_nowrap_cells_are_dropped(q):
    rows = q("""SELECT ?code WHERE { ?loc kr:table "positions-un" ; kr:line 195 ;
        kr:printedCode ?code }""")
    assert rows == [{"code": "AZE"}]
