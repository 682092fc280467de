"""Who is who: states and other entities, organisations and agents, with code resolution.

Built from the reference tables (`countries.csv`) and the curated tables in `data/curated/`.
Printed codes are resolved in context: a code may be an ISO 3166-1 alpha-3 code, an IOC code, or
both for the same state; a code that names two different states, or none, is reported.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kosovo_kg.sources import CsvRow, SourceError, read_csv
from kosovo_kg.vocab import Iris, is_qid, slugify

IOC_COLUMNS = ("ioc", "ioc_coco", "ioc_countrycode", "ioc_datasets", "ioc_mledoze")

ENTITY_CLASSES = {
    "UN member state": "UNMemberState",
    "UN observer state": "UNObserverState",
    "state in free association with New Zealand": "AssociatedState",
}


def entity_class(entity_type: str) -> str:
    return ENTITY_CLASSES.get(entity_type, "PartiallyRecognisedState")


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.lower().replace("the ", " ").split())


@dataclass
class Entity:
    key: str  # ISO3 when it has one, else the slug
    iri: str
    name: str
    cls: str
    row: CsvRow
    iso3: str | None = None
    qid: str | None = None
    qid_note: str | None = None

    @property
    def code(self) -> str:
        """Short code for event IRIs: ISO3 or slug."""
        return self.iso3 or self.key


@dataclass(frozen=True)
class Resolution:
    code: str
    entity: Entity | None
    system: str  # ISO, IOC, ISO+IOC, unknown, blank
    problem: str | None = None


@dataclass
class Registry:
    iris: Iris
    entities: dict[str, Entity] = field(default_factory=dict)
    by_name: dict[str, Entity] = field(default_factory=dict)
    by_ioc: dict[str, set[str]] = field(default_factory=dict)
    orgs: dict[str, CsvRow] = field(default_factory=dict)
    agents: dict[str, CsvRow] = field(default_factory=dict)

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, iris: Iris, countries: Path, curated: Path) -> Registry:
        reg = cls(iris)
        choices = {
            r["iso3"]: r
            for r in read_csv(curated / "qid_choices.csv", ("iso3", "chosen_qid", "reason"))
        }
        required = ("entity", "name_iso", "entity_type", "iso3", "wikidata_qid", *IOC_COLUMNS)
        for row in read_csv(countries, required):
            iso3 = row["iso3"] or None
            key = iso3 or slugify(row["entity"])
            iri = iris.state(iso3) if iso3 else iris.entity(key)
            qid, note = row["wikidata_qid"] or None, None
            if qid is None and iso3 in choices:
                qid, note = choices[iso3]["chosen_qid"], choices[iso3]["reason"]
            if qid is not None and not is_qid(qid):
                raise SourceError(countries, f"malformed Wikidata QID {qid!r}", row.line)
            if key in reg.entities:
                raise SourceError(countries, f"duplicate entity key {key!r}", row.line)
            entity = Entity(key, iri, row["entity"], entity_class(row["entity_type"]), row, iso3)
            entity.qid, entity.qid_note = qid, note
            reg.entities[key] = entity
            for name in (row["entity"], row["name_iso"]):
                if name:
                    reg.by_name.setdefault(_norm(name), entity)
            if iso3:
                for column in IOC_COLUMNS:
                    if row[column]:
                        reg.by_ioc.setdefault(row[column], set()).add(iso3)
        for alias in read_csv(curated / "name_aliases.csv", ("name", "iso3")):
            if alias["iso3"] not in reg.entities:
                raise SourceError(
                    curated / "name_aliases.csv", f"unknown ISO3 {alias['iso3']!r}", alias.line
                )
            reg.by_name[_norm(alias["name"])] = reg.entities[alias["iso3"]]
        for org in read_csv(curated / "organisations.csv", ("slug", "name", "kind")):
            reg.orgs[org["slug"]] = org
        for agent in read_csv(curated / "agents.csv", ("slug", "label", "kind", "acts_for")):
            reg.agents[agent["slug"]] = agent
        return reg

    # -- lookups -------------------------------------------------------------------------
    def get(self, key: str) -> Entity:
        """By ISO3 code or entity name."""
        if key in self.entities:
            return self.entities[key]
        found = self.by_name.get(_norm(key))
        if found is None:
            raise KeyError(key)
        return found

    def by_printed_name(self, name: str) -> Entity | None:
        return self.by_name.get(_norm(name))

    def resolve(self, code: str) -> Resolution:
        """Resolve a printed three-letter code (ISO or IOC) to one entity."""
        code = code.strip()
        if not code:
            return Resolution(code, None, "blank")
        iso_hit = code if code in self.entities and len(code) == 3 else None
        ioc_hits = self.by_ioc.get(code, set())
        candidates = ({iso_hit} if iso_hit else set()) | ioc_hits
        if not candidates:
            return Resolution(code, None, "unknown", f"code {code!r} matches no ISO or IOC code")
        if len(candidates) > 1:
            names = ", ".join(sorted(candidates))
            return Resolution(code, None, "ambiguous", f"code {code!r} matches {names}")
        (iso3,) = candidates
        if iso_hit and ioc_hits:
            system = "ISO+IOC"
        elif iso_hit:
            system = "ISO"
        else:
            system = "IOC"
        return Resolution(code, self.entities[iso3], system)

    def org_iri(self, slug: str) -> str:
        if slug not in self.orgs:
            raise KeyError(f"unknown organisation {slug!r}")
        return self.iris.org(slug)

    def agent_iri(self, slug: str) -> str:
        if slug not in self.agents:
            raise KeyError(f"unknown agent {slug!r}")
        return self.iris.agent(slug)
