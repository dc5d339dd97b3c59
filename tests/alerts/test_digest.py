"""New calls matching a followed programme or a saved search: one digest a day per address."""

from datetime import date

from django.core import mail

from alerts.models import Notification
from foundation.brussels import deadline_on
from tests.alerts.conftest import follow
from tests.alerts.test_reminders import brussels
from tests.factories import CallFactory

CONFIRMED = brussels(2025, 6, 1, 9, 0)


def new_call(programme, title: str, published_at, **kwargs):
    return CallFactory(
        programme=programme,
        title=title,
        published_at=published_at,
        deadlines=[deadline_on(date(2025, 9, 30))],
        **kwargs,
    )


def test_one_digest_a_day_lists_new_calls_of_programmes_and_searches(call, run_sweep):
    follow(programme=call.programme, confirmed_at=CONFIRMED)
    follow(search="?q=trafficking", confirmed_at=CONFIRMED)
    follow(search="?q=integration", confirmed_at=CONFIRMED, email="other@example.org")
    elsewhere = CallFactory(deadlines=[deadline_on(date(2025, 9, 30))]).programme
    at_night = [brussels(2025, 6, 10, hour) for hour in (1, 2, 3, 4)]
    in_programme = new_call(call.programme, "Support to local integration", at_night[0])
    matching = new_call(elsewhere, "Fighting trafficking in human beings", at_night[1])
    both = new_call(call.programme, "Trafficking: victim support", at_night[2])
    new_call(elsewhere, "Border equipment", at_night[3])

    run_sweep(brussels(2025, 6, 10, 7, 45))  # before the digest hour
    assert mail.outbox == []
    run_sweep(brussels(2025, 6, 10, 8, 0))
    run_sweep(brussels(2025, 6, 10, 12, 0))
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["applicant@example.org", "other@example.org"]
    digest = by_address["applicant@example.org"]
    assert digest.subject == "3 new calls for proposals"
    for listed in (in_programme, matching, both):
        assert listed.identifier in digest.body
        assert listed.title in digest.alternatives[0][0]
    assert digest.body.count(f"Identifier: {both.identifier}") == 1
    assert "Border equipment" not in digest.body
    assert by_address["other@example.org"].subject == "1 new call for proposals"
    assert "List-Unsubscribe" in digest.extra_headers
    assert not Notification.objects.filter(state=Notification.State.PENDING).exists()


def test_the_next_new_call_waits_for_the_next_day(call, run_sweep):
    follow(programme=call.programme, confirmed_at=CONFIRMED)
    new_call(call.programme, "First", brussels(2025, 6, 10, 12))
    run_sweep(brussels(2025, 6, 10, 12, 15))
    new_call(call.programme, "Second", brussels(2025, 6, 10, 16))
    run_sweep(brussels(2025, 6, 10, 16, 15))
    run_sweep(brussels(2025, 6, 11, 8, 0))
    assert [m.subject for m in mail.outbox] == ["1 new call for proposals"] * 2


def test_calls_published_before_the_subscription_are_not_new(call, run_sweep):
    new_call(call.programme, "Older", brussels(2025, 5, 30, 12))
    follow(programme=call.programme, confirmed_at=CONFIRMED)
    run_sweep(brussels(2025, 6, 1, 12, 0))
    assert mail.outbox == []


def test_drafts_and_scheduled_calls_are_not_announced_before_publication(call, run_sweep):
    follow(programme=call.programme, confirmed_at=CONFIRMED)
    new_call(call.programme, "Draft", None)
    scheduled = new_call(call.programme, "Scheduled", brussels(2025, 6, 20, 9))
    run_sweep(brussels(2025, 6, 10, 9, 0))
    assert mail.outbox == []
    run_sweep(brussels(2025, 6, 20, 9, 15))
    (digest,) = [m for m in mail.outbox if "new call" in m.subject]
    assert scheduled.identifier in digest.body and "Draft" not in digest.body


def test_planning_new_calls_takes_as_many_queries_for_many_followers_as_for_one(call, run_sweep):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    new_call(call.programme, "First", brussels(2025, 6, 10, 1))
    new_call(call.programme, "Second", brussels(2025, 6, 10, 2))
    queries = []
    for first, last in ((0, 1), (1, 21)):
        for number in range(first, last):
            follow(
                programme=call.programme,
                confirmed_at=CONFIRMED,
                email=f"follower-{number}@example.org",
            )
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            run_sweep(brussels(2025, 6, 10, 7, 0))  # before the digest hour: nothing sent
        queries.append(len(captured))
    assert Notification.objects.filter(kind=Notification.Kind.NEW_CALL).count() == 2 * 21
    assert queries[0] == queries[1]
