"""A saved search the database cannot run costs only itself (issue 12, item 1): the
sweep flags it, skips it, and everyone else still gets their reminders and digests."""

from datetime import date

from django.core import mail
from django.urls import reverse

from alerts import sweep
from alerts.models import Notification, Subscription
from foundation.brussels import deadline_on
from tests.alerts.conftest import follow
from tests.alerts.test_digest import CONFIRMED, new_call
from tests.alerts.test_reminders import brussels
from tests.factories import CallFactory

BROKEN = "?q=broken"


def break_one_search(monkeypatch):
    """Make the database fail on the saved search BROKEN, as websearch_to_tsquery did on
    40 hyphens ("tsquery stack too small"): an error raised by the database itself."""
    real = sweep.matching

    def matching(search, calls, *, at):
        if search == BROKEN:
            return calls.extra(where=["calls_no_such_function(1) = 1"])
        return real(search, calls, at=at)

    monkeypatch.setattr(sweep, "matching", matching)


def test_a_failing_saved_search_is_flagged_and_skipped_and_the_others_are_sent(
    call, run_sweep, monkeypatch
):
    break_one_search(monkeypatch)
    broken = follow(search=BROKEN, confirmed_at=CONFIRMED, email="broken@example.org")
    follow(search="?q=trafficking", confirmed_at=CONFIRMED)
    follow(call=call, confirmed_at=CONFIRMED, email="reminded@example.org")
    new_call(call.programme, "Fighting trafficking in human beings", brussels(2025, 6, 16, 1))

    run_sweep(brussels(2025, 6, 16, 17, 0))  # the digests, and the reminder 14 days before
    to = sorted(message.to[0] for message in mail.outbox)
    assert to == ["applicant@example.org", "reminded@example.org"]
    broken.refresh_from_db()
    assert broken.search_failed_at == brussels(2025, 6, 16, 17, 0)
    assert "calls_no_such_function" in broken.search_error

    new_call(call.programme, "Trafficking: victim support", brussels(2025, 6, 16, 18))
    run_sweep(brussels(2025, 6, 17, 8, 0))  # skipped from then on: it is not run again
    assert not Notification.objects.filter(subscription=broken).exists()
    assert [m.to[0] for m in mail.outbox[2:]] == ["applicant@example.org"]


def test_the_admin_lists_failed_saved_searches_and_runs_them_again(
    call, run_sweep, monkeypatch, admin_client
):
    break_one_search(monkeypatch)
    broken = follow(search=BROKEN, confirmed_at=CONFIRMED)
    new_call(call.programme, "Fighting trafficking", brussels(2025, 6, 10, 1))
    run_sweep(brussels(2025, 6, 10, 8, 0))
    changelist = reverse("admin:alerts_subscription_changelist")
    page = admin_client.get(changelist, {"search_failed_at__isempty": "0"})
    assert list(page.context["cl"].result_list) == [broken]
    admin_client.post(changelist, {"action": "retry_search", "_selected_action": [broken.pk]})
    broken.refresh_from_db()
    assert (broken.search_failed_at, broken.search_error) == (None, "")


def test_runs_of_operators_in_a_saved_search_do_not_reach_the_database(call, run_sweep):
    bad = ["-" * 40, '"' * 41, "!(&|:*" * 150, "a -" * 300, "x" * 990, "\u200b\ufeff😀"]
    for number, q in enumerate(bad):
        follow(search=f"?q={q}", confirmed_at=CONFIRMED, email=f"s{number}@example.org")
    follow(search="?q=trafficking", confirmed_at=CONFIRMED)
    new_call(call.programme, "Fighting trafficking", brussels(2025, 6, 10, 1))
    CallFactory(deadlines=[deadline_on(date(2025, 9, 30))])
    run_sweep(brussels(2025, 6, 10, 8, 0))
    assert not Subscription.objects.filter(search_failed_at__isnull=False).exists()
    assert [message.to[0] for message in mail.outbox] == ["applicant@example.org"]
