"""python manage.py import_ft SOURCE [--all-programmes]"""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from calls.ft.source import SourceError
from calls.ft.sync import import_ft


class Command(BaseCommand):
    help = (
        "Import the topics of the EU Funding & Tenders Portal from SOURCE, a JSON file of "
        "its search API's answer or the search API's URL. Exits non-zero only when nothing "
        "could be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="A JSON file, or the search API's http(s) URL.")
        parser.add_argument(
            "--all-programmes",
            action="store_true",
            help="Every F&T programme, not only the portal's funds (settings.FT_PROGRAMMES).",
        )

    def handle(self, *args, source: str, all_programmes: bool, **options):
        # A bar in a terminal; nothing in a log or a pipe.
        with tqdm(unit=" topics", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
            try:
                run = import_ft(source, all_programmes=all_programmes, progress=bar)
            except SourceError as error:
                raise CommandError(f"Nothing could be read: {error}") from None
        for warning in run.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            f"created {run.created}, updated {run.updated}, unchanged {run.unchanged}, "
            f"skipped {run.skipped}, withdrawn {run.withdrawn}, warnings {len(run.warnings)}"
        )
