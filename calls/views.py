import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, Prefetch, Window, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import get_text_list
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from calls.calendar import deadlines_calendar
from calls.filters import CallFilter
from calls.models import Call, CallChange, Deadline, ParentCall
from calls.search_text import identifier_code
from foundation.freshness import fresh_until
from programmes.models import ContactPoint, Fund, Programme

logger = logging.getLogger(__name__)

# The other topics of a call shown on a topic's page; the call's page lists them all.
TOPICS_SHOWN = 20
# Other calls of the same call or programme shown on a call's page.
RELATED_SHOWN = 5


def call_list(request):
    filters = CallFilter(request.GET)
    if "page" not in request.GET and (identifier := filters.exact_identifier()):
        return redirect("call_detail", identifier)  # a code typed in full: to its call
    facets = filters.facets()
    page = _page_of_calls(filters.qs, request.GET.get("page"), count=filters.count(facets))
    today = timezone.localdate(filters.at)
    context = {
        "filter": filters,
        "facets": facets,
        "hidden_matches": filters.hidden_matches(facets),
        "suggestion": (suggestion := filters.suggestion(facets, found=page.paginator.count)),
        "suggestion_url": _with_q(request, suggestion),
        "page": page,
        "now": filters.at,
        "today": today,
        "in_7_days": today + timedelta(days=7),
        "in_30_days": today + timedelta(days=30),
        "csv_url": _results_csv_url(filters),
        "active_filters": _active_filter_count(filters),
    }
    return render(request, "calls/call_list.html", context)


def _with_q(request, q: str) -> str:
    """The query string of this page of results, searching `q` instead."""
    params = request.GET.copy()
    params["q"] = q
    params.pop("page", None)
    return f"?{params.urlencode()}"


# The filters behind the "Filters (n)" disclosure; the search words stay in view.
FOLDED_FILTERS = ("fund", "programme", "eligible", "theme", "closes_after", "closes_before")


def _active_filter_count(filters: CallFilter) -> int:
    """How many folded filters narrow the list: each one set, and the statuses when they
    are not the default ones."""
    count = sum(1 for name in FOLDED_FILTERS if filters._cleaned(name))
    return count + (set(filters.statuses) != set(filters.default_statuses))


def _results_csv_url(filters: CallFilter) -> str:
    """The API's CSV of the calls on this page: the same filters (one definition,
    calls/filters.py), the statuses shown named (the API lists every status by default),
    without the page's pages, sort, values it could not use and filters left empty (the
    API refuses an empty value)."""
    params = filters.data.copy()
    empty = [name for name, values in params.lists() if not any(values)]
    for name in ("page", "sort", *filters.form.errors, *empty):
        params.pop(name, None)
    params.setlist("status", filters.statuses)
    params["format"] = "csv"
    return f"{reverse('call-list')}?{params.urlencode()}"


class CountedPaginator(Paginator):
    """A paginator told how many objects there are, when that is known already."""

    def __init__(self, object_list, per_page, *, count: int | None):
        super().__init__(object_list, per_page)
        if count is not None:
            self.count = count  # in place of the cached property's query


def _page_of_calls(calls, number, *, count: int | None = None):
    """A page of calls, found in two steps: the ids of the page, then those calls.

    Ordering and counting need only narrow indexed columns; the wide rows (descriptions)
    are read for the page alone. Three queries: ids, calls, deadlines. The ids of a page
    come with the number of calls in all (a window count, from the same scan) when
    `count` is not given; only a page past the last one costs a count query more.
    """
    ids, count = _page_ids(calls, number, count=count)
    per_page = settings.CALLS_PER_PAGE
    paginator = CountedPaginator(calls.values_list("pk", flat=True), per_page, count=count)
    if ids is None:
        page = paginator.get_page(number)
        ids = list(page.object_list)
    else:
        page = Page(ids, int(number or 1), paginator)
    by_id = Call.objects.for_listing().in_bulk(ids)
    page.object_list = [by_id[pk] for pk in ids]
    return page


def _page_ids(calls, number, *, count: int | None) -> tuple[list | None, int | None]:
    """The ids of the `calls` on page `number` and how many calls there are in all (the
    `count` given, else counted), or (None, count) for a page that is not one that holds
    calls: not a number, or past the last page."""
    try:
        number = int(number or 1)
    except (TypeError, ValueError):
        return None, count
    if number < 1:
        return None, count
    first, last = (number - 1) * settings.CALLS_PER_PAGE, number * settings.CALLS_PER_PAGE
    if count is not None:
        if count <= first:
            return None, count
        return list(calls.values_list("pk", flat=True)[first:last]), count
    counted = calls.annotate(total=Window(Count("pk"))).values_list("pk", "total")
    rows = list(counted[first:last])
    if rows:
        return [pk for pk, _ in rows], rows[0][1]
    return ([], 0) if number == 1 else (None, None)


def call_detail(request, identifier: str):
    return call_page(request, Call.objects.public(), identifier)


def call_page(request, calls, identifier: str, *, preview: bool = False):
    """The public page of the call `identifier` among `calls`; `preview`: a draft's,
    shown to its editors as applicants will see it."""
    contact_points = ContactPoint.objects.select_related("organisation").prefetch_related("persons")
    # What applicants must know, newest first: changes made since the call was published,
    # not those of its draft; its publication itself goes without saying.
    changes = (
        CallChange.objects.filter(made_at__gte=F("call__published_at"))
        .exclude(kind=CallChange.Kind.PUBLISHED)
        .order_by("-made_at", "-pk")
    )
    if canonical := _canonical_identifier(identifier):
        return redirect("call_detail", canonical, permanent=True)
    call = get_object_or_404(
        calls.defer("search_document")  # the page does not show it: 3 kB a call or so
        .select_related("programme__fund")
        .prefetch_related(
            "deadlines",
            "objectives",
            "documents",
            Prefetch("programme__contact_points", queryset=contact_points),
            Prefetch("changes", queryset=changes),
            Prefetch("contact_points", queryset=contact_points),
        ),
        identifier=identifier,
    )
    prefetch_related_objects([call], *call.eligibility_lists())
    context = {
        "call": call,
        "preview": preview,
        "parent": ParentCall.objects.filter(identifier=call.parent_identifier).first()
        if call.parent_identifier
        else None,
        "topics": call.topics().public().for_listing().order_by("identifier")[:TOPICS_SHOWN],
        "related": call.related_calls(RELATED_SHOWN).for_listing(),
        "now": timezone.now(),
        "reminder_days": get_text_list(
            [str(days) for days in settings.ALERTS_REMINDER_DAYS], _("and")
        ),
    }
    fresh_until(request, call.changes_by_itself_after(context["now"]))
    return render(request, "calls/call_detail.html", context)


def parent_call_detail(request, identifier: str):
    """A call of topics: what the source says of it, and its public topics with their
    status and deadlines (a fixed number of queries)."""
    parent = ParentCall.objects.filter(identifier=identifier).first()
    topics = list(
        Call.objects.public()
        .filter(parent_identifier=identifier)
        .for_listing()
        .order_by("identifier")
    )
    if not topics and parent is None:
        raise Http404
    context = {"parent": parent, "identifier": identifier, "topics": topics, "now": timezone.now()}
    return render(request, "calls/parent_call_detail.html", context)


def call_calendar(request, identifier: str):
    """The call's deadlines as an .ics file to add to a calendar."""
    if canonical := _canonical_identifier(identifier):
        return redirect("call_calendar", canonical, permanent=True)
    call = get_object_or_404(
        Call.objects.public().prefetch_related("deadlines"), identifier=identifier
    )
    deadlines = list(call.deadlines.all())
    for deadline in deadlines:
        deadline.call = call
    body = deadlines_calendar(deadlines, name=call.identifier)
    return _ics_response(body, f"{call.identifier}.ics")


def _canonical_identifier(identifier: str) -> str | None:
    """The identifier of the published call that `identifier` names in another spelling
    (case, "_" or spaces for hyphens), when there is one: its URLs redirect there. No
    query for an identifier already spelt as a code is spelt (upper case, hyphens)."""
    code = identifier_code(identifier)
    if not code or code == identifier:
        return None
    found = (
        Call.objects.public()
        .filter(identifier__iexact=code)
        .values_list("identifier", flat=True)
        .first()
    )
    return found if found != identifier else None


# The public calendar of every deadline: from CALENDAR_PAST ago on, at most
# CALENDAR_LENGTH events (the soonest), built once per state of the public calls (see
# _calendar_key) and at most once per CALENDAR_CACHE_SECONDS per fund, programme and
# language (it took 1.1 s to build for every request).
CALENDAR_PAST = timedelta(days=90)
CALENDAR_LENGTH = 1000
CALENDAR_CACHE_SECONDS = 300


def deadlines_calendar_view(request):
    """The deadlines of public calls, optionally of one fund (`fund=` code) or programme
    (`programme=` slug); an unknown fund or programme is 404. Cached: see CALENDAR_*."""
    fund = _named(Fund, "code", request.GET.get("fund"))
    programme = _named(Programme, "slug", request.GET.get("programme"))
    body = _cached(
        _calendar_key(fund, programme),
        lambda: deadlines_calendar(
            _calendar_deadlines(fund, programme), name=_("Deadlines of EU migration funding calls")
        ),
    )
    response = _ics_response(body, "deadlines.ics")
    patch_cache_control(response, public=True, max_age=CALENDAR_CACHE_SECONDS)
    return response


def _cached(key: str, build) -> bytes:
    """The body cached under `key`, or `build()` cached there. A cache that cannot be
    reached (Redis down) is passed by, logged: the calendar is then built every time."""
    try:
        body = cache.get(key)
    except Exception:
        logger.exception("Cache unreachable: the calendar is built without it.")
        return build()
    if body is None:
        body = build()
        try:
            cache.set(key, body, CALENDAR_CACHE_SECONDS)
        except Exception:
            logger.exception("Cache unreachable: the calendar is not kept.")
    return body


def _calendar_key(fund, programme) -> str:
    """The cache key of a calendar: changes when a call is published, changed (the services
    save the call with any change to its deadlines), unpublished or deleted. One query."""
    public = Call.objects.public().aggregate(count=Count("pk"), changed=Max("updated_at"))
    changed = public["changed"].timestamp() if public["changed"] else 0
    state = f"{public['count']}:{changed}"
    return f"calendar:{get_language()}:{fund and fund.pk}:{programme and programme.pk}:{state}"


def _named(model, field: str, value: str | None):
    return get_object_or_404(model, **{field: value}) if value else None


def _calendar_deadlines(fund, programme) -> list[Deadline]:
    deadlines = Deadline.objects.filter(
        call__in=Call.objects.public(), due_at__gte=timezone.now() - CALENDAR_PAST
    )
    if fund:
        deadlines = deadlines.filter(call__programme__fund=fund)
    if programme:
        deadlines = deadlines.filter(call__programme=programme)
    return list(deadlines.select_related("call").order_by("due_at", "pk")[:CALENDAR_LENGTH])


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
