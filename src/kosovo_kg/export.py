"""A Wikidata-shaped table of our claims, for review (`kosovo-kg export`).

One row per claim and piece of evidence, shaped like a Wikidata statement with qualifiers and a
reference:

- statement: `subject_qid` / `subject_label` (the acting state or entity), `property` (a
  property-like name for the event kind, e.g. `recognises`), `object_qid` / `object_label`
  (Kosovo, or the organisation for membership admissions), and our `claim` and `event` IRIs;
- qualifiers: `point_in_time` (P585) with `precision` (Wikidata's 11 = day, 10 = month,
  9 = year) when the claim states a date, else `earliest_date` (P1319) / `latest_date` (P1326)
  bounds, with `date_basis` and `date_as_printed`;
- reference: `stated_in` (P248, our document IRI) with its title, `reference_url` (P854),
  `quote` (P1683), and where in the document (`table`, `row`, `line`);
- `claimant` (who says so, as opposed to where it was read), `claimant_side`, `stance`, and
  `disputed_by` (P1310: the claimants who deny the event or dispute the claim).

Count claims and positions (no event) are not exported. Rows are sorted, so the CSV is
deterministic for a given graph.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from kosovo_kg.store import select_rows
from kosovo_kg.vocab import PREFIXES, Iris

COLUMNS = (
    "subject_qid", "subject_label", "subject_iso3", "property", "object_qid", "object_label",
    "stance", "point_in_time", "precision", "earliest_date", "latest_date", "date_basis",
    "date_as_printed", "stated_in", "stated_in_title", "reference_url", "quote", "table", "row",
    "line", "claimant", "claimant_label", "claimant_side", "disputed_by", "claim", "event",
    "graph",
)  # fmt: skip
PROPERTIES = {
    "Resumption": "resumes recognition of",
    "Recognition": "recognises",
    "Withdrawal": "withdraws recognition of",
    "Annulment": "annuls withdrawal of recognition of",
    "Invalidation": "declares invalid its recognition of",
    "DiplomaticRelations": "establishes diplomatic relations with",
    "MembershipAdmission": "member of",
}
PRECISION = {"Day": "11", "Month": "10", "Year": "9"}

QUERY = """SELECT DISTINCT ?c ?e ?kind ?subject ?object ?stance ?claimant ?stated ?precision
    ?lo ?hi ?basis ?text ?doc ?title ?url ?quote ?table ?row ?line ?g WHERE {
  GRAPH ?g {
    ?c kr:about ?e ; kr:evidence ?loc ; kr:claimant ?claimant ; kr:stance ?stance .
    OPTIONAL { ?c kr:statedDate ?stated } OPTIONAL { ?c kr:datePrecision ?precision }
    OPTIONAL { ?c kr:earliest ?lo } OPTIONAL { ?c kr:latest ?hi }
    OPTIONAL { ?c kr:dateBasis ?basis } OPTIONAL { ?c kr:statedDateText ?text }
  }
  GRAPH ?lg {
    ?loc oa:hasSource ?doc .
    OPTIONAL { ?loc oa:hasSelector ?sel . ?sel oa:exact ?quote }
    OPTIONAL { ?loc kr:table ?table } OPTIONAL { ?loc kr:rowLabel ?row }
    OPTIONAL { ?loc kr:line ?line }
  }
  ?e a ?kind ; kr:actor ?subject .
  VALUES ?kind { kr:Resumption kr:Recognition kr:Withdrawal kr:Annulment kr:Invalidation
                 kr:DiplomaticRelations kr:MembershipAdmission }
  OPTIONAL { ?e kr:target ?target } OPTIONAL { ?e kr:organisation ?org }
  BIND(COALESCE(?org, ?target) AS ?object)
  OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc schema:url ?url }
}"""


def _pre(iris: Iris) -> str:
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()]
    return "\n".join([*lines, f"PREFIX kr: <{iris.kr}>"]) + "\n"


def _local(iri: str | None) -> str:
    return (iri or "").rsplit("#", 1)[-1]


def rows(store: object, iris: Iris) -> list[dict[str, str]]:
    pre = _pre(iris)
    info: dict[str, dict[str, str]] = defaultdict(dict)
    for r in select_rows(
        store,
        pre
        + """SELECT DISTINCT ?x ?label ?qid ?iso WHERE { ?x rdfs:label ?label .
          OPTIONAL { ?x kr:wikidata ?qid } OPTIONAL { ?x kr:iso3 ?iso } }""",
    ):
        entry = info[r["x"]]
        entry.setdefault("label", r["label"])
        if r["qid"]:
            entry["qid"] = r["qid"]
        if r["iso"]:
            entry["iso3"] = r["iso"]
    sides = {
        r["a"]: r["s"].rsplit("/", 1)[1]
        for r in select_rows(store, pre + "SELECT ?a ?s { ?a prov:actedOnBehalfOf ?s }")
    }
    deniers: dict[str, set[str]] = defaultdict(set)
    for r in select_rows(
        store,
        pre + "SELECT DISTINCT ?e ?who { ?d kr:about ?e ; kr:stance kr:Denies ; kr:claimant ?who }",
    ):
        deniers[r["e"]].add(r["who"])
    disputers: dict[str, set[str]] = defaultdict(set)
    for r in select_rows(
        store, pre + "SELECT DISTINCT ?c ?who { ?d kr:disputes ?c ; kr:claimant ?who }"
    ):
        disputers[r["c"]].add(r["who"])
    seen: dict[str, set[str]] = defaultdict(set)  # claim -> kinds (resumptions are recognitions)
    found = select_rows(store, pre + QUERY)
    for r in found:
        seen[r["c"]].add(_local(r["kind"]))
    out = []
    for r in found:
        kind = _local(r["kind"])
        if kind == "Recognition" and "Resumption" in seen[r["c"]]:
            continue
        subject, obj = info.get(r["subject"], {}), info.get(r["object"] or "", {})
        stance = _local(r["stance"])
        against = set(disputers[r["c"]])
        if stance == "Affirms":
            against |= deniers[r["e"]]
        against.discard(r["claimant"])
        day = r["stated"] is not None
        out.append(
            {
                "subject_qid": subject.get("qid", ""),
                "subject_label": subject.get("label", ""),
                "subject_iso3": subject.get("iso3", ""),
                "property": PROPERTIES[kind],
                "object_qid": obj.get("qid", ""),
                "object_label": obj.get("label", ""),
                "stance": stance.lower(),
                "point_in_time": r["stated"] or "",
                "precision": PRECISION.get(_local(r["precision"]), "") if day else "",
                "earliest_date": r["lo"] or "",
                "latest_date": r["hi"] or "",
                "date_basis": _local(r["basis"]),
                "date_as_printed": r["text"] or "",
                "stated_in": r["doc"],
                "stated_in_title": r["title"] or "",
                "reference_url": r["url"] or "",
                "quote": r["quote"] or "",
                "table": r["table"] or "",
                "row": r["row"] or "",
                "line": r["line"] or "",
                "claimant": r["claimant"],
                "claimant_label": info.get(r["claimant"], {}).get("label", ""),
                "claimant_side": sides.get(r["claimant"], ""),
                "disputed_by": "; ".join(sorted(info.get(w, {}).get("label", w) for w in against)),
                "claim": r["c"],
                "event": r["e"],
                "graph": r["g"],
            }
        )
    out.sort(
        key=lambda x: tuple(
            x[k]
            for k in (
                "subject_iso3",
                "subject_label",
                "event",
                "claim",
                "stated_in",
                "line",
                "row",
                "graph",
                "quote",
            )
        )
    )
    return out


def export_csv(store: object, iris: Iris) -> str:
    """The CSV text (header + one row per claim and piece of evidence)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(store, iris))
    return buffer.getvalue()
