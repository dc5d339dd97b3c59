"""Editing a call: the form comes prefilled, a save from an old version is refused with the
other person's change, and a second, deliberate save goes through."""

from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse

from calls.models import Call, CallChange
from foundation.brussels import BRUSSELS
from tests.conftest import make_user
from tests.ncp.formdata import edit_call_data


def edit_url(call) -> str:
    return reverse("manage_call_edit", args=[call.identifier])


@pytest.fixture
def colleague(contact_point_a):
    """A second member of programme A's contact point, in a browser of their own."""
    user = make_user("ncp-a-colleague", first_name="Costas")
    contact_point_a.members.add(user)
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_form_is_prefilled_with_the_version(client, ncp_a, call_a):
    client.force_login(ncp_a)
    response = client.get(edit_url(call_a))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<input type="hidden" name="version" value="1" id="id_version">' in html
    assert 'value="TESTF-2025-AG-A-01"' in html
    assert 'type="datetime-local" name="deadlines-0-due_at" value="2025-06-30T17:00"' in html


def test_a_save_from_an_old_version_is_refused_then_a_second_save_overwrites(
    client, ncp_a, colleague, call_a
):
    client.force_login(ncp_a)
    mine = client.get(edit_url(call_a)).context["form"]["version"].value()
    theirs = colleague.get(edit_url(call_a)).context["form"]["version"].value()
    assert mine == theirs == 1

    first = client.post(edit_url(call_a), edit_call_data(call_a, version=mine, title="First"))
    assert first.status_code == 302

    second = colleague.post(edit_url(call_a), edit_call_data(call_a, version=theirs, title="Mine"))

    assert second.status_code == 200
    html = second.content.decode()
    conflict = html[html.index('<div class="conflict" role="alert"') :]
    assert (
        "Someone else changed this call since you opened it: Anna Andreou at 3 March 2025, 10:00"
        in (conflict)
    )
    assert "<strong>Title</strong>: <del>Call A</del>" in conflict
    assert "<ins>First</ins>" in conflict
    form = second.context["form"]
    assert form["title"].value() == "Mine"  # the colleague's input is kept
    assert form["version"].value() == "2"  # the next save is a deliberate overwrite
    call_a.refresh_from_db()
    assert (call_a.title, call_a.version) == ("First", 2)

    again = colleague.post(edit_url(call_a), edit_call_data(call_a, version=2, title="Mine"))

    assert again.status_code == 302
    call_a.refresh_from_db()
    assert (call_a.title, call_a.version) == ("Mine", 3)


def test_a_save_redirects_to_the_call_with_a_message(client, ncp_a, call_a):
    client.force_login(ncp_a)
    data = edit_call_data(call_a, identifier="TESTF-2025-AG-A-99", budget="250000")

    response = client.post(edit_url(call_a), data, follow=True)

    assert response.redirect_chain == [
        (reverse("manage_call_detail", args=["TESTF-2025-AG-A-99"]), 302)
    ]
    assert "Your changes to TESTF-2025-AG-A-99 were saved." in response.content.decode()
    call_a.refresh_from_db()
    assert (call_a.identifier, call_a.budget) == ("TESTF-2025-AG-A-99", 250000)


def test_moving_the_opening_and_the_deadline_later_together(client, ncp_a, call_a):
    """The database refuses a deadline before the opening at every write: the service
    writes the deadlines and the opening in an order that never breaks the rule."""
    client.force_login(ncp_a)
    [deadline] = call_a.deadlines.all()
    data = edit_call_data(
        call_a,
        opens_at="2025-07-01T00:00",
        deadlines=[{"id": str(deadline.pk), "due_at": "2025-12-01T17:00"}, {}],
    )

    assert client.post(edit_url(call_a), data).status_code == 302
    call_a.refresh_from_db()
    assert call_a.opens_at == datetime(2025, 7, 1, tzinfo=BRUSSELS)
    assert [d.due_at for d in call_a.deadlines.all()] == [
        datetime(2025, 12, 1, 17, tzinfo=BRUSSELS)
    ]
    assert CallChange.objects.get(call=call_a).kind == CallChange.Kind.DEADLINE_MOVED


def test_an_opening_after_a_kept_deadline_is_an_error_on_that_deadline(client, ncp_a, call_a):
    client.force_login(ncp_a)

    response = client.post(edit_url(call_a), edit_call_data(call_a, opens_at="2025-07-01T00:00"))

    assert response.status_code == 200
    assert "due_at" in response.context["formset"].forms[0].errors
    call_a.refresh_from_db()
    assert call_a.version == 1


def test_removing_a_deadline_and_adding_another(client, ncp_a, call_a):
    client.force_login(ncp_a)
    [deadline] = call_a.deadlines.all()
    data = edit_call_data(
        call_a,
        deadlines=[
            {"id": str(deadline.pk), "due_at": "2025-06-30T17:00", "DELETE": True},
            {"due_at": "2025-08-01T12:00", "label": "Only"},
        ],
    )

    assert client.post(edit_url(call_a), data).status_code == 302
    assert [(d.due_at, d.label) for d in call_a.deadlines.all()] == [
        (datetime(2025, 8, 1, 12, tzinfo=BRUSSELS), "Only")
    ]
    kinds = set(CallChange.objects.filter(call=call_a).values_list("kind", flat=True))
    assert kinds == {CallChange.Kind.DEADLINE_REMOVED, CallChange.Kind.DEADLINE_ADDED}


def test_postponing_every_cut_off_by_one_slot(client, ncp_a, programme_a, contact_point_a):
    """Each deadline moves onto the moment of the next: none collides on the way."""
    from tests.factories import CallFactory

    moments = [datetime(2025, month, 1, 17, tzinfo=BRUSSELS) for month in (5, 6, 7)]
    call = CallFactory(programme=programme_a, deadlines=moments)
    client.force_login(ncp_a)
    rows = [
        {"id": str(d.pk), "due_at": f"2025-{d.due_at.month + 1:02d}-01T17:00"}
        for d in call.deadlines.all()
    ]

    assert client.post(edit_url(call), edit_call_data(call, deadlines=rows)).status_code == 302
    assert [d.due_at.month for d in Call.objects.get(pk=call.pk).deadlines.all()] == [6, 7, 8]
