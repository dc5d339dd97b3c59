"""Funds, programmes, initiatives, countries, regions, news and contact points: list,
detail by key, their fields, and the filters of initiatives and news (demo data)."""

import pytest

from api import serializers

pytestmark = pytest.mark.usefixtures("demo")

# (list URL, a detail's key, the serializer that states its fields)
RESOURCES = [
    ("/api/v1/funds/", "AMIF", serializers.FundSerializer),
    ("/api/v1/funds/", "NDICI-Global Europe", serializers.FundSerializer),
    ("/api/v1/programmes/", "amif-2021-2027", serializers.ProgrammeSerializer),
    ("/api/v1/initiatives/", "mpf", serializers.InitiativeSerializer),
    ("/api/v1/countries/", "TR", serializers.CountrySerializer),
    ("/api/v1/regions/", "western-balkans", serializers.RegionSerializer),
    (
        "/api/v1/news/",
        "bomca-central-asian-ngos-border-communities",
        serializers.NewsItemSerializer,
    ),
    ("/api/v1/contact-points/", "cy-ministry-of-interior", serializers.ContactPointSerializer),
]


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    return body["results"]


@pytest.mark.parametrize(("url", "key", "serializer"), RESOURCES)
def test_list_and_detail_carry_the_contract_fields(api, url, key, serializer):
    listed = results(api.get(url, {"page_size": 100}))
    fields = set(serializer().fields)
    assert listed and all(set(item) == fields for item in listed)
    detail = api.get(f"{url}{key}/")
    assert detail.status_code == 200
    assert detail.json() in listed


@pytest.mark.parametrize("url", sorted({url for url, _, _ in RESOURCES}))
def test_an_unknown_key_is_404(api, url):
    assert api.get(f"{url}nope-nope/").status_code == 404


def test_a_fund(api):
    fund = api.get("/api/v1/funds/AMIF/").json()
    assert (fund["code"], fund["name"], fund["call_prefix"], fund["managing_dg"]) == (
        "AMIF",
        "Asylum, Migration and Integration Fund",
        "AMIF",
        "DG HOME",
    )
    assert fund["description"].startswith("The Fund aims")


def test_a_programme_names_its_fund_themes_and_contact_points(api):
    programme = api.get("/api/v1/programmes/amif-2021-2027/").json()
    assert programme["fund"] == "AMIF"
    assert programme["url"] == "https://funding.example.eu/programmes/amif-2021-2027/"
    assert "cy-ministry-of-interior" in programme["contact_points"]
    assert programme["budget"] == "9900000000.00"


def test_a_country_and_its_region(api):
    country = api.get("/api/v1/countries/TR/").json()
    assert (country["code"], country["name"], country["url"]) == (
        "TR",
        "Türkiye",
        "https://funding.example.eu/countries/TR/",
    )
    region = api.get(f"/api/v1/regions/{country['region']}/").json()
    assert "TR" in region["countries"]
    assert api.get("/api/v1/countries/tr/").status_code == 404


def codes(response, key="slug") -> list[str]:
    return [item[key] for item in results(response)]


@pytest.mark.parametrize(
    ("query", "included", "excluded"),
    [
        ({"country": "KZ"}, "bomca", "mpf"),
        ({"fund": "AMIF"}, "mpf", "bomca"),
    ],
)
def test_initiative_filters(api, query, included, excluded):
    found = codes(api.get("/api/v1/initiatives/", query))
    assert included in found
    assert excluded not in found


def test_initiatives_by_theme(api):
    initiative = api.get("/api/v1/initiatives/mpf/").json()
    theme = initiative["themes"][0]["slug"]
    assert "mpf" in codes(api.get("/api/v1/initiatives/", {"theme": theme}))
    assert results(api.get("/api/v1/initiatives/", {"country": "KZ", "theme": theme})) == []


def test_news_filters(api):
    all_news = results(api.get("/api/v1/news/", {"page_size": 100}))
    item = next(n for n in all_news if n["initiative"] and n["countries"] and n["published_on"])
    day = item["published_on"]
    assert item["slug"] in codes(api.get("/api/v1/news/", {"initiative": item["initiative"]}))
    assert item["slug"] in codes(api.get("/api/v1/news/", {"country": item["countries"][0]}))
    between = {"published_after": day, "published_before": day}
    assert all(n["published_on"] == day for n in results(api.get("/api/v1/news/", between)))
    assert item["slug"] in codes(api.get("/api/v1/news/", between))
    later = [n for n in all_news if n["published_on"] and n["published_on"] > day]
    assert len(results(api.get("/api/v1/news/", {"published_after": day, "page_size": 100}))) == (
        len(later) + sum(1 for n in all_news if n["published_on"] == day)
    )


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/initiatives/", {"country": "tr"}),
        ("/api/v1/initiatives/", {"fund": ""}),
        ("/api/v1/initiatives/", {"theme": "not a slug"}),
        ("/api/v1/news/", {"initiative": "not/a/slug"}),
        ("/api/v1/news/", {"country": "TUR"}),
        ("/api/v1/news/", {"published_after": "last week"}),
        ("/api/v1/news/", {"published_after": ""}),
        ("/api/v1/news/", {"published_before": "2024-13-01"}),
    ],
)
def test_an_invalid_filter_is_400_naming_it(api, url, query):
    response = api.get(url, query)
    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_the_api_root_lists_the_resources(api):
    assert set(api.get("/api/v1/").json()) == {
        "funds",
        "programmes",
        "calls",
        "initiatives",
        "countries",
        "regions",
        "news",
        "contact-points",
        "webhooks/endpoints",
        "webhooks/deliveries",
        "extracts",
    }
