"""The OpenAPI schema (/api/schema/), schemathesis against it, and the docs page (/api/docs/).

schemathesis reads the schema from the portal itself (in-process, through Django's
WSGI application) and sends what it generates from it to every operation: the demo
data's examples and random values, anonymously and with an NCP's key. It fails on any
server error and on any answer the schema does not describe (status, content type,
headers, body).
"""

import contextlib
import itertools
import os
import re
import subprocess
from datetime import timedelta

import pytest
import schemathesis
import yaml
from django.contrib.staticfiles import finders
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework import serializers

from api.models import ApiKey
from calls.models import FT_OWNED_FIELDS
from programmes.validators import IDENTIFIER_PATTERN
from tests.api.conftest import ncp_of

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless, no Google services; console messages (CSP reports) on stderr; time to run.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=10000",
]


@pytest.fixture
def openapi(api, db) -> dict:
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def operations(openapi: dict):
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_schema_is_valid_openapi_3_in_yaml_and_json(api, openapi):
    validate_schema(openapi)
    assert openapi["openapi"].startswith("3.")
    as_yaml = api.get("/api/schema/")
    assert yaml.safe_load(as_yaml.content) == openapi


def test_every_resource_has_a_list_and_a_detail(openapi):
    keys = {
        "funds": "code",
        "programmes": "slug",
        "calls": "identifier",
        "initiatives": "slug",
        "countries": "code",
        "regions": "slug",
        "news": "slug",
        "contact-points": "slug",
    }
    expected = {f"/api/v1/{name}/" for name in keys} | {
        f"/api/v1/{name}/{{{key}}}/" for name, key in keys.items()
    }
    expected |= {  # the partners' webhooks (tests/api/test_webhooks.py)
        "/api/v1/webhooks/endpoints/",
        "/api/v1/webhooks/endpoints/{id}/",
        "/api/v1/webhooks/deliveries/",
        "/api/v1/webhooks/deliveries/{id}/",
        "/api/v1/webhooks/deliveries/{id}/redeliver/",
        "/api/v1/extracts/",
        "/api/v1/extracts/{file_name}/",  # tests/api/test_extracts.py
    }
    assert set(openapi["paths"]) == expected
    assert set(openapi["paths"]["/api/v1/calls/"]) == {"get", "post"}
    assert set(openapi["paths"]["/api/v1/calls/{identifier}/"]) == {"get", "patch"}


def test_every_operation_describes_its_answers_and_headers(openapi):
    for path, method, operation in operations(openapi):
        answers = operation["responses"]
        assert {"401", "429", "503"} <= set(answers), (path, method)
        assert "Retry-After" in answers["429"]["headers"]
        assert operation["summary"]
        if method == "get":
            assert {"200", "304"} <= set(answers), path
            assert {"ETag", "Last-Modified"} <= set(answers["200"]["headers"])
            names = {p["name"] for p in operation["parameters"]}
            assert {"If-None-Match", "If-Modified-Since"} <= names
            assert "404" in answers
        else:
            assert {"400", "403"} <= set(answers), (path, method)
        for code, answer in answers.items():
            assert answer["description"] or code.startswith("2"), (path, method, code)


def test_every_filter_is_a_documented_parameter(openapi):
    def parameters(path):
        return {p["name"] for p in openapi["paths"][path]["get"]["parameters"]}

    assert {
        "q",
        "status",
        "fund",
        "programme",
        "eligible",
        "theme",
        "closes_after",
        "closes_before",
        "updated_since",
        "ordering",
        "cursor",
        "page_size",
        "format",
    } <= parameters("/api/v1/calls/")
    assert {"country", "fund", "theme"} <= parameters("/api/v1/initiatives/")
    assert {"initiative", "country", "published_after", "published_before"} <= parameters(
        "/api/v1/news/"
    )
    list_200 = openapi["paths"]["/api/v1/calls/"]["get"]["responses"]["200"]["content"]
    assert set(list_200) == {"application/json", "text/csv"}


def test_the_patch_conflict_and_errors_are_described(openapi):
    patch = openapi["paths"]["/api/v1/calls/{identifier}/"]["patch"]
    conflict = patch["responses"]["409"]["content"]["application/json"]["schema"]
    assert {"version", "changes", "changed_by"} <= set(conflict["properties"])
    errors = patch["responses"]["400"]["content"]["application/json"]["schema"]
    assert errors["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


def test_the_schema_states_what_the_filters_accept(openapi):
    def schema_of(path, name):
        parameters = openapi["paths"][path]["get"]["parameters"]
        return next(p["schema"] for p in parameters if p["name"] == name)

    calls = "/api/v1/calls/"
    assert schema_of(calls, "fund")["minLength"] == 1
    assert schema_of(calls, "programme")["pattern"] == "^[-a-zA-Z0-9_]+$"
    assert schema_of(calls, "q")["minLength"] == 1
    assert schema_of("/api/v1/initiatives/", "country")["pattern"] == "^[A-Z]{2}$"
    assert schema_of("/api/v1/news/", "country")["pattern"] == "^[A-Z]{2}$"
    ordering = schema_of(calls, "ordering")["enum"]
    assert {"closes_at", "-closes_at"} <= set(ordering)
    assert "last_deadline" not in ordering
    identifier = openapi["components"]["schemas"]["CallWriteRequest"]["properties"]["identifier"]
    assert identifier["pattern"] == IDENTIFIER_PATTERN


# --- schemathesis --------------------------------------------------------------------


# Loaded once, at collection, from the portal in-process (no database needed). Hypothesis
# runs each operation's examples inside one test, so its database is the test's.
portal_schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
portal_schema.config.generation.update(modes=["positive", "negative"], max_examples=25)
# Hypothesis replays the same examples on every run: the suite is deterministic.
portal_schema.config.seed = 20261130


# The demo programme whose NCP the writes' key belongs to.
NCP_PROGRAMME = "amif-2021-2027"
_fresh = itertools.count(1)
_moment = serializers.DateTimeField()


def follow_business_rules(case) -> None:
    """A write the schema allows, made to follow the rules no JSON schema can state, so that
    `positive_data_acceptance` holds it to being accepted (docs/api.md, "Business rules"):
    the programme is the key's; the identifier starts with the fund's prefix (and a topic's
    with its parent's) and is new, as is the code; deadlines come after the opening; a
    publication is not in the past; participant types and themes exist; a call is cancelled
    once, and an F&T topic keeps what F&T gives; a webhook endpoint's host resolves. Every
    other value is the generated one; bodies generated to break the schema are left as
    they are. Applied just before the request (in the test, and the state machine's
    `before_call`), when the database is there to ask."""
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if not positive or case.method not in ("POST", "PATCH") or not isinstance(case.body, dict):
        return
    if case.path.startswith("/api/v1/calls/"):
        _follow_business_rules(case.body, _stored_call(case))
    elif "url" in case.body:  # a webhook endpoint's host must resolve (to a public address)
        case.body["url"] = "http://127.0.0.1:9/hook"


def _stored_call(case):
    from calls.models import Call

    if case.method != "PATCH":
        return None
    identifier = (case.path_parameters or {}).get("identifier")
    return Call.objects.filter(identifier=identifier).select_related("programme__fund").first()


def _follow_business_rules(body: dict, call) -> None:
    from programmes.models import Programme

    if call is not None and call.source == "ft":
        for name in [*FT_OWNED_FIELDS, "deadlines", "cancellation_reason"]:
            body.pop(name, None)
    if "programme" in body or call is None:
        body["programme"] = NCP_PROGRAMME
    programme = Programme.objects.select_related("fund").get(slug=NCP_PROGRAMME)
    if {"identifier", "parent_identifier", "programme"} & set(body):
        _fresh_identifier(body, programme.fund.call_prefix, call)
    if body.get("code") is not None:
        body["code"] = 800_000 + next(_fresh)
    _deadlines_after_opening(body, call)
    published = _parsed(body.get("published_at"))
    if published is not None and published < timezone.now():
        body["published_at"] = (timezone.now() + timedelta(hours=1)).isoformat()
    if call is not None and call.cancelled_at is not None:
        body.pop("cancellation_reason", None)
    for name, model in (("eligible", "ParticipantType"), ("themes", "Theme")):
        if body.get(name):
            body[name] = _known_slugs(model, body[name])


def _fresh_identifier(body: dict, prefix: str, call) -> None:
    number = next(_fresh)
    parent = body.get("parent_identifier", call.parent_identifier if call else "")
    if parent:
        body["parent_identifier"] = f"{prefix}-P{number}"
        body["identifier"] = f"{prefix}-P{number}-T{number}"
    else:
        body["identifier"] = f"{prefix}-F{number}"


def _deadlines_after_opening(body: dict, call) -> None:
    opens_at = _parsed(body["opens_at"]) if "opens_at" in body else getattr(call, "opens_at", None)
    if "deadlines" in body:
        dues = [_parsed(deadline.get("due_at")) for deadline in body["deadlines"]]
    else:
        dues = [deadline.due_at for deadline in call.deadlines.all()] if call else []
    if not dues or None in dues:
        return  # nothing to correct, or a value the API refuses by the schema's rules
    if len(set(dues)) < len(dues):  # one deadline per moment
        _distinct_moments(body["deadlines"], min(dues))
        dues = [_parsed(deadline["due_at"]) for deadline in body["deadlines"]]
    if opens_at is None or min(dues) > opens_at:
        return
    if "opens_at" in body and min(dues).year > 1:
        body["opens_at"] = (min(dues) - timedelta(days=1)).isoformat()
    elif "deadlines" in body and opens_at.year < 9999:
        for day, deadline in enumerate(body["deadlines"], start=1):
            deadline["due_at"] = (opens_at + timedelta(minutes=day)).isoformat()
            deadline.pop("id", None)
    else:
        body.pop("opens_at", None)


def _distinct_moments(deadlines: list, first) -> None:
    with contextlib.suppress(OverflowError):  # the last minutes of 9999 are left as they are
        for minutes, deadline in enumerate(deadlines):
            deadline["due_at"] = (first + timedelta(minutes=minutes)).isoformat()


def _parsed(text):
    """A date-time the API reads, as it reads it; None for none or one it cannot read."""
    try:
        return None if text is None else _moment.to_internal_value(text)
    except (serializers.ValidationError, TypeError):
        return None


def _known_slugs(model_name: str, slugs: list) -> list[str]:
    from programmes import models

    known = list(getattr(models, model_name).objects.values_list("slug", flat=True))
    return [known[hash(slug) % len(known)] for slug in slugs]


@pytest.fixture
def same_connection_for_requests():
    """Requests through the WSGI handler close the database connection when they end,
    which would end the test's transaction on PostgreSQL; Django's test client
    disconnects the same signal handlers while it runs."""
    handlers = [signals.request_started, signals.request_finished]
    for signal in handlers:
        signal.disconnect(close_old_connections)
    yield
    for signal in handlers:
        signal.connect(close_old_connections)


@pytest.fixture
def ncp_key(demo, settings, same_connection_for_requests) -> str:
    from programmes.models import Programme

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis's host
    settings.WEBHOOKS_ALLOW_LOOPBACK = True  # endpoints on this machine (follow_business_rules)
    user = ncp_of(Programme.objects.get(slug="amif-2021-2027"), "fuzzing-ncp")
    return ApiKey.issue(name="fuzzing", user=user)[1]


@portal_schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(case, ncp_key):
    """Every check of schemathesis: reads anonymously; writes with the key of an NCP of the
    demo programme, their bodies following the business rules (`follow_business_rules`)."""
    if case.method == "GET":
        case.call_and_validate()
        return
    follow_business_rules(case)
    case.call_and_validate(headers={"Authorization": f"Bearer {ncp_key}"})


# --- the docs page ---------------------------------------------------------------------


def test_the_docs_page_uses_this_sites_files_only(api, db, settings):
    page = api.get("/api/docs/")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(src.startswith("/") for src in sources), sources
    assert "<script>" not in page.text and "<style>" not in page.text  # nothing inline
    script = api.get("/api/docs/", {"script": ""})
    assert script["Content-Type"] == "application/javascript"
    assert "/api/schema/" in script.text
    for src in sources:
        if src.startswith(settings.STATIC_URL):
            assert finders.find(src.removeprefix(settings.STATIC_URL)), src


@pytest.mark.browser
@pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="needs Chromium (see README)")
def test_the_docs_page_renders_in_chromium_under_the_csp(live_server, transactional_db):
    """Headless Chromium loads /api/docs/ with the site's Content-Security-Policy: Swagger UI
    must draw every operation, and the browser must report no blocked script or style."""
    result = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, "--dump-dom", f"{live_server.url}/api/docs/"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    paths = set(re.findall(r'class="opblock-summary-path" data-path="([^"]+)"', result.stdout))
    assert "/api/v1/calls/{identifier}/" in paths, result.stdout[-2000:] + result.stderr[-2000:]
    assert len(paths) == 23
    violations = [line for line in result.stderr.splitlines() if "Content Security Policy" in line]
    assert violations == []


def test_schemathesis_follows_the_links_between_operations(ncp_key):
    """Stateful: sequences of calls where one answer feeds the next (links schemathesis
    infers, such as a created call's `identifier` to read and change it), with every check
    (writes as in the test above)."""
    machine = portal_schema.as_state_machine()

    class Portal(machine):
        def before_call(self, case):
            follow_business_rules(case)

        def get_call_kwargs(self, case):
            if case.method == "GET":
                return {}
            return {"headers": {"Authorization": f"Bearer {ncp_key}"}}

    assert machine.bundles, "schemathesis found links between the operations"
    Portal.run(
        settings=hypothesis_settings(
            max_examples=15,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
