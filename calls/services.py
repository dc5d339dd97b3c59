"""Changes to calls, for every interface alike (NCP area, admin, API, commands).

Each function is atomic, validates what it writes (`full_clean`), increments the
call's `version` (optimistic locking: an edit based on an older version is refused
with `EditConflict`), records who made the change in the history
(django-simple-history) and, for changes applicants must know about, a `CallChange`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.webhooks import events as webhook_events
from calls.models import DEADLINE_BEFORE_OPENING, Call, CallChange, CallObjective, Deadline
from portal.history import history_user, save_validated

# Fields an editor sets through `call_create` and `call_update`.
EDITABLE_FIELDS = (
    "code",
    "identifier",
    "parent_identifier",
    "title",
    "summary",
    "description",
    "programme",
    "type_of_action",
    "budget",
    "opens_at",
)
# What an edit conflict reports besides the editable fields and the publication (which
# `diff_against` compares): the cancellation, set by `call_cancel` and not editable.
CANCELLATION_FIELDS = ("cancelled_at", "cancellation_reason")


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: object
    new: object


class EditConflict(Exception):
    """Someone else saved the call since this edit began; nothing was written."""

    def __init__(self, call: Call, changes: list[FieldChange], changed_by, changed_at):
        self.call, self.changes = call, changes
        self.changed_by, self.changed_at = changed_by, changed_at
        super().__init__(
            f"{call.identifier} was changed by {changed_by or 'someone'} at {changed_at}"
        )


@dataclass(frozen=True)
class DeadlineInput:
    """One deadline as an editor gives it; `pk` names an existing one to keep or move."""

    due_at: datetime
    label: str = ""
    pk: int | None = None


@transaction.atomic
def call_create(
    *,
    user,
    fields: dict,
    deadlines: Iterable[DeadlineInput],
    objectives: Iterable[str] = (),
    published_at: datetime | None = None,
) -> Call:
    """A new call, a draft unless `published_at` is given."""
    call = Call(**_editable(fields), published_at=published_at)
    wanted = list(deadlines)
    _check_deadlines(call, wanted)
    save_validated(call, user)
    _write_deadlines(call, user, wanted, record=False)
    _write_objectives(call, user, list(objectives))
    if published_at is not None:
        webhook_events.call_published(call)
    return call


@transaction.atomic
def call_update(
    *,
    call: Call,
    user,
    expected_version: int,
    fields: dict,
    deadlines: Iterable[DeadlineInput],
    objectives: Iterable[str] = (),
) -> Call:
    """Save an edit made from `expected_version`; `EditConflict` if the call moved on."""
    call = _lock(call, expected_version)
    before = webhook_events.call_snapshot(call)
    opened_at = call.opens_at
    for name, value in _editable(fields).items():
        setattr(call, name, value)
    call.version += 1
    wanted = list(deadlines)
    _check_deadlines(call, wanted)
    record = call.published_at is not None
    # The database triggers compare every write with the stored opening
    # (calls/triggers.py): a later opening is written once the deadlines have moved
    # past it, an earlier one before the deadlines move towards it.
    if opened_at is not None and call.opens_at > opened_at:
        call.full_clean()  # the call's own errors first, before any deadline is written
        _write_deadlines(call, user, wanted, record=record)
        save_validated(call, user)
    else:
        save_validated(call, user)
        _write_deadlines(call, user, wanted, record=record)
    _write_objectives(call, user, list(objectives))
    webhook_events.call_updated(call, before)
    return call


@transaction.atomic
def call_publish(
    *, call: Call, user, at: datetime | None = None, expected_version: int | None = None
) -> Call:
    """Publish now, or schedule publication for the moment `at`."""
    call = _lock(call, expected_version)
    call.published_at = at or timezone.now()
    call.version += 1
    save_validated(call, user)
    _record(call, user, CallChange.Kind.PUBLISHED, made_at=call.published_at)
    webhook_events.call_published(call)
    return call


@transaction.atomic
def call_unpublish(*, call: Call, user, expected_version: int | None = None) -> Call:
    """Make the call a draft again: it disappears from every public place."""
    call = _lock(call, expected_version)
    call.published_at = None
    call.version += 1
    save_validated(call, user)
    return call


@transaction.atomic
def call_extend_deadline(
    *, deadline: Deadline, user, due_at: datetime, reason: str = ""
) -> Deadline:
    """Move a deadline later to `due_at`; applicants of a published call are told.

    An earlier moment is refused: shortening a deadline is an edit (`call_update`), not
    an extension.
    """
    call = _lock(deadline.call, None)
    deadline = Deadline.objects.get(pk=deadline.pk, call=call)
    old_due_at = deadline.due_at
    if due_at <= old_due_at:
        raise ValidationError({"due_at": _("An extension must move the deadline later.")})
    deadline.due_at = due_at
    save_validated(deadline, user)
    call.version += 1
    save_validated(call, user)
    if call.published_at is not None:  # as call_update: drafts have no public trail yet
        change = _record(
            call, user, CallChange.Kind.DEADLINE_MOVED, old=old_due_at, new=due_at, reason=reason
        )
        webhook_events.call_deadline_moved(call, change)
    return deadline


@transaction.atomic
def call_cancel(*, call: Call, user, reason: str) -> Call:
    """Cancel the call from now on; the reason is shown with it."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the call is cancelled.")})
    call = _lock(call, None)
    if call.cancelled_at is not None:
        raise ValidationError(_("This call is already cancelled."))
    call.cancelled_at = timezone.now()
    call.cancellation_reason = reason.strip()
    call.version += 1
    save_validated(call, user)
    change = _record(
        call,
        user,
        CallChange.Kind.CANCELLED,
        made_at=call.cancelled_at,
        reason=call.cancellation_reason,
    )
    webhook_events.call_cancelled(call, change)
    return call


def call_record_deadline_change(
    *, call: Call, user, old_due_at: datetime | None, new_due_at: datetime | None
) -> None:
    """Tell applicants of a deadline added, moved or removed (old or new None): the
    deadline itself is already saved (here or in the admin's inline)."""
    if old_due_at == new_due_at:
        return
    if old_due_at and new_due_at:
        kind = CallChange.Kind.DEADLINE_MOVED
    else:
        kind = CallChange.Kind.DEADLINE_ADDED if new_due_at else CallChange.Kind.DEADLINE_REMOVED
    _record(call, user, kind, old=old_due_at, new=new_due_at)


def _editable(fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    return fields


def _lock(call: Call, expected_version: int | None) -> Call:
    """The call's current row, locked for this transaction; checks the version."""
    current = Call.objects.select_for_update().get(pk=call.pk)
    if expected_version is not None and current.version != expected_version:
        raise _conflict(current, expected_version)
    return current


def _conflict(current: Call, expected_version: int) -> EditConflict:
    """What changed between the version the editor started from and the current one."""
    # history_id breaks ties: two saves can share a timestamp (a coarse clock, frozen tests).
    history = current.history.order_by("history_date", "history_id")
    before = history.filter(version=expected_version).last()
    latest = history.last()
    changes = []
    if before is not None and latest is not None:
        delta = latest.diff_against(before, excluded_fields=["version"])
        pairs = [(change.field, change.old, change.new) for change in delta.changes]
        pairs += [
            (name, getattr(before, name), getattr(latest, name))
            for name in CANCELLATION_FIELDS
            if getattr(before, name) != getattr(latest, name)
        ]
        for field, old, new in pairs:
            label = Call._meta.get_field(field).verbose_name
            changes.append(FieldChange(field, str(label), old, new))
    changed_by = latest.history_user if latest else None
    changed_at = latest.history_date if latest else None
    return EditConflict(current, changes, changed_by, changed_at)


def _check_deadlines(call: Call, wanted: list[DeadlineInput]) -> None:
    """At least one deadline, each after the opening: a ValidationError before any write
    (the database triggers would otherwise refuse with an IntegrityError)."""
    if not wanted:
        raise ValidationError({"deadlines": _("A call needs at least one deadline.")})
    if call.opens_at and any(item.due_at <= call.opens_at for item in wanted):
        raise ValidationError({"deadlines": DEADLINE_BEFORE_OPENING})


def _write_deadlines(call: Call, user, wanted: list[DeadlineInput], *, record: bool) -> None:
    """Make the call's deadlines `wanted`: keep, move, add and remove."""
    current = {d.pk: d for d in call.deadlines.all()}
    kept = {item.pk for item in wanted if item.pk in current}
    for pk, deadline in current.items():
        if pk not in kept:
            deadline._history_user = history_user(user)
            deadline.delete()
            if record:
                call_record_deadline_change(
                    call=call, user=user, old_due_at=deadline.due_at, new_due_at=None
                )
    for item in sorted(wanted, key=lambda item: _write_order(item, current)):
        deadline = current.get(item.pk) or Deadline(call=call)
        old_due_at = deadline.due_at
        if deadline.pk and (old_due_at, deadline.label) == (item.due_at, item.label):
            continue
        deadline.due_at, deadline.label = item.due_at, item.label
        save_validated(deadline, user)
        if record:
            call_record_deadline_change(
                call=call, user=user, old_due_at=old_due_at, new_due_at=item.due_at
            )


def _write_order(item: DeadlineInput, current: dict) -> tuple:
    """Deadlines moving later are written latest first, the others earliest first, so that
    none is moved onto a moment another still holds (one deadline per call and moment):
    postponing every cut-off by one slot works; only a swap of two moments cannot."""
    old = current[item.pk].due_at if item.pk in current else None
    if old is not None and item.due_at > old:
        return (0, -item.due_at.timestamp())
    return (1, item.due_at.timestamp())


def _write_objectives(call: Call, user, texts: list[str]) -> None:
    texts = [text.strip() for text in texts if text.strip()]
    call.objectives.filter(position__gte=len(texts)).delete()
    for position, text in enumerate(texts):
        objective, _created = CallObjective.objects.get_or_create(
            call=call, position=position, defaults={"text": text}
        )
        if objective.text != text:
            objective.text = text
            save_validated(objective, user)


def _record(
    call: Call, user, kind: str, *, old=None, new=None, reason="", made_at=None
) -> CallChange:
    return CallChange.objects.create(
        call=call,
        kind=kind,
        made_by=history_user(user),
        made_at=made_at or timezone.now(),
        old_due_at=old,
        new_due_at=new,
        reason=reason,
    )
