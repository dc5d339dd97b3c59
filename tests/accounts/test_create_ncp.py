"""`manage.py create_ncp` and `programmes.services.ncp_grant`: accounts for national
contact points, atomic and idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from programmes.models import ContactPoint, Programme

AMIF = "amif-2021-2027"
CYPRUS = "cy-ministry-of-interior"
PASSWORD = "Nicosia harbour at dawn"
Membership = ContactPoint.members.through
User = get_user_model()


def create_ncp(*args: str) -> str:
    out = StringIO()
    call_command("create_ncp", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int]:
    return User.objects.count(), Membership.objects.count()


def test_creates_a_user_who_can_sign_in_and_manages_the_programme(demo, client):
    output = create_ncp(
        "--username",
        "doris",
        "--password",
        PASSWORD,
        "--programme",
        AMIF,
        "--email",
        "doris@example.org",
    )
    assert 'Created user "doris"' in output

    user = User.objects.get(username="doris")
    assert user.email == "doris@example.org"
    assert not user.is_staff and not user.is_superuser and user.is_active
    assert user.password.startswith("argon2")
    assert list(user.contact_points.values_list("slug", flat=True)) == [CYPRUS]
    assert list(Programme.objects.managed_by(user).values_list("slug", flat=True)) == [AMIF]

    response = client.post(reverse("login"), {"username": "doris", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("manage_home")


def test_running_it_twice_changes_nothing(demo):
    args = ["--username", "doris", "--password", PASSWORD, "--programme", AMIF]
    create_ncp(*args)
    before = counts()
    password_hash = User.objects.get(username="doris").password

    output = create_ncp(*args)

    assert counts() == before
    assert "already belongs" in output and "nothing changed" in output
    assert "password was left unchanged" in output and "changepassword doris" in output
    assert User.objects.get(username="doris").password == password_hash


def test_an_existing_user_keeps_their_password_and_gains_a_programme(demo):
    create_ncp("--username", "doris", "--password", PASSWORD, "--programme", AMIF)
    other = Programme.objects.create(
        fund=Programme.objects.get(slug=AMIF).fund, title="Other programme", slug="other"
    )
    malta = ContactPoint.objects.create(
        slug="mt-home-affairs", level="national", name="Home Affairs", country="MT"
    )
    other.contact_points.add(malta)
    users_before, memberships_before = counts()

    output = create_ncp("--username", "doris", "--programme", "other")

    assert "now also belongs" in output
    assert counts() == (users_before, memberships_before + 1)
    user = User.objects.get(username="doris")
    assert set(user.contact_points.values_list("slug", flat=True)) == {CYPRUS, "mt-home-affairs"}
    assert set(Programme.objects.managed_by(user).values_list("slug", flat=True)) == {AMIF, "other"}
    assert user.check_password(PASSWORD)


def test_an_existing_user_is_not_made_staff_and_keeps_their_password(demo):
    user = User.objects.create_user("christina", password=PASSWORD)
    output = create_ncp(
        "--username", "christina", "--password", "some other passphrase", "--programme", AMIF
    )
    assert "now also belongs" in output and "password was left unchanged" in output
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.is_staff
    assert user.contact_points.filter(slug=CYPRUS).exists()


def test_unknown_programme_is_refused_and_nothing_is_created(demo):
    before = counts()
    with pytest.raises(CommandError, match='No programme with slug "nope"'):
        create_ncp("--username", "doris", "--password", PASSWORD, "--programme", "nope")
    assert counts() == before
    assert not User.objects.filter(username="doris").exists()


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "too short"),
        ("password123", "too common"),
        ("84629175302", "entirely numeric"),
        ("doris-the-ncp", "too similar to the username"),
    ],
)
def test_a_weak_password_is_refused_and_nothing_is_created(demo, password, problem):
    before = counts()
    with pytest.raises(CommandError, match=problem) as raised:
        create_ncp("--username", "doris-the-ncp", "--password", password, "--programme", AMIF)
    assert "Nothing was changed" in str(raised.value)
    assert counts() == before


def test_a_new_user_needs_a_password(demo):
    before = counts()
    with pytest.raises(CommandError, match="A password is needed"):
        create_ncp("--username", "doris", "--programme", AMIF)
    assert counts() == before


def test_a_username_differing_only_in_case_is_refused(demo):
    User.objects.create_user("Doris", password=PASSWORD)
    before = counts()
    with pytest.raises(CommandError, match='A user "Doris" already exists'):
        create_ncp("--username", "doris", "--password", PASSWORD, "--programme", AMIF)
    assert counts() == before


def test_several_national_contact_points_need_a_choice(demo):
    ContactPoint.objects.create(
        slug="cy-deputy-ministry", level="national", name="Deputy Ministry", country="CY"
    ).programmes.add(Programme.objects.get(slug=AMIF))
    before = counts()

    with pytest.raises(CommandError) as raised:
        create_ncp("--username", "doris", "--password", PASSWORD, "--programme", AMIF)
    message = str(raised.value)
    assert "several national contact points" in message
    assert "cy-deputy-ministry" in message and CYPRUS in message
    assert "--contact-point" in message
    assert counts() == before

    create_ncp(
        "--username",
        "doris",
        "--password",
        PASSWORD,
        "--programme",
        AMIF,
        "--contact-point",
        "cy-deputy-ministry",
    )
    user = User.objects.get(username="doris")
    assert list(user.contact_points.values_list("slug", flat=True)) == ["cy-deputy-ministry"]


def test_a_contact_point_not_of_the_programme_is_refused(demo):
    ContactPoint.objects.create(
        slug="mt-home-affairs", level="national", name="Home Affairs", country="MT"
    )
    before = counts()
    with pytest.raises(CommandError, match="is not one of programme") as raised:
        create_ncp(
            "--username",
            "doris",
            "--password",
            PASSWORD,
            "--programme",
            AMIF,
            "--contact-point",
            "mt-home-affairs",
        )
    assert CYPRUS in str(raised.value)
    with pytest.raises(CommandError, match='No contact point with slug "nope"'):
        create_ncp(
            "--username",
            "doris",
            "--password",
            PASSWORD,
            "--programme",
            AMIF,
            "--contact-point",
            "nope",
        )
    assert counts() == before


def test_a_programme_without_national_contact_point_is_explained(demo):
    programme = Programme.objects.get(slug=AMIF)
    programme.contact_points.remove(ContactPoint.objects.get(slug=CYPRUS))
    before = counts()
    with pytest.raises(CommandError, match="has no national contact point") as raised:
        create_ncp("--username", "doris", "--password", PASSWORD, "--programme", AMIF)
    assert "admin" in str(raised.value)
    assert counts() == before


def test_errors_exit_with_a_non_zero_status(demo, capsys, monkeypatch):
    from django.core.management import execute_from_command_line

    # Run as from the shell, but keep the test's database connection: a command run from
    # the command line closes every connection when it ends.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    with pytest.raises(SystemExit) as raised:
        execute_from_command_line(
            [
                "manage.py",
                "create_ncp",
                "--username",
                "doris",
                "--password",
                PASSWORD,
                "--programme",
                "nope",
                "--skip-checks",
            ]
        )
    assert raised.value.code != 0
    assert 'No programme with slug "nope"' in capsys.readouterr().err
    assert not User.objects.filter(username="doris").exists()
