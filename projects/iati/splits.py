"""Shares of a whole that add up to exactly the whole, as IATI's ruleset wants them:
recipient percentages summing to 100, yearly budget lines summing to the envelope."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")


def even_percentages(count: int) -> list[Decimal]:
    """`count` percentages, two decimals each, as equal as can be, summing to exactly 100:
    the first ones carry the leftover hundredths (28 shares: four of 3.58, 24 of 3.57)."""
    if count < 1:
        return []
    hundredths, leftover = divmod(10_000, count)
    return [Decimal(hundredths + (index < leftover)) / 100 for index in range(count)]


@dataclass(frozen=True)
class BudgetLine:
    starts_on: date
    ends_on: date
    amount: Decimal


def yearly_budget_lines(starts_on: date, ends_on: date, total: Decimal) -> list[BudgetLine]:
    """`total` over the period split by calendar year, each line at most twelve months.

    Each year's share is its number of months in the period (a partial month counted by
    its days), in cents; the last line takes the rounding leftover, so the lines sum to
    `total` exactly. EUR 62.55 million over 2020 to 2024: five lines of 12.51 million.
    """
    periods = [
        (max(starts_on, date(year, 1, 1)), min(ends_on, date(year, 12, 31)))
        for year in range(starts_on.year, ends_on.year + 1)
    ]
    weights = [_months(start, end) for start, end in periods]
    whole = sum(weights)
    amounts = [(total * weight / whole).quantize(CENT, ROUND_DOWN) for weight in weights]
    amounts[-1] += total - sum(amounts)
    return [
        BudgetLine(start, end, amount)
        for (start, end), amount in zip(periods, amounts, strict=True)
    ]


def _months(start: date, end: date) -> Decimal:
    """Months from `start` to `end` (both included), a partial month by its share of days."""
    months = Decimal(0)
    day = start
    while day <= end:
        month_end = _last_day_of_month(day)
        last = min(end, month_end)
        months += Decimal((last - day).days + 1) / Decimal(month_end.day)
        day = last + timedelta(days=1)
    return months


def _last_day_of_month(day: date) -> date:
    next_month = day.replace(day=28) + timedelta(days=4)
    return next_month - timedelta(days=next_month.day)
