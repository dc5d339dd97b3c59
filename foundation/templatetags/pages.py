"""Template filters of the portal: formatted text, amounts in euro, moments for HTML, call
status and deadlines, and whether an initiative is ongoing.

Load with ``{% load pages %}``.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

register = template.Library()

BULLET = "- "
CENT = Decimal("0.01")
MILLION = Decimal(10) ** 6
BILLION = Decimal(10) ** 9


# --- paragraphs -------------------------------------------------------------


def _blocks(text: str) -> list[list[str]]:
    """Split text into blocks of non-empty lines; blank lines separate blocks."""
    blocks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _render_block(lines: list[str]) -> list[SafeString]:
    """One block: runs of '- ' lines become a list, the other runs a paragraph."""
    parts: list[SafeString] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            # A single line break inside a paragraph is a soft wrap, as in the source.
            text = format_html_join("\n", "{}", ((escape(line.strip()),) for line in paragraph))
            parts.append(format_html("<p>{}</p>", text))
            paragraph.clear()

    def flush_items() -> None:
        if items:
            lis = format_html_join("", "<li>{}</li>", ((escape(item),) for item in items))
            parts.append(format_html("<ul>{}</ul>", lis))
            items.clear()

    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(BULLET):
            flush_paragraph()
            items.append(stripped[len(BULLET) :].strip())
        elif items and line[:1].isspace():
            # An indented line right after a bullet continues that bullet.
            items[-1] = f"{items[-1]} {stripped}"
        else:
            flush_items()
            paragraph.append(line)
    flush_paragraph()
    flush_items()
    return parts


@register.filter
def paragraphs(text) -> str:
    """Plain text to HTML: blank-line-separated paragraphs become <p>, "- " lines a <ul>.

    Everything in the text is HTML-escaped, even text already marked safe; only the
    tags built here are markup.
    """
    if text is None:
        return SafeString("")
    text = str(text)
    parts = [part for block in _blocks(text) for part in _render_block(block)]
    return format_html_join("\n", "{}", ((part,) for part in parts))


# --- eur ----------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


def _number(amount: Decimal, *, max_places: int = 2) -> str:
    """The amount rounded to `max_places` decimals, trailing zeros dropped, localised."""
    amount = amount.quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP)
    exponent = amount.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return formats.number_format(amount, decimal_pos=places, force_grouping=True)


def _billions(scaled: Decimal) -> str:
    # The whole part chooses the plural form: "1,5 milliard", "2 milliards" in French.
    # English keeps one form: "EUR 1 billion", "EUR 2 billion".
    return ngettext("EUR %(amount)s billion", "EUR %(amount)s billion", int(abs(scaled)))


def _millions(scaled: Decimal) -> str:
    return ngettext("EUR %(amount)s million", "EUR %(amount)s million", int(abs(scaled)))


@register.filter
def eur(value) -> str:
    """A euro amount for reading: "EUR 9.9 billion", "EUR 62.55 million", "EUR 635,000"."""
    amount = _decimal(value)
    if amount is None:
        return ""
    for scale, template_text in ((BILLION, _billions), (MILLION, _millions)):
        scaled = (amount / scale).quantize(CENT, rounding=ROUND_HALF_UP)
        if abs(scaled) >= 1:
            return template_text(scaled) % {"amount": _number(scaled)}
    # Under a million, whole euros, or euros and cents: "EUR 635,000", "EUR 1,250.50".
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    places = 0 if cents == cents.to_integral_value() else 2
    number = formats.number_format(cents, decimal_pos=places, force_grouping=True)
    return gettext("EUR %(amount)s") % {"amount": number}


# --- moments ------------------------------------------------------------------


@register.filter(expects_localtime=True)
def datetime_attribute(moment: datetime) -> str:
    """``<time datetime="{{ moment|datetime_attribute }}">``: ISO 8601 in the current time
    zone, to the second. HTML allows at most three digits of a second's fraction; a moment
    saved with microseconds (`timezone.now()`) would otherwise write six."""
    if not isinstance(moment, datetime):
        return ""
    return moment.replace(microsecond=0).isoformat()


# --- calls --------------------------------------------------------------------
# Templates cannot pass arguments to methods; these filters do, and read only the
# call's deadlines through `call.deadlines.all()`, which a prefetch serves.

# What a call's row in a list shows of the call (templates/calls/_call_row.html), beside
# its fund, deadlines, status and time left.
LISTED_FIELDS = (
    "pk",
    "identifier",
    "title",
    "summary",
    "description",
    "opens_at",
    "cancelled_at",
    "budget",
    "budget_is_shared",
    "action_label",
    "type_of_action",
    "min_contribution",
    "max_contribution",
)


@register.filter
def listing_key(call, at: datetime) -> str:
    """``{% cache ... call|listing_key:now %}``: all that a call's row shows at `at`, in
    the current language. A row written once is kept under it (the "rows" cache) and
    shown again while none of it changes, so a kept row is never out of date; writing
    the row costs ten times more than this key."""
    deadlines = [(deadline.due_at, deadline.label) for deadline in call.deadlines.all()]
    next_deadline = call.deadline_after(at)
    left = time_left(next_deadline.due_at, at) if next_deadline else ""
    shown = [getattr(call, name) for name in LISTED_FIELDS]
    fund = call.programme.fund.code
    return repr((get_language(), fund, call.status_at(at), left, deadlines, shown))


@register.filter
def status_at(call, at: datetime):
    """``{{ call|status_at:now }}``: the call's CallStatus at `at` (``.value``, ``.label``)."""
    if call is None or at in (None, ""):
        return None
    return call.status_at(at)


@register.filter
def deadline_after(call, at: datetime):
    """``{{ call|deadline_after:now }}``: the call's next Deadline after `at`, or None."""
    if call is None or at in (None, ""):
        return None
    return call.deadline_after(at)


@register.filter
def time_left(due_at: datetime, now: datetime) -> str:
    """``{{ deadline.due_at|time_left:now }}``: the time until `due_at`, for reading.

    "12 days left" when a day or more is left, else "5 hours left", else "20 minutes left"
    (at least one minute), and "closed" once `due_at` has passed. Whole units, rounded
    down: 1 day and 23 hours is "1 day left". Both moments must be aware datetimes (or both
    naive). Empty text when either is missing.
    """
    if due_at in (None, "") or now in (None, ""):
        return ""
    if due_at <= now:
        return gettext("closed")
    seconds = int((due_at - now).total_seconds())
    days, rest = divmod(seconds, 86400)
    if days >= 1:
        return ngettext("%(count)d day left", "%(count)d days left", days) % {"count": days}
    hours = rest // 3600
    if hours >= 1:
        return ngettext("%(count)d hour left", "%(count)d hours left", hours) % {"count": hours}
    minutes = max(1, rest // 60)
    return ngettext("%(count)d minute left", "%(count)d minutes left", minutes) % {"count": minutes}


@register.filter
def days_until(due_at: datetime, now: datetime) -> int | None:
    """``{{ deadline.due_at|days_until:now }}``: whole days left (rounded down, as
    `time_left` counts them), 0 on the last day; None once passed or when missing."""
    if due_at in (None, "") or now in (None, "") or due_at <= now:
        return None
    return (due_at - now).days


# The language the portal's data (titles, summaries, descriptions) is written in.
DATA_LANGUAGE = "en"


@register.simple_tag
def data_lang() -> str:
    """``<h1{% data_lang %}>``: ` lang="en"` on a page in another language, so that
    screen readers read the English data in English (WCAG 3.1.2); nothing on English pages."""
    return mark_safe(f' lang="{DATA_LANGUAGE}"') if get_language() != DATA_LANGUAGE else ""


# --- initiatives ----------------------------------------------------------------


@register.filter
def active_on(initiative, day: date) -> bool:
    """``{{ initiative|active_on:today }}``: whether the initiative is ongoing on `day`.

    The template form of `Initiative.is_active_on` (an open start or end counts as
    ongoing). False when the initiative or the day is missing. No query.
    """
    if initiative is None or day in (None, ""):
        return False
    return initiative.is_active_on(day)
