"""Deterministic synthetic graphs shaped like ours, at N times the real dump (streaming N-Quads).

    python bench/generate.py --scale 10 --out /tmp/kkg-10x.nq [--dump data/generated/kosovo-kg.nq]

How: the real dump is the template. Copy 0 is the real graph unchanged (so the saved queries'
example calls keep their answers), copies 1..N-1 are renamed worlds of the same shape:

- every IRI under `<base>id/<kind>/` gets the local name prefixed `s<k>-` (states, events, claims,
  count claims, positions, derived datings, evidence locations, source documents, perspective
  periods, agents, organisations), except the build agent `id/agent/kosovo-kg`, which every
  derived dating shares as claimant;
- every named graph `<base>graph/<name>` becomes `<base>graph/s<k>/<name>`, so each copy's source
  documents sit in their own named graphs (graphs grow with the scale, as new sources would);
- Wikidata entity IRIs and QID literals `Q<n>` become `Q<n>0<kkkk>` (distinct fake identifiers),
  and ISO codes (`kr:iso3`) become `s<k>-<code>`, so a lookup by a real QID or ISO code still
  finds copy 0's entity, and no owl:sameAs merges
  the copies;
- ontology terms, datatypes, literals (labels, dates, texts) are kept as they are.

So every ratio of the real dump (quads per graph kind, claims per event, evidence per claim,
datings, perspective periods, literal sizes) holds exactly at every scale, and a query whose
answer grows with the data (counts, timelines, audits) sees N times the rows. The output is
written copy by copy: memory holds the template (the real dump, ~11 MB) and one copy at a time.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/kosovo-kg/"
GRAPH_MARK, ID_MARK, QID_MARK = "\x01", "\x02", "\x03"

_GRAPH = re.compile(re.escape("<" + BASE + "graph/"))
_ID = re.compile(re.escape("<" + BASE + "id/") + r"([A-Za-z0-9_-]+)/(?!kosovo-kg>)")
_QID_IRI = re.compile(r"(<http://www\.wikidata\.org/entity/Q[0-9]+)>")
_QID_LIT = re.compile(r'"(Q[0-9]+)"')
_ISO = re.compile(re.escape("<" + BASE + 'ontology#iso3> "'))


def template(dump: Path) -> str:
    """The real dump with markers where a copy's names differ (comment lines dropped)."""
    lines = [line for line in dump.read_text(encoding="utf-8").splitlines(True) if line[:1] != "#"]
    text = "".join(lines)
    text = _GRAPH.sub(lambda m: m.group(0) + GRAPH_MARK, text)
    text = _ID.sub(lambda m: m.group(0) + ID_MARK, text)
    text = _QID_IRI.sub(lambda m: m.group(1) + QID_MARK + ">", text)
    text = _ISO.sub(lambda m: m.group(0) + ID_MARK, text)
    return _QID_LIT.sub(lambda m: '"' + m.group(1) + QID_MARK + '"', text)


def copy_text(tmpl: str, k: int) -> str:
    """Copy k of the template (k = 0: the real graph)."""
    if k == 0:
        return tmpl.replace(GRAPH_MARK, "").replace(ID_MARK, "").replace(QID_MARK, "")
    return (
        tmpl.replace(GRAPH_MARK, f"s{k}/").replace(ID_MARK, f"s{k}-").replace(QID_MARK, f"0{k:04d}")
    )


def generate(dump: Path, scale: int, out: Path) -> dict[str, int | str]:
    """Write `scale` copies to `out` (atomically). Returns quads, bytes and the output's sha256."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    tmpl = template(dump)
    per_copy = tmpl.count("\n")
    digest = hashlib.sha256()
    tmp = out.with_name(out.name + ".tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with open(tmp, "wb") as handle:
        for k in range(scale):
            chunk = copy_text(tmpl, k).encode("utf-8")
            handle.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    tmp.replace(out)
    return {"quads": per_copy * scale, "bytes": size, "sha256": digest.hexdigest()[:12]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, required=True, help="copies of the real graph")
    parser.add_argument("--out", type=Path, required=True, help="N-Quads file to write")
    parser.add_argument("--dump", type=Path, default=ROOT / "data" / "generated" / "kosovo-kg.nq")
    args = parser.parse_args()
    started = time.monotonic()
    info = generate(args.dump, args.scale, args.out)
    print(
        f"wrote {args.out}: {info['quads']:,} quads, {info['bytes']:,} bytes,"
        f" sha256 {info['sha256']}, {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
