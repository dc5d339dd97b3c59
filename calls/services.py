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
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from api.webhooks import events as webhook_events
from calls.models import (
    DEADLINE_BEFORE_OPENING,
    FT_OWNED_FIELDS,
    MAX_DEADLINES,
    MAX_OBJECTIVES,
    Call,
    CallChange,
    CallDocument,
    CallObjective,
    Deadline,
    ParentCall,
    Source,
)
from foundation.history import history_user, save_validated

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
    "official_url",
    "apply_url",
    "national_note",
)
# Who can apply and the themes, set through the `eligibility` argument of `call_create`
# and `call_update` (the many-to-many ones are written once the call has a row). Empty
# values mean "as the programme says".
ELIGIBILITY_FIELDS = ("eligible_participants", "eligible_countries", "themes")
FROM_SOURCE = gettext_lazy(
    "This comes from the EU Funding & Tenders Portal and cannot be changed here."
)
# Why a topic the import cancelled was cancelled: it left the EU Funding & Tenders Portal.
WITHDRAWN_REASON = "Withdrawn from the EU Funding & Tenders Portal."
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
    contact_points: Iterable | None = None,
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
    if contact_points is not None:
        call.contact_points.set(contact_points)
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
    eligibility: dict | None = None,
    documents: Iterable[DocumentInput] | None = None,
    contact_points: Iterable | None = None,
) -> Call:
    """Save an edit made from `expected_version`; `EditConflict` if the call moved on.
    `eligibility` (ELIGIBILITY_FIELDS) and `documents` are left as they were when None;
    `contact_points` (the national ones applicants may ask), when given, replace the
    call's."""
    call = _lock(call, expected_version)
    before = webhook_events.call_snapshot(call)
    wanted, objectives = list(deadlines), _objective_texts(objectives)
    _refuse_source_fields(call, _editable(fields), wanted)
    opened_at = call.opens_at
    for name, value in fields.items():
        setattr(call, name, value)
    call.version += 1
    _check_deadlines(call, wanted)
    record = call.published_at is not None
    _save_with_deadlines(call, user, wanted, opened_at, record=record, eligibility=eligibility)
    _write_objectives(call, user, objectives)
    _write_documents(call, user, documents)
    if contact_points is not None:
        call.contact_points.set(contact_points)
    webhook_events.call_updated(call, before)
    return call


@transaction.atomic
def call_import(
    *,
    user,
    lookup: dict,
    fields: dict,
    deadlines: list[tuple[datetime, str]],
    parent: tuple[str, str, str] | None,
    checksum: str,
    seen_at: datetime,
) -> tuple[Call, str]:
    """Create or update the portal's copy of a topic of the EU Funding & Tenders Portal
    (found by `lookup`), and say how: "created", "updated", or "unchanged" when its
    `checksum` is the one last imported (nothing written). `fields` are the F&T-owned
    fields; what NCPs added is not touched. Deadlines moved, added or removed on a
    published topic are recorded as changes by `user` (the import), so followers are
    told; a topic withdrawn earlier (`call_withdraw`) that comes back is no longer
    cancelled."""
    call = Call.objects.select_for_update().filter(**lookup).first()
    if call is not None and call.ft_checksum == checksum and call.ft_missing_since is None:
        return call, "unchanged"
    if parent is not None:
        _sync_parent(*parent)
    values = fields | {"source": Source.FT, "ft_checksum": checksum, "ft_missing_since": None}
    values["ft_last_seen_at"] = seen_at
    if call is None:
        return _import_new(Call(**values, published_at=seen_at), user, deadlines)
    before = webhook_events.call_snapshot(call)
    opened_at = call.opens_at
    for name, value in values.items():
        setattr(call, name, value)
    if call.cancellation_reason == WITHDRAWN_REASON:
        call.cancelled_at, call.cancellation_reason = None, ""
    call.version += 1
    wanted = _matched_deadlines(call, deadlines)
    _check_deadlines(call, wanted)
    _save_with_deadlines(call, user, wanted, opened_at, record=call.published_at is not None)
    webhook_events.call_updated(call, before)
    return call, "updated"


@transaction.atomic
def calls_import_new(
    *,
    user,
    topics: list[tuple[dict, list[tuple[datetime, str]], tuple | None, str]],
    seen_at: datetime,
) -> list[Call]:
    """Create imported topics the portal does not hold yet, together: each as
    `call_import` would, given as (fields, deadlines, parent, checksum). A few queries for
    a page of topics rather than a dozen per topic. If any is refused (ValidationError,
    or the database's IntegrityError) none is written: the caller then imports them one
    by one, each in its own transaction, to find which."""
    calls, deadlines = [], []
    for fields, dues, _parent, checksum in topics:
        call = Call(
            **fields,
            source=Source.FT,
            ft_checksum=checksum,
            ft_last_seen_at=seen_at,
            published_at=seen_at,
        )
        wanted = [DeadlineInput(due_at, label) for due_at, label in dues]
        _check_deadlines(call, wanted)
        # Uniqueness, constraints and the programme are left to the database, which
        # checks them for all at once.
        call.full_clean(exclude=["programme"], validate_unique=False, validate_constraints=False)
        calls.append(call)
        deadlines.append(wanted)
    for parent in {parent for _f, _d, parent, _c in topics if parent is not None}:
        _sync_parent(*parent)
    author = history_user(user)
    bulk_create_with_history(calls, Call, default_user=author)
    rows = [
        Deadline(call=call, due_at=item.due_at, label=item.label)
        for call, wanted in zip(calls, deadlines, strict=True)
        for item in wanted
    ]
    bulk_create_with_history(rows, Deadline, default_user=author)
    for call in calls:
        webhook_events.call_published(call)
    return calls


@transaction.atomic
def call_withdraw(*, call: Call, user, at: datetime) -> Call:
    """Mark an imported topic that left the source, keeping it. One still open or
    forthcoming is cancelled (applicants and followers are told); a closed one is
    only marked."""
    call = _lock(call, None)
    if call.ft_missing_since is not None:
        return call
    call.ft_missing_since = at
    still_to_come = call.submission_ends_at is not None and call.submission_ends_at > at
    change = None
    if still_to_come and call.cancelled_at is None:
        call.cancelled_at, call.cancellation_reason = at, WITHDRAWN_REASON
        change = _record(call, user, CallChange.Kind.CANCELLED, made_at=at, reason=WITHDRAWN_REASON)
    call.version += 1
    save_validated(call, user)
    if change is not None:
        webhook_events.call_cancelled(call, change)
    return call


def _import_new(call: Call, user, deadlines: list[tuple[datetime, str]]) -> tuple[Call, str]:
    wanted = [DeadlineInput(due_at, label) for due_at, label in deadlines]
    _check_deadlines(call, wanted)
    save_validated(call, user)
    _write_deadlines(call, user, wanted, record=False)
    webhook_events.call_published(call)
    return call, "created"


def _sync_parent(identifier: str, title: str, ccm2_id: str) -> None:
    """The call of topics as the source names it: written only when it says something new."""
    parent, created = ParentCall.objects.get_or_create(
        identifier=identifier, defaults={"title": title, "ft_ccm2_id": ccm2_id, "source": Source.FT}
    )
    if not created and (parent.title, parent.ft_ccm2_id) != (title, ccm2_id):
        parent.title, parent.ft_ccm2_id, parent.source = title, ccm2_id, Source.FT
        parent.full_clean()
        parent.save()


def _matched_deadlines(call: Call, deadlines: list[tuple[datetime, str]]) -> list[DeadlineInput]:
    """The source's deadlines matched to the stored ones by label (stage, cut-off), so that
    a date that changed reads as a deadline moved, not one removed and one added."""
    free = list(call.deadlines.all())
    wanted = []
    for due_at, label in deadlines:
        same = next((d for d in free if d.label == label), None)
        if same is not None:
            free.remove(same)
        wanted.append(DeadlineInput(due_at, label, same.pk if same else None))
    return wanted


def _save_with_deadlines(
    call: Call,
    user,
    wanted: list[DeadlineInput],
    opened_at: datetime | None,
    *,
    record: bool,
    eligibility: dict | None = None,
) -> None:
    """Save the call and make its deadlines `wanted`. The database triggers compare every
    write with the stored opening (calls/triggers.py): a later opening is written once the
    deadlines have moved past it, an earlier one before the deadlines move towards it."""
    if opened_at is not None and call.opens_at > opened_at:
        call.full_clean()  # the call's own errors first, before any deadline is written
        _write_deadlines(call, user, wanted, record=record)
        _write_eligibility(call, user, eligibility)
    else:
        _write_eligibility(call, user, eligibility)
        _write_deadlines(call, user, wanted, record=record)


def _refuse_source_fields(call: Call, fields: dict, wanted: list[DeadlineInput]) -> None:
    """On a topic imported from F&T, what F&T gives belongs to F&T: an edit may change only
    what the portal adds (`national_note`, ...), never those fields or the deadlines."""
    if call.source != Source.FT:
        return
    errors = {
        name: FROM_SOURCE
        for name, value in fields.items()
        if name in FT_OWNED_FIELDS and _stored(call, name) != _stored_value(value)
    }
    current = sorted((d.due_at, d.label) for d in call.deadlines.all())
    if sorted((item.due_at, item.label) for item in wanted) != current:
        errors["deadlines"] = FROM_SOURCE
    if errors:
        raise ValidationError(errors)


def _stored(call: Call, name: str):
    return call.programme_id if name == "programme" else getattr(call, name)


def _stored_value(value):
    return getattr(value, "pk", value)


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
    if call.source == Source.FT:
        raise ValidationError({"due_at": FROM_SOURCE})
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
def call_cancel(*, call: Call, user, reason: str, expected_version: int | None = None) -> Call:
    """Cancel the call from now on; the reason is shown with it."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the call is cancelled.")})
    call = _lock(call, expected_version)
    if call.source == Source.FT:
        raise ValidationError(FROM_SOURCE)
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
    lists = [name for name in ("eligible_participants", "themes") if name in eligibility]
    for name in lists:
        getattr(call, name).set(eligibility[name])
    if lists:
        # The database set the flags that say whose lists apply (calls/own_lists.py).
        call.refresh_from_db(fields=["has_own_participant_types", "has_own_themes"])


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


def _record(
    call: Call, user, kind: str, *, old=None, new=None, reason="", made_at=None
) -> CallChange:
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
    return change
