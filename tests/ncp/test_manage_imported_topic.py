"""An NCP and a topic imported from the EU Funding & Tenders Portal: what F&T gives is shown
and kept; the NCP adds a national note and national contact points, which the sync keeps."""

from datetime import date

import pytest
from django.urls import reverse

from calls.models import Call, Source
from foundation.brussels import deadline_on
from programmes.models import ContactPoint
from tests.factories import CallFactory
from tests.ncp.formdata import edit_call_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic_a(programme_a, contact_point_a):
    return CallFactory(
        programme=programme_a,
        identifier="TESTF-2025-AG-A-01",
        title="Imported topic",
        source=Source.FT,
        official_url="https://ec.europa.eu/topic",
        deadlines=[deadline_on(date(2025, 6, 30))],
    )


@pytest.fixture
def national_point(db):
    return ContactPoint.objects.create(
        name="NCP Cyprus", level=ContactPoint.Level.NATIONAL, country="CY"
    )


def test_the_edit_page_says_the_topic_comes_from_ft(client, ncp_a, topic_a):
    client.force_login(ncp_a)
    page = client.get(reverse("manage_call_edit", args=[topic_a.identifier])).content.decode()
    assert "This topic comes from the EU Funding &amp; Tenders Portal" in page
    assert 'name="title"' in page and "disabled" in page
    assert 'name="deadlines-TOTAL_FORMS"' not in page


def test_an_ncp_adds_a_note_and_contact_points_and_cannot_change_fts_fields(
    client, ncp_a, topic_a, national_point
):
    client.force_login(ncp_a)
    data = edit_call_data(
        topic_a,
        title="Changed by hand",
        official_url="https://example.org/elsewhere",
        national_note="Co-financing questions: the Cyprus NCP.",
        contact_points=[str(national_point.pk)],
        deadlines=[{"due_at": "2025-12-31T17:00", "label": ""}],
    )
    response = client.post(reverse("manage_call_edit", args=[topic_a.identifier]), data)
    assert response.status_code == 302
    topic = Call.objects.get(pk=topic_a.pk)
    assert (topic.title, topic.official_url) == ("Imported topic", "https://ec.europa.eu/topic")
    assert topic.national_note == "Co-financing questions: the Cyprus NCP."
    assert list(topic.contact_points.all()) == [national_point]
    assert [d.due_at for d in topic.deadlines.all()] == [deadline_on(date(2025, 6, 30))]
