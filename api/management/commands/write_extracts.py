"""`manage.py write_extracts`: today's bulk extracts now (Celery beat does it daily)."""

from django.core.management.base import BaseCommand

from api.extracts.writer import extracts_write


class Command(BaseCommand):
    help = "Write today's bulk extracts of public calls and initiatives; prune old ones."

    def handle(self, *args, **options):
        for extract in extracts_write():
            self.stdout.write(
                f"{extract.file_name}: {extract.records} records, {extract.size} bytes, "
                f"sha256 {extract.sha256}"
            )
