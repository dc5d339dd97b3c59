"""The sync from the F&T search API, against a real HTTP server in the test process: paged
answers, a 500 and a timeout tried again, a topic gone from the source, the beat task."""

import json
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from calls import tasks
from calls.ft.source import Fetching, SourceError
from calls.ft.sync import AUTHOR, import_ft
from calls.models import Call, CallChange, CallStatus, ImportRun
from tests.calls.ft_data import AMIF, amif_topic
from tests.factories import FundFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

QUICK = Fetching(timeout=0.5, attempts=3, backoff=0.01, page_size=10)
SOON = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # the fixture's topics are open


class SearchApi:
    """A stand-in for the search API: `topics` answered a page at a time; `faults`
    maps a page number to what its first answers do ("500", "timeout", "400")."""

    def __init__(self, topics: list[dict]):
        self.topics, self.faults = topics, defaultdict(list)
        self.requests: list[tuple[dict, bytes]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                params = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                api.requests.append((params | {"content-type": self.headers["Content-Type"]}, body))
                number = int(params["pageNumber"])
                fault = api.faults[number].pop(0) if api.faults[number] else None
                if fault == "timeout":
                    time.sleep(QUICK.timeout * 3)
                    return
                if fault:
                    self.send_error(int(fault))
                    return
                start = (number - 1) * int(params["pageSize"])
                page = {
                    "totalResults": len(api.topics),
                    "pageNumber": number,
                    "results": api.topics[start : start + int(params["pageSize"])],
                }
                data = json.dumps(page).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/search-api/prod/rest/search"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def pages_asked(self) -> list[int]:
        return [int(params["pageNumber"]) for params, _body in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def amif():
    return ProgrammeFactory(
        fund=FundFactory(code="AMIF", call_prefix="AMIF"), slug="amif-2021-2027"
    )


@pytest.fixture
def api():
    topics = [amif_topic(f"AMIF-2026-TF2-AG-INTE-{n:03d}") for n in range(1, 26)]
    server = SearchApi(topics)
    yield server
    server.close()


def test_every_page_is_read_through_a_500_and_a_timeout(amif, api):
    api.faults[2] = ["500"]
    api.faults[3] = ["timeout"]
    run = import_ft(api.url, fetching=QUICK)
    assert (run.outcome, run.created, run.skipped) == ("finished", 25, 0)
    assert Call.objects.count() == 25
    assert api.pages_asked() == [1, 2, 2, 3, 3]
    params, body = api.requests[0]
    assert (params["pageSize"], params["apiKey"], params["text"]) == ("10", "SEDIA", "***")
    # The query goes as a multipart part of type application/json, with the portal's funds.
    assert params["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="query"' in body and b"Content-Type: application/json" in body
    assert f'"frameworkProgramme": ["{AMIF}"'.encode() in body


def test_a_page_that_keeps_failing_ends_the_run_as_partial_and_withdraws_nothing(amif, api):
    import_ft(api.url, fetching=QUICK)
    api.topics = api.topics[:15]
    api.faults[2] = ["500"] * QUICK.attempts
    run = import_ft(api.url, fetching=QUICK)
    assert (run.outcome, run.unchanged, run.withdrawn) == ("partial", 10, 0)
    assert "page 2: HTTP 500 after 3 attempts" in run.warnings
    assert not Call.objects.filter(ft_missing_since__isnull=False).exists()


def test_nothing_read_fails_the_command(api):
    api.faults[1] = ["500"] * 5
    with pytest.raises(SourceError):
        import_ft(api.url, fetching=QUICK)
    assert ImportRun.objects.get().outcome == "failed"
    api.faults[1] = ["400"]
    with pytest.raises(CommandError, match="page 1: HTTP 400"):
        call_command("import_ft", api.url)


@time_machine.travel(SOON)
def test_a_topic_gone_from_the_source_is_kept_marked_and_withdrawn_once(amif, api):
    import_ft(api.url, fetching=QUICK)
    gone = api.topics.pop(0)
    run = import_ft(api.url, fetching=QUICK)
    assert (run.withdrawn, run.unchanged) == (1, 24)
    call = Call.objects.get(identifier=gone["metadata"]["identifier"][0])
    assert call.ft_missing_since == run.started_at
    assert call.status == CallStatus.CANCELLED
    change = call.changes.get()
    assert (change.kind, change.made_by.username) == (CallChange.Kind.CANCELLED, AUTHOR)
    assert import_ft(api.url, fetching=QUICK).withdrawn == 0  # marked once
    api.topics.insert(0, gone)
    run = import_ft(api.url, fetching=QUICK)
    call.refresh_from_db()
    assert (run.updated, call.ft_missing_since, call.cancelled_at) == (1, None, None)


def test_the_beat_task_runs_the_import_only_when_a_url_is_set(amif, api):
    with override_settings(FT_SYNC_URL=""):
        tasks.ft_sync.delay()
    assert not ImportRun.objects.exists()
    with override_settings(FT_SYNC_URL=api.url):
        tasks.ft_sync.delay()
    assert ImportRun.objects.get().created == 25


def test_the_beat_schedule_has_the_sync_only_when_a_url_is_set():
    from tests.portal.test_settings import settings_value

    schedule = "sorted(settings.CELERY_BEAT_SCHEDULE)"
    assert "ft-sync" not in settings_value(schedule, FT_SYNC_URL="")
    on = settings_value(
        "settings.CELERY_BEAT_SCHEDULE['ft-sync']", FT_SYNC_URL="https://ft.example/search"
    )
    assert on["task"] == "calls.tasks.ft_sync"
    assert "*/6" in on["schedule"]
