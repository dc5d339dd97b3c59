"""The IATI 2.03 export: valid against the official schema (lxml, the XSD shipped in
projects/iati/schema) and keeping the Standard ruleset's rules, tested rule by rule on the
demo data (the Migration Partnership Facility: 27 countries and Global, EUR 62.55 million
over 2020 to 2024)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import etree

from projects.iati.codelists import codelist_errors
from projects.iati.export import schema_errors
from projects.iati.splits import even_percentages, yearly_budget_lines
from projects.models import Initiative

pytestmark = pytest.mark.usefixtures("demo")

REF = "XM-DAC-47120"
NOW = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def reporting_org(settings):
    settings.IATI_REPORTING_ORG_REF = REF
    settings.IATI_REPORTING_ORG_TYPE = "40"
    settings.IATI_REPORTING_ORG_NAME = "Migration Funding Portal"


def fetch(client, name: str, *args):
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse(name, args=args))


def activities(client) -> etree._Element:
    response = fetch(client, "iati_activities")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return etree.fromstring(response.content)


def mpf(client) -> etree._Element:
    response = fetch(client, "iati_activity", "mpf")
    assert response.status_code == 200, response.text
    (activity,) = etree.fromstring(response.content).iterfind("iati-activity")
    return activity


def test_every_initiative_of_the_demo_is_a_valid_activity(client):
    root = activities(client)
    assert schema_errors(root) == []
    assert codelist_errors(root) == []
    assert root.get("version") == "2.03"
    # The other demo initiatives' source pages give no start date: left out, and said why.
    assert root.xpath("iati-activity/iati-identifier/text()") == [f"{REF}-mpf"]
    comments = [comment.text for comment in root.xpath("comment()")]
    assert len(comments) == Initiative.objects.count() - 1
    assert " Left out emlink: starts_on: An activity needs a start date (rule 6.11.1). " in comments


def test_the_schema_check_finds_an_invalid_file():
    """The validator itself is real: a file the XSD refuses is reported."""
    root = etree.fromstring(b'<iati-activities version="2.03"><iati-activity/></iati-activities>')
    assert schema_errors(root)


def test_identifier_starts_with_the_reporting_org_ref_and_has_no_spaces(client):
    """Rules 1.1.21, 1.1.3, 1.3.1 and 1.3.13."""
    for activity in activities(client).iterfind("iati-activity"):
        identifier = activity.findtext("iati-identifier")
        assert activity.find("reporting-org").get("ref") == REF
        assert identifier.startswith(f"{REF}-") and identifier != REF
        assert not any(char in identifier for char in " \n\t/&|?")


def test_descriptions_with_their_types(client):
    activity = mpf(client)
    general = activity.find("description[@type='1']/narrative").text
    objectives = activity.find("description[@type='2']/narrative").text
    assert general.startswith("The Migration Partnership Facility (MPF) is an EU-funded")
    assert "eradicating trafficking in human beings" in objectives


def test_participating_organisations_with_their_roles(client):
    orgs = {
        org.get("role"): org.findtext("narrative")
        for org in mpf(client).iterfind("participating-org")
    }
    dg_home = "Directorate-General for Migration and Home Affairs"
    assert orgs == {
        "1": dg_home,  # funding
        "2": dg_home,  # accountable
        "3": dg_home,  # extending
        "4": "International Centre for Migration Policy Development",  # implementing
    }


@pytest.mark.parametrize(
    ("now", "status", "dates"),
    [
        # Before the start: pipeline, planned dates only.
        (datetime(2019, 12, 31, 12, tzinfo=UTC), "1", {"1": "2020-01-01", "3": "2024-12-31"}),
        # Under way: the actual start, no actual end (rule 11.1.5: never in the future).
        (
            datetime(2022, 6, 1, tzinfo=UTC),
            "2",
            {"1": "2020-01-01", "2": "2020-01-01", "3": "2024-12-31"},
        ),
        # Over: finalisation, every date.
        (
            datetime(2026, 3, 15, tzinfo=UTC),
            "3",
            {"1": "2020-01-01", "2": "2020-01-01", "3": "2024-12-31", "4": "2024-12-31"},
        ),
    ],
)
def test_status_and_dates_follow_the_period(client, now, status, dates):
    """Rules 6.11.1, 11.1.2 to 11.1.5: a start date, in order, no actual date in the future."""
    with time_machine.travel(now, tick=False):
        response = client.get(reverse("iati_activity", args=["mpf"]))
    activity = etree.fromstring(response.content).find("iati-activity")
    assert activity.find("activity-status").get("code") == status
    found = {d.get("type"): d.get("iso-date") for d in activity.iterfind("activity-date")}
    assert found == dates


def test_twenty_seven_countries_and_global_sum_to_exactly_100(client):
    """Rules 3.1.1, 3.1.2, 12.1.1: every recipient has a percentage, they sum to 100."""
    activity = mpf(client)
    countries = activity.findall("recipient-country")
    (region,) = activity.findall("recipient-region")
    assert len(countries) == 27
    assert (region.get("code"), region.get("vocabulary")) == ("998", "1")
    assert region.findtext("narrative") == "Global"
    shares = [Decimal(e.get("percentage")) for e in [*countries, region]]
    assert sum(shares) == Decimal(100)
    assert all(Decimal("3.57") <= share <= Decimal("3.58") for share in shares)
    assert {"AM", "UA", "TN", "SE", "NG", "IN"} <= {c.get("code") for c in countries}


def test_a_dac_migration_sector_and_default_currency(client):
    """Rules 6.2.2, 2.1.4 and 7.8.1."""
    activity = mpf(client)
    (sector,) = activity.findall("sector")
    assert (sector.get("vocabulary"), sector.get("code"), sector.get("percentage")) == (
        "1",
        "15190",
        "100",
    )
    assert activity.get("default-currency") == "EUR"
    assert activity.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_the_mpf_envelope_in_five_yearly_lines_summing_to_the_whole(client):
    """Rules 7.5.3 (at most a year each) and 8.6.3 (start before end)."""
    lines = [
        (
            budget.find("period-start").get("iso-date"),
            budget.find("period-end").get("iso-date"),
            Decimal(budget.findtext("value")),
        )
        for budget in mpf(client).iterfind("budget")
    ]
    assert lines == [
        (f"{year}-01-01", f"{year}-12-31", Decimal("12510000.00")) for year in range(2020, 2025)
    ]
    assert sum(amount for _start, _end, amount in lines) == Decimal("62550000")


def test_yearly_lines_of_a_period_not_on_year_boundaries():
    lines = yearly_budget_lines(date(2021, 7, 1), date(2023, 3, 31), Decimal("1000000.01"))
    assert [(line.starts_on, line.ends_on) for line in lines] == [
        (date(2021, 7, 1), date(2021, 12, 31)),
        (date(2022, 1, 1), date(2022, 12, 31)),
        (date(2023, 1, 1), date(2023, 3, 31)),
    ]
    assert [line.amount for line in lines] == [
        Decimal("285714.28"),
        Decimal("571428.57"),
        Decimal("142857.16"),
    ]
    assert sum(line.amount for line in lines) == Decimal("1000000.01")
    for line in lines:
        assert (line.ends_on - line.starts_on).days < 366


@pytest.mark.parametrize("count", [1, 3, 7, 28, 99, 200])
def test_even_percentages_always_sum_to_100(count):
    shares = even_percentages(count)
    assert len(shares) == count and sum(shares) == 100
    assert max(shares) - min(shares) <= Decimal("0.01")


def test_an_initiative_that_cannot_be_valid_gets_a_report_not_a_file(client):
    Initiative.objects.filter(slug="mpf").update(starts_on=None, ends_on=None, is_global=False)
    Initiative.objects.get(slug="mpf").countries.clear()
    response = fetch(client, "iati_activity", "mpf")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/plain")
    assert "starts_on: An activity needs a start date" in response.text
    assert "countries: An activity needs a recipient country or region" in response.text

    response = fetch(client, "iati_activities")
    assert response.status_code == 422  # no initiative left: an empty file is not valid
    assert "Left out mpf: starts_on: An activity needs a start date" in response.text

    Initiative.objects.filter(slug="emlink").update(starts_on=date(2021, 1, 1))
    root = activities(client)
    assert root.xpath("iati-activity/iati-identifier/text()") == [f"{REF}-emlink"]
    assert "Left out mpf: starts_on" in etree.tostring(root).decode()
    assert schema_errors(root) == []


def test_without_the_reporting_org_the_export_says_what_is_missing(client, settings):
    settings.IATI_REPORTING_ORG_REF = ""
    settings.IATI_REPORTING_ORG_NAME = ""
    response = fetch(client, "iati_activities")
    assert response.status_code == 503
    assert "IATI_REPORTING_ORG_REF is not set" in response.text
    assert "IATI_REPORTING_ORG_NAME is not set" in response.text
    assert "IATI_REPORTING_ORG_TYPE" not in response.text


@pytest.mark.parametrize(
    ("ref", "org_type", "message"),
    [
        ("XM DAC 47120", "40", "may not contain spaces"),
        ("XM-DAC/47120", "40", "may not contain spaces or / & | ?"),
        (REF, "41", "'41' is not an OrganisationType code"),
    ],
)
def test_a_wrong_reporting_org_is_refused(client, settings, ref, org_type, message):
    settings.IATI_REPORTING_ORG_REF, settings.IATI_REPORTING_ORG_TYPE = ref, org_type
    response = fetch(client, "iati_activity", "mpf")
    assert response.status_code == 503
    assert message in response.text


def test_an_unknown_initiative_is_404(client):
    assert fetch(client, "iati_activity", "no-such-thing").status_code == 404


@pytest.fixture
def only_mpf(db):
    """The MPF alone: the other demo initiatives' pages give no start date."""
    Initiative.objects.exclude(slug="mpf").delete()


def test_the_command_writes_a_valid_file(tmp_path, only_mpf):
    target = tmp_path / "activities.xml"
    with time_machine.travel(NOW, tick=False):
        call_command("export_iati", str(target))
    root = etree.parse(str(target)).getroot()
    assert schema_errors(root) == [] and codelist_errors(root) == []
    assert root.xpath("iati-activity/iati-identifier/text()") == [f"{REF}-mpf"]


def test_the_command_reports_what_it_left_out_and_fails(tmp_path, capsys):
    Initiative.objects.filter(slug="emlink").update(starts_on=date(2021, 1, 1))
    Initiative.objects.filter(slug="mpf").update(summary="", description="")
    target = tmp_path / "activities.xml"
    with pytest.raises(CommandError, match="5 initiative"):
        call_command("export_iati", str(target))
    assert "Left out mpf: summary: An activity needs a description." in capsys.readouterr().err
    call_command("export_iati", str(target), "--allow-partial")
    root = etree.parse(str(target)).getroot()
    assert root.xpath("iati-activity/iati-identifier/text()") == [f"{REF}-emlink"]


def test_the_command_without_settings_fails_with_the_reason(tmp_path, settings, only_mpf):
    settings.IATI_REPORTING_ORG_TYPE = ""
    with pytest.raises(CommandError, match="IATI_REPORTING_ORG_TYPE is not set"):
        call_command("export_iati", str(tmp_path / "a.xml"))
    assert not (tmp_path / "a.xml").exists()


def test_the_list_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        activities(client)
