"""The subscribe forms carry no CSRF token (their pages are kept by a shared cache); the
browser's Origin and Sec-Fetch-Site headers protect the view (foundation/same_origin.py)."""

import pytest
import time_machine
from django.test import Client

from alerts.models import Subscription
from tests.alerts.conftest import BEFORE_REMINDERS

SUBSCRIBE_URL = "/alerts/subscribe/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(BEFORE_REMINDERS, tick=False):
        yield


@pytest.fixture
def browser():
    """A client that checks CSRF as Django does for real requests."""
    return Client(enforce_csrf_checks=True)


def post(browser, call, django_capture_on_commit_callbacks, **headers):
    data = {"email": "applicant@example.org", "call": call.identifier}
    with django_capture_on_commit_callbacks(execute=True):
        return browser.post(SUBSCRIBE_URL, data, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://testserver"},
        {"origin": "http://testserver", "sec-fetch-site": "same-origin"},
        {"sec-fetch-site": "same-origin"},
        {"origin": "null", "sec-fetch-site": "same-origin"},
    ],
)
def test_a_post_from_this_site_subscribes_without_a_token(
    browser, call, django_capture_on_commit_callbacks, headers
):
    page = browser.get(call.get_absolute_url())
    assert "csrfmiddlewaretoken" not in page.text and not page.cookies
    response = post(browser, call, django_capture_on_commit_callbacks, **headers)
    assert response.status_code == 302
    assert Subscription.objects.filter(call=call).count() == 1


def test_a_trusted_origin_may_post(browser, call, django_capture_on_commit_callbacks, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://portal.example.org"]
    response = post(
        browser, call, django_capture_on_commit_callbacks, origin="https://portal.example.org"
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "https://testserver"},  # another scheme is another origin
        {"origin": "https://evil.example", "sec-fetch-site": "same-origin"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "null", "sec-fetch-site": "cross-site"},
        {"origin": "null"},  # nothing said, and no token
        {},
    ],
)
def test_a_post_from_elsewhere_or_unknown_without_a_token_is_refused(
    browser, call, django_capture_on_commit_callbacks, headers
):
    response = post(browser, call, django_capture_on_commit_callbacks, **headers)
    assert response.status_code == 403
    assert not Subscription.objects.exists()


def test_a_browser_that_says_nothing_uses_the_form_page_with_its_token(
    browser, call, django_capture_on_commit_callbacks
):
    """The subscribe page of its own (private, never cached) keeps Django's token."""
    page = browser.get(SUBSCRIBE_URL, {"call": call.identifier})
    assert "no-store" in page["Cache-Control"]
    token = page.context["csrf_token"]
    data = {
        "email": "applicant@example.org",
        "call": call.identifier,
        "csrfmiddlewaretoken": str(token),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(SUBSCRIBE_URL, data)
    assert response.status_code == 302
    assert Subscription.objects.count() == 1
