"""Who a perspective is: a set of claimants (docs/perspectives.md, "Perspectives").

The four predefined ones (`kosovo`, `serbia`, `article`, `all`) and any chosen set of claimant
IRIs (`custom`). What a perspective then says, state by state and date by date, is `core`'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kosovo_kg.perspective.facts import Facts


class PerspectiveError(ValueError):
    """An unknown perspective or claimant."""


@dataclass(frozen=True)
class Perspective:
    name: str
    label: str
    claimants: frozenset[str] | None  # None: every claimant
    description: str

    @property
    def flags_disputes(self) -> bool:
        """Every-claimant perspectives keep denied events, flagged as disputed."""
        return self.claimants is None

    def includes(self, claimant: str) -> bool:
        return self.claimants is None or claimant in self.claimants


PREDEFINED = ("kosovo", "serbia", "article", "all")


def side_claimants(facts: Facts, state: str) -> set[str]:
    return {a for a, s in facts.sides.items() if s == state} | {state}


def predefined(facts: Facts) -> dict[str, Perspective]:
    iris = facts.iris
    base = {facts.article_agent, facts.build_agent}
    xkx, srb = iris.state("XKX"), iris.state("SRB")
    return {
        "kosovo": Perspective(
            "kosovo",
            "Kosovo's view",
            frozenset(side_claimants(facts, xkx) | base),
            "Claims by claimants acting for Kosovo, the article's own voice and derived "
            "datings, minus events that Kosovo-side claimants deny.",
        ),
        "serbia": Perspective(
            "serbia",
            "Serbia's view",
            frozenset(side_claimants(facts, srb) | base),
            "Claims by claimants acting for Serbia, the article's own voice and derived "
            "datings, minus events that Serbia-side claimants deny.",
        ),
        "article": Perspective(
            "article",
            "The article's view",
            frozenset(base),
            "The Wikipedia article's own voice and derived datings.",
        ),
        "all": Perspective(
            "all",
            "All sources",
            None,
            "Every claimant; an event that someone denies still counts and is flagged as disputed.",
        ),
    }


def custom(facts: Facts, claimants: Iterable[str], name: str = "custom") -> Perspective:
    """A perspective of any set of claimant IRIs (derived datings are always included)."""
    chosen = set(claimants)
    unknown = sorted(chosen - facts.claimants - set(facts.sides.values()))
    if unknown:
        raise PerspectiveError(f"not a claimant in the graph: {', '.join(unknown)}")
    return Perspective(
        name,
        f"Claims of {len(chosen)} chosen claimant(s)",
        frozenset(chosen | {facts.build_agent}),
        "A chosen set of claimants plus derived datings.",
    )


def get(facts: Facts, name: str) -> Perspective:
    views = predefined(facts)
    if name not in views:
        raise PerspectiveError(f"unknown perspective {name!r}; choose one of {', '.join(views)}")
    return views[name]
