"""The daily bulk extracts: every public call and every initiative as the API represents
them, in JSON Lines and CSV, gzip-compressed, with size and SHA-256 recorded.

Written by a Celery beat task once a day (api/tasks.py) or `manage.py write_extracts`.
Each file is written beside its final name and renamed when complete, so a download
never gets half a file; a second run on the same day replaces that day's files. Rows
are read 500 at a time (a fixed number of queries each, as the API's CSV list), so
memory stays flat whatever the catalogue's size. Extracts older than EXTRACTS_KEEP_DAYS
are deleted, files and rows.
"""

import csv
import gzip
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from datetime import date, timedelta
from itertools import batched
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.call_representation import represented_in_batches
from api.extracts.models import Extract
from api.renderers import COLUMNS as CALL_COLUMNS
from api.renderers import csv_row as call_csv_row
from api.serializers import InitiativeSerializer
from api.views import InitiativeViewSet
from calls.models import Call
from foundation.spreadsheets import spreadsheet_cell

BATCH = 500
INITIATIVE_COLUMNS = list(InitiativeSerializer.Meta.fields)


def extracts_root() -> Path:
    return Path(settings.EXTRACTS_ROOT)


def extracts_write(*, on: date | None = None) -> list[Extract]:
    """Write today's (or `on`'s) extracts and prune the old ones; returns the new rows."""
    on = on or timezone.localdate()
    root = extracts_root()
    root.mkdir(parents=True, exist_ok=True)
    written = [
        *_write_dataset(Extract.Dataset.CALLS, on, _call_rows(), call_csv_row, CALL_COLUMNS),
        *_write_dataset(
            Extract.Dataset.INITIATIVES,
            on,
            _initiative_rows(),
            _initiative_csv_row,
            INITIATIVE_COLUMNS,
        ),
    ]
    extracts_prune(today=on)
    return written


def extracts_prune(*, today: date) -> int:
    """Delete the extracts made before the last EXTRACTS_KEEP_DAYS days; how many."""
    old = Extract.objects.filter(made_on__lte=today - timedelta(days=settings.EXTRACTS_KEEP_DAYS))
    names = list(old.values_list("file_name", flat=True))
    for name in names:
        (extracts_root() / name).unlink(missing_ok=True)
    old.delete()
    return len(names)


def _write_dataset(dataset: str, on: date, rows: Iterable[dict], csv_row, columns) -> list:
    """Both formats of one dataset in one pass over its rows."""
    names = {fmt: f"{dataset}-{on.isoformat()}.{fmt}.gz" for fmt in Extract.Format.values}
    root = extracts_root()
    partial = {fmt: root / f".{name}.partial" for fmt, name in names.items()}
    records = 0
    with ExitStack() as files:
        jsonl, table = (
            files.enter_context(_gzip_text(partial[fmt])) for fmt in Extract.Format.values
        )
        writer = csv.writer(table)
        writer.writerow(columns)
        for row in rows:
            jsonl.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
            writer.writerow(csv_row(row))
            records += 1
    extracts = []
    with transaction.atomic():
        for fmt, name in names.items():
            partial[fmt].replace(root / name)
            extract, _ = Extract.objects.update_or_create(
                dataset=dataset,
                format=fmt,
                made_on=on,
                defaults={"file_name": name, "records": records, **_measure(root / name)},
            )
            extracts.append(extract)
    return extracts


def _gzip_text(path: Path) -> io.TextIOWrapper:
    """A text file written gzip-compressed, without a time stamp in its header (the same
    rows make the same file, and the same SHA-256)."""
    raw = gzip.GzipFile(filename="", mode="wb", fileobj=path.open("wb"), mtime=0)
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


def _measure(path: Path) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def _call_rows() -> Iterator[dict]:
    """Every public call now, as GET /api/v1/calls/<identifier>/ shows it, by identifier."""
    at = timezone.now()
    calls = Call.objects.public(at=at).order_by("identifier")
    yield from represented_in_batches(list(calls.values_list("pk", flat=True)), at)


def _initiative_rows() -> Iterator[dict]:
    initiatives = InitiativeViewSet.queryset
    for batch in _batches(initiatives.order_by("slug"), initiatives):
        yield from (InitiativeSerializer(initiative).data for initiative in batch)


def _batches(rows, loaded_with) -> Iterator[list]:
    """`rows`, in their order, BATCH at a time, each batch read by `loaded_with` by id:
    the ids first, since without server-side cursors iterating over the query itself
    would have the driver hold every row at once (as the API's CSV list)."""
    ids = list(rows.values_list("pk", flat=True))
    for batch in batched(ids, BATCH):
        loaded = loaded_with.filter(pk__in=batch).in_bulk()
        yield [loaded[pk] for pk in batch if pk in loaded]


def _initiative_csv_row(initiative: dict) -> list:
    """An initiative's JSON as CSV cells: lists joined by "; " (named ones by slug)."""
    return [spreadsheet_cell(_cell(initiative[column])) for column in INITIATIVE_COLUMNS]


def _cell(value):
    if isinstance(value, list):
        return "; ".join(item["slug"] if isinstance(item, dict) else str(item) for item in value)
    return value
