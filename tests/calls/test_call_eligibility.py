"""Who can apply, per call: the call's own participant types, countries and themes, else
its programme's; shown on the call page and used by the `eligible` and `theme` filters."""

from datetime import UTC, datetime

import pytest

from calls.filters import CallFilter
from calls.models import Call
from programmes.models import ParticipantType, Theme
from tests.factories import CallFactory, ProgrammeFactory

EVERY_STATUS = ["open", "forthcoming", "closed"]
AT = datetime(2025, 3, 1, tzinfo=UTC)


def found(**params) -> set[str]:
    filters = CallFilter({"status": EVERY_STATUS, **params}, at=AT)
    assert filters.is_valid(), filters.errors
    return set(filters.qs.values_list("identifier", flat=True))


@pytest.mark.usefixtures("demo")
def test_the_integration_theme_finds_the_five_integration_calls():
    assert found(theme="integration-and-social-cohesion") == {
        "AMIF-2023-TF2-AG-CALL-01-SPONSORSHIP",
        "AMIF-2023-TF2-AG-CALL-02-LOCAL",
        "AMIF-2023-TF2-AG-CALL-03-EDUCATION",
        "AMIF-2023-TF2-AG-CALL-04-LABOUR",
        "AMIF-2023-TF2-AG-CALL-05-PATHWAYS",
    }
    # The programme's theme still finds the calls that have none of their own.
    assert "AMIF-2024-TF2-AG-THB-01" in found(theme="migration-and-citizenship")
    assert "AMIF-2023-TF2-AG-CALL-02-LOCAL" not in found(theme="migration-and-citizenship")


@pytest.fixture
def types(db):
    return {
        slug: ParticipantType.objects.create(slug=slug, name=slug.title())
        for slug in ("ngos", "public-bodies", "researchers")
    }


def test_a_calls_own_participant_types_override_the_programmes(types):
    programme = ProgrammeFactory()
    programme.eligible_participants.set([types["ngos"], types["public-bodies"]])
    inherits = CallFactory(programme=programme)
    own = CallFactory(programme=programme)
    own.eligible_participants.set([types["researchers"]])
    assert found(eligible="ngos") == {inherits.identifier}
    assert found(eligible="researchers") == {own.identifier}
    assert found(eligible="public-bodies") == {inherits.identifier}
    # Listed once, however many types match.
    assert Call.objects.eligible_for(types["ngos"]).count() == 1


def test_the_call_page_shows_who_can_apply(client, types):
    programme = ProgrammeFactory()
    programme.eligible_participants.set([types["ngos"]])
    call = CallFactory(programme=programme, eligible_countries=["BE", "FR"])
    call.themes.set([Theme.objects.create(slug="return", name="Return and readmission")])
    text = client.get(call.get_absolute_url()).text
    section = text[text.index('id="who-can-apply"') :]
    for shown in ("Ngos", "Belgium", "France", "Return and readmission"):
        assert shown in section, shown
