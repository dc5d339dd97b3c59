"""Atom feeds of calls and news, the sitemap and robots.txt."""

import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("demo")
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def atom_entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_the_calls_feed_lists_every_call(client):
    entries = atom_entries(client.get(reverse("calls_feed")))
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert len(titles) == 9
    assert any(title.startswith("AMIF-2024-TF2-AG-THB-01: ") for title in titles)
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    assert "http://testserver/calls/AMIF-2024-TF2-AG-THB-01/" in links


def test_the_news_feed_lists_dated_items_newest_first(client):
    entries = atom_entries(client.get(reverse("news_feed")))
    assert len(entries) == 6
    assert entries[0].findtext(f"{ATOM}title").startswith("BOMCA advances its work")
    assert entries[0].findtext(f"{ATOM}updated").startswith("2024-07-26")


def test_the_sitemap_lists_pages_in_both_languages(client):
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    locations = {url.findtext(f"{SITEMAP}loc") for url in ET.fromstring(response.content)}
    for path in [
        "/calls/AMIF-2024-TF2-AG-THB-01/",
        "/fr/calls/AMIF-2024-TF2-AG-THB-01/",
        "/programmes/amif-2021-2027/",
        "/initiatives/mpf/",
        "/countries/MD/",
        "/regions/",
        "/news/",
    ]:
        assert f"http://testserver{path}" in locations, path


def test_robots_txt_points_to_the_sitemap(client, settings):
    settings.SITE_URL = "https://funding.example.eu"
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    assert "Sitemap: https://funding.example.eu/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text


def absolute_links(text: str) -> set[str]:
    """The scheme and host of every absolute link in `text` (namespaces left out; folded
    calendar lines unfolded)."""
    links = set(re.findall(r"https?://[^/\s\"'<>]+", text.replace("\r\n ", "")))
    return links - {"http://www.w3.org", "http://www.sitemaps.org"}


# While the demo calls' deadlines were to come, so that the deadlines calendar lists them.
@time_machine.travel(datetime(2024, 1, 15, tzinfo=UTC), tick=False)
def test_every_absolute_link_names_the_site_url(client, settings):
    """Feeds, the sitemap, robots.txt, calendar files and the API agree on SITE_URL,
    whatever host the request named."""
    settings.SITE_URL = "http://127.0.0.1:8101"
    paths = [
        reverse("calls_feed"),
        reverse("news_feed"),
        reverse("sitemap"),
        "/robots.txt",
        reverse("deadlines_calendar"),
        "/api/v1/calls/",
    ]
    for path in paths:
        response = client.get(path, headers={"host": "localhost"})
        assert response.status_code == 200, path
        assert absolute_links(response.text) == {"http://127.0.0.1:8101"}, path


def test_make_run_sets_the_site_url_from_host_and_port():
    root = Path(__file__).resolve().parents[2]
    commands = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0", "PORT=8101"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    ).stdout
    assert "SITE_URL='http://0.0.0.0:8101'" in commands.splitlines()[-1]
