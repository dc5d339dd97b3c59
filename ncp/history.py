"""A call's history as its editors read it: who changed what, from what to what.

Built from the django-simple-history records of the call, its deadlines and its
objectives. Each record is compared with the one before it of the same object
(`record.diff_against(previous)`, the `prev_record` of simple-history found in the
list already read rather than with one query per record): three queries in all, plus
one per changed programme.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import models
from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from calls.models import Call, CallObjective, Deadline
from foundation.brussels import brussels_time

# Set by call_cancel and not editable, so `diff_against` leaves them out by default.
CALL_EXTRA_FIELDS = ("cancelled_at", "cancellation_reason")
SHOWN_LENGTH = 200


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str  # "" when unknown
    subject: str
    action: str  # "created", "changed" or "deleted"
    changes: list[Change] = field(default_factory=list)


def call_history(call: Call, *, limit: int = 100) -> list[HistoryEntry]:
    """The latest `limit` entries, newest first."""
    sources = [
        (call.history.all(), CALL_EXTRA_FIELDS, lambda record: _("Call")),
        (Deadline.history.filter(call_id=call.pk), (), _deadline_subject),
        (CallObjective.history.filter(call_id=call.pk), (), _objective_subject),
    ]
    entries = []
    for records, extra_fields, subject in sources:
        records = records.select_related("history_user").order_by("history_date", "history_id")
        entries += _entries(list(records), extra_fields, subject)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def _entries(records, extra_fields, subject) -> list[HistoryEntry]:
    previous_of_object = {}
    entries = []
    for record in records:
        previous = previous_of_object.get(record.id)
        previous_of_object[record.id] = record
        who = person_name(record.history_user)
        entry = HistoryEntry(record.history_date, who, subject(record), "")
        if record.history_type == "+" or previous is None:
            entry.action = pgettext("call history", "created")
        elif record.history_type == "-":
            entry.action = pgettext("call history", "deleted")
        else:
            entry.action = pgettext("call history", "changed")
            entry.changes = _changes(record, previous, extra_fields)
            if not entry.changes:
                continue  # a save that changed nothing an editor sees (the version)
        entries.append(entry)
    return entries


def _changes(record, previous, extra_fields) -> list[Change]:
    delta = record.diff_against(previous)
    pairs = [(change.field, change.old, change.new) for change in delta.changes]
    pairs += [
        (name, getattr(previous, name), getattr(record, name))
        for name in extra_fields
        if getattr(previous, name) != getattr(record, name)
    ]
    model = record.instance_type
    return [
        Change(
            str(model._meta.get_field(name).verbose_name),
            display_value(model, name, old),
            display_value(model, name, new),
        )
        for name, old, new in pairs
    ]


def person_name(user) -> str:
    """How editors are named to each other: full name, else username; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def display_value(model: type[models.Model], name: str, value) -> str:
    """A field's stored value for reading: dates in Brussels time, choices by their label,
    a related object by its name; "" for an empty value."""
    if value is None or value == "":
        return ""
    model_field = model._meta.get_field(name)
    if isinstance(value, datetime):
        return brussels_time(value, "j F Y, H:i")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if isinstance(value, Decimal):
        return formats.number_format(value, force_grouping=True)
    return Truncator(str(value)).chars(SHOWN_LENGTH)


def _deadline_subject(record) -> str:
    moment = brussels_time(record.due_at, "j F Y, H:i")
    return _("Deadline %(moment)s") % {"moment": moment}


def _objective_subject(record) -> str:
    return _("Specific objective %(number)s") % {"number": record.position + 1}
