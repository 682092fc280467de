"""The state-to-Kosovo events every extractor shares: one IRI per act, whoever names it.

`{ACTOR}-XKX-recognition-{n}` and `{ACTOR}-XKX-withdrawal-{n}`: an extractor that reads a
recognition or a withdrawal reuses the event another extractor made (their descriptions live once,
in graph/reference, see kosovo_kg.graph) rather than minting a second event for the same act.
"""

from __future__ import annotations

from kosovo_kg.graph import GraphBuilder
from kosovo_kg.registry import Entity


def recognition_event(b: GraphBuilder, graph: str, entity: Entity, target: str, n: int = 1) -> str:
    """The event `{ACTOR}-XKX-recognition-{n}` (shared by every extractor)."""
    return b.event(
        graph,
        f"{entity.code}-XKX-recognition-{n}",
        "Recognition",
        actor=entity.iri,
        target=target,
        label=f"Recognition of Kosovo by {entity.name}",
    )


def withdrawal_event(
    b: GraphBuilder, graph: str, entity: Entity, target: str, recognition: str, n: int = 1
) -> str:
    """The event `{ACTOR}-XKX-withdrawal-{n}`, withdrawing `recognition`."""
    iri = b.event(
        graph,
        f"{entity.code}-XKX-withdrawal-{n}",
        "Withdrawal",
        actor=entity.iri,
        target=target,
        label=f"Withdrawal of recognition of Kosovo by {entity.name}"
        + (f" ({n})" if n > 1 else ""),
    )
    b.add(graph, iri, b.kr + "withdraws", recognition)
    return iri
