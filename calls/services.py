"""Changes to calls, for every interface alike (NCP area, admin, API, commands).

Each function is atomic, validates what it writes (`full_clean`), increments the
call's `version` (optimistic locking: an edit based on an older version is refused
with `EditConflict`), records who made the change in the history
(django-simple-history) and, for changes applicants must know about, a `CallChange`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import (
    DEADLINE_BEFORE_OPENING,
    MAX_DEADLINES,
    MAX_OBJECTIVES,
    Call,
    CallChange,
    CallDocument,
    CallObjective,
    Deadline,
)
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
# Who can apply and the themes, set through the `eligibility` argument of `call_create`
# and `call_update` (the many-to-many ones are written once the call has a row). Empty
# values mean "as the programme says".
ELIGIBILITY_FIELDS = ("eligible_participants", "eligible_countries", "themes")
# What an edit conflict reports besides the editable fields and the publication (which
# `diff_against` compares): the cancellation, set by `call_cancel` and not editable.
CANCELLATION_FIELDS = ("cancelled_at", "cancellation_reason")
# A publication moment this little in the past means "now": the editor's clock, or the
# time the request took, is behind the server's.
PUBLICATION_LEEWAY = timedelta(minutes=5)


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
class DocumentInput:
    """One document of a call as an editor gives it, in the order shown."""

    title: str
    url: str
    kind: str = CallDocument.Kind.CALL_TEXT
    language: str = "en"


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
    eligibility: dict | None = None,
    documents: Iterable[DocumentInput] | None = None,
    recorded: bool = False,
) -> Call:
    """A new call, a draft unless `published_at` is given (see `publication_moment`).
    `recorded`: `published_at` is when a source records the call was published (the demo
    data's source pages), kept even when past."""
    if published_at is not None and not recorded:
        published_at = publication_moment(published_at)
    call = Call(**_editable(fields), published_at=published_at)
    wanted, objectives = list(deadlines), _objective_texts(objectives)
    _check_deadlines(call, wanted)
    _write_eligibility(call, user, eligibility)
    _write_deadlines(call, user, wanted, record=False)
    _write_objectives(call, user, objectives)
    _write_documents(call, user, documents)
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
    eligibility: dict | None = None,
    documents: Iterable[DocumentInput] | None = None,
) -> Call:
    """Save an edit made from `expected_version`; `EditConflict` if the call moved on.
    `eligibility` (ELIGIBILITY_FIELDS) and `documents` are left as they were when None."""
    call = _lock(call, expected_version)
    opened_at = call.opens_at
    for name, value in _editable(fields).items():
        setattr(call, name, value)
    call.version += 1
    wanted, objectives = list(deadlines), _objective_texts(objectives)
    _check_deadlines(call, wanted)
    record = call.published_at is not None
    # The database triggers compare every write with the stored opening
    # (calls/triggers.py): a later opening is written once the deadlines have moved
    # past it, an earlier one before the deadlines move towards it.
    if opened_at is not None and call.opens_at > opened_at:
        call.full_clean()  # the call's own errors first, before any deadline is written
        _write_deadlines(call, user, wanted, record=record)
        _write_eligibility(call, user, eligibility)
    else:
        _write_eligibility(call, user, eligibility)
        _write_deadlines(call, user, wanted, record=record)
    _write_objectives(call, user, objectives)
    _write_documents(call, user, documents)
    return call


@transaction.atomic
def call_publish(
    *,
    call: Call,
    user,
    at: datetime | None = None,
    expected_version: int | None = None,
    recorded: bool = False,
) -> Call:
    """Publish now, or schedule publication for the moment `at` (see `publication_moment`).
    `recorded`: as for `call_create`."""
    published_at = at if recorded and at is not None else publication_moment(at)
    call = _lock(call, expected_version)
    call.published_at = published_at
    call.version += 1
    save_validated(call, user)
    _record(call, user, CallChange.Kind.PUBLISHED, made_at=call.published_at)
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
def call_delete_draft(*, call: Call, user) -> None:
    """Delete a draft that was never public (a call once published has readers who may
    hold its link; unpublish it instead). Its history keeps who deleted it."""
    call = _lock(call, None)
    once_public = call.changes.filter(kind=CallChange.Kind.PUBLISHED).exists()
    if call.published_at is not None or once_public:
        raise ValidationError(_("Only a draft that was never published can be deleted."))
    call._history_user = history_user(user)
    call.delete()


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
        _record(
            call, user, CallChange.Kind.DEADLINE_MOVED, old=old_due_at, new=due_at, reason=reason
        )
    return deadline


@transaction.atomic
def call_cancel(*, call: Call, user, reason: str, expected_version: int | None = None) -> Call:
    """Cancel the call from now on; the reason is shown with it."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the call is cancelled.")})
    call = _lock(call, expected_version)
    if call.cancelled_at is not None:
        raise ValidationError(_("This call is already cancelled."))
    call.cancelled_at = timezone.now()
    call.cancellation_reason = reason.strip()
    call.version += 1
    save_validated(call, user)
    _record(
        call,
        user,
        CallChange.Kind.CANCELLED,
        made_at=call.cancelled_at,
        reason=call.cancellation_reason,
    )
    return call


def publication_moment(at: datetime | None) -> datetime:
    """When a call asked to be published at `at` (None: now) becomes public: `at`, or now
    for a moment within PUBLICATION_LEEWAY before now. An earlier one is refused: the call
    would show a publication date before it existed."""
    now = timezone.now()
    if at is not None and at < now - PUBLICATION_LEEWAY:
        raise ValidationError({"published_at": _("A publication cannot be scheduled in the past.")})
    return max(at or now, now)


def call_record_deadline_change(
    *, call: Call, user, old_due_at: datetime | None, new_due_at: datetime | None
) -> None:
    """Tell applicants of a deadline added, moved or removed (old or new None): the
    deadline itself is already saved."""
    if old_due_at == new_due_at:
        return
    if old_due_at and new_due_at:
        kind = CallChange.Kind.DEADLINE_MOVED
    else:
        kind = CallChange.Kind.DEADLINE_ADDED if new_due_at else CallChange.Kind.DEADLINE_REMOVED
    _record(call, user, kind, old=old_due_at, new=new_due_at)


def _write_eligibility(call: Call, user, eligibility: dict | None) -> None:
    """Save the call with `eligibility` (None: as it is)."""
    eligibility = eligibility or {}
    if unknown := set(eligibility) - set(ELIGIBILITY_FIELDS):
        raise ValueError(f"Not eligibility: {', '.join(sorted(unknown))}")
    if "eligible_countries" in eligibility:
        call.eligible_countries = eligibility["eligible_countries"]
    save_validated(call, user)
    for name in ("eligible_participants", "themes"):
        if name in eligibility:
            getattr(call, name).set(eligibility[name])


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
    if len(wanted) > MAX_DEADLINES:
        raise ValidationError(
            {"deadlines": _("A call can have at most %(max)d deadlines.") % {"max": MAX_DEADLINES}}
        )
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


def _objective_texts(objectives: Iterable[str]) -> list[str]:
    """The objectives to write, without blank ones, each checked as the model checks it and
    at most MAX_OBJECTIVES: before any write, with the errors on `objectives`."""
    texts = [text.strip() for text in objectives if text.strip()]
    if len(texts) > MAX_OBJECTIVES:
        raise ValidationError(
            {
                "objectives": _("A call can have at most %(max)d specific objectives.")
                % {"max": MAX_OBJECTIVES}
            }
        )
    for text in texts:
        try:
            CallObjective(text=text).clean_fields(exclude=["call", "position"])
        except ValidationError as error:
            raise ValidationError({"objectives": error.message_dict["text"]}) from None
    return texts


def _write_objectives(call: Call, user, texts: list[str]) -> None:
    call.objectives.filter(position__gte=len(texts)).delete()
    current = {objective.position: objective for objective in call.objectives.all()}
    for position, text in enumerate(texts):
        objective = current.get(position) or CallObjective(call=call, position=position)
        if objective.text != text:
            objective.text = text
            save_validated(objective, user)


def _write_documents(call: Call, user, documents: Iterable[DocumentInput] | None) -> None:
    """Make the call's documents `documents`, in that order (None: leave them)."""
    if documents is None:
        return
    wanted = list(documents)
    call.documents.filter(position__gte=len(wanted)).delete()
    for position, item in enumerate(wanted):
        document = call.documents.filter(position=position).first() or CallDocument(call=call)
        document.position = position
        document.title, document.url = item.title, item.url
        document.kind, document.language = item.kind, item.language
        save_validated(document, user)


def _record(call: Call, user, kind: str, *, old=None, new=None, reason="", made_at=None) -> None:
    change = CallChange(
        call=call,
        kind=kind,
        made_by=history_user(user),
        made_at=made_at or timezone.now(),
        old_due_at=old,
        new_due_at=new,
        reason=reason,
    )
    change.full_clean(exclude=["call", "made_by"])  # the reason's characters and length
    change.save()
