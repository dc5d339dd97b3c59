"""“Add another deadline” gives the form back with one more deadline row and what was
entered, without saving and without errors: no JavaScript needed."""

from django.urls import reverse

from calls.models import Call
from tests.ncp.formdata import NEW_IDENTIFIER, edit_call_data, new_call_data


def test_adding_a_deadline_row_to_a_new_call_saves_nothing(
    client, ncp_a, programme_a, contact_point_a
):
    client.force_login(ncp_a)
    data = new_call_data(programme_a, title="Half-written call", add_deadline="1")
    response = client.post(reverse("manage_call_create"), data)
    assert response.status_code == 200
    assert not Call.objects.filter(identifier=NEW_IDENTIFIER).exists()
    html = response.text
    assert 'value="Half-written call"' in html
    assert 'name="deadlines-0-due_at" value="2025-09-30T17:00"' in html
    assert 'name="deadlines-2-due_at"' in html  # the entered row, the empty one, and one more
    assert 'name="deadlines-3-due_at"' not in html
    assert "There is a problem" not in html


def test_adding_a_deadline_row_while_editing_keeps_the_version(client, ncp_a, call_a):
    client.force_login(ncp_a)
    data = edit_call_data(call_a, version=1, title="Changed", add_deadline="1")
    response = client.post(reverse("manage_call_edit", args=[call_a.identifier]), data)
    assert response.status_code == 200
    html = response.text
    assert 'value="Changed"' in html
    assert 'name="version" value="1"' in html
    assert 'name="deadlines-2-due_at"' in html
    call_a.refresh_from_db()
    assert (call_a.title, call_a.version) == ("Call A", 1)
