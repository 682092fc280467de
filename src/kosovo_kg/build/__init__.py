"""The build, stage by stage: pinned sources -> RDF with provenance -> SHACL -> dump -> store.

`pipeline` runs the stages (`make_graph` in memory, `build` to the dump and the on-disk store);
one module per source kind emits its part of the graph through the same entry point,
`add_to(b, sources)` (`stage`), run from the one list `pipeline.STAGES`: `reference` (states,
organisations, agents, documents), `article` (the Wikipedia article's recognition tables, read
by `seed`), `withdrawn` (its withdrawn table), `positions` (position tables and prose),
`memberships`, `news` (speakers read by `news_claimants`), `editions` (Wikipedia's figures copy by
copy); `derive` adds the row-order date bounds. `events` mints the events they share.
"""

from __future__ import annotations

from kosovo_kg.build.pipeline import (
    BuildError,
    BuildResult,
    Progress,
    build,
    make_graph,
    write_atomically,
)

__all__ = ["BuildError", "BuildResult", "Progress", "build", "make_graph", "write_atomically"]
