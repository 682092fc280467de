"""A world map of states coloured by status, as an SVG drawn on the server from world-atlas
(npm, Natural Earth 1:110m TopoJSON, copied to the assets folder); no script, no remote tile.

Countries are matched to states by ISO 3166-1 numeric code (world-atlas ids) through the
reference table `data/sources/reference/countries.csv`; Kosovo has no numeric code and is
matched by name. Very small states do not appear at this scale: the table lists every state.
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
from pathlib import Path

from markupsafe import escape

W, H = 960, 420
NORTH, SOUTH = 84.0, -58.0  # Antarctica is left out
BY_NAME = {"Kosovo": "XKX"}


@functools.lru_cache(maxsize=2)
def numeric_to_iso3(table: Path) -> dict[str, str]:
    out = {}
    with open(table, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("iso_numeric") and row.get("iso3"):
                out[row["iso_numeric"].zfill(3)] = row["iso3"]
    return out


def _project(lon: float, lat: float) -> tuple[float, float]:
    return (lon + 180.0) * W / 360.0, (NORTH - lat) * H / (NORTH - SOUTH)


@functools.lru_cache(maxsize=2)
def shapes(topojson: Path, table: Path) -> tuple[tuple[str, str, str], ...]:
    """(ISO3 or '', name, SVG path data) per country of the TopoJSON file."""
    data = json.loads(Path(topojson).read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = data["transform"]["scale"], data["transform"]["translate"]
    arcs = []
    for arc in data["arcs"]:  # quantised and delta-encoded
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(_project(x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> str:
        points: list[tuple[float, float]] = []
        for i in indexes:
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(arc[1:] if points else arc)
        # a ring crossing the antimeridian: unwrap it into one continuous ring, and draw it
        # again shifted by the map's width so both edges of the map show their part
        shift = 0.0
        unwrapped = [points[0]]
        for (x0, _), (x, y) in itertools.pairwise(points):
            if x - x0 > W / 2:
                shift -= W
            elif x0 - x > W / 2:
                shift += W
            unwrapped.append((x + shift, y))
        copies = [0.0]
        if min(x for x, _ in unwrapped) < 0:
            copies.append(W)
        if max(x for x, _ in unwrapped) > W:
            copies.append(-W)
        return "".join(
            "M" + "L".join(f"{x + dx:.1f},{y:.1f}" for x, y in unwrapped) + "Z" for dx in copies
        )

    codes = numeric_to_iso3(table)
    out = []
    for geometry in data["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        polygons = (
            ([geometry["arcs"]] if kind == "Polygon" else geometry.get("arcs", []))
            if kind in ("Polygon", "MultiPolygon")
            else []
        )
        d = "".join(ring(r) for polygon in polygons for r in polygon)
        name = geometry.get("properties", {}).get("name", "")
        if name == "Antarctica":
            continue
        iso3 = codes.get(str(geometry.get("id", "")).zfill(3), "") or BY_NAME.get(name, "")
        if d:
            out.append((iso3, name, d))
    return tuple(out)


def svg(
    countries: tuple[tuple[str, str, str], ...],
    statuses: dict[str, tuple[str, str]],
    title: str,
    links: dict[str, str] | None = None,
) -> str:
    """A standalone SVG document; `statuses` maps ISO3 -> (status key, status name); a country
    with a link (ISO3 -> path) is a link to it, opened in the page that shows the map."""
    links = links or {}
    parts = [
        # with links it is a group of links (an image holds no controls), else an image
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}"'
        f' role="{"group" if links else "img"}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        "<style>path{stroke:#fff;stroke-width:.4}.Recognises{fill:#5fa36f}"
        ".Withdrawn{fill:#e08a3c}.NotRecognised{fill:#a9a9b3}.Invalidated{fill:#c94b4b}"
        ".uncertain{fill:#e6cf45}.none{fill:#f4f4f4}.XKX{fill:#0b4f9c}"
        "a:focus path,a:hover path{stroke:#1d1d1f;stroke-width:1.5}a:focus{outline:none}</style>",
    ]
    for iso3, name, d in countries:
        key, label = statuses.get(iso3, ("none", "not in the graph"))
        cls = "XKX" if iso3 == "XKX" else key
        path = f'<path class="{cls}" d="{d}"><title>{escape(name)}: {escape(label)}</title></path>'
        if iso3 in links:
            path = f'<a href="{escape(links[iso3])}" target="_top">{path}</a>'
        parts.append(path)
    parts.append("</svg>")
    return "".join(parts)
