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

from calls.models import Call, CallChange, CallObjective, Deadline

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
    _save(call, user)
    _write_deadlines(call, user, list(deadlines), record=False)
    _write_objectives(call, user, list(objectives))
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
    for name, value in _editable(fields).items():
        setattr(call, name, value)
    call.version += 1
    _save(call, user)
    _write_deadlines(call, user, list(deadlines), record=call.published_at is not None)
    _write_objectives(call, user, list(objectives))
    return call


@transaction.atomic
def call_publish(
    *, call: Call, user, at: datetime | None = None, expected_version: int | None = None
) -> Call:
    """Publish now, or schedule publication for the moment `at`."""
    call = _lock(call, expected_version)
    call.published_at = at or timezone.now()
    call.version += 1
    _save(call, user)
    _record(call, user, CallChange.Kind.PUBLISHED, made_at=call.published_at)
    return call


@transaction.atomic
def call_unpublish(*, call: Call, user, expected_version: int | None = None) -> Call:
    """Make the call a draft again: it disappears from every public place."""
    call = _lock(call, expected_version)
    call.published_at = None
    call.version += 1
    _save(call, user)
    return call


@transaction.atomic
def call_extend_deadline(
    *, deadline: Deadline, user, due_at: datetime, reason: str = ""
) -> Deadline:
    """Move a deadline to `due_at` (later, for an extension); applicants are told."""
    call = _lock(deadline.call, None)
    deadline = Deadline.objects.get(pk=deadline.pk, call=call)
    old_due_at = deadline.due_at
    deadline.due_at = due_at
    _save(deadline, user)
    call.version += 1
    _save(call, user)
    _record(call, user, CallChange.Kind.DEADLINE_MOVED, old=old_due_at, new=due_at, reason=reason)
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
    _save(call, user)
    _record(
        call,
        user,
        CallChange.Kind.CANCELLED,
        made_at=call.cancelled_at,
        reason=call.cancellation_reason,
    )
    return call


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
    history = current.history.order_by("history_date")
    before = history.filter(version=expected_version).last()
    latest = history.last()
    changes = []
    if before is not None and latest is not None:
        delta = latest.diff_against(before, excluded_fields=["version"])
        for change in delta.changes:
            label = Call._meta.get_field(change.field).verbose_name
            changes.append(FieldChange(change.field, str(label), change.old, change.new))
    changed_by = latest.history_user if latest else None
    changed_at = latest.history_date if latest else None
    return EditConflict(current, changes, changed_by, changed_at)


def _write_deadlines(call: Call, user, wanted: list[DeadlineInput], *, record: bool) -> None:
    """Make the call's deadlines `wanted`: keep, move, add and remove."""
    if not wanted:
        raise ValidationError({"deadlines": _("A call needs at least one deadline.")})
    current = {d.pk: d for d in call.deadlines.all()}
    kept = {item.pk for item in wanted if item.pk in current}
    for pk, deadline in current.items():
        if pk not in kept:
            deadline._history_user = _user(user)
            deadline.delete()
            if record:
                _record(call, user, CallChange.Kind.DEADLINE_REMOVED, old=deadline.due_at)
    for item in wanted:
        deadline = current.get(item.pk) or Deadline(call=call)
        old_due_at = deadline.due_at
        if deadline.pk and (old_due_at, deadline.label) == (item.due_at, item.label):
            continue
        deadline.due_at, deadline.label = item.due_at, item.label
        _save(deadline, user)
        if record and old_due_at != item.due_at:
            kind = CallChange.Kind.DEADLINE_MOVED if old_due_at else CallChange.Kind.DEADLINE_ADDED
            _record(call, user, kind, old=old_due_at, new=item.due_at)


def _write_objectives(call: Call, user, texts: list[str]) -> None:
    texts = [text.strip() for text in texts if text.strip()]
    call.objectives.filter(position__gte=len(texts)).delete()
    for position, text in enumerate(texts):
        objective, _created = CallObjective.objects.get_or_create(
            call=call, position=position, defaults={"text": text}
        )
        if objective.text != text:
            objective.text = text
            _save(objective, user)


def _record(call: Call, user, kind: str, *, old=None, new=None, reason="", made_at=None) -> None:
    CallChange.objects.create(
        call=call,
        kind=kind,
        made_by=_user(user),
        made_at=made_at or timezone.now(),
        old_due_at=old,
        new_due_at=new,
        reason=reason,
    )


def _save(obj, user) -> None:
    obj.full_clean()
    obj._history_user = _user(user)
    obj.save()


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None
