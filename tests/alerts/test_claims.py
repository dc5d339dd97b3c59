"""A delivery task's claim on its batch (alerts/claims.py, alerts/delivery.py): a worker
that dies mid-batch resends nothing it marked and loses nothing it claimed; two tasks
never hold the same row; a lease running short hands the rest back."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connections, transaction

from alerts import claims, mailer
from alerts.claims import Claim
from alerts.delivery import notifications_deliver
from alerts.models import Notification
from alerts.sweep import alerts_sweep
from tests.alerts.conftest import follow
from tests.alerts.test_delivery import REMINDER_DUE

PENDING, SENT = Notification.State.PENDING, Notification.State.SENT


def pending_reminders(call, count: int) -> list[int]:
    """`count` pending reminders of `call`, due at REMINDER_DUE, none queued (the sweep
    alone marks them queued; its callers queue them): their ids."""
    for number in range(count):
        follow(call=call, email=f"applicant{number:03d}@example.org")
    with time_machine.travel(REMINDER_DUE, tick=False):
        ids = alerts_sweep().queued
    assert len(ids) == count
    return ids


@pytest.fixture
def reminders(call):
    return pending_reminders(call, 5)


class Killed(BaseException):
    """The worker process dying: nothing after it runs, no `finally` cleans up."""


def deliver_until_killed(ids, monkeypatch, *, marked: int) -> None:
    """Deliver `ids`, the process dying after `marked` rows were marked sent, as the
    SMTP server accepts the next e-mail (before the row is marked)."""
    finish = Claim.finish

    def finish_or_die(claim, row, *args, **kwargs):
        if len(mail.outbox) > marked:
            raise Killed
        finish(claim, row, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(Claim, "finish", finish_or_die)
        patch.setattr(Claim, "release", lambda claim: [])  # a dead process releases nothing
        with time_machine.travel(REMINDER_DUE, tick=False), pytest.raises(Killed):
            notifications_deliver(ids)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_worker_killed_mid_batch_resends_nothing_marked_and_loses_nothing_claimed(
    reminders, monkeypatch
):
    deliver_until_killed(reminders, monkeypatch, marked=2)
    assert len(mail.outbox) == 3  # two marked sent, the third accepted as the worker died
    assert Notification.objects.filter(state=SENT).count() == 2
    in_flight = Notification.objects.filter(state=PENDING).order_by("pk").first()
    left = Notification.objects.filter(state=PENDING).exclude(claimed_by="")
    assert left.count() == 3

    # Another task at once: the dead worker's claims still hold, nothing goes out.
    with time_machine.travel(REMINDER_DUE + timedelta(seconds=1), tick=False):
        assert notifications_deliver(reminders) == {}
    assert len(mail.outbox) == 3

    # Once they have lapsed, the three rows not marked go out, the two marked do not.
    lapsed = REMINDER_DUE + timedelta(seconds=claims.settings.ALERTS_CLAIM_SECONDS)
    with time_machine.travel(lapsed, tick=False):
        states = notifications_deliver(reminders)
    assert sorted(states.values()) == [SENT] * 3
    assert Notification.objects.filter(state=SENT).count() == 5
    assert not Notification.objects.exclude(claimed_by="").exists()
    # Only the e-mail in flight when the worker died went out twice.
    twice = [address for address in set(recipients()) if recipients().count(address) > 1]
    assert twice == [in_flight.subscription.subscriber.email]
    assert len(mail.outbox) == 6


def test_rows_claimed_by_a_live_task_are_not_claimed_again(reminders):
    with time_machine.travel(REMINDER_DUE, tick=False):
        first = Claim.of(reminders[:3])
        second = Claim.of(reminders)
    assert first.ids == sorted(reminders[:3])
    assert second.ids == sorted(reminders[3:])


def test_a_row_no_longer_pending_is_not_claimed(reminders):
    Notification.objects.filter(pk=reminders[0]).update(state=SENT)
    with time_machine.travel(REMINDER_DUE, tick=False):
        assert Claim.of(reminders).ids == sorted(reminders[1:])


def test_a_lease_running_short_releases_the_rest_for_a_retry(reminders, settings, monkeypatch):
    settings.ALERTS_CLAIM_SECONDS = 2
    clock = iter([0.0, 0.5, 1.5])  # claimed; before the first e-mail; before the second
    monkeypatch.setattr(claims.time, "monotonic", lambda: next(clock, 1.5))
    with time_machine.travel(REMINDER_DUE, tick=False):
        states = notifications_deliver(reminders)
        assert [states[pk] for pk in sorted(reminders)] == [SENT] + [PENDING] * 4
        assert len(mail.outbox) == 1
        assert not Notification.objects.exclude(claimed_by="").exists()
        # Released, not left to lapse: the retry sends them at once.
        monkeypatch.setattr(claims.time, "monotonic", lambda: 0.0)
        assert list(notifications_deliver(reminders).values()) == [SENT] * 4
    assert recipients() == [f"applicant{number:03d}@example.org" for number in range(5)]


def test_a_failure_mid_batch_releases_what_was_not_sent(reminders, monkeypatch):
    sent = []

    def mail_or_break(message):
        if sent:
            raise RuntimeError("a bug")
        sent.append(message)

    monkeypatch.setattr(mailer, "send", mail_or_break)
    with time_machine.travel(REMINDER_DUE, tick=False), pytest.raises(RuntimeError):
        notifications_deliver(reminders)
    assert Notification.objects.filter(state=SENT).count() == 1
    assert not Notification.objects.exclude(claimed_by="").exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_rows_another_task_is_claiming_without_waiting(reminders):
    """A row locked by another connection's claim, not committed yet, is skipped."""
    locked, release = threading.Event(), threading.Event()

    def other_task():
        try:
            with transaction.atomic():
                list(Notification.objects.select_for_update().filter(pk__in=reminders[:2]))
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_task)
    thread.start()
    try:
        assert locked.wait(10)
        with time_machine.travel(REMINDER_DUE, tick=False):
            assert Claim.of(reminders).ids == sorted(reminders[2:])
    finally:
        release.set()
        thread.join()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_four_tasks_delivering_the_same_rows_at_once_send_each_once(call):
    ids = pending_reminders(call, 200)
    with time_machine.travel(REMINDER_DUE, tick=False):
        batches = [ids[start : start + 25] for start in range(0, len(ids), 25)]
        start = threading.Barrier(4)

        def task(order):
            try:
                start.wait(10)
                for batch in order:
                    notifications_deliver(batch)
            finally:
                connections.close_all()

        orders = [batches, batches[::-1], batches[1::2] + batches[::2], batches[::2] + batches]
        threads = [threading.Thread(target=task, args=(order,)) for order in orders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert recipients() == [f"applicant{number:03d}@example.org" for number in range(200)]
    assert Notification.objects.filter(state=SENT).count() == 200


@pytest.mark.parametrize("count", [1, 10])
def test_a_batch_costs_four_queries_and_one_update_per_email(call, count):
    """Claim, the rows with what their e-mails need (and their call's deadlines), the
    superseded ones, then one UPDATE per e-mail marking it: nothing else per e-mail."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ids = pending_reminders(call, count)
    with time_machine.travel(REMINDER_DUE, tick=False), CaptureQueriesContext(connection) as run:
        states = notifications_deliver(ids)
    assert list(states.values()) == [SENT] * count and len(mail.outbox) == count
    assert len(run) == 4 + count, [query["sql"][:60] for query in run]
