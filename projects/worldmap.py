"""The "where we work" map: an inline SVG of countries, shaded by their number of initiatives.

The shapes are Natural Earth's (public domain), shipped in ``projects/data/world.json`` and
read once per process; see ``projects/data/README.md``. Nothing is fetched.
"""

import json
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import ngettext
from django_countries import countries as iso_countries

WORLD_JSON = Path(__file__).resolve().parent / "data" / "world.json"
SAFE_SCHEMES = {"", "http", "https"}


@cache
def world() -> dict:
    """world.json: {"viewBox": ..., "countries": {alpha-2: path data}, "other": [path data]}."""
    with WORLD_JSON.open(encoding="utf-8") as file:
        return json.load(file)


def shade(count: int) -> int:
    """The shade of a country with `count` initiatives: 0 none, 1, 2, 3 for 3-4, 4 for 5+."""
    if count <= 0:
        return 0
    if count <= 2:
        return count
    return 3 if count <= 4 else 4


def country_label(code: str, count: int) -> str:
    """The title of a linked country, "Moldova: 2 initiatives", in the active language."""
    name = str(iso_countries.name(code)) or code
    return ngettext(
        "%(country)s: %(count)d initiative",
        "%(country)s: %(count)d initiatives",
        count,
    ) % {"country": name, "count": count}


def world_map_svg(
    countries: dict[str, int], links: dict[str, str], *, title: str, description: str
) -> SafeString:
    """The map as inline SVG: every country a ``<path class="map-country">``.

    `countries` maps alpha-2 codes to numbers of initiatives; those countries also get the
    class ``map-shade-N`` (see `shade`). Countries in `links` (alpha-2 code -> URL) are
    wrapped in ``<a href>`` with a ``<title>`` giving the name and the count, and drawn after
    the others, so that no unlinked neighbour covers their focus outline (a linked neighbour
    drawn later can cover part of it; the focus fill still shows). Codes the map has no shape
    for are left out. Only classes style the map, no ``style`` attribute (strict CSP); the
    colours are in ``static/css/map.css``. All text is escaped. A URL with a scheme other
    than http(s) raises ValueError.

    Cost: a pure function, no query; the shapes are read from disk once per process. The
    result is about 230 KB of markup (about 75 KB gzipped).
    """
    data = world()
    shapes: dict[str, str] = data["countries"]
    for code, url in links.items():
        if urlsplit(str(url)).scheme.lower() not in SAFE_SCHEMES:
            raise ValueError(f"Unsafe link for {code} on the map: {url!r}")

    def classes(code: str) -> str:
        if code in countries:
            return f"map-country map-shade-{shade(countries[code])}"
        return "map-country"

    plain = format_html_join(
        "\n",
        '<path class="map-country" d="{}"/>',
        ((path,) for path in data.get("other", [])),
    )
    unlinked = format_html_join(
        "\n",
        '<path class="{}" d="{}"/>',
        ((classes(code), path) for code, path in shapes.items() if code not in links),
    )
    linked = format_html_join(
        "\n",
        '<a href="{}"><title>{}</title><path class="{}" d="{}"/></a>',
        (
            (links[code], country_label(code, countries.get(code, 0)), classes(code), path)
            for code, path in shapes.items()
            if code in links
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="map" role="group"'
        ' aria-labelledby="map-title map-desc" viewBox="{}">\n'
        '<title id="map-title">{}</title>\n<desc id="map-desc">{}</desc>\n'
        "{}\n{}\n{}\n</svg>",
        data["viewBox"],
        title,
        description,
        plain,
        unlinked,
        linked,
    )
