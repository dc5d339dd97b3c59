from django.core.management.base import BaseCommand

from alerts.tasks import sweep_and_queue


class Command(BaseCommand):
    help = (
        "Run the alerts sweep once: create the reminders, notices and digests due now and "
        "queue them (sent at once without REDIS_URL). Celery beat runs the same every 15 minutes."
    )

    def handle(self, *args, **options):
        report = sweep_and_queue()
        self.stdout.write(
            f"{report.created} notification(s) created, {report.skipped} skipped as superseded, "
            f"{len(report.queued)} queued, {len(report.digests)} digest(s) queued."
        )
