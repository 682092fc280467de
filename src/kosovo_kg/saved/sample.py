"""Run saved queries in-process on the shipped graph (for the generated docs and the tests)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kosovo_kg import store as store_mod
from kosovo_kg.engine.lexer import analyse
from kosovo_kg.saved.header import SavedQuery
from kosovo_kg.saved.library import bind
from kosovo_kg.saved.params import StateIndex

STATES = """SELECT DISTINCT ?s ?iso ?qid WHERE {
  ?s a <%(b)sontology#PoliticalEntity> .
  OPTIONAL { ?s <%(b)sontology#iso3> ?iso }
  OPTIONAL { ?s <%(b)sontology#wikidata> ?qid }
}"""


def federated(query: SavedQuery) -> bool:
    """Whether the query calls another endpoint (SERVICE)."""
    return bool(analyse(query.text, 10_000).services)


class LocalRunner:
    """Saved queries on an in-memory store loaded from an N-Quads dump."""

    def __init__(self, dump: Path, base_iri: str) -> None:
        self.store = store_mod.memory_store_from_nquads(Path(dump))
        rows = store_mod.select_rows(self.store, STATES % {"b": base_iri})
        self.states = StateIndex(
            {r["iso"]: r["s"] for r in rows if r["iso"]},
            {r["qid"]: r["s"] for r in rows if r["qid"]},
        )

    def json(self, query: SavedQuery, args: Mapping[str, str]) -> dict[str, Any]:
        """The SPARQL JSON results of one call (bound exactly as the server binds it)."""
        bindings = bind(query, args, self.states)
        _, body, _, _ = store_mod.run_serialized(
            self.store,
            query.text,
            result_format="json",
            max_rows=100_000,
            max_bytes=1 << 30,
            union=True,
            substitutions=bindings,
        )
        return json.loads(body)

    def rows(self, query: SavedQuery, args: Mapping[str, str]) -> list[dict[str, str]]:
        data = self.json(query, args)
        return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]

    def __call__(
        self, query: SavedQuery, args: Mapping[str, str]
    ) -> tuple[Sequence[str], Sequence[Mapping[str, str]], int] | None:
        """Variables, rows and count of the example call; None for a federated query (the docs
        never touch the network)."""
        if federated(query):
            return None
        data = self.json(query, args)
        rows = [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]
        return data["head"]["vars"], rows, len(rows)
