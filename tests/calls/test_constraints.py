"""The database refuses what would make a call wrong, and validation says why in words."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from calls.models import DEADLINE_BEFORE_OPENING, Call, Deadline
from calls.triggers import DEADLINE_AFTER_OPENING, violated_rule
from foundation.brussels import deadline_on, opening_on
from tests.factories import CallFactory, FundFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

OPENS = opening_on(date(2024, 5, 21))


def new_call(**overrides) -> Call:
    values = {
        "code": 33804,
        "identifier": "TESTF-2024-TF2-AG-THB-01",
        "title": "A call",
        "programme": ProgrammeFactory(),
        "opens_at": OPENS,
    }
    return Call(**(values | overrides))


def test_a_duplicate_identifier_is_refused_by_the_database():
    CallFactory(identifier="TESTF-2024-TF2-AG-THB-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        new_call(identifier="TESTF-2024-TF2-AG-THB-01").save()


def test_a_duplicate_identifier_gets_a_clear_validation_error():
    CallFactory(identifier="TESTF-2024-TF2-AG-THB-01")
    with pytest.raises(ValidationError) as error:
        new_call(identifier="TESTF-2024-TF2-AG-THB-01").full_clean()
    assert error.value.message_dict["identifier"] == [
        "A call with this identifier code already exists."
    ]


def test_a_duplicate_code_is_refused():
    CallFactory(code=33804)
    with pytest.raises(ValidationError) as error:
        new_call(code=33804).full_clean()
    assert "code" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        new_call(code=33804).save()


@pytest.mark.parametrize(
    "identifier",
    ["TESTF 2024 AG", "TESTF--2024", "TESTF-2024-", "TESTF", "TESTF_2024_AG", "TESTF-2024-é"],
)
def test_a_malformed_identifier_is_refused_by_the_database_and_validation(identifier):
    with pytest.raises(ValidationError) as error:
        new_call(identifier=identifier).full_clean()
    assert "letters and digits in segments" in error.value.message_dict["identifier"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        new_call(identifier=identifier).save()


@pytest.mark.parametrize(
    "identifier",
    ["HORIZON-JU-CBE-2026-IAFlag-02", "HORIZON-MISS-2027-05-SOIL-01-two-stage"],
)
def test_real_ft_identifiers_with_lower_case_segments_are_accepted(identifier):
    new_call(identifier=identifier, source="ft").full_clean()
    new_call(identifier=identifier, source="ft").save()


def test_the_identifier_must_start_with_the_funds_code():
    programme = ProgrammeFactory(fund=FundFactory(code="AMIF", call_prefix="AMIF"))
    with pytest.raises(ValidationError) as error:
        new_call(programme=programme, identifier="ISF-2024-AG-01").full_clean()
    assert error.value.message_dict["identifier"] == ["The identifier code must start with AMIF-."]
    new_call(programme=programme, identifier="AMIF-2024-AG-01").full_clean()


def test_a_topic_starts_with_its_parent_calls_identifier():
    call = new_call(identifier="TESTF-2024-TF2-AG-THB-01", parent_identifier="TESTF-2023-OTHER")
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "parent_identifier" in error.value.message_dict
    new_call(parent_identifier="TESTF-2024-TF2-AG-THB").full_clean()


@pytest.mark.parametrize(
    "due_at",
    [opening_on(date(2024, 5, 20)), OPENS],
    ids=["the day before opening", "the moment of opening"],
)
def test_a_deadline_not_after_the_opening_is_refused_by_the_database(due_at):
    call = CallFactory(opens_at=OPENS, deadlines=[deadline_on(date(2024, 8, 21))])
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Deadline.objects.create(call=call, due_at=due_at)
    assert violated_rule(error.value) == DEADLINE_AFTER_OPENING
    assert call.deadlines.count() == 1


def test_a_deadline_before_the_opening_gets_a_clear_validation_error():
    call = CallFactory(opens_at=OPENS, deadlines=[])
    deadline = Deadline(call=call, due_at=deadline_on(date(2024, 5, 1)))
    with pytest.raises(ValidationError) as error:
        deadline.full_clean()
    assert error.value.message_dict["due_at"] == [DEADLINE_BEFORE_OPENING]


def test_moving_an_existing_deadline_before_the_opening_is_refused():
    call = CallFactory(opens_at=OPENS, deadlines=[deadline_on(date(2024, 8, 21))])
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        call.deadlines.update(due_at=deadline_on(date(2024, 5, 1)))
    assert violated_rule(error.value) == DEADLINE_AFTER_OPENING


def test_moving_the_opening_past_a_deadline_is_refused():
    call = CallFactory(opens_at=OPENS, deadlines=[deadline_on(date(2024, 8, 21))])
    call.opens_at = opening_on(date(2024, 9, 1))
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        call.save()
    assert violated_rule(error.value) == DEADLINE_AFTER_OPENING
    call.refresh_from_db()
    assert call.opens_at == OPENS


def test_the_same_deadline_twice_is_refused():
    call = CallFactory(opens_at=OPENS, deadlines=[deadline_on(date(2024, 8, 21))])
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Deadline.objects.create(call=call, due_at=deadline_on(date(2024, 8, 21)))
    # Another rule: not taken for the deadline trigger's (SQLite names no constraint).
    assert violated_rule(error.value) != DEADLINE_AFTER_OPENING


def test_a_negative_budget_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        new_call(budget=-1).save()


def test_a_minimum_contribution_above_the_maximum_is_refused():
    call = new_call(min_contribution=5_000_000, max_contribution=1_000_000)
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "cannot exceed the maximum" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        call.save()


def test_two_cascade_calls_cannot_share_an_ft_reference():
    new_call(code=1, identifier="TESTF-2024-A", ft_reference="11143COMPETITIVE_CALLen").save()
    new_call(code=2, identifier="TESTF-2024-B").save()  # empty references do not clash
    new_call(code=3, identifier="TESTF-2024-C").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        new_call(code=4, identifier="TESTF-2024-D", ft_reference="11143COMPETITIVE_CALLen").save()
