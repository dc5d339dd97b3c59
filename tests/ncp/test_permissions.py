"""The permission matrix: every write path of the NCP area and of the admin, for every
persona. A forgotten check fails here.

Expectations: "ok" 200, "done" a redirect after a change, "login" a redirect to the sign-in
page, "admin-login" to the admin's, or a status code. Anything but "done" must leave the
data as it was.
"""

import pytest
from django.urls import reverse

from calls.models import Call, CallChange, Deadline
from programmes.models import ContactPerson, ContactPoint
from tests.ncp.formdata import contact_point_data, edit_call_data, new_call_data

ROLES = ("anonymous", "ncp_a", "ncp_b", "staff", "superuser")

# (method, target): expectation for anonymous, NCP of A, NCP of B, staff, superuser.
MATRIX = {
    ("GET", "home"): ("login", "ok", "ok", "ok", "ok"),
    ("GET", "create"): ("login", "ok", "ok", 403, "ok"),
    ("GET", "create_in_a"): ("login", "ok", 404, 403, "ok"),
    ("POST", "create"): ("login", "done", "ok", 403, "done"),
    ("GET", "detail"): ("login", "ok", 404, 404, "ok"),
    ("GET", "edit"): ("login", "ok", 404, 404, "ok"),
    ("POST", "edit"): ("login", "done", 404, 404, "done"),
    ("GET", "publish"): ("login", 405, 404, 404, 405),
    ("POST", "publish"): ("login", "done", 404, 404, "done"),
    ("POST", "schedule"): ("login", "done", 404, 404, "done"),
    ("GET", "unpublish"): ("login", 405, 404, 404, 405),
    ("POST", "unpublish"): ("login", "done", 404, 404, "done"),
    ("GET", "extend"): ("login", 405, 404, 404, 405),
    ("POST", "extend"): ("login", "done", 404, 404, "done"),
    ("GET", "cancel"): ("login", 405, 404, 404, 405),
    ("POST", "cancel"): ("login", "done", 404, 404, "done"),
    ("GET", "preview"): ("login", "ok", 404, 404, "ok"),
    ("GET", "delete"): ("login", 405, 404, 404, 405),
    ("POST", "delete"): ("login", "done", 404, 404, "done"),
    ("GET", "contact_point"): ("login", "ok", 403, 403, "ok"),
    ("POST", "contact_point"): ("login", "done", 403, 403, "done"),
    ("GET", "admin"): ("admin-login", "admin-login", "admin-login", "ok", "ok"),
    ("GET", "admin_change"): ("admin-login", "admin-login", "admin-login", 403, "ok"),
    ("POST", "admin_change"): ("admin-login", "admin-login", "admin-login", 403, None),
}
CASES = [
    pytest.param(role, method, target, expected, id=f"{role}-{method}-{target}")
    for (method, target), expectations in MATRIX.items()
    for role, expected in zip(ROLES, expectations, strict=True)
    if expected is not None
]


@pytest.fixture
def targets(call_a, draft_a, contact_point_a, programme_a):
    """(url, POST data) of each target, on programme A's calls and contact point."""
    [deadline] = call_a.deadlines.all()

    def on_call(name, call=call_a):
        return reverse(name, args=[call.identifier])

    return {
        "home": (reverse("manage_home"), {}),
        "create": (reverse("manage_call_create"), new_call_data(programme_a)),
        "create_in_a": (f"{reverse('manage_call_create')}?programme={programme_a.slug}", {}),
        "detail": (on_call("manage_call_detail"), {}),
        "edit": (on_call("manage_call_edit"), edit_call_data(call_a, title="Changed")),
        "publish": (on_call("manage_call_publish", draft_a), {"publish-when": "now"}),
        "schedule": (
            on_call("manage_call_publish", draft_a),
            {"publish-when": "later", "publish-at": "2025-04-01T09:00"},
        ),
        "unpublish": (on_call("manage_call_unpublish"), {}),
        "extend": (
            on_call("manage_call_extend_deadline"),
            {"extend-deadline": deadline.pk, "extend-due_at": "2025-07-15T17:00"},
        ),
        "cancel": (on_call("manage_call_cancel"), {"cancel-reason": "Budget withdrawn"}),
        "preview": (on_call("manage_call_preview", draft_a), {}),
        "delete": (on_call("manage_call_delete", draft_a), {}),
        "contact_point": (
            reverse("manage_contact_point_edit", args=[contact_point_a.slug]),
            contact_point_data(contact_point_a, [{"name": "Eleni G."}], phone="+357 22 000001"),
        ),
        "admin": (reverse("admin:index"), {}),
        "admin_change": (
            reverse("admin:calls_call_change", args=[call_a.pk]),
            {"title": "Changed in the admin"},
        ),
    }


def snapshot() -> tuple:
    """Everything a write path of this matrix could change."""
    return (
        list(Call.objects.order_by("pk").values_list()),
        list(Deadline.objects.order_by("pk").values_list()),
        list(CallChange.objects.order_by("pk").values_list()),
        list(ContactPoint.objects.order_by("pk").values_list()),
        list(ContactPerson.objects.order_by("pk").values_list()),
    )


@pytest.mark.parametrize(("role", "method", "target", "expected"), CASES)
def test_permission_matrix(client, personas, targets, role, method, target, expected):
    user = personas[role]
    if user is not None:
        client.force_login(user)
    url, data = targets[target]
    before = snapshot()

    response = client.get(url) if method == "GET" else client.post(url, data)

    location = response.get("Location", "")
    match expected:
        case "ok":
            assert response.status_code == 200
        case "done":
            assert response.status_code == 302
            assert "login" not in location
        case "login":
            assert response.status_code == 302
            assert location.startswith(f"{reverse('login')}?next=")
        case "admin-login":
            assert response.status_code == 302
            assert location.startswith(f"{reverse('admin:login')}?next=")
        case status:
            assert response.status_code == status
    if expected != "done":
        assert snapshot() == before, "a refused request changed data"
    else:
        assert snapshot() != before, "an accepted write changed nothing"
