"""The admin of the portal's own apps: every page opens, and the call list filters by status."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from calls.models import BRUSSELS, Call, CallStatus, Deadline, deadline_on, opening_on
from programmes.models import Fund, Programme

PORTAL_MODELS = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label in {"programmes", "calls", "projects"}
    ),
    key=lambda model: model._meta.label,
)
CALL_CHANGELIST = reverse("admin:calls_call_changelist")
# Session, user, the fund and programme filters, two counts, the calls, their
# deadlines (one prefetch) and two for the date hierarchy: whatever the number of calls.
CHANGELIST_MAX_QUERIES = 10

pytestmark = pytest.mark.django_db


def admin_url(model, view: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda model: model._meta.label)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_admin_page_opens(admin_client, model, view):
    assert admin_client.get(admin_url(model, view)).status_code == 200


@pytest.fixture
def programme():
    fund = Fund.objects.create(
        code="AMIF", name="Asylum, Migration and Integration Fund", call_prefix="AMIF"
    )
    return Programme.objects.create(fund=fund, title="AMIF 2021-2027", slug="amif-2021-2027")


def make_call(programme, number: int, opens_in_days: int, closes_in_days: int) -> Call:
    today = timezone.localdate(timezone.now(), BRUSSELS)
    call = Call.objects.create(
        code=number,
        identifier=f"AMIF-2025-TF2-AG-{number:02d}",
        title=f"Call {number}",
        programme=programme,
        opens_at=opening_on(today + timedelta(days=opens_in_days)),
    )
    Deadline.objects.create(call=call, due_at=deadline_on(today + timedelta(days=closes_in_days)))
    return call


@pytest.fixture
def calls_by_status(programme):
    return {
        CallStatus.OPEN: make_call(programme, 1, opens_in_days=-10, closes_in_days=10),
        CallStatus.FORTHCOMING: make_call(programme, 2, opens_in_days=10, closes_in_days=30),
        CallStatus.CLOSED: make_call(programme, 3, opens_in_days=-30, closes_in_days=-10),
        CallStatus.CANCELLED: cancelled(make_call(programme, 4, -10, closes_in_days=10)),
    }


def cancelled(call: Call) -> Call:
    Call.objects.filter(pk=call.pk).update(
        cancelled_at=timezone.now() - timedelta(days=1), cancellation_reason="Withdrawn"
    )
    call.refresh_from_db()
    return call


@pytest.mark.parametrize("status", CallStatus.values)
def test_call_changelist_filters_by_status(admin_client, calls_by_status, status):
    response = admin_client.get(CALL_CHANGELIST, {"status": status})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [calls_by_status[status]]


def test_call_changelist_shows_status_and_next_deadline(admin_client, calls_by_status):
    response = admin_client.get(CALL_CHANGELIST)

    open_call = calls_by_status[CallStatus.OPEN]
    assert response.status_code == 200
    assert str(open_call.deadlines.get()) in response.text
    for status in CallStatus:
        assert f'<td class="field-current_status">{status.label}</td>' in response.text


def test_call_changelist_queries_do_not_grow_with_calls(
    admin_client, programme, django_assert_max_num_queries
):
    for number in range(1, 4):
        make_call(programme, number, opens_in_days=-number, closes_in_days=number)
    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        assert admin_client.get(CALL_CHANGELIST).status_code == 200

    for number in range(4, 31):
        make_call(programme, number, opens_in_days=-number, closes_in_days=number)
    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        response = admin_client.get(CALL_CHANGELIST)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 30


def test_call_change_page_opens(admin_client, calls_by_status):
    call = calls_by_status[CallStatus.OPEN]
    response = admin_client.get(reverse("admin:calls_call_change", args=[call.pk]))

    assert response.status_code == 200
    assert f'<div class="readonly">{CallStatus.OPEN.label}</div>' in response.text
