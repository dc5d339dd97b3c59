"""The API and its CSV carry what F&T gives of a topic; the OpenAPI schema describes it."""

import csv
import io

import pytest
import time_machine
from django.core.management import call_command

from calls.models import Call
from tests.calls.ft_data import amif_topic, answer_file, budget_overview
from tests.factories import FundFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/calls/"
LINE = {
    "action": "AMIF-2026-TF2-AG-INTE-01 - AMIF-PJG AMIF Project Grants",
    "budgetYearMap": {"2026": "3000000", "2027": "1000000"},
    "expectedGrants": 4,
    "minContribution": 500000,
    "maxContribution": 1000000,
}
FT_FIELDS = {
    "source": "ft",
    "action_code": "AMIF-PJG",
    "action_label": "HORIZON Innovation Actions",
    "deadline_model": "single-stage",
    "budget_by_year": {"2026": "3000000.00", "2027": "1000000.00"},
    "budget": "4000000.00",
    "budget_is_shared": False,
    "expected_grants": 4,
    "min_contribution": "500000.00",
    "max_contribution": "1000000.00",
    "keywords": ["Integration"],
    "ft_reference": "50130830TOPICSen",
    "ft_ccm2_id": "50130830",
    "ft_status": "open",
    "ft_missing_since": None,
    "national_note": "",
}


@pytest.fixture
def topic(tmp_path):
    ProgrammeFactory(fund=FundFactory(code="AMIF", call_prefix="AMIF"))
    record = amif_topic(
        budgetOverview=budget_overview(LINE),
        keywords=["Integration"],
        ccm2Id="50130830",
        reference="50130830TOPICSen",
    )
    with time_machine.travel("2026-06-01T08:00:00Z", tick=False):
        call_command("import_ft", answer_file(tmp_path, record))
    return Call.objects.get()


@time_machine.travel("2026-06-01T09:00:00Z")
def test_the_list_and_a_call_carry_the_topics_fields(api, topic):
    listed = api.get(URL, {"source": "ft", "action": "AMIF-PJG"}).json()["results"]
    single = api.get(f"{URL}{topic.identifier}/").json()
    for call in (listed[0], single):
        assert {name: call[name] for name in FT_FIELDS} == FT_FIELDS
        assert call["official_url"] == topic.official_url
        assert call["ft_last_seen_at"] == "2026-06-01T10:00:00+02:00"


@time_machine.travel("2026-06-01T09:00:00Z")
def test_the_csv_carries_them_too(api, topic):
    response = api.get(URL, {"format": "csv", "source": "ft"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["budget_by_year"] == "2026: 3000000.00; 2027: 1000000.00"
    assert (rows[0]["source"], rows[0]["action_code"], rows[0]["keywords"]) == (
        "ft",
        "AMIF-PJG",
        "Integration",
    )
    assert rows[0]["max_contribution"] == "1000000.00"


def test_the_schema_describes_them(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    properties = schema["components"]["schemas"]["Call"]["properties"]
    assert set(FT_FIELDS) | {"official_url", "apply_url", "description_html"} <= set(properties)
    assert properties["budget_by_year"]["type"] == "object"
    assert properties["ft_status"]["description"].startswith("F&T's own status: a hint")
    parameters = {p["name"] for p in schema["paths"]["/api/v1/calls/"]["get"]["parameters"]}
    assert {"action", "source"} <= parameters


def test_the_fields_ft_gives_cannot_be_changed_through_the_api(personas):
    Call.objects.filter(pk=personas.call_a.pk).update(source="ft")
    client = personas.client("ncp_a")
    url = f"{URL}{personas.call_a.identifier}/"
    response = client.patch(url, {"title": "Renamed", "version": 1}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()
    response = client.patch(url, {"national_note": "Ask us.", "version": 1}, format="json")
    assert response.status_code == 200
    assert Call.objects.get(pk=personas.call_a.pk).national_note == "Ask us."
