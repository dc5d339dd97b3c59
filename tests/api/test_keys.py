"""API keys: Bearer authentication, hashed storage, revocation, last use, the command
and the admin."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from api.models import ApiKey, hash_key
from tests.api.conftest import key_client, make_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/funds/"


def test_only_a_hash_of_the_key_is_stored():
    api_key, secret = ApiKey.issue(name="partner")
    assert secret.startswith("mfp_") and len(secret) >= 40
    assert api_key.key_hash == hash_key(secret) != secret
    assert api_key.prefix == secret[:12]
    assert not ApiKey.objects.filter(key_hash__contains=secret[4:]).exists()


@pytest.mark.parametrize(
    "header",
    ["Bearer mfp_unknown", "Bearer", "Bearer two words", "Bearer caf\u00e9"],
)
def test_a_bad_bearer_token_is_401(api, header):
    response = api.get(URL, HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_other_authorization_schemes_are_anonymous(api):
    assert api.get(URL, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status_code == 200


def test_a_revoked_key_is_401():
    api_key, secret = ApiKey.issue(name="partner")
    assert key_client(secret).get(URL).status_code == 200
    assert ApiKey.objects.filter(pk=api_key.pk).revoke() == 1
    assert key_client(secret).get(URL).status_code == 401


def test_a_key_of_a_disabled_user_is_401():
    _, secret = ApiKey.issue(name="ncp", user=make_user("gone", is_active=False))
    assert key_client(secret).get(URL).status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute():
    api_key, secret = ApiKey.issue(name="partner")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        key_client(secret).get(URL)
        api_key.refresh_from_db()
        assert api_key.last_used_at == start
        clock.shift(timedelta(seconds=30))
        key_client(secret).get(URL)
        api_key.refresh_from_db()
        assert api_key.last_used_at == start
        clock.shift(timedelta(seconds=31))
        key_client(secret).get(URL)
        api_key.refresh_from_db()
        assert api_key.last_used_at == start + timedelta(seconds=61)


def test_the_command_prints_the_key_alone_on_its_last_line():
    make_user("ncp-a")
    out = StringIO()
    call_command("issue_api_key", "--name", "NCP tool", "--user", "ncp-a", stdout=out)
    secret = out.getvalue().splitlines()[-1]
    api_key = ApiKey.objects.get()
    assert (api_key.name, api_key.user.username, api_key.key_hash) == (
        "NCP tool",
        "ncp-a",
        hash_key(secret),
    )
    assert key_client(secret).get(URL).status_code == 200


def test_the_command_without_a_user_makes_a_read_only_key():
    out = StringIO()
    call_command("issue_api_key", "--name", "Researcher", stdout=out)
    assert ApiKey.objects.get().user is None
    assert "read-only" in out.getvalue()


def test_the_command_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("issue_api_key", "--name", "x", "--user", "nobody", stdout=StringIO())


def test_staff_create_a_key_in_the_admin_and_see_it_once(admin_client):
    response = admin_client.post(
        reverse("admin:api_apikey_add"), {"name": "Partner portal", "user": ""}, follow=True
    )
    assert response.status_code == 200
    [secret] = re.findall(r"mfp_[\w-]{43}", response.text)
    assert ApiKey.objects.get().key_hash == hash_key(secret)
    assert key_client(secret).get(URL).status_code == 200
    change = admin_client.get(reverse("admin:api_apikey_change", args=[ApiKey.objects.get().pk]))
    assert secret not in change.text


def test_staff_revoke_keys_with_an_action(admin_client):
    api_key, secret = ApiKey.issue(name="partner")
    response = admin_client.post(
        reverse("admin:api_apikey_changelist"),
        {"action": "revoke", "_selected_action": [api_key.pk]},
        follow=True,
    )
    assert response.status_code == 200
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert key_client(secret).get(URL).status_code == 401


@pytest.mark.parametrize("view", ["changelist", "add"])
def test_the_key_admin_pages_open(admin_client, view):
    ApiKey.issue(name="partner")
    assert admin_client.get(reverse(f"admin:api_apikey_{view}")).status_code == 200
