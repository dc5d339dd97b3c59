"""Worker tasks treat kept database connections as Django treats them between requests."""

import pytest
from celery.signals import task_prerun

import portal.celery
from alerts.tasks import sweep


@pytest.mark.parametrize(("is_eager", "checked"), [(False, 1), (True, 0)])
def test_each_worker_task_starts_with_old_connections_closed(monkeypatch, is_eager, checked):
    calls = []
    monkeypatch.setattr(portal.celery, "close_old_connections", lambda: calls.append(1))
    sweep.push_request(is_eager=is_eager)
    try:
        task_prerun.send(sender=sweep, task_id="1", task=sweep, args=(), kwargs={})
    finally:
        sweep.pop_request()
    assert len(calls) == checked
