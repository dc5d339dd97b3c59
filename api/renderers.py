"""Calls as CSV, for spreadsheets: one row per call, the JSON fields flattened.

Lists become one cell joined by "; " (deadlines, eligible, themes) or by new lines
(objectives). Text that would start a formula is escaped (foundation.spreadsheets).
"""

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import chain

from rest_framework.renderers import BaseRenderer

from foundation.spreadsheets import spreadsheet_cell

COLUMNS = [
    "identifier",
    "code",
    "parent_identifier",
    "title",
    "status",
    "opens_at",
    "closes_at",
    "deadlines",
    "programme",
    "fund",
    "type_of_action",
    "budget",
    "eligible",
    "themes",
    "url",
    "published_at",
    "cancelled_at",
    "updated_at",
    "version",
    "summary",
    "description",
    "objectives",
    "cancellation_reason",
    # Topics of the EU Funding & Tenders Portal (after the older columns, which keep
    # their places).
    "source",
    "action_code",
    "action_label",
    "deadline_model",
    "budget_by_year",
    "budget_is_shared",
    "expected_grants",
    "min_contribution",
    "max_contribution",
    "keywords",
    "official_url",
    "apply_url",
    "national_note",
    "ft_ccm2_id",
    "ft_call_ccm2_id",
    "ft_reference",
    "ft_status",
    "ft_last_seen_at",
    "ft_missing_since",
    # Who can apply, per call (`eligible` and `themes` are the call's or its programme's).
    "eligible_source",
    "eligible_countries",
    "themes_source",
]


def csv_row(call: dict) -> list:
    """A call's JSON representation (CallSerializer) as CSV cells, in COLUMNS order."""
    flat = call | {
        "deadlines": "; ".join(d["due_at"] for d in call["deadlines"]),
        "eligible": "; ".join(named["slug"] for named in call["eligible"]),
        "themes": "; ".join(named["slug"] for named in call["themes"]),
        "objectives": "\n".join(call["objectives"]),
        "budget_by_year": "; ".join(f"{y}: {v}" for y, v in call["budget_by_year"].items()),
        "keywords": "; ".join(call["keywords"]),
        "eligible_countries": "; ".join(call["eligible_countries"]),
    }
    return [spreadsheet_cell(flat[column]) for column in COLUMNS]


# A byte-order mark first: without it Excel reads UTF-8 as the local code page and
# garbles every accented name; other programs skip it.
BYTE_ORDER_MARK = "\ufeff"


def csv_lines(calls: Iterable[dict]) -> Iterator[str]:
    """The header, then one line per call, each as soon as it is ready (for streaming).
    UTF-8 with a byte-order mark, so that spreadsheet programs read it as UTF-8."""
    yield BYTE_ORDER_MARK
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for cells in chain([COLUMNS], map(csv_row, calls)):
        writer.writerow(cells)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


class CallCSVRenderer(BaseRenderer):
    """`?format=csv` or `Accept: text/csv`. Lists are streamed by the view (every
    matching call, no pages); this renders a single call."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        calls = data if isinstance(data, list) else [data]
        return "".join(csv_lines(calls)).encode(self.charset)
