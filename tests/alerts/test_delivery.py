"""Delivery over a real SMTP connection: what a refusal does to the row, retries, the
admin's retry action, and `manage.py send_reminders`."""

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from alerts.delivery import notification_deliver
from alerts.mailer import TransientFailure
from alerts.models import Notification
from tests.alerts.conftest import follow
from tests.alerts.test_reminders import brussels

REMINDER_DUE = brussels(2025, 6, 27, 17, 0)


def pending_reminder(call, run_sweep, django_capture_on_commit_callbacks) -> Notification:
    follow(call=call)
    with (
        time_machine.travel(REMINDER_DUE, tick=False),
        django_capture_on_commit_callbacks(execute=False),
    ):
        from alerts.sweep import alerts_sweep

        alerts_sweep()
    return Notification.objects.get(state=Notification.State.PENDING)


def deliver(notification):
    with time_machine.travel(REMINDER_DUE, tick=False):
        return notification_deliver(notification.pk)


def test_the_reminder_goes_over_smtp_once(call, run_sweep, mail_via_smtp):
    follow(call=call)
    run_sweep(REMINDER_DUE)
    run_sweep(REMINDER_DUE)
    (message,) = mail_via_smtp.messages
    assert message["To"] == "applicant@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(("plain",)) and message.get_body(("html",))
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    notification = Notification.objects.get(state=Notification.State.SENT)
    assert notification.attempts == 1 and notification.sent_at == REMINDER_DUE


def test_a_temporary_refusal_keeps_the_row_pending_for_a_retry(
    call, run_sweep, mail_via_smtp, django_capture_on_commit_callbacks
):
    notification = pending_reminder(call, run_sweep, django_capture_on_commit_callbacks)
    mail_via_smtp.answer = "451 4.3.0 Mailbox busy, try again later"
    with pytest.raises(TransientFailure):
        deliver(notification)
    notification.refresh_from_db()
    assert notification.state == Notification.State.PENDING
    assert notification.attempts == 1
    assert "451" in notification.last_error
    mail_via_smtp.answer = None
    assert deliver(notification) == Notification.State.SENT
    assert mail_via_smtp.count() == 1
    notification.refresh_from_db()
    assert notification.attempts == 2


def test_a_permanent_refusal_is_recorded_as_failed(
    call, run_sweep, mail_via_smtp, django_capture_on_commit_callbacks
):
    notification = pending_reminder(call, run_sweep, django_capture_on_commit_callbacks)
    mail_via_smtp.answer = "550 5.1.1 No such mailbox"
    assert deliver(notification) == Notification.State.FAILED
    notification.refresh_from_db()
    assert notification.state == Notification.State.FAILED and "550" in notification.last_error


def test_attempts_run_out(
    call, run_sweep, mail_via_smtp, settings, django_capture_on_commit_callbacks
):
    settings.ALERTS_MAX_ATTEMPTS = 2
    notification = pending_reminder(call, run_sweep, django_capture_on_commit_callbacks)
    mail_via_smtp.answer = "421 4.3.2 Service not available"
    outcomes = []
    for _ in range(2):
        try:
            outcomes.append(deliver(notification))
        except TransientFailure:
            outcomes.append("retry")
    assert outcomes == ["retry", Notification.State.FAILED]


def test_an_unreachable_server_is_a_transient_failure(
    call, run_sweep, settings, django_capture_on_commit_callbacks
):
    from tests.alerts.celery_worker import free_port

    nobody_listens = {"host": "127.0.0.1", "port": free_port()}
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": nobody_listens,
        }
    }
    notification = pending_reminder(call, run_sweep, django_capture_on_commit_callbacks)
    with pytest.raises(TransientFailure):
        deliver(notification)
    notification.refresh_from_db()
    assert notification.state == Notification.State.PENDING and notification.last_error


def test_the_admin_shows_failures_and_sends_them_again(
    call, run_sweep, mail_via_smtp, admin_client, django_capture_on_commit_callbacks
):
    notification = pending_reminder(call, run_sweep, django_capture_on_commit_callbacks)
    mail_via_smtp.answer = "550 5.1.1 No such mailbox"
    deliver(notification)
    changelist = reverse("admin:alerts_notification_changelist")
    page = admin_client.get(changelist, {"state": "failed"})
    assert b"550 5.1.1 No such mailbox" in page.content
    mail_via_smtp.answer = None
    with (
        time_machine.travel(REMINDER_DUE, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        admin_client.post(changelist, {"action": "retry", "_selected_action": [notification.pk]})
    notification.refresh_from_db()
    assert notification.state == Notification.State.SENT
    assert mail_via_smtp.count() == 1


def test_admin_lists_run_a_fixed_number_of_queries(
    call, run_sweep, admin_client, django_assert_max_num_queries
):
    for number in range(30):
        follow(call=call, email=f"applicant{number}@example.org")
    run_sweep(REMINDER_DUE)
    for name in ("notification", "subscription", "subscriber"):
        with django_assert_max_num_queries(12):
            assert admin_client.get(reverse(f"admin:alerts_{name}_changelist")).status_code == 200


def test_send_reminders_runs_the_sweep_once(
    call, mail_via_smtp, capsys, django_capture_on_commit_callbacks
):
    follow(call=call)
    with time_machine.travel(REMINDER_DUE, tick=False):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                call_command("send_reminders")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("2 notification(s) created") and "1 queued" in out[0]
    assert out[1].startswith("0 notification(s) created") and "0 queued" in out[1]
    assert mail_via_smtp.count() == 1


def test_beat_runs_the_sweep_every_15_minutes_and_tasks_acknowledge_late(settings):
    from celery.schedules import crontab

    from alerts import tasks
    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["alerts-sweep"]
    assert app.tasks[entry["task"]].name == tasks.sweep.name == "alerts.tasks.sweep"
    assert entry["schedule"] == crontab(minute="*/15")
    for task in (tasks.sweep, tasks.deliver_notifications, tasks.send_digest):
        assert task.acks_late is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


def test_a_transient_failure_retries_the_task_later_for_those_rows(
    call, run_sweep, mail_via_smtp, celery_eager, django_capture_on_commit_callbacks
):
    from celery.exceptions import Retry

    from alerts.tasks import backoff, deliver_notifications

    notification = pending_reminder(call, run_sweep, django_capture_on_commit_callbacks)
    mail_via_smtp.answer = "451 4.3.0 Mailbox busy, try again later"
    with time_machine.travel(REMINDER_DUE, tick=False), pytest.raises(Retry) as retry:
        deliver_notifications.apply(args=([notification.pk],), throw=True)
    assert retry.value.when == backoff(0) == 60
    assert [backoff(n) for n in range(7)] == [60, 120, 240, 480, 960, 1800, 1800]
    notification.refresh_from_db()
    assert notification.state == Notification.State.PENDING and notification.attempts == 1


def test_the_envelope_names_the_addresses_as_the_smtp_backend_would(
    call, run_sweep, mail_via_smtp, settings
):
    """The sender ("Name <address>") and an address with a non-ASCII domain are given
    to the SMTP server as Django's backend gives them; a plain address as it is."""
    settings.DEFAULT_FROM_EMAIL = "Migration Funding Portal <alerts@portal.example.org>"
    envelopes = []

    async def record(server, envelope):
        envelopes.append((envelope.mail_from, envelope.rcpt_tos))

    mail_via_smtp.on_data = record
    follow(call=call, email="anna@bücher.example")
    follow(call=call, email="o'brien+eu@example.org")
    run_sweep(REMINDER_DUE)
    assert sorted(envelopes) == [
        ("alerts@portal.example.org", ["anna@xn--bcher-kva.example"]),
        ("alerts@portal.example.org", ["o'brien+eu@example.org"]),
    ]
    assert Notification.objects.filter(state=Notification.State.SENT).count() == 2
