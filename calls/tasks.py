"""Celery tasks of calls: thin, they call the import."""

from contextlib import suppress

from celery import shared_task
from django.conf import settings

from calls.ft.source import SourceError
from calls.ft.sync import import_ft


@shared_task(acks_late=True, ignore_result=True)
def ft_sync() -> None:
    """Import from the EU Funding & Tenders Portal's search API (beat, when FT_SYNC_URL is
    set). The run, failed or not, is recorded as an ImportRun for the admin."""
    if not settings.FT_SYNC_URL:
        return
    with suppress(SourceError):  # recorded on the run as failed; the next run tries again
        import_ft(settings.FT_SYNC_URL)
