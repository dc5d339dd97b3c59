"""Account pages that differ from Django's own."""

from functools import partial

from django.contrib.auth.views import PasswordResetView
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import get_language

from ncp.tasks import send_password_reset


class QueuedPasswordResetView(PasswordResetView):
    """Django's password reset page, with the e-mail sent by a task: whether an account
    has this address, the answer is the same and takes the same time."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        transaction.on_commit(partial(send_password_reset.delay, email, get_language()))
        return HttpResponseRedirect(self.get_success_url())
