"""Creating a call: every error on the field it is about, nothing saved; a valid call is
created as a draft, or published now or later."""

from datetime import datetime

import pytest
from django.urls import reverse

from calls.models import DEADLINE_BEFORE_OPENING, Call
from foundation.brussels import BRUSSELS
from tests.ncp.conftest import CLOCK
from tests.ncp.formdata import NEW_IDENTIFIER, new_call_data

CREATE = reverse("manage_call_create")


@pytest.fixture
def signed_in(client, ncp_a, contact_point_a):
    client.force_login(ncp_a)
    return client


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        pytest.param(
            {"identifier": "testf 2025 new"}, "identifier", "Use letters and digits", id="malformed"
        ),
        pytest.param(
            {"identifier": "TESTF-2025-AG-A-01"},
            "identifier",
            "A call with this identifier code already exists.",
            id="duplicate-identifier",
        ),
        pytest.param({"code": "900123"}, "code", "already exists", id="duplicate-code"),
        pytest.param({"title": ""}, "title", "This field is required.", id="missing-title"),
        pytest.param(
            {"title": "A bell\x07"}, "title", "invisible control characters", id="control-character"
        ),
        pytest.param(
            {"identifier": "AMIF-2025-AG-NEW-01"},
            "identifier",
            "The identifier code must start with TESTF-.",
            id="wrong-prefix",
        ),
    ],
)
def test_an_error_shows_on_its_field_and_nothing_is_saved(
    signed_in, programme_a, call_a, change, field, message
):
    Call.objects.filter(pk=call_a.pk).update(code=900123)
    calls_before = Call.objects.count()

    response = signed_in.post(CREATE, new_call_data(programme_a, **change))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert any(message in error for error in form.errors[field])
    html = response.content.decode()
    assert f'<ul class="errorlist" id="id_{field}_error">' in html
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    assert 'aria-invalid="true"' in html
    assert Call.objects.count() == calls_before


def test_a_deadline_before_the_opening_shows_on_that_deadline(signed_in, programme_a):
    deadlines = [{"due_at": "2025-09-30T17:00"}, {"due_at": "2025-03-15T17:00"}]
    response = signed_in.post(CREATE, new_call_data(programme_a, deadlines=deadlines))

    assert response.status_code == 200
    assert not response.context["form"].errors
    formset = response.context["formset"]
    assert not formset.forms[0].errors
    assert formset.forms[1].errors == {"due_at": [str(DEADLINE_BEFORE_OPENING)]}
    assert 'href="#id_deadlines-1-due_at"' in response.content.decode()
    assert not Call.objects.filter(identifier=NEW_IDENTIFIER).exists()


def test_a_call_needs_a_deadline(signed_in, programme_a):
    response = signed_in.post(CREATE, new_call_data(programme_a, deadlines=[{}, {}]))

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors == {"due_at": ["This field is required."]}
    assert not Call.objects.filter(identifier=NEW_IDENTIFIER).exists()


def test_publishing_later_needs_a_moment(signed_in, programme_a):
    response = signed_in.post(CREATE, new_call_data(programme_a, publication="later"))

    assert response.context["publication"].errors == {
        "publish_at": ["Give the moment of publication."]
    }
    assert not Call.objects.filter(identifier=NEW_IDENTIFIER).exists()


def test_a_new_call_is_a_draft_with_its_deadlines_in_brussels_time(signed_in, programme_a, ncp_a):
    deadlines = [
        {"due_at": "2025-09-30T17:00", "label": "First stage"},
        {"due_at": "2025-12-01T17:00", "label": "Second stage"},
    ]
    response = signed_in.post(CREATE, new_call_data(programme_a, deadlines=deadlines))

    assert response.status_code == 302
    assert response["Location"] == reverse("manage_call_detail", args=[NEW_IDENTIFIER])
    call = Call.objects.get(identifier=NEW_IDENTIFIER)
    assert call.published_at is None
    assert call.opens_at == datetime(2025, 4, 1, tzinfo=BRUSSELS)
    assert [(d.due_at, d.label) for d in call.deadlines.all()] == [
        (datetime(2025, 9, 30, 17, tzinfo=BRUSSELS), "First stage"),  # CEST: 15:00 UTC
        (datetime(2025, 12, 1, 17, tzinfo=BRUSSELS), "Second stage"),  # CET: 16:00 UTC
    ]
    assert [o.text for o in call.objectives.all()] == ["First objective", "Second objective"]
    assert call.history.get().history_user == ncp_a
    page = signed_in.get(response["Location"])
    assert "The call TESTF-2025-AG-NEW-01 was created." in page.content.decode()


@pytest.mark.parametrize(
    ("publication", "publish_at", "published_at"),
    [
        ("now", "", CLOCK),
        ("later", "2025-04-01T09:00", datetime(2025, 4, 1, 9, tzinfo=BRUSSELS)),
    ],
)
def test_a_new_call_can_be_published_now_or_later(
    signed_in, programme_a, publication, publish_at, published_at
):
    data = new_call_data(programme_a, publication=publication, publish_at=publish_at)
    assert signed_in.post(CREATE, data).status_code == 302
    assert Call.objects.get(identifier=NEW_IDENTIFIER).published_at == published_at


def test_the_programme_choice_is_limited_to_the_users_programmes(
    client, ncp_b, contact_point_b, programme_a, programme_b
):
    client.force_login(ncp_b)
    response = client.get(CREATE)
    assert list(response.context["form"].fields["programme"].queryset) == [programme_b]

    response = client.post(CREATE, new_call_data(programme_a))
    assert "programme" in response.context["form"].errors
    assert not Call.objects.filter(identifier=NEW_IDENTIFIER).exists()


def test_the_programme_of_the_link_is_chosen(signed_in, programme_a):
    response = signed_in.get(CREATE, {"programme": programme_a.slug})
    assert response.context["form"]["programme"].value() == programme_a.pk
