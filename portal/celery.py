"""The Celery app. Configuration comes from Django settings (the CELERY_ names)."""

import os

from celery import Celery
from celery.signals import task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def kept_connections_checked(sender=None, **kwargs) -> None:
    """Before each task in a worker, what Django does before each request: close a
    connection older than CONN_MAX_AGE or broken by an error, and check a kept one
    before its first query (CONN_HEALTH_CHECKS). Celery sends no request signals, and
    with CELERY_DB_REUSE_MAX it closes connections only every thousand tasks, so a
    restarted database would fail every task until then. Tasks run at once in the web
    process (no broker) are left alone: they are inside the request's connection."""
    if not getattr(sender.request, "is_eager", False):
        close_old_connections()
