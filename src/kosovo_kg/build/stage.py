"""One shape for every extractor: `add_to(b: GraphBuilder, sources: Sources) -> None`.

Each source-kind module of the build package exposes `add_to`; `pipeline.STAGES` lists them in
the order they run. `Sources` is what they read: the pinned files (checked against the
manifest), the registry of states, organisations and agents, the curated people, the build
report they write findings and counts to, and the one thing a stage leaves for later ones: the
article's extractor (`article.add_to` sets it; the withdrawn table, positions, memberships and
the row-order datings read the article through it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kosovo_kg.build.news_claimants import People
from kosovo_kg.graph import GraphBuilder
from kosovo_kg.registry import Registry
from kosovo_kg.report import BuildReport
from kosovo_kg.sources import Manifest, SourceFile

if TYPE_CHECKING:  # article imports this module
    from kosovo_kg.build.article import ArticleExtractor


@dataclass
class Sources:
    data_dir: Path
    manifest: Manifest
    files: dict[str, SourceFile]  # manifest id -> pinned file, checksum verified
    registry: Registry
    people: People
    report: BuildReport
    article: ArticleExtractor | None = None  # set by article.add_to

    @property
    def curated(self) -> Path:
        return self.data_dir / "curated"

    def path(self, source_id: str) -> Path:
        return self.files[source_id].path

    def the_article(self) -> ArticleExtractor:
        """The article's extractor, for the stages that run after `article.add_to`."""
        if self.article is None:
            raise RuntimeError("the article stage has not run yet (see pipeline.STAGES)")
        return self.article


Extractor = Callable[[GraphBuilder, Sources], None]
