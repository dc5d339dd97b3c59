"""The call's page for its editors: history of who changed what, deadline extensions and
cancellation, each recorded for applicants."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from calls.models import Call, CallChange
from foundation.brussels import BRUSSELS
from tests.ncp.formdata import edit_call_data


@pytest.fixture
def signed_in(client, ncp_a, contact_point_a):
    client.force_login(ncp_a)
    return client


def detail(client, call) -> str:
    response = client.get(reverse("manage_call_detail", args=[call.identifier]))
    assert response.status_code == 200
    return response.content.decode()


def history_section(html: str) -> str:
    return html[html.index('<h2 id="history">') :]


def test_a_draft_shows_with_its_publication_choices(signed_in, draft_a):
    html = detail(signed_in, draft_a)
    assert "<h1>Draft A</h1>" in html
    assert "Publish now" in html and "Schedule publication" in html
    assert "Unpublish" not in html
    assert "See its public page" not in html


def test_an_edit_shows_who_changed_which_field_from_what_to_what(signed_in, clock, call_a):
    clock.shift(timedelta(minutes=5))
    edit = reverse("manage_call_edit", args=[call_a.identifier])
    data = edit_call_data(call_a, title="Call A, revised", budget="1500000")
    assert signed_in.post(edit, data).status_code == 302

    response = signed_in.get(reverse("manage_call_detail", args=[call_a.identifier]))

    latest = response.context["history"][0]
    assert (latest.subject, latest.action, latest.who) == ("Call", "changed", "Anna Andreou")
    assert latest.when == datetime(2025, 3, 3, 10, 5, tzinfo=BRUSSELS)
    assert [(c.label, c.old, c.new) for c in latest.changes] == [
        ("budget (EUR)", "", "1,500,000.00"),
        ("title", "Call A", "Call A, revised"),
    ]
    history = history_section(response.content.decode())
    assert "<strong>Call</strong> changed – <time" in history
    assert "3 March 2025, 10:05:00</time>, by Anna Andreou" in history
    assert "<strong>Title</strong>: <del>Call A</del>" in history
    assert "<ins>Call A, revised</ins>" in history
    assert "<strong>Budget (EUR)</strong>: <del>(empty)</del>" in history
    assert "<strong>Call</strong> created" in history  # the first record


def test_extending_a_deadline_is_recorded_for_applicants_and_in_the_history(signed_in, call_a):
    [deadline] = call_a.deadlines.all()
    url = reverse("manage_call_extend_deadline", args=[call_a.identifier])
    data = {
        "extend-deadline": deadline.pk,
        "extend-due_at": "2025-07-15T17:00",
        "extend-reason": "Many requests",
    }

    response = signed_in.post(url, data, follow=True)

    assert "The deadline was extended." in response.content.decode()
    new_due_at = datetime(2025, 7, 15, 17, tzinfo=BRUSSELS)
    change = CallChange.objects.get(call=call_a)
    assert (change.kind, change.old_due_at, change.new_due_at, change.reason) == (
        CallChange.Kind.DEADLINE_MOVED,
        deadline.due_at,
        new_due_at,
        "Many requests",
    )
    html = detail(signed_in, call_a)
    assert "Deadline moved" in html and "Reason: Many requests" in html
    history = history_section(html)
    assert "<strong>Deadline 15 July 2025, 17:00</strong> changed" in history
    assert "<del>30 June 2025, 17:00</del>" in history


def test_an_extension_must_move_the_deadline_later(signed_in, call_a):
    [deadline] = call_a.deadlines.all()
    url = reverse("manage_call_extend_deadline", args=[call_a.identifier])
    data = {"extend-deadline": deadline.pk, "extend-due_at": "2025-06-01T17:00"}

    response = signed_in.post(url, data)

    assert response.status_code == 200
    assert response.context["extend_form"].errors == {
        "due_at": ["An extension must move the deadline later."]
    }
    assert 'href="#id_extend-due_at"' in response.content.decode()
    assert not CallChange.objects.exists()
    assert call_a.deadlines.get().due_at == deadline.due_at


def test_cancelling_needs_a_reason_and_is_recorded(signed_in, call_a):
    url = reverse("manage_call_cancel", args=[call_a.identifier])

    refused = signed_in.post(url, {"cancel-reason": ""})
    assert refused.status_code == 200
    assert refused.context["cancel_form"].errors == {"reason": ["This field is required."]}
    assert Call.objects.get(pk=call_a.pk).cancelled_at is None

    assert signed_in.post(url, {"cancel-reason": "Budget withdrawn"}).status_code == 302

    call_a.refresh_from_db()
    assert call_a.status == "cancelled"
    change = CallChange.objects.get(call=call_a)
    assert (change.kind, change.reason) == (CallChange.Kind.CANCELLED, "Budget withdrawn")
    html = detail(signed_in, call_a)
    assert "Budget withdrawn" in html
    assert '<h2 id="cancel">' not in html  # nothing left to cancel
    history = history_section(html)
    assert "<strong>Reason for cancellation</strong>: <del>(empty)</del>" in history
    assert "<ins>Budget withdrawn</ins>" in history


def test_a_get_never_changes_anything(signed_in, call_a, draft_a):
    for name, call in [
        ("manage_call_publish", draft_a),
        ("manage_call_unpublish", call_a),
        ("manage_call_cancel", call_a),
        ("manage_call_extend_deadline", call_a),
    ]:
        assert signed_in.get(reverse(name, args=[call.identifier])).status_code == 405
    assert Call.objects.get(pk=draft_a.pk).published_at is None
    assert Call.objects.get(pk=call_a.pk).cancelled_at is None
