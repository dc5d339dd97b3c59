"""Shared fixtures: the demo data from the source pages, and small factories."""

import pytest

from portal.demo_loader import load_demo

# The site's address in every test, whatever SITE_URL the shell sets: the test client's
# host, so that links from e-mails and files open with `client.get`.
SITE_URL = "http://testserver"


@pytest.fixture
def demo(db):
    """The demo data of the five source pages, as `make run` shows it."""
    load_demo()


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL
    return SITE_URL


@pytest.fixture(autouse=True)
def celery_eager():
    """Tasks run in the test process, whatever REDIS_URL says; tests/alerts/test_worker.py
    switches to a real worker on Redis."""
    from portal.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
