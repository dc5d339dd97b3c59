"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live server.

The browser is the system one (`/usr/bin/chromium`, or `$CHROMIUM`); Playwright's own
downloaded browsers are never used, so `playwright install` is not needed.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Run the browser tests after all others (a stable sort keeps each group's order).

    Once Playwright's sync API has started, the test thread counts as running an event loop
    until the end of the session, so Django only allows database access with
    DJANGO_ALLOW_ASYNC_UNSAFE set (see `allow_django_in_playwright_loop`). Running these tests
    last keeps the other tests free of both, e.g. the `check --deploy` subprocess in
    tests/portal/test_settings.py, which fails when that variable is set.
    """
    items.sort(key=lambda item: item.path.is_relative_to(HERE))


@pytest.fixture(scope="session", autouse=True)
def allow_django_in_playwright_loop():
    """Let Django touch the database while Playwright's event loop runs in this thread.

    Set for the browser tests only, from before Playwright starts until the session ends.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Launch the system Chromium, headless, without talking to Google's services."""
    if not Path(CHROMIUM).is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need Chromium, but {CHROMIUM} is not an executable file. "
            "Install Debian's package (apt-get install chromium) "
            "or set CHROMIUM=/path/to/chromium.",
            pytrace=False,
        )
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-gpu",
        ],
        "headless": True,
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs in page.goto() go to the live server.

    This replaces pytest-playwright's own `base_url` fixture (and its `--base-url` option),
    which pytest 9 warns about.
    """
    return live_server.url


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's base URL, with the demo data loaded (flushed after each test)."""
    from portal.demo_loader import load_demo

    load_demo()
    return live_server.url
