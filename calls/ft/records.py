"""One result of the F&T search API, read into the values of a portal topic.

The format's traps (see /work/shared/interop/README.md, and tests/calls/ft/):
- every metadata value is an array of strings, numbers and booleans included;
- `actions` and `budgetOverview` are JSON inside a string, and may not parse: the topic
  is still imported, without what the string held, and the record carries a warning;
- the `+0000` of a grant topic's dates means nothing: it closes at 17:00 Brussels on
  that date and opens at the start of its start date; cascade calls (type 8) carry
  real instants;
- cascade calls share an identifier: their `reference` is their key, and the portal
  identifies each by the shared identifier followed by the reference's number;
- the feed's status can be stale: it is kept as a hint only.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from calls.ft.html import plain_text, sanitise
from calls.models import CallStatus, DeadlineModel
from foundation.brussels import deadline_on, opening_on
from programmes.validators import IDENTIFIER_PATTERN

TOPIC, CALL_WITHOUT_TOPICS, CASCADE = "1", "2", "8"
GRANT_TYPES = {TOPIC, CALL_WITHOUT_TOPICS}
STATUS_HINTS = {
    "31094501": CallStatus.FORTHCOMING,
    "31094502": CallStatus.OPEN,
    "31094503": CallStatus.CLOSED,
}
STAGE_LABELS = {
    DeadlineModel.TWO_STAGE: ("First stage", "Second stage"),
}
TITLE_LENGTH = 300


class BadRecord(Exception):
    """A record that cannot become a topic; `identifier` names it in the report."""

    def __init__(self, identifier: str, reason: str):
        self.identifier, self.reason = identifier or "(no identifier)", reason
        super().__init__(f"{self.identifier}: {reason}")


@dataclass
class Topic:
    """What a record says of a topic: `fields` are the Call's F&T-owned values but the
    programme, which `framework_programme` names; `lookup` finds the portal's copy."""

    identifier: str
    lookup: dict
    framework_programme: str
    fields: dict
    deadlines: list[tuple[datetime, str]]
    parent: tuple[str, str, str] | None
    warnings: list[str] = field(default_factory=list)
    checksum: str = ""


# Part of every checksum: changing how records are read (a new version here) makes the
# next import write every topic again.
READING = "1"


def record_checksum(result) -> str:
    """A digest of a record as the source gave it: the same digest as last time, nothing to
    read or write. (Digesting the raw record lets an unchanged one skip the parsing too.)"""
    text = json.dumps([READING, result], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def topic_from(result: dict) -> Topic:
    """The topic a search-API result describes; `BadRecord` if it cannot be one."""
    meta = result.get("metadata") or {}
    kind = _first(meta, "type")
    identifier = _first(meta, "identifier")
    if not identifier:
        raise BadRecord("", "no identifier")
    if kind not in GRANT_TYPES | {CASCADE}:
        raise BadRecord(identifier, f"type {kind or '(none)'} is not a grant topic or call")
    reference = str(result.get("reference") or "")
    warnings: list[str] = []
    own_identifier, lookup = _identity(kind, identifier, reference)
    grant = kind in GRANT_TYPES
    opens_at = _moment(identifier, _first(meta, "startDate"), grant=grant, opening=True)
    deadline_model = _deadline_model(meta)
    dues = sorted(
        {
            _moment(identifier, value, grant=grant, opening=False)
            for value in _all(meta, "deadlineDate")
        }
    )
    if not dues:
        raise BadRecord(identifier, "no deadlineDate")
    actions = _json(meta, "actions", identifier, warnings) or []
    budget = _budget(meta, identifier, _first(meta, "callIdentifier"), warnings)
    description_html = sanitise(_first(meta, "descriptionByte") or _first(meta, "description"))
    fields = {
        "code": _code(identifier, _first(meta, "ccm2Id"), reference),
        "identifier": own_identifier,
        "parent_identifier": "",
        "title": _title(meta, result, kind, identifier),
        "summary": str(result.get("summary") or "").strip() if kind != CASCADE else "",
        "description": plain_text(description_html),
        "description_html": description_html,
        "opens_at": opens_at,
        "action_label": _action_label(meta, actions),
        "deadline_model": deadline_model,
        "keywords": _keywords(meta, identifier, warnings),
        "official_url": str(result.get("url") or ""),
        "apply_url": str(result.get("url") or ""),
        "ft_ccm2_id": _first(meta, "ccm2Id"),
        "ft_call_ccm2_id": _first(meta, "callccm2Id"),
        "ft_reference": reference,
        "ft_status": STATUS_HINTS.get(_first(meta, "status"), ""),
        **budget,
    }
    if kind == CASCADE and budget["budget"] is None:
        fields["budget"] = _amount(_first(meta, "budget"))
    parent = _parent(kind, meta, identifier)
    if parent:
        fields["parent_identifier"] = parent[0]
    return Topic(
        identifier=own_identifier,
        lookup=lookup,
        framework_programme=_first(meta, "frameworkProgramme"),
        fields=fields,
        deadlines=list(zip(dues, _labels(deadline_model, len(dues)), strict=True)),
        parent=parent,
        warnings=warnings,
        checksum=record_checksum(result),
    )


def _first(meta: dict, key: str) -> str:
    values = _all(meta, key)
    return values[0] if values else ""


def _all(meta: dict, key: str) -> list[str]:
    """A metadata value: always an array of strings in the feed; a lone string is taken too."""
    value = meta.get(key)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(item).strip() for item in values if str(item).strip()]


def _json(meta: dict, key: str, identifier: str, warnings: list[str]):
    """The JSON inside a metadata string, or None with a warning when it does not parse."""
    text = _first(meta, key)
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        warnings.append(f"{identifier}: {key} is not valid JSON; imported without it")
        return None


def _identity(kind: str, identifier: str, reference: str) -> tuple[str, dict]:
    """The portal identifier and the lookup of a record: cascade calls sharing an F&T
    identifier are told apart by their reference."""
    if kind == CASCADE:
        number = re.match(r"\d+", reference)
        if not number:
            raise BadRecord(identifier, "a cascade call without a numbered reference")
        own = f"{identifier}-{number.group()}"
        lookup = {"ft_reference": reference}
    else:
        own, lookup = identifier, {"identifier": identifier}
    if len(own) > 100 or not re.match(IDENTIFIER_PATTERN, own):
        raise BadRecord(identifier, "the identifier is not letters and digits joined by hyphens")
    return own, lookup


def _code(identifier: str, ccm2_id: str, reference: str) -> int:
    """The portal's numeric id: F&T's ccm2Id, or else the number its reference starts with."""
    number = ccm2_id if ccm2_id.isdigit() else (re.match(r"\d+", reference) or [""])[0]
    if not number:
        raise BadRecord(identifier, "neither ccm2Id nor a numbered reference")
    return int(number)


def _moment(identifier: str, text: str, *, grant: bool, opening: bool) -> datetime:
    """A feed date. For grant topics only the date counts (17:00 Brussels for a deadline,
    the start of the day for an opening); cascade calls carry real instants."""
    if not text:
        raise BadRecord(identifier, "no startDate" if opening else "an empty deadlineDate")
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError(text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
        except ValueError:
            raise BadRecord(identifier, f"{text!r} is not a date") from None
        grant = True  # a bare date means the same for every kind
    if grant:
        day = moment.date()
        return opening_on(day) if opening else deadline_on(day)
    return moment


DEADLINE_MODELS = {model.value.replace("-", " "): model.value for model in DeadlineModel}


def _deadline_model(meta: dict) -> str:
    value = " ".join(_first(meta, "deadlineModel").lower().replace("-", " ").split())
    return DEADLINE_MODELS.get(value, "")


def _labels(model: str, count: int) -> list[str]:
    if model == DeadlineModel.TWO_STAGE and count == 2:
        return list(STAGE_LABELS[DeadlineModel.TWO_STAGE])
    if model == DeadlineModel.MULTIPLE_CUT_OFF or count > 1:
        return [f"Cut-off {number}" for number in range(1, count + 1)]
    return [""]


def _title(meta: dict, result: dict, kind: str, identifier: str) -> str:
    """A cascade call's own name is its callTitle; its title is the EU topic it serves."""
    names = ("callTitle", "title") if kind == CASCADE else ("title", "callTitle")
    title = next((_first(meta, name) for name in names if _first(meta, name)), "")
    title = title or str(result.get("summary") or "").strip()
    if not title:
        raise BadRecord(identifier, "no title")
    return " ".join(title.split())[:TITLE_LENGTH]


def _parent(kind: str, meta: dict, identifier: str) -> tuple[str, str, str] | None:
    """The call grouping the topic: callIdentifier for a topic, the shared identifier of
    a cascade call (never derived from the topic's own code)."""
    if kind == CASCADE:
        return identifier, " ".join(_first(meta, "title").split())[:TITLE_LENGTH], ""
    parent = _first(meta, "callIdentifier")
    if kind == CALL_WITHOUT_TOPICS or not parent or parent == identifier:
        return None
    if not re.match(IDENTIFIER_PATTERN, parent):
        raise BadRecord(identifier, f"its call identifier {parent!r} is malformed")
    title = " ".join(_first(meta, "callTitle").split())[:TITLE_LENGTH]
    return parent, title, _first(meta, "callccm2Id")


def _action_label(meta: dict, actions) -> str:
    """typesOfAction, with the feed's double spaces made single; else the `actions` JSON."""
    label = _first(meta, "typesOfAction")
    if not label and isinstance(actions, list):
        types = [
            t for action in actions if isinstance(action, dict) for t in action.get("types") or []
        ]
        label = next((str(t.get("typeOfAction", "")) for t in types if isinstance(t, dict)), "")
    return " ".join(label.split())[:200]


def _keywords(meta: dict, identifier: str, warnings: list[str]) -> list[str]:
    """A list of strings, or a one-element list holding a JSON-encoded list."""
    values = _all(meta, "keywords")
    if len(values) == 1 and values[0].startswith("["):
        decoded = _json(meta, "keywords", identifier, warnings)
        values = [str(item).strip() for item in decoded or [] if str(item).strip()]
    return list(dict.fromkeys(values))


def _amount(value) -> Decimal | None:
    """A positive amount in EUR, or None: the feed's 0 means "not stated"."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return amount.quantize(Decimal("0.01")) if amount.is_finite() and amount > 0 else None


def _budget(meta: dict, identifier: str, call_identifier: str, warnings: list[str]) -> dict:
    """The topic's budget from `budgetOverview`: its own lines, or else the call's shared
    pot (a line naming several topics, or the call itself)."""
    empty = {
        "budget": None,
        "budget_by_year": {},
        "budget_is_shared": False,
        "action_code": "",
        "expected_grants": None,
        "min_contribution": None,
        "max_contribution": None,
    }
    overview = _json(meta, "budgetOverview", identifier, warnings)
    if not isinstance(overview, dict):
        return empty
    table = overview.get("budgetTopicActionMap") or {}
    lines = [line for group in table.values() if isinstance(group, list) for line in group]
    lines = [line for line in lines if isinstance(line, dict)]
    own = [line for line in lines if _line_topics(line) == [identifier.upper()]]
    shared = [
        line
        for line in lines
        if identifier.upper() in _line_topics(line)
        or _line_topics(line) == [call_identifier.upper()]
    ]
    chosen, is_shared = (own, False) if own else (shared[:1], bool(shared))
    if not chosen:
        return empty
    by_year: dict[str, Decimal] = {}
    for line in chosen:
        for year, value in (line.get("budgetYearMap") or {}).items():
            if (amount := _amount(value)) is not None:
                by_year[str(year)] = by_year.get(str(year), Decimal(0)) + amount
    first = chosen[0]
    grants = _amount(first.get("expectedGrants"))
    low, high = _amount(first.get("minContribution")), _amount(first.get("maxContribution"))
    if low is not None and high is not None and low > high:
        warnings.append(f"{identifier}: minContribution above maxContribution; both left out")
        low = high = None
    return {
        "budget": sum(by_year.values()) if by_year else None,
        "budget_by_year": {year: str(amount) for year, amount in sorted(by_year.items())},
        "budget_is_shared": is_shared,
        "action_code": _line_action(first),
        "expected_grants": int(grants) if grants is not None else None,
        "min_contribution": low,
        "max_contribution": high,
    }


def _line_topics(line: dict) -> list[str]:
    """The topics a budget line is for: "<TOPIC-ID>[, <TOPIC-ID>] - <type of action>"."""
    topics = str(line.get("action") or "").split(" - ", 1)[0]
    return [topic.strip().upper() for topic in topics.split(",") if topic.strip()]


def _line_action(line: dict) -> str:
    """The type-of-action code of a budget line: the first word after " - "."""
    parts = str(line.get("action") or "").split(" - ", 1)
    words = parts[1].split() if len(parts) == 2 else []
    return words[0][:60] if words else ""
