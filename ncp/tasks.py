"""Celery tasks of the NCP area's accounts."""

from celery import shared_task
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

from foundation.site import site_domain, site_scheme


@shared_task(acks_late=True, ignore_result=True)
def send_password_reset(email: str, language: str) -> None:
    """E-mail a reset link to the active accounts of `email`, if there are any.

    Done here rather than in the request, so that the request takes as long whether the
    address is known or not (and whatever the SMTP server does). Links are on SITE_URL.
    """
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        with translation.override(language):
            form.save(domain_override=site_domain(), use_https=site_scheme() == "https")
