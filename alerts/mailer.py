"""The SMTP side of alerts: which failures are worth retrying, and the connection each
worker process keeps to the SMTP server."""

import contextlib
import email.policy
import re
import smtplib
import time

from django.conf import settings
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

SEND_ERRORS = (smtplib.SMTPException, OSError)


class TransientFailure(Exception):
    """The SMTP server or the network failed in a way worth trying again later: raised to
    the task, which retries with backoff."""


def is_transient(error: Exception) -> bool:
    """A 4xx answer or a network failure is worth retrying; a 5xx answer is final."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPServerDisconnected, OSError))


def describe(error: Exception) -> str:
    """The SMTP answer ("550 5.1.1 No such mailbox") or the network error, for people."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        if isinstance(text, bytes):
            text = text.decode(errors="replace")
        return f"{error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}"


# This process's connection to the SMTP server, kept open from one task to the next: a
# connection per e-mail (TCP, greeting, EHLO, QUIT) cost more than sending the e-mail.
_mailer: dict = {}
# Reopen a connection idle longer than this: servers may drop idle clients after as
# little as a minute, and a dropped connection would fail the next e-mail.
MAILER_IDLE_SECONDS = 30


def send(message) -> None:
    """Send `message` over the kept connection; any error closes it, the next e-mail
    opens a new one (as does a change of MAILERS, in tests)."""
    config, now = settings.MAILERS.get("default"), time.monotonic()
    if _mailer and (_mailer["config"] != config or now - _mailer["used"] > MAILER_IDLE_SECONDS):
        _close_mailer()
    if not _mailer:
        backend = mail.mailers.default
        backend.open()
        _mailer.update(backend=backend, config=config)
    _mailer["used"] = now
    try:
        _hand_over(_mailer["backend"], message)
    except BaseException:
        _close_mailer()
        raise


def _hand_over(backend, message) -> None:
    """Send `message` through `backend`. Through Django's SMTP backend: to smtplib on its
    open connection as the backend would, but without parsing the sender's address again
    for each e-mail, nor a plain recipient's (an address that is its own envelope form)."""
    if not isinstance(backend, SmtpBackend) or backend.connection is None:
        backend.send_messages([message])
        return
    recipients = [_envelope_address(backend, address) for address in message.recipients()]
    if recipients:
        written = message.message(policy=email.policy.SMTP).as_bytes()
        sender = _envelope_address(backend, message.from_email)
        backend.connection.sendmail(sender, recipients, written)


# A dot-atom address with an ASCII domain: Django's SMTP backend would send it as it is.
PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)
_envelope: dict[str, str] = {}


def _envelope_address(backend, address: str) -> str:
    """The address as the SMTP envelope gives it (the backend's `prep_address`), the
    others (the sender, "Portal <noreply@...>") parsed once."""
    if PLAIN_ADDRESS.fullmatch(address):
        return address
    if address not in _envelope:
        if len(_envelope) >= 64:
            _envelope.clear()
        _envelope[address] = backend.prep_address(address)
    return _envelope[address]


def _close_mailer() -> None:
    backend = _mailer.pop("backend")
    _mailer.clear()
    with contextlib.suppress(*SEND_ERRORS):  # already broken: no goodbye to say
        backend.close()
