"""The audit's rows on an external SPARQL engine (`sparql_backend_url`), for `kosovo-kg audit`.

`RemoteRows` is the `store.RowSource` whose `select_rows` is one `Engine.run_internal` call over
our named graphs there (uncapped, at least 600 s); values come back as the embedded store gives
them (lexical forms, None when unbound). Differences between engines: docs/external-engines.md.
"""

from __future__ import annotations

import json
from types import TracebackType

from kosovo_kg.engine import Engine
from kosovo_kg.settings import Settings
from kosovo_kg.store import QueryFailed, Row


class RemoteRows:
    """`select_rows` on the external engine of `settings` (its `sparql_backend_url` is required)."""

    def __init__(self, settings: Settings) -> None:
        if not settings.sparql_backend_url:
            raise ValueError("RemoteRows needs sparql_backend_url")
        self.engine = Engine(settings).start()

    def select_rows(self, text: str, *, union: bool = True) -> list[Row]:
        outcome = self.engine.run_internal(text, union=union)
        if not outcome.ok:
            message = outcome.body.decode("utf-8", "replace").strip()
            raise QueryFailed(
                outcome.status, f"{self.engine.settings.sparql_backend_url}: {message}"
            )
        data = json.loads(outcome.body)
        names = data["head"]["vars"]
        return [
            {name: (b[name]["value"] if name in b else None) for name in names}
            for b in data["results"]["bindings"]
        ]

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> RemoteRows:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
