"""The permission matrix: every write path of every door (the NCP area, the admin, the
API), for every persona of tests/conftest.py. A forgotten check fails here.

Each row is (door, method, target) and its expectations in the order of `ROLES`:
anonymous, a plain signed-in user, the NCP of programme A, the NCP of programme B, staff
(no model permission), a superuser, a read-only API key. The site's doors are asked with
the persona's session, the API with their key (the plain user has none: their session,
which the API does not take). An expectation is "ok" (200), "done" (a redirect after a
change), "login" or "admin-login" (a redirect to that sign-in page), a status code, or
None where the row means nothing for the persona (a key on the site's pages).

A refused row proves that no row of any table changed; an accepted write ("done", or a
2xx answer to an API write) that something did. Targets act on programme A's calls and
contact point, and on an endpoint of the read-only key's.
"""

from datetime import datetime

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.test import TestCase
from django.urls import reverse
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api.models import ApiKey
from api.webhooks.models import WebhookDelivery, WebhookEndpoint
from api.webhooks.services import endpoint_save
from calls import services
from foundation.brussels import BRUSSELS
from tests.api.webhook_receiver import WebhookReceiver
from tests.conftest import ROLES
from tests.factories import CallFactory
from tests.ncp.formdata import contact_point_data, edit_call_data, new_call_data
from tests.portal.test_admin import change_form_data

CLOCK = datetime(2025, 3, 3, 10, 0, tzinfo=BRUSSELS)
ADMIN_LOGIN = ("admin-login",) * 4
API_REFUSED = (401, 401)  # anonymous, and a session the API does not take

# (door, method, target): anonymous, user, ncp_a, ncp_b, staff, superuser, read_only
MATRIX = {
    # The NCP area (/manage/): sessions.
    ("ncp", "GET", "home"): ("login", "ok", "ok", "ok", "ok", "ok", None),
    ("ncp", "GET", "create"): ("login", 403, "ok", "ok", 403, "ok", None),
    ("ncp", "GET", "create_in_a"): ("login", 403, "ok", 404, 403, "ok", None),
    ("ncp", "POST", "create"): ("login", 403, "done", "ok", 403, "done", None),
    ("ncp", "GET", "detail"): ("login", 404, "ok", 404, 404, "ok", None),
    ("ncp", "GET", "edit"): ("login", 404, "ok", 404, 404, "ok", None),
    ("ncp", "POST", "edit"): ("login", 404, "done", 404, 404, "done", None),
    ("ncp", "GET", "publish"): ("login", 404, 405, 404, 404, 405, None),
    ("ncp", "POST", "publish"): ("login", 404, "done", 404, 404, "done", None),
    ("ncp", "POST", "schedule"): ("login", 404, "done", 404, 404, "done", None),
    ("ncp", "GET", "unpublish"): ("login", 404, 405, 404, 404, 405, None),
    ("ncp", "POST", "unpublish"): ("login", 404, "done", 404, 404, "done", None),
    ("ncp", "GET", "extend"): ("login", 404, 405, 404, 404, 405, None),
    ("ncp", "POST", "extend"): ("login", 404, "done", 404, 404, "done", None),
    ("ncp", "GET", "cancel"): ("login", 404, 405, 404, 404, 405, None),
    ("ncp", "POST", "cancel"): ("login", 404, "done", 404, 404, "done", None),
    ("ncp", "GET", "preview"): ("login", 404, "ok", 404, 404, "ok", None),
    ("ncp", "GET", "delete"): ("login", 404, 405, 404, 404, 405, None),
    ("ncp", "POST", "delete"): ("login", 404, "done", 404, 404, "done", None),
    ("ncp", "GET", "contact_point"): ("login", 403, "ok", 403, 403, "ok", None),
    ("ncp", "POST", "contact_point"): ("login", 403, "done", 403, 403, "done", None),
    # The admin: sessions of staff, with Django's model permissions (none for `staff`).
    ("admin", "GET", "admin"): (*ADMIN_LOGIN, "ok", "ok", None),
    ("admin", "GET", "admin_call_change"): (*ADMIN_LOGIN, 403, "ok", None),
    ("admin", "POST", "admin_call_change"): (*ADMIN_LOGIN, 403, "done", None),
    ("admin", "POST", "admin_call_add"): (*ADMIN_LOGIN, 403, "done", None),
    ("admin", "POST", "admin_call_delete"): (*ADMIN_LOGIN, 403, "done", None),
    ("admin", "POST", "admin_call_publish"): (*ADMIN_LOGIN, 403, "done", None),
    ("admin", "POST", "admin_call_revert"): (*ADMIN_LOGIN, 403, 403, None),
    ("admin", "POST", "admin_contact_point_change"): (*ADMIN_LOGIN, 403, None, None),
    ("admin", "POST", "admin_api_key_add"): (*ADMIN_LOGIN, 403, None, None),
    # The API: keys. Calls are written by NCP keys (and a superuser's) for their programmes.
    ("api", "POST", "api_call_create"): (*API_REFUSED, 201, 403, 403, 201, 403),
    ("api", "POST", "api_call_create_for_b"): (*API_REFUSED, 403, 201, 403, 201, 403),
    ("api", "PATCH", "api_call_change"): (*API_REFUSED, 200, 403, 403, 200, 403),
    ("api", "PATCH", "api_call_move_to_b"): (*API_REFUSED, 403, 403, 403, 200, 403),
    ("api", "PUT", "api_call"): (*API_REFUSED, 405, 405, 403, 405, 403),
    ("api", "DELETE", "api_call"): (*API_REFUSED, 405, 405, 403, 405, 403),
    # Read-only resources keep answering 405 to a write (the default rule lets DRF say so).
    ("api", "POST", "api_funds"): (405,) * 7,
    ("api", "DELETE", "api_contact_point"): (405,) * 7,
    # Webhooks: any key registers endpoints; each changes only its own (the read-only key's).
    ("api", "POST", "api_endpoints"): (*API_REFUSED, 201, 201, 201, 201, 201),
    ("api", "PATCH", "api_endpoint"): (*API_REFUSED, 404, 404, 404, 404, 200),
    ("api", "DELETE", "api_endpoint"): (*API_REFUSED, 404, 404, 404, 404, 204),
    ("api", "POST", "api_redeliver"): (*API_REFUSED, 404, 404, 404, 404, 202),
}

# Every model the admin shows: no one but a superuser (staff without the model's
# permission included) adds one.
ADMIN_MODELS = sorted(model._meta.label_lower for model in admin.site._registry)
for label in ADMIN_MODELS:
    MATRIX[("admin", "POST", f"admin_add:{label}")] = (*ADMIN_LOGIN, 403, None, None)

CASES = [
    pytest.param(door, role, method, target, expected, id=f"{role}-{method}-{target}")
    for (door, method, target), expectations in MATRIX.items()
    for role, expected in zip(ROLES, expectations, strict=True)
    if expected is not None
]

# The tables a request could change: the project's apps, the users and the admin's log.
WATCHED_APPS = {"calls", "programmes", "projects", "ncp", "api", "alerts", "auth", "admin"}


@pytest.fixture(autouse=True)
def clock():
    """The factories' calls are open: 15 January to 30 June 2025."""
    with time_machine.travel(CLOCK, tick=False) as traveller:
        yield traveller


@pytest.fixture
def endpoint(personas, settings, request):
    """An endpoint of the read-only key's, with one delivery made to a receiver."""
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    receiver = WebhookReceiver().start()
    request.addfinalizer(receiver.stop)
    api_key = ApiKey.objects.get(user=None)
    endpoint = endpoint_save(
        WebhookEndpoint(
            api_key=api_key, url=receiver.url(), events=["call.published"], owner_email="a@b.eu"
        )
    )
    draft = CallFactory(programme=personas.programme_b, published_at=None)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.call_publish(call=draft, user=None)
    return endpoint, receiver


def call_change_data(call) -> dict:
    """What the admin's change form of `call` posts, with a new title."""
    return change_form_data(call, call.deadlines.get().due_at) | {"title": "Changed"}


def call_add_data(programme) -> dict:
    return {
        "code": 777002,
        "identifier": "TESTF-2025-AG-ADMIN-01",
        "title": "Added in the admin",
        "programme": programme.pk,
        "opens_at_0": "2025-04-01",
        "opens_at_1": "00:00:00",
        "deadlines-TOTAL_FORMS": 1,
        "deadlines-INITIAL_FORMS": 0,
        "deadlines-0-due_at_0": "2025-09-30",
        "deadlines-0-due_at_1": "17:00:00",
        "objectives-TOTAL_FORMS": 0,
        "objectives-INITIAL_FORMS": 0,
    }


def api_call(**overrides) -> dict:
    return {
        "code": 990001,
        "identifier": "TESTF-2026-AG-NEW-01",
        "title": "A new call",
        "programme": "programme-a",
        "opens_at": "2026-12-01T00:00:00+01:00",
        "deadlines": [{"due_at": "2027-02-01T17:00:00+01:00"}],
    } | overrides


def target(name: str, personas, draft_a, request) -> tuple[str, dict | None]:
    """(url, data) of a target, built only when a case asks for it."""
    call_a, programme_a = personas.call_a, personas.programme_a
    contact_point_a = personas.contact_point_a
    on_call = lambda view, call=call_a: reverse(view, args=[call.identifier])  # noqa: E731
    api_call_url = f"/api/v1/calls/{call_a.identifier}/"
    if name.startswith("admin_add:"):
        app_label, model_name = name.removeprefix("admin_add:").split(".")
        return reverse(f"admin:{app_label}_{model_name}_add"), {}
    if name.startswith("api_endpoint") or name == "api_redeliver":
        endpoint, receiver = request.getfixturevalue("endpoint")
        return {
            "api_endpoints": lambda: (
                reverse("webhook-endpoint-list"),
                {"url": receiver.url(), "events": ["call.cancelled"], "owner_email": "a@b.eu"},
            ),
            "api_endpoint": lambda: (
                reverse("webhook-endpoint-detail", args=[endpoint.pk]),
                {"description": "Changed"},
            ),
            "api_redeliver": lambda: (
                reverse("webhook-delivery-redeliver", args=[WebhookDelivery.objects.get().pk]),
                None,
            ),
        }[name]()
    [deadline] = call_a.deadlines.all()
    return {
        "home": lambda: (reverse("manage_home"), {}),
        "create": lambda: (reverse("manage_call_create"), new_call_data(programme_a)),
        "create_in_a": lambda: (
            f"{reverse('manage_call_create')}?programme={programme_a.slug}",
            {},
        ),
        "detail": lambda: (on_call("manage_call_detail"), {}),
        "edit": lambda: (on_call("manage_call_edit"), edit_call_data(call_a, title="Changed")),
        "publish": lambda: (on_call("manage_call_publish", draft_a), {"publish-when": "now"}),
        "schedule": lambda: (
            on_call("manage_call_publish", draft_a),
            {"publish-when": "later", "publish-at": "2025-04-01T09:00"},
        ),
        "unpublish": lambda: (on_call("manage_call_unpublish"), {}),
        "extend": lambda: (
            on_call("manage_call_extend_deadline"),
            {"extend-deadline": deadline.pk, "extend-due_at": "2025-07-15T17:00"},
        ),
        "cancel": lambda: (on_call("manage_call_cancel"), {"cancel-reason": "Budget withdrawn"}),
        "preview": lambda: (on_call("manage_call_preview", draft_a), {}),
        "delete": lambda: (on_call("manage_call_delete", draft_a), {}),
        "contact_point": lambda: (
            reverse("manage_contact_point_edit", args=[contact_point_a.slug]),
            contact_point_data(contact_point_a, [{"name": "Eleni G."}], phone="+357 22 000001"),
        ),
        "admin": lambda: (reverse("admin:index"), {}),
        "admin_call_change": lambda: (
            reverse("admin:calls_call_change", args=[call_a.pk]),
            call_change_data(call_a),
        ),
        "admin_call_add": lambda: (reverse("admin:calls_call_add"), call_add_data(programme_a)),
        "admin_call_delete": lambda: (
            reverse("admin:calls_call_delete", args=[draft_a.pk]),
            {"post": "yes"},
        ),
        "admin_call_publish": lambda: (
            reverse("admin:calls_call_changelist"),
            {"action": "publish", "_selected_action": [draft_a.pk]},
        ),
        "admin_call_revert": lambda: (
            reverse(
                "admin:calls_call_simple_history",
                args=[call_a.pk, call_a.history.earliest().history_id],
            ),
            call_change_data(call_a),
        ),
        "admin_contact_point_change": lambda: (
            reverse("admin:programmes_contactpoint_change", args=[contact_point_a.pk]),
            {"name": "Changed in the admin"},
        ),
        "admin_api_key_add": lambda: (reverse("admin:api_apikey_add"), {"name": "A new key"}),
        "api_call_create": lambda: ("/api/v1/calls/", api_call()),
        "api_call_create_for_b": lambda: ("/api/v1/calls/", api_call(programme="programme-b")),
        "api_call_change": lambda: (api_call_url, {"title": "Changed", "version": 1}),
        "api_call_move_to_b": lambda: (api_call_url, {"programme": "programme-b", "version": 1}),
        "api_call": lambda: (api_call_url, api_call()),
        "api_funds": lambda: ("/api/v1/funds/", {"code": "NEWF"}),
        "api_contact_point": lambda: (f"/api/v1/contact-points/{contact_point_a.slug}/", None),
    }[name]()


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table a request could change. A key's `last_used_at` is left
    out: using a key notes it, whatever the answer."""
    tables = {}
    for model in apps.get_models():
        if model._meta.app_label in WATCHED_APPS:
            rows = list(model._base_manager.order_by("pk").values())
            tables[model._meta.label] = [
                {k: v for k, v in row.items() if k != "last_used_at"} for row in rows
            ]
    return tables


def signed_in(door: str, personas, client, role: str):
    """The client `role` asks `door` with: their key for the API, else their session."""
    if door == "api":
        return personas.client(role)
    return personas.site_client(client, role)


def ask(door: str, client, method: str, url: str, data):
    if door == "api":
        return getattr(client, method.lower())(url, data, format="json")
    return client.get(url) if method == "GET" else client.post(url, data)


def check_answer(door: str, response, expected) -> None:
    location = response.get("Location", "")
    match expected:
        case "ok":
            assert response.status_code == 200
        case "done":
            assert response.status_code == 302, getattr(response, "context", None)
            assert "login" not in location
        case "login":
            assert response.status_code == 302
            assert location.startswith(f"{reverse('login')}?next=")
        case "admin-login":
            assert response.status_code == 302
            assert location.startswith(f"{reverse('admin:login')}?next=")
        case status:
            assert response.status_code == status, response.content[:300]
            if door == "api" and status == 401:
                assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def writes(door: str, method: str, expected) -> bool:
    if door == "api":
        return method != "GET" and isinstance(expected, int) and 200 <= expected < 300
    return expected == "done"


@pytest.mark.parametrize(("door", "role", "method", "target_name", "expected"), CASES)
def test_permission_matrix(
    client, personas, draft_a, request, door, role, method, target_name, expected
):
    url, data = target(target_name, personas, draft_a, request)
    client = signed_in(door, personas, client, role)  # a sign-in writes: before the snapshot
    before = snapshot()

    response = ask(door, client, method, url, data)

    check_answer(door, response, expected)
    if writes(door, method, expected):
        assert snapshot() != before, "an accepted write changed nothing"
    else:
        assert snapshot() == before, "a refused request changed data"


class StatesNoRule(APIView):
    """An endpoint that writes and forgets to state who may: the default must refuse it."""

    def post(self, request):
        return Response({"written": True}, status=201)


@pytest.mark.parametrize("role", ["anonymous", "ncp_a", "superuser", "read_only"])
def test_an_api_write_that_states_no_rule_is_refused(personas, role):
    headers = {}
    if personas.keys[role]:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {personas.keys[role]}"
    request = APIRequestFactory().post("/api/v1/anything/", {}, format="json", **headers)
    response = StatesNoRule.as_view()(request)
    assert response.status_code == (401 if role == "anonymous" else 403)
    assert StatesNoRule.as_view()(APIRequestFactory().get("/")).status_code == 405
