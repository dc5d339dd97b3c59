"""The "where we work" map: accessible, escaped SVG from the shipped Natural Earth shapes."""

import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.utils import translation
from django_countries import countries as iso_countries

from projects.worldmap import shade, world, world_map_svg

SVG = "{http://www.w3.org/2000/svg}"

# The partner countries of the portal; Natural Earth 1:50m has a shape for every one.
# fmt: off
PARTNER_COUNTRIES = [
    "AL", "AM", "AZ", "BA", "BE", "BG", "BY", "CY", "EE", "EG", "ES", "FI", "FR", "GE", "HU",
    "IN", "IQ", "IT", "JO", "KG", "KZ", "LT", "LV", "LY", "MA", "MD", "ME", "MK", "NG", "NL",
    "PK", "PL", "PT", "RO", "RS", "SE", "SK", "SN", "SY", "TJ", "TM", "TN", "TR", "UA", "UZ",
]
# fmt: on

COUNTS = {"MD": 2, "UA": 1, "FR": 5, "GE": 3, "NG": 0, "TR": 12}
LINKS = {"MD": "/countries/md/", "UA": "/countries/ua/", "FR": "/countries/fr/"}


def render(counts=COUNTS, links=LINKS, title="Where we work", description="Initiatives by country"):
    return world_map_svg(counts, links, title=title, description=description)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def country_paths(root: ET.Element) -> dict[str, ET.Element]:
    """Paths by their shape in world.json, which identifies the country."""
    by_shape = {path: code for code, path in world()["countries"].items()}
    return {by_shape[p.get("d")]: p for p in root.iter(f"{SVG}path") if p.get("d") in by_shape}


def rings(path: str) -> list[list[tuple[float, float]]]:
    """The rings of a path of "M x y l dx dy ... Z" rings, in absolute coordinates."""
    out = []
    for ring in re.findall(r"M([^MZ]*)l([^MZ]*)Z", path):
        start, deltas = (
            [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", part)] for part in ring
        )
        x, y = start
        points = [(x, y)]
        for dx, dy in zip(deltas[::2], deltas[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        out.append(points)
    return out


def bbox(path: str) -> tuple[float, float, float, float]:
    points = [point for ring in rings(path) for point in ring]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def contains(path: str, point: tuple[float, float]) -> bool:
    """Whether the point is inside the path, by the even-odd rule the map fills with."""
    x, y = point
    inside = False
    for ring in rings(path):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


@pytest.fixture(scope="module")
def builder():
    """projects/data/build_world.py, for its projection (the app never imports it)."""
    path = Path(__file__).resolve().parents[2] / "projects" / "data" / "build_world.py"
    spec = importlib.util.spec_from_file_location("build_world", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- shades ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [(-1, 0), (0, 0), (1, 1), (2, 2), (3, 3), (4, 3), (5, 4), (40, 4)],
)
def test_shade_buckets(count, expected):
    assert shade(count) == expected


# --- the SVG --------------------------------------------------------------------------


def test_svg_is_well_formed_and_labelled():
    root = parse(render())

    assert root.tag == f"{SVG}svg"
    # A group, not an image: an image role would hide the country links from screen readers.
    assert root.get("role") == "group"
    assert root.get("aria-labelledby") == "map-title map-desc"
    assert root.get("viewBox") == world()["viewBox"]
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (f"{SVG}title", "map-title", "Where we work")
    assert (desc.tag, desc.get("id"), desc.text) == (
        f"{SVG}desc",
        "map-desc",
        "Initiatives by country",
    )
    assert [e.get("id") for e in root.iter() if e.get("id")] == ["map-title", "map-desc"]


def test_every_shape_is_a_classed_path_without_style():
    root = parse(render())

    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == len(world()["countries"]) + len(world().get("other", []))
    assert all("map-country" in p.get("class").split() for p in paths)
    assert not [e for e in root.iter() if e.get("style") is not None]
    assert "style" not in str(render())


def test_linked_countries_have_a_link_with_name_and_count():
    root = parse(render())

    links = {a.get("href"): a for a in root.iter(f"{SVG}a")}
    assert sorted(links) == sorted(LINKS.values())
    titles = {code: links[href].find(f"{SVG}title").text for code, href in LINKS.items()}
    assert titles == {
        "MD": "Moldova: 2 initiatives",
        "UA": "Ukraine: 1 initiative",
        "FR": "France: 5 initiatives",
    }
    for code, href in LINKS.items():
        path = links[href].find(f"{SVG}path")
        assert path.get("d") == world()["countries"][code]


def test_shade_classes():
    paths = country_paths(parse(render()))

    assert paths["MD"].get("class") == "map-country map-shade-2"
    assert paths["UA"].get("class") == "map-country map-shade-1"
    assert paths["FR"].get("class") == "map-country map-shade-4"
    assert paths["GE"].get("class") == "map-country map-shade-3"
    assert paths["TR"].get("class") == "map-country map-shade-4"
    assert paths["NG"].get("class") == "map-country map-shade-0"
    assert paths["BE"].get("class") == "map-country"


def test_linked_countries_are_drawn_last_so_their_focus_shows():
    root = parse(render())

    last = list(root)[-len(LINKS) :]
    assert [e.tag for e in last] == [f"{SVG}a"] * len(LINKS)


def test_a_link_without_a_count_says_none():
    root = parse(render(counts={}, links={"MD": "/md/"}))

    (link,) = root.iter(f"{SVG}a")
    assert link.find(f"{SVG}title").text == "Moldova: 0 initiatives"
    assert link.find(f"{SVG}path").get("class") == "map-country"


def test_codes_without_a_shape_are_left_out():
    root = parse(render(counts={"US": 3, "ZZ": 1}, links={"US": "/us/"}))

    assert not list(root.iter(f"{SVG}a"))
    assert not [p for p in root.iter(f"{SVG}path") if "map-shade-3" in p.get("class")]


def test_names_follow_the_active_language():
    with translation.override("fr"):
        root = parse(render(counts={"MD": 2}, links={"MD": "/md/"}))
        name = str(iso_countries.name("MD"))

    (link,) = root.iter(f"{SVG}a")
    # French puts a (non-breaking) space before the colon: "Moldavie : 2 initiatives".
    assert link.find(f"{SVG}title").text == f"{name}\xa0: 2 initiatives"


def test_everything_is_escaped():
    title = '<script>alert("map")</script> & <b>co</b>'
    href = '/countries/md/?a=1&b="><script>alert(1)</script>'
    svg = str(render(links={"MD": href}, title=title, description=title))
    root = parse(svg)

    assert "<script" not in svg
    assert "<b>" not in svg
    assert root.find(f"{SVG}title").text == title
    assert root.find(f"{SVG}desc").text == title
    (link,) = root.iter(f"{SVG}a")
    assert link.get("href") == href


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x"]
)
def test_unsafe_link_schemes_are_refused(href):
    with pytest.raises(ValueError, match="Unsafe link"):
        render(links={"MD": href})


# --- world.json -----------------------------------------------------------------------


def test_world_json_is_loaded_once():
    assert world() is world()


def test_world_json_is_public_domain_natural_earth():
    data = world()

    assert "Natural Earth" in data["source"]
    assert "world-atlas" in data["source"]
    assert "public domain" in data["licence"].lower()


def test_world_json_has_every_partner_country():
    shapes = world()["countries"]

    assert [code for code in PARTNER_COUNTRIES if code in shapes] == PARTNER_COUNTRIES
    for code in ("FR", "MD", "UA", "GE", "NG", "IN", "MA", "TR", "BA", "KZ", "BE", "NL", "AM"):
        assert code in shapes
    # Keyed by ISO 3166-1 alpha-2 (and Kosovo by XK, the code the Commission uses).
    assert all(iso_countries.alpha2(code) == code for code in shapes if code != "XK")


def test_partner_countries_lie_inside_the_map_north_up():
    _, _, width, height = (float(n) for n in world()["viewBox"].split())
    boxes = {code: bbox(world()["countries"][code]) for code in PARTNER_COUNTRIES}

    for code, (x0, y0, x1, y1) in boxes.items():
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        assert 0 < centre[0] < width and 0 < centre[1] < height, code
    # North is up, west is left.
    assert boxes["FI"][3] < boxes["NG"][1]
    assert boxes["PT"][2] < boxes["KZ"][0]


@pytest.mark.parametrize(
    ("place", "lon", "lat", "code"),
    [
        ("Paris", 2.35, 48.86, "FR"),
        ("Brussels", 4.35, 50.85, "BE"),
        ("Chisinau", 28.86, 47.01, "MD"),
        ("Yerevan", 44.51, 40.18, "AM"),
        ("Kyiv", 30.52, 50.45, "UA"),
        ("Simferopol", 34.10, 44.95, "UA"),
        ("Nicosia", 33.36, 35.17, "CY"),
        ("Famagusta", 33.94, 35.12, "CY"),
        ("Marrakesh", -7.99, 31.63, "MA"),
        ("Laayoune", -13.20, 27.15, "EH"),
        ("Lagos", 3.38, 6.52, "NG"),
        ("Delhi", 77.21, 28.61, "IN"),
    ],
)
def test_places_lie_in_their_country(builder, place, lon, lat, code):
    """Projection and data agree, with the borders the EU recognises (Crimea, Western Sahara,
    Cyprus)."""
    point = builder.to_svg(lon, lat)
    shapes = world()["countries"]

    assert [c for c, path in shapes.items() if contains(path, point)] == [code], place
