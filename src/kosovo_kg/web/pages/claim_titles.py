"""Human titles for the pages of claims and source locations, read from the graph.

A claim page says who claims what about which event and when, e.g. "Serbian Foreign Minister
Ivica Dačić affirms that Suriname withdrew its recognition of Kosovo (2017-10-27)", then shows the
quote, the locator (section, row, line), the document and its link. Nothing is made up: an event
kind without a sentence of its own is named by the event's label, a claim without a date gets none.
"""

from __future__ import annotations

from typing import Any

from kosovo_kg.web import pages
from kosovo_kg.web.pages.data import prologue, select, value
from kosovo_kg.web.pages.links import local_path

# what a claim about an event of this kind says, given the actor's name
SENTENCES = {
    "Recognition": "{actor} recognised Kosovo",
    "Withdrawal": "{actor} withdrew its recognition of Kosovo",
    "Resumption": "{actor} recognised Kosovo again",
    "Annulment": "{actor} annulled its withdrawal of recognition",
    "Invalidation": "{actor}'s recognition of Kosovo is invalid",
}
STANCES = {"Affirms": "affirms", "Denies": "denies"}


def doc_label(doc: str, var: str) -> str:
    """SPARQL binding ?{var} to a document's name: its title, else "publisher, date issued"."""
    return f"""OPTIONAL {{ {doc} dcterms:title ?{var}T }} OPTIONAL {{ {doc} dcterms:publisher ?{var}P }}
  OPTIONAL {{ {doc} dcterms:issued ?{var}I }}
  BIND(COALESCE(?{var}T, IF(BOUND(?{var}I), CONCAT(STR(?{var}P), ", ", STR(?{var}I)), ?{var}P))
       AS ?{var})"""


def _date(row: dict[str, dict[str, str]]) -> str:
    """The date as printed, else its bounds, else nothing."""
    text = value(row, "dateText") or value(row, "date")
    if text:
        return text
    earliest, latest = value(row, "earliest"), value(row, "latest")
    if earliest and latest:
        return earliest if earliest == latest else f"between {earliest} and {latest}"
    if earliest:
        return f"not before {earliest}"
    return f"not after {latest}" if latest else ""


def claim(iri: str) -> dict[str, Any] | None:
    """Title and facts of a claim page; None when `iri` is not a claim."""
    st = pages.state()
    base = st.settings.base_iri
    rows = select(
        st.engine,
        prologue(base)
        + f"""SELECT ?claimant ?claimantLabel ?stance ?event ?eventLabel ?kind ?actor ?actorLabel
       ?dateText ?date ?earliest ?latest ?madeOn ?value ?words ?category WHERE {{
  <{iri}> a kr:Claim ; kr:claimant ?claimant ; kr:stance ?stance .
  OPTIONAL {{ ?claimant rdfs:label ?claimantLabel }}
  OPTIONAL {{ <{iri}> kr:about ?event . OPTIONAL {{ ?event rdfs:label ?eventLabel }}
    OPTIONAL {{ ?event a ?kind FILTER(STRSTARTS(STR(?kind), STR(kr:))) }}
    OPTIONAL {{ ?event kr:actor ?actor OPTIONAL {{ ?actor rdfs:label ?actorLabel }} }} }}
  OPTIONAL {{ <{iri}> kr:statedDateText ?dateText }} OPTIONAL {{ <{iri}> kr:statedDate ?date }}
  OPTIONAL {{ <{iri}> kr:earliest ?earliest }} OPTIONAL {{ <{iri}> kr:latest ?latest }}
  OPTIONAL {{ <{iri}> kr:claimMadeOn ?madeOn }} OPTIONAL {{ <{iri}> kr:asOf ?madeOn }}
  OPTIONAL {{ <{iri}> kr:claimedValue ?value }} OPTIONAL {{ <{iri}> kr:countCategory ?category }}
  OPTIONAL {{ <{iri}> kr:valueText ?words }}
}}""",
    )
    if not rows:
        return None
    row = rows[0]
    kinds = {(value(r, "kind") or "").rsplit("#", 1)[-1] for r in rows}
    sentence = next((SENTENCES[k] for k in SENTENCES if k in kinds), None)
    claimant = value(row, "claimantLabel") or (value(row, "claimant") or "").rsplit("/", 1)[-1]
    stance = (value(row, "stance") or "").rsplit("#", 1)[-1]
    actor = value(row, "actorLabel")
    if sentence and actor:
        what = "that " + sentence.format(actor=actor)
    elif value(row, "eventLabel"):
        what = f"“{value(row, 'eventLabel')}”"
    elif value(row, "value") or value(row, "words"):  # a figure printed only in words: them
        category = (value(row, "category") or "").rsplit("#", 1)[-1]
        count = value(row, "value") or f"“{value(row, 'words')}”"
        what = f"the count {count}" + (f" ({category})" if category else "")
    else:
        what = "a claim"
    date = _date(row)
    title = f"{claimant} {STANCES.get(stance, stance.lower())} {what}"
    if date:
        title += f" ({date})"
    event = value(row, "event")
    return {
        "title": title,
        "claimant": {"text": claimant, "href": local_path(value(row, "claimant") or "", base)},
        "event": event
        and {"text": value(row, "eventLabel") or event, "href": local_path(event, base)},
        "date": date,
        "made_on": value(row, "madeOn"),
        "evidence": evidence(f"<{iri}> kr:evidence ?loc"),
    }


def evidence(pattern: str) -> list[dict[str, Any]]:
    """The source locations matching `pattern` (binds ?loc): document, link, locator, quote."""
    st = pages.state()
    base = st.settings.base_iri
    rows = select(
        st.engine,
        prologue(base)
        + f"""SELECT ?loc ?doc ?docTitle ?url ?section ?row ?line ?exact WHERE {{
  {pattern} . ?loc oa:hasSource ?doc .
  {doc_label("?doc", "docTitle")} OPTIONAL {{ ?doc schema:url ?url }}
  OPTIONAL {{ ?loc kr:sectionPath ?section }} OPTIONAL {{ ?loc kr:rowLabel ?row }}
  OPTIONAL {{ ?loc kr:line ?line }} OPTIONAL {{ ?loc oa:hasSelector/oa:exact ?exact }}
}} ORDER BY ?loc""",
    )
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        loc = value(r, "loc") or ""
        if loc in out:
            continue
        doc = value(r, "doc") or ""
        out[loc] = {
            "href": local_path(loc, base),
            "doc": {"text": value(r, "docTitle") or doc, "href": local_path(doc, base)},
            "url": value(r, "url"),
            "section": value(r, "section"),
            "row": value(r, "row"),
            "line": value(r, "line"),
            "exact": value(r, "exact"),
        }
    return list(out.values())


def location_title(iri: str) -> tuple[str, dict[str, Any]] | None:
    """'Source location in <document>, <section>, line N' and its facts; None if not one."""
    found = evidence(f"VALUES ?loc {{ <{iri}> }}")
    if not found:
        return None
    ev = found[0]
    parts = [f"Source location in {ev['doc']['text']}"]
    parts += [p for p in (ev["section"],) if p]
    if ev["row"]:
        parts.append(f"row {ev['row']}")
    if ev["line"]:
        parts.append(f"line {ev['line']}")
    return ", ".join(parts), ev
