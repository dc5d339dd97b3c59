"""The admin of the portal's own apps: every page opens; calls are filtered by status and
publication, published, unpublished and exported by actions, and edited with their history.
NCPs, who are not staff, cannot use it."""

import contextlib
import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from calls import services
from calls.models import Call, CallChange, CallStatus, Deadline, ImportRun
from foundation.brussels import BRUSSELS, deadline_on, opening_on
from foundation.history import ReadOnlyHistoryAdmin
from programmes.models import ContactPoint, Fund, Programme

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
    # Import runs are recorded by the import only: they cannot be added by hand.
    expected = 403 if (model, view) == (ImportRun, "add") else 200
    assert admin_client.get(admin_url(model, view)).status_code == expected


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


# --- publication --------------------------------------------------------------------


@pytest.fixture
def calls_by_publication(programme):
    now = timezone.now()
    scheduled = make_call(programme, 2, opens_in_days=-10, closes_in_days=10)
    published = make_call(programme, 3, opens_in_days=-10, closes_in_days=10)
    Call.objects.filter(pk=scheduled.pk).update(published_at=now + timedelta(days=1))
    Call.objects.filter(pk=published.pk).update(published_at=now - timedelta(days=1))
    scheduled.refresh_from_db()
    published.refresh_from_db()
    return {
        "draft": make_call(programme, 1, opens_in_days=-10, closes_in_days=10),
        "scheduled": scheduled,
        "published": published,
    }


def test_call_changelist_shows_publication(admin_client, calls_by_publication):
    response = admin_client.get(CALL_CHANGELIST)

    assert response.status_code == 200
    for label in ["Draft", "Scheduled", "Published"]:
        assert f'<td class="field-publication">{label}</td>' in response.text


@pytest.mark.parametrize("publication", ["draft", "scheduled", "published"])
def test_call_changelist_filters_by_publication(admin_client, calls_by_publication, publication):
    response = admin_client.get(CALL_CHANGELIST, {"published": publication})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [calls_by_publication[publication]]


def run_action(client, action: str, calls):
    return client.post(
        CALL_CHANGELIST, {"action": action, "_selected_action": [call.pk for call in calls]}
    )


def test_publish_action_publishes_drafts_and_records_it(admin_client, admin_user, programme):
    calls = [make_call(programme, number, -10, 10) for number in (1, 2)]

    response = run_action(admin_client, "publish", calls)

    assert response.status_code == 302
    for call in calls:
        call.refresh_from_db()
        assert call.is_public_at(timezone.now())
        assert call.version == 2
        assert call.history.latest().history_user == admin_user
        assert call.changes.get().kind == CallChange.Kind.PUBLISHED
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["2 calls published."]


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_an_action_with_a_call_that_does_not_validate_changes_nothing(
    admin_client, calls_by_publication, action
):
    calls = [calls_by_publication["scheduled"], calls_by_publication["published"]]
    if action == "publish":
        calls = [calls_by_publication["draft"], make_call(calls[0].programme, 4, -10, 10)]
    broken = calls[-1]
    Call.objects.filter(pk=broken.pk).update(identifier="ISF-2025-WRONG-PREFIX")
    before = {call.pk: call.published_at for call in calls}

    response = run_action(admin_client, action, calls)

    assert response.status_code == 302
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Nothing was changed: ISF-2025-WRONG-PREFIX")
    assert "must start with AMIF-" in message
    assert {c.pk: c.published_at for c in Call.objects.filter(pk__in=before)} == before
    assert not CallChange.objects.filter(call__in=calls).exists()


def test_publish_action_leaves_published_calls_alone(admin_client, calls_by_publication):
    published = calls_by_publication["published"]
    published_at = published.published_at

    run_action(admin_client, "publish", [published])

    published.refresh_from_db()
    assert published.published_at == published_at
    assert not published.changes.exists()


def test_unpublish_action_makes_drafts(admin_client, admin_user, calls_by_publication):
    calls = [calls_by_publication["scheduled"], calls_by_publication["published"]]

    response = run_action(admin_client, "unpublish", calls)

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["2 calls unpublished."]
    for call in calls:
        call.refresh_from_db()
        assert call.published_at is None
        assert call.history.latest().history_user == admin_user


def test_export_action_writes_csv(admin_client, programme):
    first = make_call(programme, 1, opens_in_days=-10, closes_in_days=10)
    second = make_call(programme, 2, opens_in_days=10, closes_in_days=30)
    Deadline.objects.create(call=second, due_at=deadline_on(date(2099, 1, 5)))
    published_at = datetime(2025, 3, 1, 9, 30, tzinfo=BRUSSELS)
    Call.objects.filter(pk=second.pk).update(published_at=published_at)

    response = run_action(admin_client, "export_csv", [second, first])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="calls.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == [
        "identifier",
        "code",
        "title",
        "programme",
        "fund",
        "status",
        "opens_at",
        "deadlines",
        "published_at",
        "url",
    ]
    second_deadlines = [iso(d.due_at) for d in second.deadlines.order_by("due_at")]
    assert rows[1:] == [
        [
            first.identifier,
            "1",
            "Call 1",
            "amif-2021-2027",
            "AMIF",
            "open",
            iso(first.opens_at),
            iso(first.deadlines.get().due_at),
            "",
            f"http://testserver/calls/{first.identifier}/",
        ],
        [
            second.identifier,
            "2",
            "Call 2",
            "amif-2021-2027",
            "AMIF",
            "forthcoming",
            iso(second.opens_at),
            ";".join(second_deadlines),
            "2025-03-01T09:30:00+01:00",
            f"http://testserver/calls/{second.identifier}/",
        ],
    ]
    assert second_deadlines[-1] == "2099-01-05T17:00:00+01:00"


def test_export_action_keeps_spreadsheets_from_running_a_title_as_a_formula(
    admin_client, programme
):
    call = make_call(programme, 1, opens_in_days=-10, closes_in_days=10)
    Call.objects.filter(pk=call.pk).update(title='=HYPERLINK("http://example.com","Apply")')

    response = run_action(admin_client, "export_csv", [call])

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[1][2] == '\'=HYPERLINK("http://example.com","Apply")'


def iso(moment: datetime) -> str:
    return moment.astimezone(BRUSSELS).isoformat()


def test_history_page_lists_the_changes(admin_client, admin_user, programme):
    call = make_call(programme, 1, opens_in_days=-10, closes_in_days=10)
    run_action(admin_client, "publish", [call])
    run_action(admin_client, "unpublish", [call])

    response = admin_client.get(reverse("admin:calls_call_history", args=[call.pk]))

    assert response.status_code == 200
    records = list(response.context["page_obj"].object_list)
    assert [record.version for record in records] == [3, 2, 1]
    assert [record.history_user for record in records[:2]] == [admin_user, admin_user]
    assert admin_user.username in response.text
    assert "Publication:" in response.text  # the field that changed


# --- editing a call -----------------------------------------------------------------


def change_form_data(call: Call, due_at: datetime) -> dict:
    """What the call's change form posts, with its one deadline set to `due_at`."""
    due_at = due_at.astimezone(BRUSSELS)
    opens_at = call.opens_at.astimezone(BRUSSELS)
    return {
        "edited_version": call.version,
        "code": call.code,
        "identifier": call.identifier,
        "title": call.title,
        "programme": call.programme_id,
        "opens_at_0": opens_at.date().isoformat(),
        "opens_at_1": opens_at.time().isoformat(),
        "deadlines-TOTAL_FORMS": 1,
        "deadlines-INITIAL_FORMS": 1,
        "deadlines-0-id": call.deadlines.get().pk,
        "deadlines-0-call": call.pk,
        "deadlines-0-due_at_0": due_at.date().isoformat(),
        "deadlines-0-due_at_1": due_at.time().isoformat(),
        "objectives-TOTAL_FORMS": 0,
        "objectives-INITIAL_FORMS": 0,
    }


def post_change_form(client, call: Call, due_at: datetime):
    url = reverse("admin:calls_call_change", args=[call.pk])
    response = client.post(url, change_form_data(call, due_at))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_moving_a_published_calls_deadline_records_a_change(admin_client, admin_user, programme):
    call = make_call(programme, 1, opens_in_days=-10, closes_in_days=10)
    Call.objects.filter(pk=call.pk).update(published_at=timezone.now() - timedelta(days=1))
    old_due_at = call.deadlines.get().due_at
    new_due_at = old_due_at + timedelta(days=14)

    post_change_form(admin_client, call, new_due_at)

    change = call.changes.get()
    assert change.kind == CallChange.Kind.DEADLINE_MOVED
    assert (change.old_due_at, change.new_due_at) == (old_due_at, new_due_at)
    assert change.made_by == admin_user
    call.refresh_from_db()
    assert call.deadlines.get().due_at == new_due_at
    assert call.version == 2
    assert call.history.latest().history_user == admin_user


def test_editing_a_draft_records_no_change(admin_client, programme):
    call = make_call(programme, 1, opens_in_days=-10, closes_in_days=10)

    post_change_form(admin_client, call, call.deadlines.get().due_at + timedelta(days=14))

    assert not call.changes.exists()
    call.refresh_from_db()
    assert call.version == 2


# --- who may use the admin ----------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/", CALL_CHANGELIST])
def test_an_ncp_is_sent_to_the_admin_login(client, programme, url):
    ncp = get_user_model().objects.create_user("ncp", "ncp@example.org", "secret")
    contact_point = ContactPoint.objects.create(
        slug="ncp-be", level=ContactPoint.Level.NATIONAL, name="NCP Belgium", country="BE"
    )
    contact_point.members.add(ncp)
    programme.contact_points.add(contact_point)
    client.force_login(ncp)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


# --- how the admin reads ------------------------------------------------------------


def test_the_admin_writes_dates_as_the_site_does(admin_client, programme):
    call = make_call(programme, 1, opens_in_days=-10, closes_in_days=10)
    response = admin_client.get(reverse("admin:calls_call_history", args=[call.pk]))
    moment = timezone.localtime(call.history.get().history_date, BRUSSELS)
    assert f"{moment.day} {moment:%B %Y, %H:%M}" in response.text
    assert "a.m." not in response.text and "p.m." not in response.text


def test_the_history_shows_no_change_reason_rather_than_none(admin_client, admin_user, programme):
    call = make_call(programme, 1, opens_in_days=-10, closes_in_days=10)
    run_action(admin_client, "publish", [call])
    response = admin_client.get(reverse("admin:calls_call_history", args=[call.pk]))
    # Only the "Changed by" cell of the version saved by no one (make_call) says None.
    assert len(re.findall(r"<td>\s*None\s*</td>", response.text)) == 1


@pytest.mark.parametrize("term", ["1234", "AMIF-2025-TF2-AG-02", "amif-2025-tf2-ag-02"])
def test_the_call_search_finds_a_call_by_its_code_or_identifier(admin_client, programme, term):
    make_call(programme, 1, opens_in_days=-10, closes_in_days=10)
    wanted = make_call(programme, 2, opens_in_days=-10, closes_in_days=10)
    Call.objects.filter(pk=wanted.pk).update(code=1234)
    response = admin_client.get(CALL_CHANGELIST, {"q": term})
    assert list(response.context["cl"].result_list) == [wanted]


# --- one door: the admin saves through calls/services.py ------------------------------


def test_an_admin_save_from_an_older_version_is_refused_and_keeps_the_other_edit(
    admin_client, programme
):
    call = make_call(programme, 1, opens_in_days=-10, closes_in_days=10)
    data = change_form_data(call, call.deadlines.get().due_at) | {"title": "The admin's title"}
    services.call_update(
        call=call,
        user=None,
        expected_version=1,
        fields={"title": "The NCP's title"},
        deadlines=[services.DeadlineInput(due_at=d.due_at, pk=d.pk) for d in call.deadlines.all()],
    )

    response = admin_client.post(reverse("admin:calls_call_change", args=[call.pk]), data)

    assert response.status_code == 200
    assert "Someone saved this call since you opened it" in response.text
    call.refresh_from_db()
    assert (call.title, call.version) == ("The NCP's title", 2)


def test_the_admin_cannot_leave_a_call_without_a_deadline(admin_client, programme):
    call = make_call(programme, 1, opens_in_days=-10, closes_in_days=10)
    data = change_form_data(call, call.deadlines.get().due_at) | {"deadlines-0-DELETE": "on"}

    response = admin_client.post(reverse("admin:calls_call_change", args=[call.pk]), data)

    assert response.status_code == 200
    assert "A call needs at least one deadline." in response.text
    assert call.deadlines.count() == 1
    assert Call.objects.get(pk=call.pk).version == 1


def test_a_call_added_in_the_admin_is_made_by_the_services(admin_client, admin_user, programme):
    opens_at = timezone.localtime(timezone.now() + timedelta(days=5), BRUSSELS)
    due_at = opens_at + timedelta(days=30)
    data = {
        "code": 4321,
        "identifier": "AMIF-2025-TF2-AG-43",
        "title": "Added",
        "programme": programme.pk,
        "opens_at_0": opens_at.date().isoformat(),
        "opens_at_1": "00:00:00",
        "deadlines-TOTAL_FORMS": 1,
        "deadlines-INITIAL_FORMS": 0,
        "deadlines-0-due_at_0": due_at.date().isoformat(),
        "deadlines-0-due_at_1": "17:00:00",
        "objectives-TOTAL_FORMS": 1,
        "objectives-INITIAL_FORMS": 0,
        "objectives-0-position": 0,
        "objectives-0-text": "Integrate",
    }

    response = admin_client.post(reverse("admin:calls_call_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    call = Call.objects.get(identifier="AMIF-2025-TF2-AG-43")
    assert call.version == 1 and call.published_at is None
    assert [o.text for o in call.objectives.all()] == ["Integrate"]
    assert call.history.get().history_user == admin_user


def test_a_published_call_is_not_deleted_a_draft_is(admin_client, programme):
    published = make_call(programme, 1, opens_in_days=-10, closes_in_days=10)
    Call.objects.filter(pk=published.pk).update(published_at=timezone.now())
    draft = make_call(programme, 2, opens_in_days=-10, closes_in_days=10)

    refused = admin_client.post(
        reverse("admin:calls_call_delete", args=[published.pk]), {"post": "yes"}
    )
    deleted = admin_client.post(
        reverse("admin:calls_call_delete", args=[draft.pk]), {"post": "yes"}
    )

    assert (refused.status_code, deleted.status_code) == (403, 302)
    assert list(Call.objects.all()) == [published]
    actions = admin_client.get(CALL_CHANGELIST).context["action_form"].fields["action"].choices
    assert "delete_selected" not in dict(actions)


def test_history_cannot_write_an_old_version_back(admin_client, programme):
    call = make_call(programme, 1, opens_in_days=-10, closes_in_days=10)
    services.call_cancel(call=call, user=None, reason="Withdrawn")
    first = call.history.order_by("history_id").first()
    url = reverse("admin:calls_call_simple_history", args=[call.pk, first.history_id])

    assert "Revert" not in admin_client.get(url).text
    response = admin_client.post(url, change_form_data(call, call.deadlines.get().due_at))

    assert response.status_code == 403
    call.refresh_from_db()
    assert call.cancelled_at is not None and call.version == 2


def _admins_with_history():
    """Every admin whose model keeps a simple-history record, and the programmes'."""
    return [
        model
        for model, model_admin in admin.site._registry.items()
        if hasattr(model, "history") or model is Programme
    ]


@pytest.mark.parametrize("model", _admins_with_history(), ids=lambda model: model.__name__)
def test_no_history_page_writes_an_old_version_back(admin_client, demo, model):
    """A POST to the history page, or to an old version's page where the admin has one
    (simple-history's "Revert"), is refused and changes nothing."""
    obj = model.objects.order_by("pk").first()
    before = model.objects.filter(pk=obj.pk).values().get()
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{name}_history", args=[obj.pk])]
    if hasattr(model, "history") and obj.history.exists():
        with contextlib.suppress(NoReverseMatch):  # an admin without a page per version
            urls.append(reverse(f"{name}_simple_history", args=[obj.pk, obj.history.first().pk]))
    data = {field: value for field, value in before.items() if value is not None}

    answers = [admin_client.post(url, data).status_code for url in urls]

    assert answers == [403] * len(urls)
    assert model.objects.filter(pk=obj.pk).values().get() == before
    assert all(admin_client.get(url).status_code == 200 for url in urls)


def test_every_history_admin_is_read_only():
    """A history admin added later is guarded too."""
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, SimpleHistoryAdmin) or hasattr(model, "history"):
            assert isinstance(model_admin, ReadOnlyHistoryAdmin), model
