"""Reminders before deadlines: the offsets, only the most recent, a sweep run twice, the
CET/CEST switch, who receives them and what the e-mail holds."""

import re
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from alerts.models import Notification, due_reminder_days, reminder_moment
from foundation.brussels import BRUSSELS
from tests.alerts.conftest import BEFORE_REMINDERS, follow
from tests.conftest import SITE_URL
from tests.factories import CallFactory

DEADLINE = datetime(2025, 6, 30, 17, 0, tzinfo=BRUSSELS)


def brussels(*args) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("due_at", "days", "moment"),
    [
        # Summer: 17:00 CEST is 15:00 UTC.
        (brussels(2025, 6, 30, 17), 14, datetime(2025, 6, 16, 15, 0, tzinfo=UTC)),
        (brussels(2025, 6, 30, 17), 1, datetime(2025, 6, 29, 15, 0, tzinfo=UTC)),
        # Deadline in summer time, reminder in winter time (switch on 30 March 2025).
        (brussels(2025, 3, 31, 17), 3, datetime(2025, 3, 28, 16, 0, tzinfo=UTC)),
        (brussels(2025, 3, 31, 17), 1, datetime(2025, 3, 30, 15, 0, tzinfo=UTC)),
        # Deadline in winter time, reminder in summer time (switch on 26 October 2025).
        (brussels(2025, 10, 27, 17), 3, datetime(2025, 10, 24, 15, 0, tzinfo=UTC)),
        (brussels(2025, 10, 27, 17), 1, datetime(2025, 10, 26, 16, 0, tzinfo=UTC)),
        # 29 February.
        (brussels(2028, 3, 1, 17), 1, datetime(2028, 2, 29, 16, 0, tzinfo=UTC)),
    ],
)
def test_a_reminder_is_due_at_the_deadline_time_of_day_in_brussels(due_at, days, moment):
    assert reminder_moment(due_at, days) == moment


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (brussels(2025, 6, 16, 16, 59, 59), []),
        (brussels(2025, 6, 16, 17, 0), [14]),
        (brussels(2025, 6, 27, 16, 59), [14]),
        (brussels(2025, 6, 27, 17, 0), [3, 14]),
        (brussels(2025, 6, 29, 17, 0), [1, 3, 14]),
        (brussels(2025, 6, 30, 16, 59, 59), [1, 3, 14]),
        (brussels(2025, 6, 30, 17, 0), []),
    ],
)
def test_due_reminders_most_recent_first(at, expected):
    assert due_reminder_days(DEADLINE, at, [14, 3, 1]) == expected


def sent_reminders(call) -> list[int]:
    return sorted(
        Notification.objects.filter(
            call=call, kind=Notification.Kind.REMINDER, state=Notification.State.SENT
        ).values_list("remind_days", flat=True)
    )


def test_each_offset_is_sent_once_at_its_moment(call, run_sweep):
    follow(call=call)
    moments_and_mails = [
        (BEFORE_REMINDERS, 0),
        (brussels(2025, 6, 16, 16, 59, 59), 0),
        (brussels(2025, 6, 16, 17, 0), 1),
        (brussels(2025, 6, 20, 9, 0), 1),
        (brussels(2025, 6, 27, 17, 0), 2),
        (brussels(2025, 6, 27, 17, 15), 2),
        (brussels(2025, 6, 29, 17, 0), 3),
        (brussels(2025, 6, 30, 16, 59), 3),
        (brussels(2025, 6, 30, 17, 0), 3),
        (brussels(2025, 7, 1, 9, 0), 3),
    ]
    for moment, expected in moments_and_mails:
        run_sweep(moment)
        assert len(mail.outbox) == expected, moment
    assert sent_reminders(call) == [1, 3, 14]
    assert [m.subject for m in mail.outbox] == [
        f"{call.identifier} closes in 14 days",
        f"{call.identifier} closes in 3 days",
        f"{call.identifier} closes in 1 day",
    ]


def test_a_sweep_run_twice_sends_nothing_twice(call, run_sweep):
    follow(call=call)
    at = brussels(2025, 6, 27, 18, 0)
    first, second = run_sweep(at), run_sweep(at)
    assert len(mail.outbox) == 1
    assert (len(first.queued), second.created, second.queued) == (1, 0, [])


def test_a_late_subscription_gets_only_the_most_recent_reminder(call, run_sweep):
    follow(call=call, confirmed_at=brussels(2025, 6, 28, 9, 0))
    run_sweep(brussels(2025, 6, 28, 9, 15))
    # The 3-day reminder, sent 2 days before: it says how long is really left.
    assert [m.subject for m in mail.outbox] == [f"{call.identifier} closes in 2 days"]
    assert Notification.objects.get(state=Notification.State.SENT).remind_days == 3
    skipped = Notification.objects.get(remind_days=14)
    assert skipped.state == Notification.State.SKIPPED
    assert skipped.last_error


def test_after_a_job_was_down_only_the_most_recent_is_sent(call, run_sweep):
    follow(call=call)
    run_sweep(BEFORE_REMINDERS)
    run_sweep(brussels(2025, 6, 29, 20, 0))
    assert [m.subject for m in mail.outbox] == [f"{call.identifier} closes in 1 day"]
    assert sent_reminders(call) == [1]


def test_a_pending_reminder_is_skipped_when_a_more_recent_one_is_due(
    call, django_capture_on_commit_callbacks
):
    """The 3-day reminder was queued but no worker ran; by the 1-day moment only that goes."""
    import time_machine

    from alerts.tasks import sweep_and_queue

    follow(call=call)
    with (
        time_machine.travel(brussels(2025, 6, 28, 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=False),
    ):
        sweep_and_queue()
    assert Notification.objects.get(remind_days=3).state == Notification.State.PENDING
    with (
        time_machine.travel(brussels(2025, 6, 29, 17, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = sweep_and_queue()
    assert report.skipped == 1
    assert Notification.objects.get(remind_days=3).state == Notification.State.SKIPPED
    assert [m.subject for m in mail.outbox] == [f"{call.identifier} closes in 1 day"]


def test_unconfirmed_subscriptions_get_nothing(call, run_sweep):
    follow(call=call, confirmed_at=None)
    run_sweep(brussels(2025, 6, 29, 17, 0))
    # Only the confirmation it never had (tests/alerts/test_broker_outage.py).
    assert [message.subject for message in mail.outbox] == ["Confirm your e-mail alert"]
    assert not Notification.objects.exists()


def test_followers_of_the_programme_are_reminded_too_and_each_address_once(call, run_sweep):
    follow(call=call, email="both@example.org")
    follow(programme=call.programme, email="both@example.org")
    follow(programme=call.programme, email="programme@example.org")
    elsewhere = CallFactory(deadlines=[brussels(2025, 9, 30, 17)])
    follow(programme=elsewhere.programme, email="other@example.org")
    run_sweep(brussels(2025, 6, 29, 17, 0))
    assert sorted(m.to[0] for m in mail.outbox) == ["both@example.org", "programme@example.org"]


def test_cancelled_and_closed_calls_send_no_reminder(call, run_sweep):
    follow(call=call)
    call.cancelled_at = brussels(2025, 6, 1, 9, 0)
    call.save()
    run_sweep(brussels(2025, 6, 29, 17, 0))
    assert mail.outbox == []


def test_every_deadline_of_a_two_stage_call_is_reminded(run_sweep):
    call = CallFactory(deadlines=[brussels(2025, 6, 30, 17), brussels(2025, 9, 30, 17)])
    follow(call=call)
    run_sweep(brussels(2025, 6, 29, 17, 0))
    run_sweep(brussels(2025, 9, 29, 17, 0))
    assert [m.subject for m in mail.outbox] == [
        f"{call.identifier}: next deadline in 1 day",  # the first stage does not close the call
        f"{call.identifier} closes in 1 day",
    ]
    assert Notification.objects.filter(state=Notification.State.SENT).count() == 2


@pytest.mark.parametrize(
    ("deadline", "shown"),
    [
        (brussels(2025, 3, 31, 17), "Monday 31 March 2025, 17:00 CEST"),
        (brussels(2025, 10, 27, 17), "Monday 27 October 2025, 17:00 CET"),
    ],
)
def test_the_reminder_gives_the_deadline_in_brussels_time_across_the_switch(
    run_sweep, deadline, shown
):
    call = CallFactory(deadlines=[deadline])
    follow(call=call, confirmed_at=brussels(2025, 1, 20, 9, 0))
    run_sweep(reminder_moment(deadline, 3))
    (message,) = mail.outbox
    assert f"Deadline: {shown} (Brussels time)" in message.body


def test_a_reminder_sent_on_the_deadline_day_says_today(call, run_sweep):
    follow(call=call, confirmed_at=brussels(2025, 6, 30, 8, 0))
    run_sweep(brussels(2025, 6, 30, 9, 0))
    (message,) = mail.outbox
    assert message.subject == f"{call.identifier} closes today"
    assert message.body.startswith("This call closes today:")
    assert f"<title>{call.identifier} closes today</title>" in message.alternatives[0][0]


def test_the_list_unsubscribe_header_is_one_plain_line(call, run_sweep):
    follow(call=call)
    run_sweep(brussels(2025, 6, 27, 17, 0))
    raw = mail.outbox[0].message().as_bytes().decode()
    header = next(line for line in raw.splitlines() if line.startswith("List-Unsubscribe:"))
    assert header == f"List-Unsubscribe: {mail.outbox[0].extra_headers['List-Unsubscribe']}"
    assert "=?utf-8?" not in header


def test_the_reminder_email(call, run_sweep):
    follow(call=call)
    run_sweep(brussels(2025, 6, 27, 17, 0))
    (message,) = mail.outbox
    assert message.to == ["applicant@example.org"]
    assert call.identifier in message.subject
    assert call.title in message.body and call.identifier in message.body
    assert "Monday 30 June 2025, 17:00 CEST (Brussels time)" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and call.title in html and "17:00 CEST" in html
    assert message.extra_headers["List-Unsubscribe"].startswith(f"<{SITE_URL}/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The whole message, as it goes over SMTP.
    parsed = message_from_bytes(message.message().as_bytes(), policy=default_policy)
    assert parsed.get_body(("plain",)) and parsed.get_body(("html",))
    assert parsed["Message-ID"].startswith("<notification-")
    (attachment,) = parsed.iter_attachments()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == f"{call.identifier}.ics"
    (event,) = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert event.decoded("dtstart") == DEADLINE


def _parts(message: bytes) -> list:
    """Each part's headers and content, boundaries left out (they are random)."""
    parsed = message_from_bytes(message, policy=default_policy)
    return [
        (
            [(name, value) for name, value in part.items() if "boundary=" not in value],
            None if part.is_multipart() else part.get_content(),
        )
        for part in parsed.walk()
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_reminders_are_written_as_python_would_write_them(call, run_sweep, monkeypatch, language):
    """Header classes made once per name (emails.HeaderClasses), one .ics part for
    everyone reminded of a deadline and messages written from a skeleton
    (emails.Skeleton) change nothing in the messages sent."""
    from email.headerregistry import HeaderRegistry
    from email.policy import SMTP

    from alerts import emails

    call.title = "Lutte contre la traite des êtres humains – appel ciblé"
    call.save()
    for address in ("first@example.org", "second@example.org"):
        follow(call=call, email=address, language=language)
    run_sweep(brussels(2025, 6, 27, 17, 0))
    rows = Notification.objects.filter(state=Notification.State.SENT)
    rows = rows.order_by("subscription__subscriber__email")

    def written() -> list[bytes]:
        return [emails.for_notification(row).message(policy=SMTP).as_bytes() for row in rows]

    with time_machine.travel(brussels(2025, 6, 27, 17, 0), tick=False):
        ours, again = written(), written()
        monkeypatch.setattr(emails, "HEADER_CLASSES", HeaderRegistry())
        monkeypatch.setattr(emails, "_calendars", {})
        monkeypatch.setattr(emails, "_skeletons", {})
        monkeypatch.setattr(emails, "_make_skeleton", lambda message, policy: None)
        pythons = written()
    assert [_parts(m) for m in ours] == [_parts(m) for m in again] == [_parts(m) for m in pythons]
    first, second = (_parts(message) for message in ours)
    assert first != second and first[-1] == second[-1]
    assert "êtres humains" in first[-1][1]


def test_a_body_that_must_be_encoded_is_written_without_a_skeleton():
    """Stand-ins for links cannot be replaced in a base64 body: such a message is written
    by Python's e-mail package, with its own links."""
    from alerts import emails

    link = "https://portal.example.eu/alerts/manage/abc/"
    texts = ("Subject", "ê" * 1000 + emails.MANAGE_LINK, "<p>" + emails.MANAGE_LINK)
    body = texts[1].replace(emails.MANAGE_LINK, link)
    message = emails.AlertEmail(
        subject="Subject", body=body, to=["first@example.org"], headers={"Message-ID": "<n-1@x>"}
    )
    message.attach_alternative(texts[2].replace(emails.MANAGE_LINK, link), "text/html")
    message.same_for_all, message.texts = ("test", 1), texts
    message.links_in = {emails.MANAGE_LINK: link}

    written = message.message()

    assert not isinstance(written, emails.WrittenMessage)
    parsed = message_from_bytes(written.as_bytes(), policy=default_policy)
    assert parsed.get_body(("plain",)).get_content() == body + "\n"
    assert parsed.get_body(("plain",))["Content-Transfer-Encoding"] == "base64"


def test_a_french_subscriber_reads_the_reminder_in_french(call, run_sweep):
    follow(call=call, language="fr")
    run_sweep(brussels(2025, 6, 27, 17, 0))
    (message,) = mail.outbox
    assert message.subject == f"{call.identifier} clôture dans 3 jours"
    assert "lundi 30 juin 2025, 17:00 CEST" in message.body
    assert "/fr/alerts/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_everyone_gets_the_same_reminder_with_links_of_their_own(call, run_sweep, client):
    from alerts import links
    from alerts.models import Subscriber

    for email in ("first@example.org", "second@example.org"):
        follow(call=call, email=email)
    run_sweep(brussels(2025, 6, 27, 17, 0))
    first, second = sorted(mail.outbox, key=lambda message: message.to[0])
    assert first.subject == second.subject
    for message in (first, second):
        subscriber = Subscriber.objects.get(email=message.to[0])
        manage = re.search(r"Manage your subscriptions: \S+/manage/(\S+)/", message.body)
        assert links.subscriber_to_manage(manage.group(1)) == subscriber
        assert manage.group(1) in message.alternatives[0][0]
        unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert f"Stop these e-mails: {unsubscribe}" in message.body
        assert "urn:x-portal" not in message.body + message.alternatives[0][0]
    assert first.extra_headers["List-Unsubscribe"] != second.extra_headers["List-Unsubscribe"]


def test_the_offsets_come_from_the_settings(call, run_sweep, settings):
    settings.ALERTS_REMINDER_DAYS = [7, 2]
    follow(call=call)
    for moment in (
        brussels(2025, 6, 16, 17, 0),
        brussels(2025, 6, 23, 17, 0),
        brussels(2025, 6, 27, 17, 0),
        brussels(2025, 6, 28, 17, 0),
    ):
        run_sweep(moment)
    assert sent_reminders(call) == [2, 7]
