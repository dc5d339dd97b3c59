"""An applicant's way through the portal in a real browser, by mouse and by keyboard."""

import re

from playwright.sync_api import Page, expect

SEED_CALL = "AMIF-2024-TF2-AG-THB-01"
SEED_TITLE = (
    "Call for proposals on the assistance, support and integration of third country "
    "national victims of trafficking in human beings"
)


def test_applicant_finds_a_closed_call_and_its_deadline(site, page: Page):
    page.goto(site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calls").click()
    expect(page).to_have_url(re.compile(r"/calls/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Calls for proposals")

    closed = page.get_by_role("checkbox", name="Closed")
    expect(closed).not_to_be_checked()
    closed.check()
    page.get_by_role("button", name="Show calls").click()  # a plain GET form, no script

    expect(page).to_have_url(re.compile(r"[?&]status=closed"))
    expect(page.get_by_role("checkbox", name="Closed")).to_be_checked()
    expect(page.get_by_role("heading", name="9 calls found")).to_be_visible()
    expect(page.locator(".call-list > li")).to_have_count(9)

    page.get_by_role("link", name=SEED_TITLE).click()
    expect(page).to_have_url(re.compile(rf"/calls/{SEED_CALL}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    expect(page.get_by_role("main")).to_contain_text("21 August 2024, 17:00")


def test_the_first_tab_reaches_the_skip_link_which_moves_to_main(site, page: Page):
    page.goto(site + "/")
    skip_link = page.get_by_role("link", name="Skip to main content")

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # shown on focus, not left off-screen

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()

    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    expect(page.locator("main#main :focus")).to_have_count(1)
