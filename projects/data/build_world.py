"""Build world.json, the country shapes of the "where we work" map, from world-atlas TopoJSON.

Run once, by hand, when the shapes should change; the portal only reads the result::

    cd /tmp && npm pack world-atlas && tar xzf world-atlas-*.tgz
    python projects/data/build_world.py /tmp/package/countries-50m.json \
        --version 2.0.2 > projects/data/world.json

The input is a ``countries-*.json`` of the npm package world-atlas (Natural Earth admin-0
countries, public domain, as TopoJSON in longitude/latitude). The output is JSON::

    {"viewBox": "0 0 w h", "countries": {"FR": "M...Z", ...}, "other": [...],
     "source": "...", "licence": "..."}

Countries are keyed by ISO 3166-1 alpha-2 code (from the TopoJSON's numeric ids, through
django_countries), projected with Miller's cylindrical projection, clipped a little outside
the viewBox, rounded to 0.1 SVG unit and written as relative path commands. Countries wholly
outside the viewBox are left out.

Shapes without an ISO code in Natural Earth are handled in NO_ISO_CODE: Northern Cyprus
and Somaliland are drawn as part of Cyprus and Somalia, as the EU and the UN recognise them;
Kosovo gets "XK", the code the European Commission uses; the rest go to "other", drawn as
land without a country.

Natural Earth draws de facto control. Two of the portal's partner countries are corrected to
the borders the EU recognises (see `eu_borders`): Crimea goes back to Ukraine, and Western
Sahara is cut from Morocco along the 27 deg 40' N parallel. The Golan Heights stay as Natural
Earth draws them (in Israel): that line is not in the data.

Standard library and django_countries only; the application never imports this script.
"""

import argparse
import json
import math
import os
import sys

from django.conf import settings
from django_countries import countries as iso_countries

# The area the portal works in: Europe, Africa, the Middle East, Central and South Asia.
LON_MIN, LON_MAX = -26.0, 100.0
LAT_MIN, LAT_MAX = -36.0, 72.0
SCALE = 8.0  # SVG units per degree of longitude
MARGIN = 8.0  # SVG units kept outside the viewBox so that clipped edges never show

# Natural Earth shapes with no ISO 3166-1 numeric id: name -> alpha-2 code, or None for "other".
NO_ISO_CODE = {
    "N. Cyprus": "CY",
    "Somaliland": "SO",
    "Kosovo": "XK",
    "Siachen Glacier": None,
    "Indian Ocean Ter.": None,
}

# Natural Earth 4.1 draws Crimea as a polygon of Russia; the polygons wholly inside this box
# (lon_min, lat_min, lon_max, lat_max) are Crimea.
CRIMEA_BOX = (32.0, 44.0, 37.0, 46.3)
# The border of Morocco and Western Sahara, which Natural Earth 4.1 moves to the berm.
MOROCCO_SOUTH = 27 + 40 / 60

Point = tuple[float, float]
Ring = list[Point]


def miller(lon: float, lat: float) -> Point:
    """Miller cylindrical projection, in degrees: x = lon, y grows northwards."""
    phi = math.radians(max(-89.9, min(89.9, lat)))
    return lon, math.degrees(1.25 * math.log(math.tan(math.pi / 4 + 0.4 * phi)))


X0 = LON_MIN * SCALE
Y0 = -miller(0.0, LAT_MAX)[1] * SCALE
WIDTH = round((LON_MAX - LON_MIN) * SCALE, 1)
HEIGHT = round((miller(0.0, LAT_MAX)[1] - miller(0.0, LAT_MIN)[1]) * SCALE, 1)


def to_svg(lon: float, lat: float) -> Point:
    """Longitude/latitude to SVG units, origin at the viewBox's top left corner, y downwards."""
    x, y = miller(lon, lat)
    return x * SCALE - X0, -y * SCALE - Y0


def decode_arcs(topology: dict) -> list[list[Point]]:
    """The topology's arcs in longitude/latitude: undo the delta encoding, then the transform."""
    transform = topology.get("transform")
    decoded = []
    for arc in topology["arcs"]:
        if transform is None:
            decoded.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (kx, ky), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for p in arc:
            x += p[0]
            y += p[1]
            points.append((x * kx + tx, y * ky + ty))
        decoded.append(points)
    return decoded


def stitch(indexes: list[int], arcs: list[list[Point]]) -> Ring:
    """One ring from arc indexes; a negative index ~i is arc i reversed."""
    ring: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their end points.
        ring.extend(arc[1:] if ring else arc)
    return ring


def polygons(geometry: dict, arcs: list[list[Point]]) -> list[list[Ring]]:
    """A Polygon or MultiPolygon as a list of polygons, each a list of rings (outer first)."""
    if geometry["type"] == "Polygon":
        parts = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        parts = geometry["arcs"]
    else:
        return []
    return [[stitch(ring, arcs) for ring in polygon] for polygon in parts]


def clip(ring: Ring, xmin: float, ymin: float, xmax: float, ymax: float) -> Ring:
    """Sutherland-Hodgman clipping of a closed ring to a rectangle."""

    def clip_edge(points: Ring, inside, cross) -> Ring:
        out: Ring = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    out.append(cross(previous, current))
                out.append(current)
            elif inside(previous):
                out.append(cross(previous, current))
        return out

    def at_x(x):
        return lambda a, b: (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))

    def at_y(y):
        return lambda a, b: (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)

    points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    for inside, cross in (
        (lambda p: p[0] >= xmin, at_x(xmin)),
        (lambda p: p[0] <= xmax, at_x(xmax)),
        (lambda p: p[1] >= ymin, at_y(ymin)),
        (lambda p: p[1] <= ymax, at_y(ymax)),
    ):
        if not points:
            break
        points = clip_edge(points, inside, cross)
    return points


def number(value: int) -> str:
    """Tenths of a unit as compact SVG number text: 123 -> "12.3", -5 -> "-.5", 40 -> "4"."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"


def join(values: list[int]) -> str:
    """Numbers of a path command; a minus sign or a second dot separates them without a space."""
    text, last = "", ""
    for value in values:
        part = number(value)
        if last and not (part.startswith("-") or (part.startswith(".") and "." in last)):
            text += " "
        text += part
        last = part
    return text


def area(points: list[tuple[int, int]]) -> int:
    """Twice the signed area of a ring (shoelace formula); 0 for a ring without area."""
    return sum(
        x0 * y1 - x1 * y0
        for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)
    )


def ring_path(ring: Ring) -> str:
    """A ring as "M x y l dx dy ... z", in tenths of a unit; empty when it collapses."""
    points: list[tuple[int, int]] = []
    for x, y in ring:
        point = (round(x * 10), round(y * 10))
        if not points or point != points[-1]:
            points.append(point)
    while len(points) > 1 and points[-1] == points[0]:
        points.pop()
    if len(points) < 3 or not area(points):
        return ""
    (x0, y0), deltas = points[0], []
    previous = points[0]
    for point in points[1:]:
        deltas += [point[0] - previous[0], point[1] - previous[1]]
        previous = point
    return f"M{join([x0, y0])}l{join(deltas)}Z"


def unwrap(ring: Ring) -> Ring:
    """Longitudes made continuous, so a ring across the antimeridian (Fiji, Chukotka) does
    not become a sliver around the world: its far part goes beyond 180 and out of the map."""
    out: Ring = []
    for lon, lat in ring:
        if out:
            lon += 360 * round((out[-1][0] - lon) / 360)
        out.append((lon, lat))
    return out


def geometry_path(parts: list[list[Ring]]) -> str:
    """All the rings of a country, projected and clipped, as one path."""
    box = (-MARGIN, -MARGIN, WIDTH + MARGIN, HEIGHT + MARGIN)
    paths = []
    for polygon in parts:
        for ring in polygon:
            projected = [to_svg(lon, lat) for lon, lat in unwrap(ring)]
            paths.append(ring_path(clip(projected, *box)))
    return "".join(path for path in paths if path)


def merge(geometries: list[dict], arcs: list[list[Point]]) -> list[list[Ring]]:
    """Several shapes as one, without the borders between them (Cyprus and Northern Cyprus).

    An arc used in both directions is a shared border and goes; the others are chained into
    rings again, end to start. The rings are returned as one-ring polygons: the map fills
    with the even-odd rule, so holes need no telling apart.
    """
    used = [
        index
        for geometry in geometries
        for polygon in (
            [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry.get("arcs", [])
        )
        for ring in polygon
        for index in ring
    ]
    kept = [index for index in used if ~index not in used]

    def ends(index: int) -> tuple[Point, Point]:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        return arc[0], arc[-1]

    by_start: dict[Point, list[int]] = {}
    for index in kept:
        by_start.setdefault(ends(index)[0], []).append(index)
    rings = []
    for first in kept:
        if first not in by_start.get(ends(first)[0], []):
            continue  # already in a ring
        chain, index = [], first
        while True:
            by_start[ends(index)[0]].remove(index)
            chain.append(index)
            following = by_start.get(ends(index)[1])
            if not following:
                break
            index = following[0]
        rings.append([stitch(chain, arcs)])
    return rings


def eu_borders(groups: dict[str, list[dict]], arcs: list[list[Point]]) -> dict[str, list]:
    """Ukraine with Crimea, Morocco without Western Sahara: the borders the EU recognises.

    Changes `groups` (code -> TopoJSON geometries) and returns the shapes made here.
    """
    russia, crimea = [], []
    for geometry in groups["RU"]:
        for polygon in [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]:
            outer = stitch(polygon[0], arcs)
            lon_min, lat_min, lon_max, lat_max = CRIMEA_BOX
            inside = all(lon_min <= x <= lon_max and lat_min <= y <= lat_max for x, y in outer)
            (crimea if inside else russia).append(polygon)
    if not crimea:
        sys.exit("No Crimea among Russia's polygons: check CRIMEA_BOX against this data")
    groups["RU"] = [{"type": "MultiPolygon", "arcs": russia}]
    groups["UA"] = groups["UA"] + [{"type": "Polygon", "arcs": polygon} for polygon in crimea]

    # Morocco and Western Sahara as one shape, then cut along the parallel.
    both = merge(groups.pop("MA") + groups.pop("EH"), arcs)
    far = 1e9
    north = [[clip(ring, -far, MOROCCO_SOUTH, far, far)] for (ring,) in both]
    south = [[clip(ring, -far, -far, far, MOROCCO_SOUTH)] for (ring,) in both]
    return {
        "MA": [polygon for polygon in north if polygon[0]],
        "EH": [polygon for polygon in south if polygon[0]],
    }


def build(topology: dict, source: str) -> dict:
    arcs = decode_arcs(topology)
    groups: dict[str, list[dict]] = {}
    other: dict[str, list[list[Ring]]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name", "")
        if geometry.get("id") is not None:
            code = iso_countries.alpha2(geometry["id"])
            if not code:
                sys.exit(f"No alpha-2 code for {geometry['id']} ({name})")
        elif name in NO_ISO_CODE:
            code = NO_ISO_CODE[name]
        else:
            sys.exit(f"Shape without id not in NO_ISO_CODE: {name!r}")
        if code:
            groups.setdefault(code, []).append(geometry)
        else:
            other[name] = polygons(geometry, arcs)
    corrected = eu_borders(groups, arcs)
    shapes = {
        code: polygons(group[0], arcs) if len(group) == 1 else merge(group, arcs)
        for code, group in groups.items()
    } | corrected

    paths = {code: geometry_path(parts) for code, parts in sorted(shapes.items())}
    others = [geometry_path(parts) for _, parts in sorted(other.items())]
    return {
        "viewBox": f"0 0 {WIDTH:g} {HEIGHT:g}",
        "countries": {code: path for code, path in paths.items() if path},
        "other": [path for path in others if path],
        "source": (
            f"Natural Earth admin-0 countries, {source}; Crimea in Ukraine and Western Sahara "
            "apart from Morocco, as the EU recognises them; Miller projection, "
            f"longitude {LON_MIN:g} to {LON_MAX:g}, latitude {LAT_MIN:g} to {LAT_MAX:g}"
        ),
        "licence": (
            "Public domain (Natural Earth, https://www.naturalearthdata.com/about/terms-of-use/)"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("topojson", help="world-atlas countries-110m.json or countries-50m.json")
    parser.add_argument("--version", default="2.0.2", help="world-atlas version, for the record")
    args = parser.parse_args()
    if not settings.configured:
        settings.configure()  # django_countries' default names and codes, no project overrides
    with open(args.topojson, encoding="utf-8") as file:
        topology = json.load(file)
    source = f"{os.path.basename(args.topojson)} of the npm package world-atlas {args.version}"
    data = build(topology, source)
    json.dump(data, sys.stdout, ensure_ascii=False, separators=(",", ":"), indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
