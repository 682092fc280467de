"""Who speaks in a news claim: the claimant column of `claims_news.csv` read into its speakers.

The column prints a reporting chain and sometimes several speakers in one string:

- a channel in parentheses ("(via Tanjug/B92)", "(as quoted by Serbian FM Dačić)") is not a
  speaker: it is kept as printed, and a person it names after "quoted by" is the *reporter*;
- several speakers are split: "A / B", "A, confirmed by B", and "A and B" when both name a
  person ("Serbian FM Ivica Dačić and Grenadian FM Peter David");
- a part that names a form rather than a speaker ("joint statement", "forum post of ...") is
  dropped (kept on the evidence as printed);
- the first person of `data/curated/people.csv` named in a part is its speaker (not when the
  name is followed by "'s", as in "Pacolli's office"), and the post they spoke in is the first
  of `data/curated/posts.csv` whose pattern matches the part and whose state is the person's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kosovo_kg.sources import CsvRow, SourceError, read_csv

PEOPLE_COLUMNS = ("person", "name", "variants", "acts_for", "note")
POST_COLUMNS = ("post", "label", "post_in", "pattern", "note")
_CHANNEL = re.compile(
    r"\s*\(([^()]*\b(?:via|reported by|reported in|citing|through|quoted by|quoted on)\b[^()]*)\)"
)
_QUOTED_BY = re.compile(r"\bquoted by\s+(.+)$")
_NOT_A_SPEAKER = re.compile(r"^(joint statement|forum post\b.*)$", re.I)


@dataclass(frozen=True)
class Speaker:
    text: str  # the part of the claimant column naming this speaker, as printed
    person: str | None = None  # slug in people.csv
    post: str | None = None  # slug in posts.csv


@dataclass(frozen=True)
class Reading:
    speakers: tuple[Speaker, ...]
    channel: str | None = None  # the parenthetical channel, as printed
    reporter: str | None = None  # person slug of who relays the speaker's words
    dropped: tuple[str, ...] = ()


class People:
    """The curated people and posts, and the reading of claimant strings against them."""

    def __init__(self, curated: Path, known_codes: set[str]) -> None:
        self.people: dict[str, CsvRow] = {}
        self.variants: list[tuple[str, str]] = []  # (variant, person), longest first
        path = curated / "people.csv"
        for row in read_csv(path, PEOPLE_COLUMNS):
            if row["acts_for"] and row["acts_for"] not in known_codes:
                raise SourceError(path, f"unknown acts_for {row['acts_for']!r}", row.line)
            self.people[row["person"]] = row
            self.variants += [(v.strip(), row["person"]) for v in row["variants"].split("|")]
        self.variants.sort(key=lambda pair: -len(pair[0]))
        self.posts: dict[str, CsvRow] = {}
        self.post_patterns: list[tuple[re.Pattern[str], str]] = []
        path = curated / "posts.csv"
        for row in read_csv(path, POST_COLUMNS):
            if row["post_in"] not in known_codes:
                raise SourceError(path, f"unknown post_in {row['post_in']!r}", row.line)
            try:
                pattern = re.compile(row["pattern"])
            except re.error as exc:
                raise SourceError(path, f"bad pattern: {exc}", row.line) from None
            self.posts[row["post"]] = row
            self.post_patterns.append((pattern, row["post"]))

    def person_in(self, text: str) -> str | None:
        """The person named first in `text` (a name followed by "'s" names something of
        theirs, not them)."""
        found: list[tuple[int, str]] = []
        for variant, person in self.variants:
            for m in re.finditer(rf"(?<!\w){re.escape(variant)}(?!\w)", text):
                if not text[m.end() :].startswith("'s"):
                    found.append((m.start(), person))
        return min(found)[1] if found else None

    def speaker(self, text: str) -> Speaker:
        person = self.person_in(text)
        post = None
        if person:
            state = self.people[person]["acts_for"]
            post = next(
                (p for rx, p in self.post_patterns
                 if rx.search(text) and self.posts[p]["post_in"] == state),
                None,
            )  # fmt: skip
        return Speaker(text, person, post)

    def read(self, claimant: str) -> Reading:
        channels = [m.group(1) for m in _CHANNEL.finditer(claimant)]
        name = _CHANNEL.sub("", claimant).strip()
        reporter = None
        for channel in channels:
            quoted = _QUOTED_BY.search(channel)
            if quoted:
                reporter = self.person_in(quoted.group(1))
        parts: list[str] = []
        for chunk in name.split(" / "):
            parts += [p.strip() for p in chunk.split(", confirmed by ")]
        split: list[str] = []
        for part in parts:
            pieces = part.split(" and ")
            if len(pieces) == 2 and all(self.person_in(p) for p in pieces):
                split += pieces
            else:
                split.append(part)
        dropped = tuple(p for p in split if _NOT_A_SPEAKER.match(p))
        speakers = tuple(self.speaker(p) for p in split if p and p not in dropped)
        return Reading(speakers, "; ".join(channels) or None, reporter, dropped)
