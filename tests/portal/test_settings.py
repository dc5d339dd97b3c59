"""Settings come from the environment; production refuses to start on a weak set-up."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3Jd9-Xq2mZ7vL0pR4tW8yB1nC6fH5sA0eG3uI9oP2lK7jM4xV"
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "funding.example.eu",
    "SITE_URL": "https://funding.example.eu",
    "EMAIL_URL": "smtp+tls://mailer:secret@mail.example.eu:587",
}


def run(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run Python with the portal's settings under a clean environment plus `env`."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SITE_URL",
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "CONN_MAX_AGE",
            "CONN_HEALTH_CHECKS",
        }
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "portal.settings"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_value(expression: str, **env: str):
    result = run(
        f"import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({expression}, default=str))",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 50}, "SECRET_KEY is the insecure"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must list"),
        ({"SITE_URL": "http://funding.example.eu"}, "SITE_URL must be an https"),
        ({"EMAIL_URL": ""}, "EMAIL_URL must name an SMTP server"),
        ({"EMAIL_URL": "consolemail://"}, "EMAIL_URL must name an SMTP server"),
    ],
)
def test_production_refuses_an_insecure_or_missing_value(change, named):
    result = run("import django; django.setup()", **(PRODUCTION | change))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        # Browser tests need DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy refuses.
        env={k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | PRODUCTION,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_local_defaults_need_no_environment():
    values = settings_value(
        "[settings.DEBUG, settings.DATABASES['default']['ENGINE'], "
        "settings.CACHES['default']['BACKEND'], settings.CELERY_TASK_ALWAYS_EAGER, "
        "settings.MAILERS['default']['BACKEND'], settings.TIME_ZONE, settings.USE_TZ]"
    )
    assert values == [
        True,
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        True,
        "django.core.mail.backends.console.EmailBackend",
        "Europe/Brussels",
        True,
    ]


def test_database_redis_and_email_come_from_urls():
    values = settings_value(
        "[settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'], "
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'], "
        "settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER, settings.MAILERS]",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp+tls://mailer:secret@mail.example.eu:587",
    )
    assert values == [
        "django.db.backends.postgresql",
        "portal",
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/0",
        "redis://127.0.0.1:6379/0",
        False,
        {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "mail.example.eu",
                    "port": 587,
                    "username": "mailer",
                    "password": "secret",
                    "use_tls": True,
                    "timeout": 30,
                },
            }
        },
    ]


CONNECTIONS = "[settings.DATABASES['default'][k] for k in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')]"


def test_production_keeps_database_connections_with_health_checks():
    postgres = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal"}
    assert settings_value(CONNECTIONS, **PRODUCTION, **postgres) == [60, True]
    assert settings_value(CONNECTIONS, **postgres) == [0, True]  # local: one per request
    changed = {"CONN_MAX_AGE": "300", "CONN_HEALTH_CHECKS": "false"}
    assert settings_value(CONNECTIONS, **PRODUCTION, **postgres, **changed) == [300, False]


def test_site_url_is_read_without_a_trailing_slash():
    assert settings_value("settings.SITE_URL", SITE_URL="https://a.example.eu/") == (
        "https://a.example.eu"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ALERTS_REMINDER_DAYS", "14,three,1"),
        ("ALERTS_REMINDER_DAYS", "0"),
        ("ALERTS_DIGEST_HOUR", "24"),
        ("ALERTS_MAX_ATTEMPTS", "0"),
        ("ALERTS_REQUEUE_MINUTES", "soon"),
        ("ALERTS_CLAIM_SECONDS", "1"),
    ],
)
def test_alert_settings_out_of_range_stop_start_up(name, value):
    result = run("import django; django.setup()", **{name: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} must" in result.stderr


def test_reminder_days_come_from_the_environment():
    assert settings_value("settings.ALERTS_REMINDER_DAYS") == [14, 3, 1]
    assert settings_value("settings.ALERTS_REMINDER_DAYS", ALERTS_REMINDER_DAYS="7, 2") == [7, 2]


def test_the_suite_does_not_read_the_site_url_of_the_shell():
    """Tests that build links pass when the shell sets another SITE_URL (SQLite here, so
    that this run does not share the outer run's test database)."""
    tests = [
        "tests/alerts/test_reminders.py::test_the_reminder_email",
        "tests/alerts/test_manage.py::test_every_email_links_to_the_manage_page",
    ]
    outcome = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        | {"SITE_URL": "https://elsewhere.example.org"},
        capture_output=True,
        text=True,
    )
    assert outcome.returncode == 0, outcome.stdout[-3000:]
