"""docker-compose.yml agrees with the Makefile and the settings (no Docker engine runs here)."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
PORTAL_SERVICES = ["web", "worker", "beat"]


def variables_read_by_settings() -> set[str]:
    source = (ROOT / "portal" / "settings.py").read_text()
    return set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z_]+)\"", source))


def make_recipe(target: str) -> str:
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert match, f"no '{target}' target in the Makefile"
    return match.group(1)


def test_the_stack_has_its_five_services():
    assert set(SERVICES) == {"web", "worker", "beat", "db", "redis"}


@pytest.mark.parametrize("service", PORTAL_SERVICES)
def test_portal_services_set_only_variables_the_settings_read(service):
    environment = set(SERVICES[service]["environment"])
    assert environment <= variables_read_by_settings()
    required_in_production = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"} | {
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
    }
    assert required_in_production <= environment
    assert SERVICES[service]["environment"]["DEBUG"] == "false"


@pytest.mark.parametrize("service", PORTAL_SERVICES)
def test_portal_services_reach_the_database_and_redis_services(service):
    environment = SERVICES[service]["environment"]
    assert "@db:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")
    assert {"db", "redis"} <= set(SERVICES[service]["depends_on"])


def test_web_serves_the_wsgi_application_with_gunicorn():
    module = settings.WSGI_APPLICATION.rsplit(".", 1)[0]
    assert f"gunicorn {module} " in SERVICES["web"]["command"]
    assert "manage.py migrate" in SERVICES["web"]["command"]


def test_worker_and_beat_run_the_celery_app_the_makefile_runs():
    worker_recipe = make_recipe("worker")
    assert "celery -A portal worker" in worker_recipe
    assert "--beat" in worker_recipe
    assert SERVICES["worker"]["command"].startswith("celery -A portal worker")
    assert SERVICES["beat"]["command"].startswith("celery -A portal beat")


def test_env_example_documents_every_variable_the_settings_read():
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert variables_read_by_settings() <= documented
