"""Signing in and out, the lock-out after repeated failures (django-axes), changing and
resetting a password."""

import re

import pytest
from django.conf import settings as project_settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.alerts.celery_worker import free_port

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = reverse("login")


@pytest.fixture
def user():
    return get_user_model().objects.create_user(
        "ncp-cyprus", email="ncp@example.org", password=PASSWORD
    )


def sign_in(client, username, password, ip="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_renders_an_accessible_form(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert reverse("password_reset") in html
    assert " style=" not in html and "<script" not in html


def test_correct_password_signs_in_and_goes_to_manage(client, user):
    response = sign_in(client, "ncp-cyprus", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/manage/"
    page = client.get("/manage/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sign out" in html and "My calls" in html


def test_wrong_password_shows_an_error(client, user):
    response = sign_in(client, "ncp-cyprus", "not the password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "Please enter a correct username and password" in html


def test_lock_out_answers_429_the_default_of_the_installed_axes():
    from axes.conf import settings as axes_settings  # with axes's defaults applied

    import portal.settings

    assert not hasattr(portal.settings, "AXES_HTTP_RESPONSE_CODE")
    assert axes_settings.AXES_HTTP_RESPONSE_CODE == 429
    assert project_settings.AXES_FAILURE_LIMIT == 5


def test_lock_out_after_the_failure_limit_even_with_the_right_password(client, user):
    limit = project_settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in(client, "ncp-cyprus", "wrong").status_code == 200

    # The failure that reaches the limit is already answered with the lock-out page.
    assert sign_in(client, "ncp-cyprus", "wrong").status_code == 429

    response = sign_in(client, "ncp-cyprus", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Account locked" in html
    assert f"after {limit} failed attempts" in html
    assert "try again in 1 hour" in html
    assert reverse("password_reset") in html


def test_lock_out_is_per_username_and_address(client, user):
    other = get_user_model().objects.create_user("ncp-other", password=PASSWORD)
    for _ in range(project_settings.AXES_FAILURE_LIMIT):
        sign_in(client, "ncp-cyprus", "wrong", ip="192.0.2.10")
    assert sign_in(client, "ncp-cyprus", PASSWORD, ip="192.0.2.10").status_code == 429

    # The same user from another address, and another user from the same address, sign in.
    assert sign_in(client, "ncp-cyprus", PASSWORD, ip="198.51.100.7").status_code == 302
    client.logout()
    assert sign_in(client, other.username, PASSWORD, ip="192.0.2.10").status_code == 302


def test_passwords_are_hashed_with_argon2(user):
    assert user.password.startswith("argon2")


def test_password_change(client, user):
    client.force_login(user)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'autocomplete="current-password"' in html
    assert html.count('autocomplete="new-password"') == 2

    new = "a quite different passphrase"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert client.get(response["Location"]).status_code == 200
    user.refresh_from_db()
    assert user.check_password(new)
    assert user.password.startswith("argon2")


def test_password_change_reports_a_wrong_current_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x-y-z-1-2-3-q", "new_password2": "x-y-z"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_old_password"' in html
    assert 'aria-invalid="true"' in html


def test_password_reset_by_e_mail(client, user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the task, run at once
        response = client.post(reverse("password_reset"), {"email": "ncp@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert client.get(response["Location"]).status_code == 200

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ncp@example.org"]
    assert message.subject == "Reset your password on testserver"
    assert "ncp-cyprus" in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/\S+/)", message.body)
    assert link, message.body

    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    assert form.context["validlink"]
    set_password_url = form.redirect_chain[-1][0]
    new = "another long passphrase"
    done = client.post(set_password_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    assert client.get(done["Location"]).status_code == 200

    assert sign_in(client, "ncp-cyprus", PASSWORD).status_code == 200
    assert sign_in(client, "ncp-cyprus", new).status_code == 302

    # The link works once.
    assert not client.get(link.group(1), follow=True).context["validlink"]


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_logout_is_post_only(client, user):
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session
    html = client.get(reverse("home")).content.decode()
    assert "Sign in" in html and "Sign out" not in html


def test_account_pages_have_one_heading_and_no_inline_style_or_script(client, user):
    anonymous = [LOGIN, reverse("password_reset"), reverse("password_reset_done")]
    signed_in = [reverse("password_change"), reverse("password_change_done")]
    pages = [client.get(url) for url in anonymous]
    client.force_login(user)
    pages += [client.get(url) for url in signed_in]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("<h1") == 1
        assert " style=" not in html
        assert "<script" not in html


def test_account_forms_load_the_stylesheet_of_their_fields(client, user):
    """The form fields and error summary of these pages are styled in manage.css."""
    pages = [client.get(LOGIN), client.get(reverse("password_reset"))]
    client.force_login(user)
    pages.append(client.get(reverse("password_change")))
    for response in pages:
        html = response.content.decode()
        assert 'class="form-field"' in html and "css/manage.css" in html


def test_the_reset_request_sends_nothing_itself_whether_the_address_is_known_or_not(
    client, user, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """The answer is the same and the work in the request the same (one task queued), so
    timing tells nothing: even an unreachable SMTP server is not reached by the request."""
    unreachable = {"host": "127.0.0.1", "port": free_port()}
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    settings.MAILERS = {"default": {"BACKEND": smtp, "OPTIONS": unreachable}}
    answers, queued = [], []
    for email in ["ncp@example.org", "nobody@example.org"]:
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(reverse("password_reset"), {"email": email})
        answers.append((response.status_code, response["Location"]))
        queued.append(len(callbacks))
    assert answers == [(302, reverse("password_reset_done"))] * 2
    assert queued == [1, 1]
    assert mailoutbox == []
