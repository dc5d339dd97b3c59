"""An applicant who knows what they want: types an identifier code on the home page and
lands on the call; types words and is told what the filters hide (issue 13)."""

import re

from playwright.sync_api import Page, expect


def test_an_identifier_typed_on_the_home_page_lands_on_the_call(site, page: Page):
    page.goto(f"{site}/")
    page.get_by_label("Search calls by word or identifier code").fill("amif 2024 tf2 ag thb 01")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/calls/AMIF-2024-TF2-AG-THB-01/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Call for proposals on the")


def test_words_matching_closed_calls_link_to_them(site, page: Page):
    page.goto(f"{site}/")
    page.get_by_label("Search calls by word or identifier code").fill("victims trafficking")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="0 calls found")).to_be_visible()
    page.get_by_role("link", name="2 closed calls match: show them").click()
    expect(page.get_by_role("heading", name="2 calls found")).to_be_visible()
