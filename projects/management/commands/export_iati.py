"""`manage.py export_iati FILE`: every initiative as an IATI 2.03 activity file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.iati.export import (
    IatiNotConfigured,
    NothingToExport,
    activities_document,
    initiatives_to_export,
    report,
)


class Command(BaseCommand):
    help = (
        "Write every initiative as IATI 2.03 activity XML to FILE ('-' for standard output). "
        "Initiatives that cannot make a valid activity are left out and reported; the exit "
        "status is then 1 unless --allow-partial is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the XML; '-' for standard output.")
        parser.add_argument(
            "--allow-partial",
            action="store_true",
            help="Exit with status 0 even if some initiatives were left out.",
        )

    def handle(self, *args, file: str, allow_partial: bool, **options):
        try:
            document, left_out = activities_document(initiatives_to_export())
        except IatiNotConfigured as error:
            raise CommandError(f"The IATI export is not configured: {error}") from error
        except NothingToExport as error:
            raise CommandError(f"No initiative can be exported:\n{error}") from error
        if file == "-":
            self.stdout.write(document.decode(), ending="")
        else:
            _write_atomically(Path(file), document)
        if left_out:
            self.stderr.write(report(left_out))
        if left_out and not allow_partial:
            raise CommandError(f"{len(left_out)} initiative(s) left out of the IATI file.")


def _write_atomically(path: Path, document: bytes) -> None:
    """Write beside the target, then rename: a reader never sees half a file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(document)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CommandError(f"Cannot write {path}: {error}") from error
