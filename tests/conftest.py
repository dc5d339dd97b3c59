"""Shared fixtures: the demo data from the source pages, and small factories."""

import pytest

from portal.demo_loader import load_demo


@pytest.fixture
def demo(db):
    """The demo data of the five source pages, as `make run` shows it."""
    load_demo()


@pytest.fixture(autouse=True)
def celery_eager():
    """Tasks run in the test process, whatever REDIS_URL says; tests/alerts/test_worker.py
    switches to a real worker on Redis."""
    from portal.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts from an empty cache: what another test cached (a calendar built
    under the same frozen clock) must not answer for it."""
    from django.core.cache import cache

    cache.clear()
