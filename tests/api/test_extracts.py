"""The daily bulk extracts: every public call and initiative, JSON Lines and CSV (gzip),
listed at /api/v1/extracts/ with date, size and SHA-256, old ones pruned."""

import csv
import gzip
import hashlib
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from api.extracts.models import Extract
from api.extracts.writer import extracts_write
from api.tasks import write_extracts
from calls.models import Call
from projects.models import Initiative

NOW = datetime(2025, 3, 1, 2, 30, tzinfo=UTC)  # 03:30 Brussels, when beat writes them
TODAY = date(2025, 3, 1)

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def extracts_root(settings, tmp_path):
    settings.EXTRACTS_ROOT = tmp_path / "extracts"
    return settings.EXTRACTS_ROOT


def written(on: datetime = NOW) -> dict[str, Extract]:
    with time_machine.travel(on, tick=False):
        return {extract.file_name: extract for extract in extracts_write()}


def lines(extracts_root, name: str) -> list[str]:
    return gzip.decompress((extracts_root / name).read_bytes()).decode().splitlines()


def test_every_public_call_and_initiative_in_both_formats(api, extracts_root):
    draft = Call.objects.first()
    Call.objects.filter(pk=draft.pk).update(published_at=None)
    extracts = written()
    assert set(extracts) == {
        "calls-2025-03-01.jsonl.gz",
        "calls-2025-03-01.csv.gz",
        "initiatives-2025-03-01.jsonl.gz",
        "initiatives-2025-03-01.csv.gz",
    }
    public = Call.objects.public(at=NOW)
    calls = [json.loads(line) for line in lines(extracts_root, "calls-2025-03-01.jsonl.gz")]
    assert [c["identifier"] for c in calls] == sorted(public.values_list("identifier", flat=True))
    assert draft.identifier not in {c["identifier"] for c in calls}
    with time_machine.travel(NOW, tick=False):
        shown = api.get(reverse("call-detail", args=[calls[0]["identifier"]])).json()
    assert calls[0] == shown
    text = gzip.decompress((extracts_root / "calls-2025-03-01.csv.gz").read_bytes()).decode()
    table = list(csv.reader(io.StringIO(text, newline="")))
    assert table[0][:2] == ["identifier", "code"]
    assert [row[0] for row in table[1:]] == [c["identifier"] for c in calls]
    initiatives = lines(extracts_root, "initiatives-2025-03-01.jsonl.gz")
    assert len(initiatives) == Initiative.objects.count()
    mpf = next(json.loads(line) for line in initiatives if '"slug":"mpf"' in line)
    assert mpf["budget"] == "62550000.00" and len(mpf["countries"]) == 27
    assert extracts["calls-2025-03-01.jsonl.gz"].records == len(calls)


def test_the_list_gives_date_size_and_sha256_of_each_file(api, extracts_root):
    written()
    rows = api.get(reverse("extract-list")).json()["results"]
    assert len(rows) == 4
    for row in rows:
        content = (extracts_root / row["file_name"]).read_bytes()
        assert row["date"] == "2025-03-01"
        assert row["size"] == len(content)
        assert row["sha256"] == hashlib.sha256(content).hexdigest()
        download = api.get(row["url"].removeprefix(settings.SITE_URL))
        assert download.status_code == 200
        assert download["Content-Type"] == "application/gzip"
        assert b"".join(download.streaming_content) == content
        again = api.get(
            row["url"].removeprefix(settings.SITE_URL), HTTP_IF_NONE_MATCH=f'"{row["sha256"]}"'
        )
        assert again.status_code == 304


def test_the_same_data_makes_the_same_file(extracts_root):
    first = {name: e.sha256 for name, e in written().items()}
    second = {name: e.sha256 for name, e in written(NOW + timedelta(hours=1)).items()}
    assert first == second
    assert Extract.objects.count() == 4


def test_extracts_older_than_the_kept_days_are_pruned(extracts_root, settings):
    settings.EXTRACTS_KEEP_DAYS = 7
    for days_ago in (8, 7, 6):
        written(NOW - timedelta(days=days_ago))
    assert Extract.objects.count() == 12
    written()
    kept = sorted({extract.made_on for extract in Extract.objects.all()})
    assert kept == [TODAY - timedelta(days=6), TODAY]
    files = sorted(path.name for path in extracts_root.iterdir())
    assert files == sorted(Extract.objects.values_list("file_name", flat=True))


def test_beat_writes_them_daily_through_the_task(extracts_root):
    assert settings.CELERY_BEAT_SCHEDULE["bulk-extracts"]["task"] == "api.tasks.write_extracts"
    with time_machine.travel(NOW, tick=False):
        write_extracts.delay()
    assert Extract.objects.filter(made_on=TODAY).count() == 4


def test_the_command_writes_them(extracts_root, capsys):
    with time_machine.travel(NOW, tick=False):
        call_command("write_extracts")
    assert "calls-2025-03-01.jsonl.gz" in capsys.readouterr().out


def test_an_unknown_or_missing_file_is_404(api, extracts_root):
    assert api.get("/api/v1/extracts/calls-1999-01-01.csv.gz").status_code == 404
    written()
    (extracts_root / "calls-2025-03-01.csv.gz").unlink()
    assert api.get("/api/v1/extracts/calls-2025-03-01.csv.gz").status_code == 404
    (extracts_root / "secret.txt").write_text("not an extract")  # only files the rows name
    assert api.get("/api/v1/extracts/secret.txt").status_code == 404


def test_the_list_reads_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    written()
    with django_assert_max_num_queries(2):
        assert api.get(reverse("extract-list")).status_code == 200
