"""Initiative, country, region and news pages show the facts of the source pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("demo")


def page(client, name: str, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    return response.text


def test_the_initiative_list(client):
    text = page(client, "initiative_list")
    for title in [
        "Migration Partnership Facility",
        "BOMCA",
        "Khartoum Process",
        "EU Global Diaspora Facility",
        "Migrant Resource Centres",
        "Strengthening the Partnership between Belgium and Georgia",
    ]:
        assert title in text, title


def test_the_migration_partnership_facility_page(client):
    text = page(client, "initiative_detail", "mpf")
    for fact in [
        "Migration Partnership Facility",
        "ICMPD",
        "DG HOME",
        "January 2020",
        "December 2024",
        "EUR 62.55 million",
        "AMIF",
        "ISF-Police",
        "ISF-Borders",
        "Asylum and International Protection",
        "Border Management and Security",
        "Integration and Social Cohesion",
        "Better organisation of legal migration and fostering of well-managed mobility;",
        "Promoting international protection, and enhancing the external dimension of asylum.",
        "Tap into EU financing in order to meet their cooperation priorities;",
        "The MPF became functional in January 2016",
        "Global",
        "Moldova",
        "Senegal",
    ]:
        assert fact in text, fact
    assert text.count('href="/countries/') >= 27


def test_the_where_we_work_page_has_a_map_and_a_table(client):
    text = page(client, "country_list")
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="map"' in text
    assert "<table" in text and "<caption" in text
    assert 'href="/countries/MD/"' in text


def test_a_country_page(client):
    text = page(client, "country_detail", "MD")
    for fact in ["Moldova", "Eastern Neighbourhood", "Migration Partnership Facility"]:
        assert fact in text, fact


def test_turkiye_shows_its_support_figure(client):
    text = page(client, "country_detail", "TR")
    assert "close to eur 900 million" in text.lower()
    assert "3.1 million" in text


def test_a_country_page_lists_its_national_contact_points(client):
    text = page(client, "country_detail", "CY")
    assert "Ministry of Interior" in text
    assert '<a href="tel:+35722409904">+357 22 409904</a>' in text


def test_an_unknown_or_lower_case_country_is_not_found(client):
    assert client.get("/countries/ZZ/").status_code == 404
    assert client.get("/countries/md/").status_code == 404


def test_the_regions_page(client):
    text = page(client, "region_list")
    for fact in [
        "Southern Neighbourhood",
        "Eastern Neighbourhood",
        "Western Balkans",
        "EUR 350 million",
        "EUR 60 million",
        "EUR 47 million",
        "EUR 13 million",
        "EUR 36 million",
        "EUR 33 billion",
        "EUR 2.12 billion",
        "IPA III",
        "Bosnia and Herzegovina",
        "North Macedonia",
    ]:
        assert fact in text, fact


def test_the_news_page_newest_first(client):
    text = page(client, "news_list")
    bomca = text.index("BOMCA advances its work")
    eudif = text.index("EUDiF publishes Diaspora Youth Recommendations")
    assert bomca < eudif
    assert "26 July 2024" in text
    assert "Breaking taboos" in text


@pytest.mark.parametrize(
    ("name", "args", "max_queries"),
    [
        ("initiative_list", [], 4),
        ("initiative_detail", ["mpf"], 9),
        ("country_list", [], 1),
        ("country_detail", ["MD"], 6),
        ("region_list", [], 4),
        ("news_list", [], 3),
        # With nothing open: the recently closed calls and deadlines; the lists' ids first
        # and the funds' numbers from the counts per programme (tests/portal/test_home.py).
        ("home", [], 9),
    ],
)
def test_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, name, args, max_queries
):
    with django_assert_max_num_queries(max_queries):
        assert client.get(reverse(name, args=args)).status_code == 200
