"""The embedded default (`make run`: no broker, no beat, Celery tasks run at once): the
sweep runs after each recorded change to a call, once its transaction commits.

Without it, notices of a moved deadline or a cancellation, and digests of new calls,
waited for someone to run `send_reminders`. With a broker, Celery beat runs the sweep
every 15 minutes and this stays off (ALERTS_SWEEP_ON_CHANGE, default: on when tasks run
at once). It hangs on `CallChange`, which calls/services.py records for every change
applicants are told about (publication, deadlines added, moved or removed,
cancellation), so every door that changes a call is covered; calls/ does not know alerts/.
"""

import logging

from django.conf import settings
from django.db import transaction

from alerts import tasks

logger = logging.getLogger(__name__)


def sweep_after_call_change(sender, instance, created: bool, **kwargs) -> None:
    """post_save of CallChange: queue the sweep (run at once, in eager mode) on commit."""
    if created and settings.ALERTS_SWEEP_ON_CHANGE:
        transaction.on_commit(_sweep)


def _sweep() -> None:
    """The sweep in the request that made the change: a failure is logged, not shown to
    the editor, whose change is saved (the next run catches up)."""
    try:
        tasks.sweep.delay()
    except Exception:
        logger.exception("The sweep after a change to a call failed")
