"""A national contact point, made with create_ncp, signs in, creates a call, publishes it,
extends its deadline, and applicants see the call and the change on its public page."""

import re
from datetime import datetime, time, timedelta

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from foundation.brussels import BRUSSELS

PASSWORD = "Amif-Nicosia-2026!"


def local(day, hour: int = 17) -> str:
    """A value for a datetime-local field, in Brussels time."""
    return datetime.combine(day, time(hour, 0)).strftime("%Y-%m-%dT%H:%M")


def test_an_ncp_publishes_a_call_and_extends_its_deadline(site, page: Page):
    call_command("create_ncp", username="doris", password=PASSWORD, programme="amif-2021-2027")
    today = timezone.localdate(timezone.now(), BRUSSELS)
    first, extended = today + timedelta(days=60), today + timedelta(days=74)

    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("doris")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/manage/$"))

    page.get_by_role("link", name="New call").first.click()
    page.locator("#id_code").fill("99001")
    page.locator("#id_identifier").fill("AMIF-2026-TF2-AG-DEMO-01")
    page.locator("#id_title").fill("Demonstration call on reception conditions")
    page.get_by_label("Type of action").select_option("AG")
    page.get_by_label("Opening of submission").fill(local(today - timedelta(days=7), 0))
    page.locator("#id_deadlines-0-due_at").fill(local(first))
    page.get_by_label("Publish now").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demonstration call")

    page.get_by_label("New deadline").fill(local(extended))
    page.get_by_role("textbox", name="Reason:", exact=True).fill("More time for applicants")
    page.get_by_role("button", name="Extend the deadline").click()
    expect(page.get_by_role("status")).to_contain_text("The deadline was extended.")

    page.goto(f"{site}/calls/AMIF-2026-TF2-AG-DEMO-01/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Demonstration call on reception conditions"
    )
    sentence = f"Deadline extended from {first:%-d %B %Y} to {extended:%-d %B %Y}"
    expect(page.get_by_text(sentence)).to_be_visible()
    expect(page.get_by_text("More time for applicants")).to_be_visible()
    page.goto(f"{site}/calls/?q=reception+conditions")  # the identifier in full opens the call
    expect(
        page.get_by_role("link", name="Demonstration call on reception conditions")
    ).to_be_visible()
