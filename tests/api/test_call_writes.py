"""Writing calls: what a write does (who may write: the matrix of tests/test_permissions.py)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from calls.models import Call, CallChange
from foundation.brussels import deadline_on

URL = "/api/v1/calls/"
CALL_A = "TESTF-2025-AG-A-01"


@pytest.fixture(autouse=True)
def before_the_new_call_opens():
    """The clock of these tests: two months before `new_call()` opens (1 December 2026),
    whatever the day they run on."""
    with time_machine.travel(datetime(2026, 10, 1, 12, tzinfo=UTC)):
        yield


def new_call(programme: str = "programme-a", **overrides) -> dict:
    return {
        "code": 990001,
        "identifier": "TESTF-2026-AG-NEW-01",
        "title": "A new call",
        "programme": programme,
        "opens_at": "2030-12-01T00:00:00+01:00",
        "deadlines": [{"due_at": "2031-02-01T17:00:00+01:00"}],
    } | overrides


@pytest.mark.parametrize("role", ["ncp_a", "superuser"])
def test_an_unknown_call_is_404_for_a_writer(personas, role):
    response = personas.client(role).patch(f"{URL}NOPE-01/", {"version": 1}, format="json")
    assert response.status_code == 404


def test_another_programmes_draft_is_404_not_403(personas):
    Call.objects.filter(pk=personas.call_b.pk).update(published_at=None)
    body = {"title": "x", "version": 1}
    response = personas.client("ncp_a").patch(f"{URL}TESTF-2025-AG-B-01/", body, format="json")
    assert response.status_code == 404


def test_a_created_call_is_a_draft_its_ncp_sees_and_history_names_them(personas):
    response = personas.client("ncp_a").post(URL, new_call(objectives=["One"]), format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["published_at"], body["status"], body["objectives"]) == (
        None,
        "forthcoming",
        ["One"],
    )
    call = Call.objects.get(identifier="TESTF-2026-AG-NEW-01")
    assert call.history.first().history_user.username == "ncp-a"
    draft = f"{URL}TESTF-2026-AG-NEW-01/"
    assert personas.client("ncp_a").get(draft).status_code == 200
    assert personas.client("anonymous").get(draft).status_code == 404
    assert personas.client("ncp_b").get(draft).status_code == 404
    listed = [c["identifier"] for c in personas.client("ncp_a").get(URL).json()["results"]]
    assert "TESTF-2026-AG-NEW-01" in listed


def test_a_call_created_with_published_at_is_public(personas):
    body = new_call(published_at=timezone.now().isoformat())
    assert personas.client("ncp_a").post(URL, body, format="json").status_code == 201
    assert personas.client("anonymous").get(f"{URL}TESTF-2026-AG-NEW-01/").status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"identifier": "OTHER-2026-AG-01"}, "identifier", "must start with TESTF-"),
        ({"identifier": CALL_A}, "identifier", "already exists"),
        ({"identifier": "lower-case"}, "identifier", ""),
        ({"deadlines": [{"due_at": "2030-11-01T17:00:00+01:00"}]}, "deadlines", "after the call"),
        ({"deadlines": []}, "deadlines", "at least one deadline"),
        ({"opens_at": "1 December"}, "opens_at", "Datetime has wrong format"),
        ({"title": ""}, "title", "may not be blank"),
        ({"budget": "-5"}, "budget", "cannot be negative"),
        ({"programme": "nope"}, "programme", "does not exist"),
        ({"type_of_action": "XX"}, "type_of_action", "not a valid choice"),
        ({"title": "A bell\x07"}, "title", "invisible control characters"),
        ({"objectives": ["An objective"] * 31}, "objectives", "no more than 30"),
        ({"summary": "x" * 2001}, "summary", "at most 2000"),
        (
            {"deadlines": [{"due_at": f"2031-02-{d:02d}T17:00:00+01:00"} for d in range(1, 22)]},
            "deadlines",
            "no more than 20",
        ),
        ({"description": "Escape\x1b"}, "description", "invisible control characters"),
        ({"national_note": "Null\x00 or\x07"}, "national_note", "invisible control characters"),
        ({"national_note": "x" * 5001}, "national_note", "at most 5000"),
    ],
)
def test_invalid_data_is_400_per_field_and_nothing_is_saved(personas, changes, field, message):
    response = personas.client("ncp_a").post(URL, new_call(**changes), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert message in " ".join(response.json()[field])
    assert not Call.objects.filter(code=990001).exists()


def test_a_code_taken_by_another_call_is_400(personas):
    body = new_call(code=personas.call_a.code)
    response = personas.client("ncp_a").post(URL, body, format="json")
    assert response.status_code == 400
    assert "already exists" in response.json()["code"][0]


def test_a_missing_field_is_named(personas):
    body = new_call()
    del body["title"], body["deadlines"]
    response = personas.client("ncp_a").post(URL, body, format="json")
    assert response.json() == {
        "title": ["This field is required."],
        "deadlines": ["This field is required."],
    }


def test_a_patch_needs_the_version(personas):
    response = personas.client("ncp_a").patch(f"{URL}{CALL_A}/", {"title": "x"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["version"]


def test_a_patch_from_an_old_version_is_409_with_the_other_change(personas):
    ncp = personas.client("ncp_a")
    url = f"{URL}{CALL_A}/"
    first = ncp.patch(url, {"title": "Theirs", "version": 1}, format="json")
    assert first.json()["version"] == 2
    response = ncp.patch(url, {"summary": "Mine", "version": 1}, format="json")
    assert response.status_code == 409
    conflict = response.json()
    assert (conflict["version"], conflict["changed_by"]) == (2, "ncp-a")
    assert [(c["field"], c["new"]) for c in conflict["changes"]] == [("title", "Theirs")]
    assert Call.objects.get(identifier=CALL_A).summary == ""


def test_a_patch_changes_only_what_it_sends_and_keeps_deadlines(personas):
    url = f"{URL}{CALL_A}/"
    deadline = personas.call_a.deadlines.get()
    response = personas.client("ncp_a").patch(url, {"title": "New", "version": 1}, format="json")
    assert response.status_code == 200
    call = Call.objects.get(identifier=CALL_A)
    assert (call.title, call.version, call.deadlines.get().pk) == ("New", 2, deadline.pk)
    assert call.history.first().history_user.username == "ncp-a"


def test_a_patch_reads_the_programme_s_themes_once(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, url = personas.client("ncp_a"), f"{URL}{CALL_A}/"
    with CaptureQueriesContext(connection) as captured:
        response = client.patch(url, {"title": "New", "version": 1}, format="json")
    assert response.status_code == 200 and "themes" in response.json()
    # The call's own themes are read too (calls_call_themes), the programme's once.
    themes = [q["sql"] for q in captured if "programmes_programme_themes" in q["sql"]]
    assert len(themes) == 1


def test_a_deadline_sent_again_without_id_is_kept_and_a_moved_one_recorded(personas):
    url = f"{URL}{CALL_A}/"
    [kept] = personas.call_a.deadlines.all()
    later = deadline_on(date(2025, 9, 1)).isoformat()
    body = {"deadlines": [{"due_at": kept.due_at.isoformat()}, {"due_at": later}], "version": 1}
    assert personas.client("ncp_a").patch(url, body, format="json").status_code == 200
    assert kept.pk in personas.call_a.deadlines.values_list("pk", flat=True)
    assert list(CallChange.objects.values_list("kind", flat=True)) == ["deadline-added"]
    moved = {"deadlines": [{"id": kept.pk, "due_at": later}], "version": 2}
    assert personas.client("ncp_a").patch(url, moved, format="json").status_code == 200
    assert personas.call_a.deadlines.get().pk == kept.pk


def test_moving_the_opening_after_a_deadline_is_400(personas):
    body = {"opens_at": "2025-12-01T00:00:00+01:00", "version": 1}
    response = personas.client("ncp_a").patch(f"{URL}{CALL_A}/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"deadlines": ["A deadline must come after the call opens."]}


def test_a_patch_can_unpublish_and_publish(personas):
    ncp, url = personas.client("ncp_a"), f"{URL}{CALL_A}/"
    response = ncp.patch(url, {"published_at": None, "version": 1}, format="json")
    assert response.json()["published_at"] is None
    assert personas.client("anonymous").get(url).status_code == 404
    again = {"published_at": timezone.now().isoformat(), "version": response.json()["version"]}
    assert ncp.patch(url, again, format="json").json()["published_at"] is not None
    assert personas.client("anonymous").get(url).status_code == 200


def test_a_write_as_a_form_is_refused(personas):
    form = personas.client("ncp_a").post(URL, "code=1", content_type="multipart/form-data")
    assert form.status_code == 415


def test_a_publication_in_the_past_is_400_and_nothing_is_saved(personas):
    ncp = personas.client("ncp_a")
    past = (timezone.now() - timedelta(days=1)).isoformat()
    created = ncp.post(URL, new_call(published_at=past), format="json")
    assert created.status_code == 400
    assert created.json() == {"published_at": ["A publication cannot be scheduled in the past."]}
    assert not Call.objects.filter(code=990001).exists()
    draft = ncp.post(URL, new_call(), format="json").json()
    url = f"{URL}{draft['identifier']}/"
    published = ncp.patch(url, {"published_at": past, "version": draft["version"]}, format="json")
    assert published.status_code == 400
    assert list(published.json()) == ["published_at"]
    assert Call.objects.get(code=990001).published_at is None


def test_a_publication_a_moment_ago_is_now(personas):
    """A client's clock a little behind the server's publishes now, not in the past."""
    before = timezone.now()
    body = new_call(published_at=(before - timedelta(minutes=1)).isoformat())
    response = personas.client("ncp_a").post(URL, body, format="json")
    assert response.status_code == 201
    assert Call.objects.get(code=990001).published_at >= before


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"closes_at": "2027-01-01T00:00:00Z"}, {"closes_at": ["This field is read-only."]}),
        ({"cancelled_at": "2027-01-01T00:00:00Z"}, {"cancelled_at": ["This field is read-only."]}),
        (
            {"status": "open", "colour": "red"},
            {"status": ["This field is read-only."], "colour": ["Unknown field."]},
        ),
        ({"titel": "Typo"}, {"titel": ["Unknown field."]}),
    ],
)
def test_a_field_the_api_does_not_take_is_400_naming_it(personas, body, errors):
    ncp = personas.client("ncp_a")
    response = ncp.patch(f"{URL}{CALL_A}/", {"version": 1, **body}, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    created = ncp.post(URL, new_call(**body), format="json")
    assert created.status_code == 400
    assert created.json() == errors
    assert Call.objects.get(identifier=CALL_A).version == 1
    assert not Call.objects.filter(code=990001).exists()


def test_unknown_fields_are_named_with_the_other_errors(personas):
    response = personas.client("ncp_a").post(
        URL, new_call(title="", cancellation_reason="x"), format="json"
    )
    assert response.json() == {
        "title": ["This field may not be blank."],
        "cancellation_reason": ["This field is read-only."],
    }


def test_a_patch_with_a_reason_cancels_the_call_as_the_ncp_area_does(personas):
    ncp, url = personas.client("ncp_a"), f"{URL}{CALL_A}/"
    response = ncp.patch(url, {"version": 1, "cancellation_reason": "Withdrawn"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancellation_reason"] == "Withdrawn"
    assert response.json()["version"] == 2
    change = CallChange.objects.get(call__identifier=CALL_A)
    assert (change.kind, change.reason) == (CallChange.Kind.CANCELLED, "Withdrawn")
    again = ncp.patch(url, {"version": 2, "cancellation_reason": "Again"}, format="json")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["This call is already cancelled."]}
    stale = ncp.patch(url, {"version": 1, "cancellation_reason": "Late"}, format="json")
    assert stale.status_code == 409
