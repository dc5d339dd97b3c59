from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.demo_loader import DEMO_DIR, DemoDataError, load_demo


class Command(BaseCommand):
    help = "Load the demo data from the source pages (portal/demo/*.yaml). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data", type=Path, default=DEMO_DIR, help="Folder of the YAML files to load."
        )

    def handle(self, *args, data: Path, **options):
        try:
            counts = load_demo(data)
        except DemoDataError as error:
            raise CommandError(f"Demo data not loaded, nothing was changed: {error}") from error
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
