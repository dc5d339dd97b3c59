"""The services that change calls: validation, optimistic locking, history, public changes."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from calls import services
from calls.models import Call, CallChange
from calls.services import DeadlineInput, EditConflict
from foundation.brussels import deadline_on, opening_on
from tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password="x-Long-enough-2026")


@pytest.fixture
def other_editor():
    return get_user_model().objects.create_user("other", password="x-Long-enough-2026")


def fields(programme, **overrides) -> dict:
    return {
        "code": 77001,
        "identifier": "TESTF-2026-AG-NEW-01",
        "title": "A new call",
        "programme": programme,
        "opens_at": opening_on(date(2026, 12, 1)),
    } | overrides


def test_a_new_call_is_a_draft_with_its_deadlines(editor):
    programme = ProgrammeFactory()
    due = deadline_on(date(2027, 2, 1))
    call = services.call_create(
        user=editor, fields=fields(programme), deadlines=[DeadlineInput(due)], objectives=["a", "b"]
    )
    assert call.published_at is None
    assert not Call.objects.public().filter(pk=call.pk).exists()
    assert [d.due_at for d in call.deadlines.all()] == [due]
    assert [o.text for o in call.objectives.all()] == ["a", "b"]
    assert call.history.first().history_user == editor


def test_a_call_needs_a_deadline_and_nothing_is_saved_without_one(editor):
    with pytest.raises(ValidationError, match="at least one deadline"):
        services.call_create(user=editor, fields=fields(ProgrammeFactory()), deadlines=[])
    assert not Call.objects.filter(identifier="TESTF-2026-AG-NEW-01").exists()


def test_a_deadline_before_the_opening_is_refused_and_nothing_is_saved(editor):
    too_early = DeadlineInput(deadline_on(date(2026, 11, 1)))
    with pytest.raises(ValidationError, match="after the call opens"):
        services.call_create(user=editor, fields=fields(ProgrammeFactory()), deadlines=[too_early])
    assert not Call.objects.filter(identifier="TESTF-2026-AG-NEW-01").exists()


def test_an_edit_from_an_old_version_is_refused_with_the_other_change(editor, other_editor):
    call = CallFactory(title="Before")
    version = call.version
    deadlines = [DeadlineInput(d.due_at, d.label, d.pk) for d in call.deadlines.all()]
    services.call_update(
        call=call,
        user=other_editor,
        expected_version=version,
        fields={"title": "Theirs"},
        deadlines=deadlines,
    )
    with pytest.raises(EditConflict) as conflict:
        services.call_update(
            call=call,
            user=editor,
            expected_version=version,
            fields={"title": "Mine"},
            deadlines=deadlines,
        )
    assert conflict.value.changed_by == other_editor
    assert [(c.field, c.old, c.new) for c in conflict.value.changes] == [
        ("title", "Before", "Theirs")
    ]
    call.refresh_from_db()
    assert (call.title, call.version) == ("Theirs", version + 1)


def test_moving_a_deadline_of_a_published_call_is_recorded(editor):
    call = CallFactory()
    [deadline] = call.deadlines.all()
    later = deadline_on(date(2025, 7, 15))
    services.call_extend_deadline(deadline=deadline, user=editor, due_at=later, reason="Demand")
    change = CallChange.objects.get(call=call)
    assert (change.kind, change.old_due_at, change.new_due_at, change.reason, change.made_by) == (
        CallChange.Kind.DEADLINE_MOVED,
        deadline.due_at,
        later,
        "Demand",
        editor,
    )
    call.refresh_from_db()
    assert call.version == 2
    assert call.submission_ends_at == later


def test_editing_deadlines_records_added_moved_and_removed_ones(editor):
    first, second = deadline_on(date(2025, 6, 30)), deadline_on(date(2025, 8, 1))
    call = CallFactory(deadlines=[first, second])
    kept = call.deadlines.get(due_at=first)
    services.call_update(
        call=call,
        user=editor,
        expected_version=call.version,
        fields={},
        deadlines=[
            DeadlineInput(deadline_on(date(2025, 7, 1)), pk=kept.pk),
            DeadlineInput(deadline_on(date(2025, 9, 1))),
        ],
    )
    kinds = sorted(CallChange.objects.filter(call=call).values_list("kind", flat=True))
    assert kinds == ["deadline-added", "deadline-moved", "deadline-removed"]


def test_cancelling_needs_a_reason_and_then_the_call_is_cancelled(editor):
    call = CallFactory()
    with pytest.raises(ValidationError):
        services.call_cancel(call=call, user=editor, reason="  ")
    services.call_cancel(call=call, user=editor, reason="Budget withdrawn")
    call.refresh_from_db()
    assert call.status == "cancelled"
    assert CallChange.objects.get(call=call).reason == "Budget withdrawn"
    with pytest.raises(ValidationError):
        services.call_cancel(call=call, user=editor, reason="Again")


def test_publishing_later_schedules_the_call(editor):
    call = CallFactory(published_at=None)
    moment = opening_on(date(2030, 1, 1))
    services.call_publish(call=call, user=editor, at=moment)
    call.refresh_from_db()
    assert call.published_at == moment
    assert not Call.objects.public().filter(pk=call.pk).exists()
    services.call_unpublish(call=call, user=editor)
    call.refresh_from_db()
    assert call.published_at is None


@pytest.mark.parametrize(
    ("ago", "published"),
    [(timedelta(minutes=4, seconds=59), "now"), (timedelta(minutes=5, seconds=1), None)],
)
def test_a_publication_in_the_past_is_refused_beyond_five_minutes(editor, ago, published):
    at = opening_on(date(2026, 11, 1))
    with time_machine.travel(at, tick=False):
        call = CallFactory(published_at=None)
        if published is None:
            with pytest.raises(ValidationError) as refused:
                services.call_publish(call=call, user=editor, at=at - ago)
            assert refused.value.message_dict == {
                "published_at": ["A publication cannot be scheduled in the past."]
            }
            with pytest.raises(ValidationError):
                services.call_create(
                    user=editor,
                    fields=fields(call.programme),
                    published_at=at - ago,
                    deadlines=[DeadlineInput(deadline_on(date(2027, 2, 1)))],
                )
        else:
            services.call_publish(call=call, user=editor, at=at - ago)
        assert Call.objects.get(pk=call.pk).published_at == (at if published else None)
        assert CallChange.objects.filter(call=call).count() == (1 if published else 0)
