"""An import run: every record of the source, each in its own transaction through
`calls.services.call_import`, recorded as an `ImportRun`.

Costs, per page of 100 records: one query for the stored checksums and one to note
when the records were last seen; then only the records that changed are written.
A bad record is reported with its identifier and skipped; the run goes on.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from calls import services
from calls.ft.records import BadRecord, Topic, topic_from
from calls.ft.source import Fetching, Page, SourceError, is_listing, pages
from calls.models import Call, ImportRun, Source
from programmes.models import Fund, Programme

AUTHOR = "ft-import"  # the user changes are recorded by: "the F&T import"
MAX_WARNINGS = 1000  # kept on the run; the count goes on


def import_author():
    """The user the import's changes are recorded by; it cannot sign in."""
    user, created = get_user_model().objects.get_or_create(
        username=AUTHOR, defaults={"is_active": False, "first_name": "EU Funding & Tenders import"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    withdrawn: int = 0
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)


class Programmes:
    """The portal programme of an F&T frameworkProgramme id: the latest programme of the
    fund `settings.FT_PROGRAMMES` names; with `all_programmes`, an unknown id gets a fund
    of its own (code FT-<id>) the admin can rename. Looked up once per id."""

    def __init__(self, *, all_programmes: bool):
        self.all_programmes = all_programmes
        self.mapping: dict[str, str] = settings.FT_PROGRAMMES
        self.found: dict[str, Programme] = {}

    @property
    def ids(self) -> list[str] | None:
        return None if self.all_programmes else list(self.mapping)

    def calls(self):
        """The imported calls in this run's scope, the ones that can go missing from it."""
        calls = Call.objects.filter(source=Source.FT)
        if self.all_programmes:
            return calls
        return calls.filter(programme__fund__code__in=self.mapping.values())

    def of(self, topic: Topic) -> Programme:
        ft_id = topic.framework_programme
        if ft_id not in self.found:
            code = self.mapping.get(ft_id)
            if code is None and self.all_programmes and ft_id.isdigit():
                code = f"FT-{ft_id}"
            if code is None:
                raise BadRecord(
                    topic.identifier,
                    f"programme {ft_id or '(none)'} is not one of the portal's funds"
                    " (--all-programmes takes every programme)",
                )
            self.found[ft_id] = _programme_of_fund(code)
        return self.found[ft_id]


def _programme_of_fund(code: str) -> Programme:
    fund, _created = Fund.objects.get_or_create(code=code, defaults={"name": code})
    programme = fund.programmes.order_by("-period_start", "pk").first()
    if programme is None:
        programme = Programme.objects.create(
            fund=fund, title=f"{code} (EU Funding & Tenders Portal)", slug=slugify(f"{code}-ft")
        )
    return programme


def import_ft(
    source: str,
    *,
    all_programmes: bool = False,
    fetching: Fetching | None = None,
    progress=None,
) -> ImportRun:
    """Import every record of `source` (a file or the search API's URL) and record the run.

    `progress`, if given, has `update(n)` and a `total` (a tqdm bar). When the whole API
    listing was read, the imported topics of the run's scope it no longer holds are withdrawn
    (`services.call_withdraw`). `SourceError` (the run recorded as failed) only when
    nothing at all could be read.
    """
    run = ImportRun.objects.create(source=source[:500], all_programmes=all_programmes)
    counts, scope = Counts(), Programmes(all_programmes=all_programmes)
    author, complete, read = import_author(), False, 0
    source_pages = pages(source, programmes=scope.ids, fetching=fetching or Fetching())
    try:
        for page in _deduplicated(source_pages, counts):
            read += 1
            if progress is not None:
                progress.total = page.total or progress.total
            _import_page(page, run, scope, author, counts, progress)
        complete = True
    except SourceError as error:
        counts.warn(str(error))
        if not read:
            _finish(run, counts, ImportRun.Outcome.FAILED)
            raise
    if complete and is_listing(source):
        _withdraw_missing(run, scope, author, counts)
    outcome = ImportRun.Outcome.FINISHED if complete else ImportRun.Outcome.PARTIAL
    return _finish(run, counts, outcome)


def _deduplicated(source_pages: Iterator[Page], counts: Counts) -> Iterator[Page]:
    """The pages without a record already given: one topic can appear twice."""
    seen: set[tuple[str, str]] = set()
    for page in source_pages:
        results = []
        for result in page.results:
            key = _key(result)
            if key in seen:
                counts.skipped += 1
                counts.warn(f"{key[1]}: appears twice in the source; the first is kept")
                continue
            seen.add(key)
            results.append(result)
        yield Page(page.number, results, page.total)


def _key(result) -> tuple[str, str]:
    """A record's key: its reference for a cascade call (several share an identifier)."""
    meta = result.get("metadata") or {} if isinstance(result, dict) else {}
    kinds, identifiers = meta.get("type") or [""], meta.get("identifier") or [""]
    if str(kinds[0]) == "8":
        return ("reference", str(result.get("reference") or ""))
    return ("identifier", str(identifiers[0]))


def _import_page(page: Page, run: ImportRun, scope: Programmes, author, counts, progress) -> None:
    topics = []
    for result in page.results:
        try:
            topic = topic_from(result if isinstance(result, dict) else {})
            scope.of(topic)
            topics.append(topic)
        except BadRecord as error:
            counts.skipped += 1
            counts.warn(str(error))
    stored = _stored_checksums(topics)
    for topic in topics:
        for warning in topic.warnings:
            counts.warn(warning)
        if stored.get(_lookup_key(topic.lookup)) == topic.checksum:
            counts.unchanged += 1
        else:
            _write(topic, run, scope, author, counts)
    _note_seen(page, run)
    if progress is not None:
        progress.update(len(page.results))


def _write(topic: Topic, run: ImportRun, scope: Programmes, author, counts: Counts) -> None:
    try:
        _call, outcome = services.call_import(
            user=author,
            lookup=topic.lookup,
            fields=topic.fields | {"programme": scope.of(topic)},
            deadlines=topic.deadlines,
            parent=topic.parent,
            checksum=topic.checksum,
            seen_at=run.started_at,
        )
    except ValidationError as error:
        counts.skipped += 1
        counts.warn(f"{topic.identifier}: {_messages(error)}")
        return
    except DatabaseError as error:
        counts.skipped += 1
        counts.warn(f"{topic.identifier}: refused by the database ({error})")
        return
    setattr(counts, outcome, getattr(counts, outcome) + 1)


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(texts)}" for name, texts in error.message_dict.items())
    return " ".join(error.messages)


def _lookup_key(lookup: dict) -> tuple:
    return next(iter(lookup.items()))


def _stored_checksums(topics: list[Topic]) -> dict[tuple, str]:
    """The checksums stored for these topics, by lookup: one query. A topic marked
    missing has none, so that coming back is written."""
    identifiers = [t.lookup["identifier"] for t in topics if "identifier" in t.lookup]
    references = [t.lookup["ft_reference"] for t in topics if "ft_reference" in t.lookup]
    rows = Call.objects.filter(
        Q(identifier__in=identifiers) | Q(ft_reference__in=references), ft_missing_since=None
    ).values_list("identifier", "ft_reference", "ft_checksum")
    stored = {}
    for identifier, reference, checksum in rows:
        stored[("identifier", identifier)] = checksum
        if reference:
            stored[("ft_reference", reference)] = checksum
    return stored


def _note_seen(page: Page, run: ImportRun) -> None:
    """Every imported topic the page names was seen now, even a record skipped as bad (it
    is still in the source): one query, which writes nothing else."""
    identifiers, references = set(), set()
    for result in page.results:
        if isinstance(result, dict):
            identifiers.update(map(str, (result.get("metadata") or {}).get("identifier") or []))
            references.add(str(result.get("reference") or ""))
    references.discard("")
    Call.objects.filter(
        Q(identifier__in=identifiers) | Q(ft_reference__in=references), source=Source.FT
    ).update(ft_last_seen_at=run.started_at)


def _withdraw_missing(run: ImportRun, scope: Programmes, author, counts: Counts) -> None:
    gone = scope.calls().filter(
        Q(ft_last_seen_at__lt=run.started_at) | Q(ft_last_seen_at=None), ft_missing_since=None
    )
    for call in gone.iterator():
        services.call_withdraw(call=call, user=author, at=run.started_at)
        counts.withdrawn += 1
        counts.warn(f"{call.identifier}: no longer in the source; kept and marked")


def _finish(run: ImportRun, counts: Counts, outcome: str) -> ImportRun:
    run.finished_at, run.outcome = timezone.now(), outcome
    for name in ("created", "updated", "unchanged", "skipped", "withdrawn", "warnings"):
        setattr(run, name, getattr(counts, name))
    run.save()
    return run
