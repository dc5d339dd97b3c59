"""The template filters of foundation/templatetags/pages.py: `paragraphs`, `eur`, `time_left`
and `active_on`."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from foundation.templatetags.pages import active_on, eur, paragraphs, time_left
from projects.models import Initiative


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- paragraphs ---------------------------------------------------------------


def test_paragraphs_separated_by_blank_lines():
    html = paragraphs("First paragraph.\n\nSecond paragraph.")
    assert html == "<p>First paragraph.</p>\n<p>Second paragraph.</p>"


def test_several_blank_lines_and_windows_line_endings_make_one_break():
    html = paragraphs("One.\r\n\r\n  \r\n\r\nTwo.\r\n")
    assert html == "<p>One.</p>\n<p>Two.</p>"


def test_single_line_break_stays_inside_the_paragraph():
    assert paragraphs("A line\nwrapped.") == "<p>A line\nwrapped.</p>"


def test_consecutive_dash_lines_become_one_list():
    html = paragraphs("Objectives:\n- first;\n- second\n\nAfter the list.")
    assert html == (
        "<p>Objectives:</p>\n<ul><li>first;</li><li>second</li></ul>\n<p>After the list.</p>"
    )


def test_text_after_a_list_in_the_same_block_is_a_new_paragraph():
    html = paragraphs("- one\n- two\nThen text.")
    assert html == "<ul><li>one</li><li>two</li></ul>\n<p>Then text.</p>"


def test_indented_line_continues_the_bullet():
    assert paragraphs("- a long\n  bullet") == "<ul><li>a long bullet</li></ul>"


def test_dash_without_space_is_not_a_bullet():
    assert paragraphs("-5 degrees") == "<p>-5 degrees</p>"


def test_paragraphs_escapes_html():
    html = paragraphs('<script>alert("x")</script>\n\n- <img src=x onerror=alert(1)> & co')
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<li>&lt;img src=x onerror=alert(1)&gt; &amp; co</li>" in html


def test_paragraphs_escapes_even_text_marked_safe():
    html = paragraphs(mark_safe("<b>bold</b>"))
    assert html == "<p>&lt;b&gt;bold&lt;/b&gt;</p>"


def test_paragraphs_output_is_safe_and_not_escaped_again_in_a_template():
    html = paragraphs("Fish & chips")
    assert isinstance(html, SafeString)
    rendered = Template("{% load pages %}{{ text|paragraphs }}").render(
        Context({"text": "Fish & <chips>"})
    )
    assert rendered == "<p>Fish &amp; &lt;chips&gt;</p>"


@pytest.mark.parametrize("empty", [None, "", "\n\n  \n"])
def test_paragraphs_of_nothing_is_empty(empty):
    assert paragraphs(empty) == ""


# --- eur ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("9900000000"), "EUR 9.9 billion"),
        (Decimal("9900000000.00"), "EUR 9.9 billion"),
        (Decimal("1000000000"), "EUR 1 billion"),
        (Decimal("1234567890123"), "EUR 1,234.57 billion"),
        (Decimal("62550000"), "EUR 62.55 million"),
        (Decimal("62550000.00"), "EUR 62.55 million"),
        (Decimal("1500000"), "EUR 1.5 million"),
        (Decimal("1000000"), "EUR 1 million"),
        (Decimal("12345678"), "EUR 12.35 million"),
        (Decimal("635000"), "EUR 635,000"),
        (Decimal("635000.00"), "EUR 635,000"),
        (Decimal("1250.50"), "EUR 1,250.50"),
        (Decimal("999"), "EUR 999"),
        (Decimal("0"), "EUR 0"),
    ],
)
def test_eur(amount, expected):
    assert eur(amount) == expected


def test_eur_rounding_up_to_the_next_scale():
    assert eur(Decimal("999995000")) == "EUR 1 billion"
    assert eur(Decimal("999995")) == "EUR 1 million"
    assert eur(Decimal("994999")) == "EUR 994,999"


def test_eur_accepts_ints_and_strings():
    assert eur(62550000) == "EUR 62.55 million"
    assert eur("635000") == "EUR 635,000"


@pytest.mark.parametrize("value", [None, "", "not a number", Decimal("NaN")])
def test_eur_of_nothing_is_empty(value):
    assert eur(value) == ""


def test_eur_in_a_template():
    rendered = Template("{% load pages %}{{ budget|eur }}").render(
        Context({"budget": Decimal("9900000000.00")})
    )
    assert rendered == "EUR 9.9 billion"


# --- time_left ------------------------------------------------------------------

NOW = datetime(2024, 8, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(days=12), "12 days left"),
        (timedelta(days=12, hours=23, minutes=59), "12 days left"),
        (timedelta(days=1), "1 day left"),
        (timedelta(days=1, hours=23), "1 day left"),
        (timedelta(hours=23, minutes=59), "23 hours left"),
        (timedelta(hours=5), "5 hours left"),
        (timedelta(hours=1), "1 hour left"),
        (timedelta(minutes=59), "59 minutes left"),
        (timedelta(minutes=1), "1 minute left"),
        (timedelta(seconds=20), "1 minute left"),
        (timedelta(0), "closed"),
        (timedelta(seconds=-1), "closed"),
        (timedelta(days=-30), "closed"),
    ],
)
def test_time_left(delta, expected):
    assert time_left(NOW + delta, NOW) == expected


@pytest.mark.parametrize(("due_at", "now"), [(None, NOW), (NOW, None), ("", NOW), (NOW, "")])
def test_time_left_of_nothing_is_empty(due_at, now):
    assert time_left(due_at, now) == ""


def test_time_left_in_a_template():
    rendered = Template("{% load pages %}{{ due_at|time_left:now }}").render(
        Context({"due_at": NOW + timedelta(days=2, hours=3), "now": NOW})
    )
    assert rendered == "2 days left"


# --- active_on --------------------------------------------------------------------


def initiative(starts_on=None, ends_on=None) -> Initiative:
    """An unsaved initiative: the filter needs no database."""
    return Initiative(title="MPF", slug="mpf", starts_on=starts_on, ends_on=ends_on)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 12, 31), False),
        (date(2020, 1, 1), True),
        (date(2022, 6, 15), True),
        (date(2024, 12, 31), True),
        (date(2025, 1, 1), False),
    ],
)
def test_active_on_within_the_period(day, expected):
    mpf = initiative(date(2020, 1, 1), date(2024, 12, 31))
    assert active_on(mpf, day) is expected


def test_an_open_start_or_end_counts_as_ongoing():
    assert active_on(initiative(), date(2000, 1, 1)) is True
    assert active_on(initiative(ends_on=date(2024, 12, 31)), date(1990, 1, 1)) is True
    assert active_on(initiative(starts_on=date(2020, 1, 1)), date(2099, 1, 1)) is True
    assert active_on(initiative(starts_on=date(2020, 1, 1)), date(2019, 1, 1)) is False


@pytest.mark.parametrize(("obj", "day"), [(None, date(2024, 1, 1)), ("initiative", None)])
def test_active_on_of_nothing_is_false(obj, day):
    obj = initiative() if obj == "initiative" else obj
    assert active_on(obj, day) is False


def test_active_on_in_a_template():
    template = Template(
        "{% load pages %}{% if initiative|active_on:today %}ongoing{% else %}ended{% endif %}"
    )
    mpf = initiative(date(2020, 1, 1), date(2024, 12, 31))
    assert template.render(Context({"initiative": mpf, "today": date(2024, 6, 1)})) == "ongoing"
    assert template.render(Context({"initiative": mpf, "today": date(2025, 6, 1)})) == "ended"
