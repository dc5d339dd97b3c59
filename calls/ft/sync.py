"""An import run: every record of the source, each in its own transaction through
`calls.services.call_import`, recorded as an `ImportRun`.

Costs, per page of 100 records: one query for the stored checksums; then only the
records that changed are read and written (the new ones of a page together).
A bad record is reported with its identifier and skipped; the run goes on.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.text import slugify

from calls import services
from calls.ft.records import BadRecord, Topic, record_checksum, topic_from
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
    with _quick_commits():
        return _import(source, all_programmes, fetching or Fetching(), progress)


@contextmanager
def _quick_commits():
    """On PostgreSQL, commits that do not wait for the disk: the import commits once per
    record, and waiting for each flush cost more than the writes on a busy machine. A
    crash loses at most the last few commits, which the next run (idempotent) makes
    again; it cannot corrupt the database."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _import(source: str, all_programmes: bool, fetching: Fetching, progress) -> ImportRun:
    run = ImportRun.objects.create(source=source[:500], all_programmes=all_programmes)
    counts, scope = Counts(), Programmes(all_programmes=all_programmes)
    seen: set[str] = set()  # the references given: some 30 bytes a topic
    author, complete, read = import_author(), False, 0
    source_pages = pages(source, programmes=scope.ids, fetching=fetching)
    try:
        for page in _deduplicated(source_pages, counts):
            read += 1
            if progress is not None:
                progress.total = page.total or progress.total
            _import_page(page, run, scope, author, counts, progress, seen)
        complete = True
    except SourceError as error:
        counts.warn(str(error))
        if not read:
            _finish(run, counts, ImportRun.Outcome.FAILED)
            raise
    if complete and is_listing(source):
        _withdraw_missing(run, scope, author, counts, seen)
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


def _import_page(
    page: Page, run: ImportRun, scope: Programmes, author, counts, progress, seen: set
) -> None:
    """An unchanged record (its digest is the stored one) is neither read nor written."""
    stored = _stored_checksums(page.results)
    topics = []
    for result in page.results:
        reference = str(result.get("reference") or "") if isinstance(result, dict) else ""
        seen.add(reference)
        checksum = record_checksum(result)
        if reference and stored.get(reference) == checksum:
            counts.unchanged += 1
            continue
        try:
            topic = topic_from(result if isinstance(result, dict) else {})
            scope.of(topic)
        except BadRecord as error:
            counts.skipped += 1
            counts.warn(str(error))
            continue
        for warning in topic.warnings:
            counts.warn(warning)
        topics.append(topic)
    new = [t for t in topics if t.fields["ft_reference"] not in stored]
    for topic in topics:
        if topic.fields["ft_reference"] in stored or not topic.fields["ft_reference"]:
            _write(topic, run, scope, author, counts)
    _create([t for t in new if t.fields["ft_reference"]], run, scope, author, counts)
    if progress is not None:
        progress.update(len(page.results))


def _create(topics: list[Topic], run: ImportRun, scope: Programmes, author, counts) -> None:
    """The page's new topics, created together; if one is refused, one by one."""
    if not topics:
        return
    try:
        services.calls_import_new(
            user=author,
            topics=[
                (t.fields | {"programme": scope.of(t)}, t.deadlines, t.parent, t.checksum)
                for t in topics
            ],
            seen_at=run.started_at,
        )
    except (ValidationError, DatabaseError):
        for topic in topics:
            _write(topic, run, scope, author, counts)
    else:
        counts.created += len(topics)


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


def _stored_checksums(results: list) -> dict[str, str]:
    """The checksums stored for these records, by F&T reference (a record without one is
    new): one query on the reference's unique index. (On PostgreSQL, `identifier IN
    (...)` is planned on the identifier's trigram index, a thousand times slower.) A
    topic marked missing counts as changed, so that coming back is written."""
    references = [r.get("reference") for r in results if isinstance(r, dict)]
    rows = Call.objects.filter(ft_reference__in=[str(r) for r in references if r])
    return {
        reference: "" if missing else checksum
        for reference, checksum, missing in rows.values_list(
            "ft_reference", "ft_checksum", "ft_missing_since"
        )
    }


def _withdraw_missing(run: ImportRun, scope: Programmes, author, counts, seen: set) -> None:
    """The topics of the run's scope whose reference the listing did not give."""
    kept = scope.calls().filter(ft_missing_since=None).values_list("pk", "ft_reference")
    gone = [pk for pk, reference in kept.iterator() if reference not in seen]
    for call in Call.objects.filter(pk__in=gone).order_by("identifier"):
        services.call_withdraw(call=call, user=author, at=run.started_at)
        counts.withdrawn += 1
        counts.warn(f"{call.identifier}: no longer in the source; kept and marked")


def _finish(run: ImportRun, counts: Counts, outcome: str) -> ImportRun:
    run.finished_at, run.outcome = timezone.now(), outcome
    for name in ("created", "updated", "unchanged", "skipped", "withdrawn", "warnings"):
        setattr(run, name, getattr(counts, name))
    run.save()
    return run
