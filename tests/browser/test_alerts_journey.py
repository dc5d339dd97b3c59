"""An applicant asks for reminders on a call page, confirms from the e-mail, reads the
reminder and leaves with one click; the alerts pages pass axe-core on the way."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from alerts.models import Subscriber
from alerts.tasks import sweep_and_queue
from programmes.models import Programme
from tests.browser.test_accessibility import axe_violations, browser_context_args, describe
from tests.conftest import SITE_URL
from tests.factories import CallFactory

__all__ = ["browser_context_args"]  # bypasses the CSP for the injected axe script


def link_in(message, kind: str) -> str:
    return re.search(rf"(http://\S+/alerts/{kind}/\S+/)", message.body).group(1)


def no_axe_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core found on {page.url}:\n{describe(violations)}"


def test_subscribe_confirm_be_reminded_and_leave(site, page: Page, live_server):
    now = timezone.now()
    call = CallFactory(
        programme=Programme.objects.get(slug="amif-2021-2027"),
        identifier="AMIF-2026-AG-ALERTS-01",
        opens_at=now - timedelta(days=10),
        deadlines=[now + timedelta(days=2)],
    )
    page.goto(f"{site}{call.get_absolute_url()}")
    page.get_by_label("Your e-mail address").fill("applicant@example.org")
    page.get_by_role("button", name="Remind me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    no_axe_violations(page)

    (confirmation,) = mail.outbox
    confirm = link_in(confirmation, "confirm").replace(SITE_URL, site)
    page.goto(confirm)
    no_axe_violations(page)
    assert Subscriber.objects.get().subscriptions.get().confirmed_at is None
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscription confirmed")

    sweep_and_queue()
    reminder = mail.outbox[1]
    assert (
        reminder.subject == "AMIF-2026-AG-ALERTS-01 closes in 2 days"
        or reminder.subject.startswith("AMIF-2026-AG-ALERTS-01 closes in")
    )

    page.goto(link_in(reminder, "manage").replace(SITE_URL, site))
    no_axe_violations(page)
    page.goto(link_in(reminder, "unsubscribe").replace(SITE_URL, site))
    no_axe_violations(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribed")
    assert not Subscriber.objects.exists()
