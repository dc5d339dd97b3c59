"""`{{ number|phone_link }}`: a stored telephone number as a link that dials it."""

from django import template
from django.utils.html import format_html

from programmes.phones import phone_grouped

register = template.Library()


@register.filter
def phone_link(e164: str) -> str:
    """<a href="tel:+3222991111">+32 2 299 11 11</a>; the text alone for a value that is
    not a number in E.164 (a phone cannot dial it)."""
    if not e164.startswith("+"):
        return e164
    return format_html('<a href="tel:{}">{}</a>', e164, phone_grouped(e164))
