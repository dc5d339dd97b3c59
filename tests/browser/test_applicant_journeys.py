"""An applicant's way through the site at a desktop and a phone width: the menu, the
folded filters of /calls/, the CSV of the results, a closed call's next steps, the
footer pages. Screenshots go to the test's temporary directory, to be looked at."""

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

PHONE, DESKTOP = 390, 1280


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=lambda width: f"{width}px")
def test_find_a_closed_call_and_its_next_steps(site, page: Page, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{site}/")
    expect(page.get_by_text("No call is open or announced at the moment.")).to_be_visible()
    menu = page.get_by_text("Menu", exact=True)
    if width == PHONE:
        expect(page.get_by_role("link", name="Calls", exact=True)).to_be_hidden()
        menu.click()
    else:
        expect(menu).to_be_hidden()
    page.get_by_role("link", name="Calls", exact=True).click()

    closed = page.get_by_role("checkbox", name=re.compile("^Closed"))
    if width == PHONE:
        expect(closed).to_be_hidden()  # behind "Filters (0)", the results come first
        page.get_by_text("Filters (0)").click()
    closed.check()
    page.get_by_role("button", name="Show calls").click()
    expect(page.get_by_role("heading", name="9 calls found")).to_be_visible()
    page.screenshot(path=tmp_path / f"calls-{width}.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these results (CSV)").click()
    body = download_info.value.path().read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))) == 9

    page.get_by_role("link", name=re.compile("^Integration and inclusion")).click()
    expect(
        page.get_by_text("This call is closed: submission ended on 16 May 2023.")
    ).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Add the deadlines"))).to_have_count(0)
    expect(page.get_by_text("Integration and Social Cohesion")).to_be_visible()
    page.screenshot(path=tmp_path / f"call-{width}.png", full_page=True)

    page.get_by_role("link", name="Privacy statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy statement")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
