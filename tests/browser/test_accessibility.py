"""axe-core on every page type, on a desktop and a phone-sized viewport; no page scrolls
sideways at 320 pixels.

axe-core (tests/browser/vendor/axe.min.js, MPL-2.0) is injected into each page and run
against WCAG 2.0/2.1/2.2 A and AA (2.2 adds target sizes) plus Deque's best practices.
Any violation fails the test with its rule, impact, help text and the first elements it found.
"""

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]

# One URL per page type; add new page types here.
PAGE_TYPES = [
    "/",
    "/calls/",
    "/calls/?status=closed",
    "/calls/AMIF-2024-TF2-AG-THB-01/",
    "/calls/call/AMIF-2023-TF2-AG-CALL/",
    "/programmes/",
    "/programmes/amif-2021-2027/",
    "/calls/?q=trafficking&status=closed",
    "/initiatives/",
    "/initiatives/mpf/",
    "/countries/",
    "/countries/MD/",
    "/regions/",
    "/news/",
    "/news/bomca-central-asian-ngos-border-communities/",
    "/fr/calls/AMIF-2024-TF2-AG-THB-01/",
    "/alerts/subscribe/?programme=amif-2021-2027",
    "/alerts/subscribe/sent/",
    "/accounts/login/",
    "/accounts/password_reset/",
    "/calls/AMIF-1999-NOPE/",  # the 404 page
    "/calls/?closes_after=2025-02-30",  # a form with an error
    "/legal-notice/",
    "/privacy/",
    "/accessibility/",
    "/contact/",
    "/fr/",
]
# Pages of a signed-in national contact point (programme AMIF 2021-2027).
NCP_PAGE_TYPES = [
    "/manage/",
    "/manage/calls/new/",
    "/manage/calls/AMIF-2024-TF2-AG-THB-01/",
    "/manage/calls/AMIF-2024-TF2-AG-THB-01/edit/",
]
NCP_PASSWORD = "Amif-Nicosia-2026!"
VIEWPORT_WIDTHS = [1280, 390]
NARROWEST = 320
VIEWPORT_HEIGHT = 900


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Bypass the site's Content-Security-Policy, which would block the injected axe script."""
    return {**browser_context_args, "bypass_csp": True}


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations."""
    page.add_script_tag(path=AXE_JS)
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(results => results.violations)",
        AXE_TAGS,
    )


def describe(violations: list[dict], shown_targets: int = 3) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        more = len(targets) - shown_targets
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    {', '.join(targets[:shown_targets])}" + (f" and {more} more" if more > 0 else "")
        )
    return "\n".join(lines)


@pytest.mark.parametrize("width", VIEWPORT_WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_page_has_no_axe_violations(site, page: Page, path, width):
    page.set_viewport_size({"width": width, "height": VIEWPORT_HEIGHT})
    response = page.goto(site + path)
    assert response is not None
    assert response.status == (404 if "NOPE" in path else 200)

    violations = axe_violations(page)
    assert not violations, f"axe-core found on {path} at {width}px:\n{describe(violations)}"


def sign_in_as_ncp(site: str, page: Page) -> None:
    from django.core.management import call_command

    call_command("create_ncp", username="doris", password=NCP_PASSWORD, programme="amif-2021-2027")
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("doris")
    page.get_by_label("Password").fill(NCP_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/manage/")


@pytest.mark.parametrize("width", VIEWPORT_WIDTHS, ids=lambda width: f"{width}px")
def test_ncp_pages_have_no_axe_violations(site, page: Page, width):
    page.set_viewport_size({"width": width, "height": VIEWPORT_HEIGHT})
    sign_in_as_ncp(site, page)
    for path in NCP_PAGE_TYPES:
        assert page.goto(site + path).status == 200
        violations = axe_violations(page)
        assert not violations, f"axe-core found on {path} at {width}px:\n{describe(violations)}"


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_no_page_scrolls_sideways_at_320px(site, page: Page):
    page.set_viewport_size({"width": NARROWEST, "height": VIEWPORT_HEIGHT})
    for path in PAGE_TYPES:
        page.goto(site + path)
        assert not scrolls_sideways(page), f"{path} scrolls sideways at {NARROWEST}px"
    sign_in_as_ncp(site, page)
    for path in NCP_PAGE_TYPES:
        page.goto(site + path)
        assert not scrolls_sideways(page), f"{path} scrolls sideways at {NARROWEST}px"


def test_stylesheet_is_applied(site, page: Page):
    """The contrast checks above only mean something if the stylesheet loaded."""
    page.goto(site + "/")
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert background == "rgb(0, 68, 148)"  # --colour-primary, not the default transparent


@pytest.mark.parametrize("width", VIEWPORT_WIDTHS, ids=lambda width: f"{width}px")
def test_an_imported_topic_page_has_no_axe_violations(site, page: Page, tmp_path, width):
    """A topic from F&T: source and Apply links, budget table, grant size, sibling topics."""
    from django.core.management import call_command

    from tests.calls.ft_data import amif_topic, answer_file, budget_overview

    line = {
        "action": "AMIF-2026-TF2-AG-INTE-01 - AMIF-PJG AMIF Project Grants",
        "budgetYearMap": {"2026": "3000000", "2027": "1000000"},
        "expectedGrants": 4,
        "minContribution": 500000,
        "maxContribution": 1000000,
    }
    topics = [
        amif_topic(
            budgetOverview=budget_overview(line), deadlineDate="2030-09-15T00:00:00.000+0000"
        ),
        amif_topic("AMIF-2026-TF2-AG-INTE-02", deadlineDate="2030-09-15T00:00:00.000+0000"),
    ]
    call_command("import_ft", answer_file(tmp_path, *topics), stdout=io.StringIO())
    page.set_viewport_size({"width": width, "height": VIEWPORT_HEIGHT})
    for path in ("/calls/AMIF-2026-TF2-AG-INTE-01/", "/calls/call/AMIF-2026-TF2-AG/"):
        assert page.goto(site + path).status == 200
        violations = axe_violations(page)
        assert not violations, f"axe-core found on {path} at {width}px:\n{describe(violations)}"
        if width <= 360:
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
