"""What one call may hold: counts of deadlines and objectives, lengths of its texts.
Refused with an error naming the field, before anything is written."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from calls import models, services
from calls.models import Call, CallChange
from foundation.brussels import deadline_on, opening_on
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db
FIRST_DEADLINE = deadline_on(date(2027, 2, 1))


def deadlines(count: int) -> list[services.DeadlineInput]:
    return [services.DeadlineInput(FIRST_DEADLINE + timedelta(days=n)) for n in range(count)]


def create(*, deadline_count: int = 1, objectives=(), **fields) -> Call:
    values = {
        "code": 77001,
        "identifier": "TESTF-2026-AG-NEW-01",
        "title": "A new call",
        "programme": ProgrammeFactory(),
        "opens_at": opening_on(date(2026, 12, 1)),
    } | fields
    return services.call_create(
        user=None, fields=values, deadlines=deadlines(deadline_count), objectives=objectives
    )


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"deadline_count": models.MAX_DEADLINES + 1}, "deadlines"),
        ({"objectives": ["An objective"] * (models.MAX_OBJECTIVES + 1)}, "objectives"),
        ({"objectives": ["x" * (models.MAX_OBJECTIVE_LENGTH + 1)]}, "objectives"),
        ({"summary": "x" * (models.MAX_SUMMARY_LENGTH + 1)}, "summary"),
        ({"description": "x" * (models.MAX_DESCRIPTION_LENGTH + 1)}, "description"),
        ({"title": "x" * 301}, "title"),
    ],
)
def test_over_a_cap_is_refused_on_its_field_and_nothing_is_saved(given, field):
    with pytest.raises(ValidationError) as refused:
        create(**given)
    assert list(refused.value.message_dict) == [field]
    assert not Call.objects.exists()


def test_at_the_caps_a_call_is_saved():
    call = create(
        deadline_count=models.MAX_DEADLINES,
        objectives=["x" * models.MAX_OBJECTIVE_LENGTH] * models.MAX_OBJECTIVES,
        summary="x" * models.MAX_SUMMARY_LENGTH,
        description="x" * models.MAX_DESCRIPTION_LENGTH,
    )
    assert call.deadlines.count() == models.MAX_DEADLINES
    assert call.objectives.count() == models.MAX_OBJECTIVES


def test_an_edit_over_a_cap_changes_nothing():
    call = create()
    with pytest.raises(ValidationError, match="at most 20 deadlines"):
        services.call_update(
            call=call,
            user=None,
            expected_version=1,
            fields={"title": "Changed"},
            deadlines=deadlines(models.MAX_DEADLINES + 1),
        )
    call.refresh_from_db()
    assert (call.title, call.version, call.deadlines.count()) == ("A new call", 1, 1)


def test_a_cancellation_reason_has_a_cap():
    call = create()
    with pytest.raises(ValidationError) as refused:
        services.call_cancel(call=call, user=None, reason="x" * (models.MAX_REASON_LENGTH + 1))
    assert "cancellation_reason" in refused.value.message_dict
    assert not CallChange.objects.exists()
