"""Dataset statistics, each computed by a SPARQL query over the built graph.

Every triple is in one named graph, so counting on the union default graph needs no DISTINCT: a
COUNT(DISTINCT ...) below counts table lines or states, several claims of which may match.
"""

from __future__ import annotations

from typing import Any

from kosovo_kg import store as store_mod
from kosovo_kg.vocab import PREFIXES, Iris


def prologue(iris: Iris) -> str:
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()]
    lines.append(f"PREFIX kr: <{iris.kr}>")
    return "\n".join(lines) + "\n"


COUNTS: dict[str, str] = {
    "states": "SELECT (COUNT(*) AS ?n) WHERE { ?s a kr:PoliticalEntity }",
    "states_with_wikidata": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a kr:PoliticalEntity ; kr:wikidata ?q }"
    ),
    "recognitions_un": """SELECT (COUNT(DISTINCT ?line) AS ?n) WHERE {
        ?loc kr:table "un-recognitions" ; kr:line ?line . ?c kr:evidence ?loc ; kr:about/a kr:Recognition }""",
    "recognitions_un_unidentified": """SELECT (COUNT(DISTINCT ?line) AS ?n) WHERE {
        ?loc kr:table "un-recognitions" ; kr:line ?line . ?c kr:evidence ?loc ; kr:about ?e .
        ?e a kr:Recognition ; kr:actor/a kr:UnidentifiedEntity }""",
    "recognitions_non_un": """SELECT (COUNT(DISTINCT ?line) AS ?n) WHERE {
        ?loc kr:table "non-un-recognitions" ; kr:line ?line . ?c kr:evidence ?loc ; kr:about/a kr:Recognition }""",
    "withdrawals_reported": """SELECT (COUNT(DISTINCT ?line) AS ?n) WHERE {
        ?loc kr:table "withdrawn" ; kr:line ?line . ?c kr:evidence ?loc ; kr:about/a kr:Withdrawal }""",
    "positions": "SELECT (COUNT(*) AS ?n) WHERE { ?c a kr:Position }",
    "claims": "SELECT (COUNT(*) AS ?n) WHERE { ?c a kr:Claim }",
    "claims_with_evidence": """SELECT (COUNT(*) AS ?n) WHERE { ?c a kr:Claim
        FILTER EXISTS { ?c kr:evidence ?loc . ?loc a kr:SourceLocation ; oa:hasSource ?doc } }""",
    "count_claims": "SELECT (COUNT(*) AS ?n) WHERE { ?c a kr:CountClaim }",
    "events": "SELECT (COUNT(*) AS ?n) WHERE { ?e a kr:Event }",
    # Kosovo's own admissions to organisations (any level), and the organisations they admit it to
    "kosovo_admissions": """SELECT (COUNT(*) AS ?n) WHERE {
        ?e a kr:MembershipAdmission ; kr:actor <XKX> }""",
    "kosovo_memberships": """SELECT (COUNT(DISTINCT ?org) AS ?n) WHERE {
        ?e a kr:MembershipAdmission ; kr:actor <XKX> ; kr:organisation ?org }""",
    # votes in organisations' bodies (all concern Kosovo) and court opinions, with their tallies
    "votes": "SELECT (COUNT(*) AS ?n) WHERE { ?e a kr:Vote }",
}

COMPUTED = """SELECT ?org (COUNT(DISTINCT ?state) AS ?n) WHERE {
  ?loc kr:table "un-recognitions" .
  ?c kr:evidence ?loc ; kr:stance kr:Affirms ; kr:about ?rec .
  ?rec a kr:Recognition ; kr:actor ?state .
  ?m a kr:MembershipAdmission ; kr:actor ?state ; kr:organisation ?org .
  GRAPH ?g { ?mc kr:about ?m ; kr:stance kr:Affirms } FILTER(?g = <GRAPH>)
} GROUP BY ?org"""

ORGS = {"eu": "eu", "nato": "nato", "oic": "oic", "g20": "g20", "g7": "g7", "brics": "brics"}


def compute(store: Any, iris: Iris) -> dict[str, Any]:
    """All statistics of `kosovo-kg stats` except SHACL, from a loaded store."""
    pro = prologue(iris)
    out: dict[str, Any] = {
        "triples": store_mod.count_quads(store),
        "named_graphs": len(store_mod.named_graphs(store)),
    }
    for key, text in COUNTS.items():
        text = text.replace("<XKX>", f"<{iris.state('XKX')}>")
        out[key] = int(store_mod.select_rows(store, pro + text)[0]["n"] or 0)
    rows = store_mod.select_rows(
        store, pro + COMPUTED.replace("GRAPH>", iris.graph("reference") + ">")
    )
    by_org = {row["org"]: int(row["n"] or 0) for row in rows}
    out["computed"] = {key: by_org.get(iris.org(slug), 0) for key, slug in ORGS.items()}
    return out
