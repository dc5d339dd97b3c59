"""Shared fixtures: the demo data from the source pages, and small factories."""

import pytest

from portal.demo_loader import load_demo


@pytest.fixture
def demo(db):
    """The demo data of the five source pages, as `make run` shows it."""
    load_demo()
