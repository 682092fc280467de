"""graph/reference: entities, organisations, agents, memberships and the source documents."""

from __future__ import annotations

from kosovo_kg import dates
from kosovo_kg.build.news_claimants import People
from kosovo_kg.build.stage import Sources
from kosovo_kg.graph import GraphBuilder, Loc, lit
from kosovo_kg.registry import Entity, Registry
from kosovo_kg.report import BuildReport
from kosovo_kg.sources import CsvRow, Manifest, SourceError, read_csv
from kosovo_kg.vocab import DCTERMS, FOAF, ORG, PROV, SCHEMA, SKOS, WD, XSD, slugify

G = "reference"

ORG_CLASSES = {
    "IGO": ("IntergovernmentalOrganisation", ORG + "FormalOrganization"),
    "NGO": ("InternationalNGO",),
    "grouping": ("StateGrouping",),
    "regional": ("RegionalActor",),
}
AGENT_CLASSES = {"software": (PROV + "SoftwareAgent",), "ministry": (ORG + "Organization",)}


def add_to(b: GraphBuilder, sources: Sources) -> None:
    """The source documents, states, organisations, agents and people, the reference
    memberships, and the dated recognitions of `kosovo_recognitions.csv`."""
    reg = sources.registry
    emit_documents(b, sources.manifest)
    emit_entities(b, reg, str(sources.path("countries")))
    emit_organisations(b, reg, wikidata_terms(sources.path("wikidata-terms")))
    emit_agents(b, reg)
    emit_people(b, reg, sources.people)
    emit_memberships(b, reg, sources.path("memberships"), sources.report)
    emit_reference_recognitions(b, reg, sources.path("recognitions"))


def emit_documents(b: GraphBuilder, manifest: Manifest) -> None:
    """One kr:SourceDocument per pinned file, in the graph of the source it feeds."""
    for source in manifest.files.values():
        meta = source.meta
        graph = "article" if meta.get("kind") == "article" else G
        iri = b.iris.doc(source.id)
        b.typed(graph, iri, b.kr + "SourceDocument", PROV + "Entity", SCHEMA + "CreativeWork")
        b.add(graph, iri, DCTERMS + "title", lit(meta["title"], lang="en"))
        b.add(graph, iri, DCTERMS + "publisher", lit(meta["publisher"]))
        b.add(graph, iri, DCTERMS + "license", lit(meta["licence"]))
        b.add(graph, iri, b.kr + "sha256", lit(meta["sha256"]))
        b.add(graph, iri, b.kr + "retrievedFrom", lit(meta["origin"]))
        if meta.get("language"):
            b.add(graph, iri, DCTERMS + "language", lit(meta["language"]))
        if meta.get("url"):
            b.add(graph, iri, SCHEMA + "url", lit(meta["url"], XSD + "anyURI"))


def emit_entities(b: GraphBuilder, reg: Registry, countries_path: str) -> None:
    kr = b.kr
    for entity in reg.entities.values():
        row = entity.row
        loc = b.location(G, Loc("countries", "countries.csv", row.line, "countries", entity.name))
        b.typed(G, entity.iri, kr + entity.cls, kr + "PoliticalEntity", PROV + "Agent")
        b.label(G, entity.iri, entity.name)
        b.add(G, entity.iri, kr + "entityType", lit(row["entity_type"]))
        b.add(G, entity.iri, PROV + "wasDerivedFrom", loc)
        if entity.iso3:
            b.add(G, entity.iri, kr + "iso3", lit(entity.iso3))
        if row["ioc"]:
            b.add(G, entity.iri, kr + "iocCode", lit(row["ioc"]))
        if entity.qid:
            b.add(G, entity.iri, kr + "wikidata", lit(entity.qid))
            b.add(G, entity.iri, kr + "wikidataEntity", WD + entity.qid)
            b.same_as("derived", entity.iri, WD + entity.qid)
            if entity.qid_note:
                b.add(G, entity.iri, kr + "note", lit("Wikidata QID choice: " + entity.qid_note))


def emit_organisations(b: GraphBuilder, reg: Registry, wikidata_terms: dict[str, str]) -> None:
    kr = b.kr
    for slug, row in reg.orgs.items():
        iri = b.iris.org(slug)
        classes = ORG_CLASSES[row["kind"]]
        b.typed(G, iri, *(c if c.startswith("http") else kr + c for c in classes))
        if row["kind"] == "regional":
            b.typed(G, iri, PROV + "Agent")
        else:
            b.typed(G, iri, kr + "Organisation", ORG + "Organization", PROV + "Agent")
        b.label(G, iri, row["name"])
        qid = wikidata_terms.get(row.get("wikidata_terms_label"))
        if qid:
            b.add(G, iri, kr + "wikidata", lit(qid))
            b.add(G, iri, kr + "wikidataEntity", WD + qid)
            b.same_as("derived", iri, WD + qid)


def emit_agents(b: GraphBuilder, reg: Registry) -> None:
    kr = b.kr
    for slug, row in reg.agents.items():
        iri = b.iris.agent(slug)
        b.typed(G, iri, kr + "SpeakingAgent", PROV + "Agent", *AGENT_CLASSES.get(row["kind"], ()))
        b.label(G, iri, row["label"])
        if row["acts_for"]:
            b.add(G, iri, PROV + "actedOnBehalfOf", reg.get(row["acts_for"]).iri)
        if row["note"]:
            b.add(G, iri, kr + "note", lit(row["note"]))


def emit_people(b: GraphBuilder, reg: Registry, people: People) -> None:
    """People (`data/curated/people.csv`): the name as rdfs:label, the other name variants as
    skos:altLabel (so that a query on rdfs:label gives one row per person), and the posts
    (`posts.csv`) claims name them in. Which person held which post is added by the claims
    that name it (`org:holds`, with the claim saying when it was made); no tenure dates are
    given, because no bundled source states them."""
    kr = b.kr
    for slug, row in people.people.items():
        iri = b.iris.person(slug)
        b.typed(G, iri, FOAF + "Person", PROV + "Person", PROV + "Agent", kr + "SpeakingAgent")
        b.label(G, iri, row["name"])
        for name in dict.fromkeys(v.strip() for v in row["variants"].split("|")):
            if name != row["name"]:
                b.add(G, iri, SKOS + "altLabel", lit(name, lang="en"))
        if row["acts_for"]:
            b.add(G, iri, PROV + "actedOnBehalfOf", reg.get(row["acts_for"]).iri)
        if row["note"]:
            b.add(G, iri, kr + "note", lit(row["note"]))
    for slug, row in people.posts.items():
        iri = b.iris.post(slug)
        b.typed(G, iri, ORG + "Post")
        b.label(G, iri, row["label"])
        b.add(G, iri, ORG + "postIn", reg.get(row["post_in"]).iri)


# Codes in memberships.csv that name an organisation, not a state (the EU in the G20).
ORG_MEMBER_CODES = {"EUU": "eu"}


def membership_event(b: GraphBuilder, reg: Registry, iso3: str, org: str) -> str:
    if iso3 in ORG_MEMBER_CODES:
        code, actor = iso3, reg.org_iri(ORG_MEMBER_CODES[iso3])
        name = reg.orgs[ORG_MEMBER_CODES[iso3]]["name"]
    else:
        entity = reg.get(iso3)
        code, actor, name = entity.code, entity.iri, entity.name
    iri = b.event(
        G,
        f"{code}-{org}-membership-1",
        "MembershipAdmission",
        actor=actor,
        label=f"{name} admitted to {reg.orgs[org]['name']}",
    )
    b.add(G, iri, b.kr + "organisation", reg.org_iri(org))
    return iri


def emit_memberships(b: GraphBuilder, reg: Registry, path, report: BuildReport) -> None:
    kr = b.kr
    for row in read_csv(path, ("organisation", "iso3", "joined", "source", "note")):
        org = row["organisation"].lower()
        if row["iso3"] not in reg.entities and row["iso3"] not in ORG_MEMBER_CODES:
            report.warn(path, row.line, f"membership row names unknown ISO3 {row['iso3']!r}")
            continue
        event = membership_event(b, reg, row["iso3"], org)
        source = row["source"]
        publisher = source.split(" (")[0].split(";")[0].strip()
        agent = b.iris.agent("ref-" + slugify(publisher)[:60])
        b.typed(G, agent, kr + "SpeakingAgent", PROV + "Agent")
        b.label(G, agent, publisher)
        loc = b.location(
            G, Loc("memberships", "memberships.csv", row.line, "memberships", row["iso3"])
        )
        text = row["joined"] or None
        date = dates.try_parse(text)
        extra = [(kr + "note", lit(row["note"]) if row["note"] else None)]
        b.claim(
            G,
            claimant=agent,
            about=event,
            evidence=loc,
            date=date,
            date_text=text,
            extra=extra,
        )


def wikidata_terms(path) -> dict[str, str]:
    return {
        r["label"]: r["wikidata_id"]
        for r in read_csv(path, ("kind", "label", "wikidata_id"))
        if r["kind"] == "item" and r["wikidata_id"]
    }


def _publisher(source_url: str) -> str:
    first = source_url.split(";")[0].strip().split(" ")[0]
    if "://" in first:
        host = first.split("://", 1)[1].split("/")[0]
        return host.removeprefix("www.")
    return first.split(" ")[0]


def _row_entity(reg: Registry, path, row: CsvRow) -> Entity:
    try:
        return reg.get(row["iso3"])
    except KeyError:
        raise SourceError(
            path, f"unknown ISO3 code {row['iso3']!r} (not in countries.csv)", row.line
        ) from None


def _row_date(path, row: CsvRow, column: str, text: str) -> dates.PartialDate:
    try:
        return dates.parse(text)
    except ValueError as exc:
        raise SourceError(path, f"{column}: {exc}", row.line) from None


def emit_reference_recognitions(b: GraphBuilder, reg: Registry, path) -> int:
    """Dated recognition/withdrawal claims of `kosovo_recognitions.csv`, claimed by the site
    each row cites. Rows that only restate the article ("seed line N") are skipped: the article
    graph already holds them with their own evidence. Every row is checked, skipped or not: an
    unknown ISO3 code or a date that is no date fails the build (SourceError, file and line)."""
    kr = b.kr
    xkx = reg.get("XKX").iri
    made = 0
    required = ("country", "iso3", "recognition_date", "withdrawal_date", "note", "source_url")
    for row in read_csv(path, required):
        entity = _row_entity(reg, path, row)
        recognised = withdrawn = None
        if row["recognition_date"]:
            recognised = _row_date(path, row, "recognition_date", row["recognition_date"])
        if row["withdrawal_date"]:
            text = row["withdrawal_date"].split(" ")[0]  # "2019-11 (reported)"
            withdrawn = _row_date(path, row, "withdrawal_date", text)
        if row["source_url"].startswith("seed line"):
            continue
        publisher = _publisher(row["source_url"])
        agent = b.iris.agent("site-" + slugify(publisher))
        b.typed(G, agent, kr + "SpeakingAgent", PROV + "Agent")
        b.label(G, agent, publisher)
        loc = b.location(
            G, Loc("recognitions", "kosovo_recognitions.csv", row.line, "recognitions", entity.name)
        )
        b.add(G, loc, kr + "note", lit(f"{row['note']} — cited: {row['source_url']}"))
        rec = b.event(
            G,
            f"{entity.code}-XKX-recognition-1",
            "Recognition",
            actor=entity.iri,
            target=xkx,
            label=f"Recognition of Kosovo by {entity.name}",
        )
        if recognised is not None:
            b.claim(
                G,
                claimant=agent,
                about=rec,
                evidence=loc,
                date=recognised,
                date_text=row["recognition_date"],
            )
            made += 1
        if withdrawn is not None:
            n = b.count_events(f"{entity.code}-XKX-withdrawal-") + 1
            wd = b.event(
                G,
                f"{entity.code}-XKX-withdrawal-{n}",
                "Withdrawal",
                actor=entity.iri,
                target=xkx,
                label=f"Reported withdrawal of recognition by {entity.name}",
            )
            b.add(G, wd, kr + "withdraws", rec)
            reported = "reported" in row["withdrawal_date"]
            b.claim(
                G,
                claimant=agent,
                about=wd,
                evidence=loc,
                date=withdrawn,
                date_text=row["withdrawal_date"],
                modality="ReportedOnly" if reported else "Asserted",
                extra=[(kr + "hedge", kr + "Reported" if reported else None)],
            )
            made += 1
    return made
