"""Search (/search?q=): states by name, ISO code, IOC code or QID; people, offices and
organisations (any agent) by label; documents by title or publisher; events; saved queries.

Matching ignores case and accents ("dacic" finds Dačić): every key and the query are folded the
same way (`fold`). Each word of the query must occur in a key; an exact key ranks first, then a
key that starts with the query, then a word that does, then any occurrence. The index is read
from the graph once per data version. /search.json?q= gives the first suggestions as JSON (the
search box's script uses them); /search is a plain page that needs no JavaScript.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from kosovo_kg.web import pages
from kosovo_kg.web.pages.claim_titles import doc_label
from kosovo_kg.web.pages.data import prologue, select, value
from kosovo_kg.web.pages.links import local_path
from kosovo_kg.web.saved import EXTENSION as SAVED

bp = Blueprint("search", __name__)
# the families of our IRIs that a search finds, in the order the results are grouped
KINDS = {
    "state": "States and entities",
    "entity": "States and entities",
    "agent": "People, offices and organisations",
    "person": "People, offices and organisations",
    "post": "People, offices and organisations",
    "org": "People, offices and organisations",
    "doc": "Documents",
    "event": "Events",
    "perspective": "Perspectives",
    "query": "Saved queries",
}
LIMIT = 200
SUGGESTIONS = 10
MAX_QUERY = 200
# letters that Unicode does not decompose into a base letter and an accent
EXTRA = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"})


def fold(text: str) -> str:
    """Lower case without accents: 'Dačić' -> 'dacic', 'São Tomé' -> 'sao tome'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(EXTRA)


@dataclass(frozen=True)
class Entry:
    kind: str  # a key of KINDS
    label: str
    href: str
    keys: tuple[str, ...]  # folded
    detail: str = ""


def _index() -> list[Entry]:
    st = pages.state()
    base = st.settings.base_iri
    families = " || ".join(f'STRSTARTS(STR(?x), "{base}id/{f}/")' for f in KINDS if f != "query")
    rows = select(
        st.engine,
        prologue(base)
        + f"""SELECT ?x ?key WHERE {{
  {{ ?x rdfs:label ?key }} UNION {{ ?x kr:iso3|kr:iocCode|kr:wikidata ?key }}
  UNION {{ ?x a kr:SourceDocument {doc_label("?x", "key")} }}
  FILTER(BOUND(?key) && ({families}))
}}""",
    )
    keys: dict[str, list[str]] = {}
    for r in rows:
        keys.setdefault(value(r, "x") or "", []).append(value(r, "key") or "")
    labels = {r["x"]["value"]: r["key"]["value"] for r in rows if "xml:lang" in r["key"]}
    entries = []
    for iri, found in keys.items():
        path = local_path(iri, base) or ""
        kind = path.split("/")[2] if path.count("/") >= 3 else ""
        if kind not in KINDS:
            continue
        label = labels.get(iri) or max(found, key=len)
        codes = sorted({k for k in found if k != label and len(k) <= 12})
        entries.append(Entry(kind, label, path, tuple({fold(k) for k in found}), " · ".join(codes)))
    for q in current_app.extensions[SAVED].library.values():
        entries.append(
            Entry(
                "query",
                q.title,
                f"/queries/{q.name}/form",
                (fold(q.name), fold(q.title), fold(q.description)),
                q.name,
            )
        )
    return entries


def _rank(entry: Entry, query: str, words: list[str]) -> int | None:
    best = None
    for key in entry.keys:
        if not all(w in key for w in words):
            continue
        if key == query:
            rank = 0
        elif key.startswith(query):
            rank = 1
        elif any(part.startswith(words[0]) for part in key.split()):
            rank = 2
        else:
            rank = 3
        best = rank if best is None else min(best, rank)
    return best


def find(text: str) -> list[Entry]:
    """Entries matching `text`, best first (then by kind and label)."""
    query = " ".join(fold(text).split())[:MAX_QUERY]
    if not query:
        return []
    entries = pages.state().memo(("search-index",), _index)
    words = query.split()
    ranked = []
    for e in entries:
        rank = _rank(e, query, words)
        if rank is not None:
            ranked.append((rank, list(KINDS).index(e.kind), fold(e.label), e))
    ranked.sort(key=lambda t: t[:3])
    return [t[3] for t in ranked]


@bp.route("/search")
def search_page() -> Response:
    text = request.args.get("q", "")
    found = find(text)
    groups: dict[str, list[Entry]] = {}
    for e in found[:LIMIT]:
        groups.setdefault(KINDS[e.kind], []).append(e)
    page = render_template(
        "search.html",
        title=f"Search: {text}" if text.strip() else "Search",
        q=text,
        total=len(found),
        shown=min(len(found), LIMIT),
        groups=groups,
    )
    return Response(page, 200, content_type="text/html; charset=utf-8")


@bp.route("/search.json")
def suggest() -> Response:
    found = find(request.args.get("q", ""))[:SUGGESTIONS]
    return jsonify(
        [
            {"label": e.label, "href": e.href, "kind": KINDS[e.kind], "detail": e.detail}
            for e in found
        ]
    )
