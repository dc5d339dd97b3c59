"""An applicant searches, opens a call, takes its deadline into a calendar, reads in French."""

import re
from datetime import UTC, datetime

import time_machine
from icalendar import Calendar
from playwright.sync_api import Page, expect


# The day before THB-01's deadline: it is open and offers its calendar (the server runs
# in this process, so the travel moves its clock too).
@time_machine.travel(datetime(2024, 8, 20, 12, tzinfo=UTC))
def test_search_open_a_call_and_download_its_calendar(site, page: Page):
    page.goto(f"{site}/calls/")
    page.get_by_label("Search by word or identifier code").fill("trafficking")
    page.get_by_role("checkbox", name=re.compile("^Closed")).check()
    page.get_by_role("button", name="Show calls").click()
    expect(page).to_have_url(re.compile(r"q=trafficking"))
    expect(page.get_by_role("heading", name="2 calls found")).to_be_visible()
    expect(page.get_by_text("1 day left")).to_be_visible()

    page.get_by_role("link", name=re.compile("^Call for proposals on the assistance")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Call for proposals on the")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add the deadlines to your calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "AMIF-2024-TF2-AG-THB-01.ics"
    [event] = Calendar.from_ical(download.path().read_bytes()).walk("VEVENT")
    assert "AMIF-2024-TF2-AG-THB-01" in str(event["summary"])


def test_switch_to_french_and_back(site, page: Page):
    page.goto(f"{site}/calls/?status=closed")
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/calls/\?status=closed$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Appels à propositions")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/calls/\?status=closed$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_french_browser_gets_french_pages(site, browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(f"{site}/calls/")
    expect(page).to_have_url(re.compile(r"/fr/calls/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Appels à propositions")
    context.close()
