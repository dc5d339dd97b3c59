from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from calls.calendar import deadlines_calendar
from calls.filters import CallFilter
from calls.models import Call, CallChange, Deadline
from programmes.models import ContactPoint


def call_list(request):
    filters = CallFilter(request.GET)
    page = _page_of_calls(filters.qs, request.GET.get("page"))
    today = timezone.localdate(filters.at)
    context = {
        "filter": filters,
        "facets": filters.facets(),
        "page": page,
        "now": filters.at,
        "today": today,
        "in_7_days": today + timedelta(days=7),
        "in_30_days": today + timedelta(days=30),
        "csv_url": _results_csv_url(filters),
        "active_filters": _active_filter_count(filters),
    }
    return render(request, "calls/call_list.html", context)


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
    without the page's pages, sort and values it could not use."""
    params = filters.data.copy()
    for name in ("page", "sort", *filters.form.errors):
        params.pop(name, None)
    params.setlist("status", filters.statuses)
    params["format"] = "csv"
    return f"{reverse('call-list')}?{params.urlencode()}"


def _page_of_calls(calls, number):
    """A page of calls, found in two steps: the ids of the page, then those calls.

    Ordering and counting need only narrow indexed columns; the wide rows (descriptions)
    are read for the page alone. Three queries: count, ids, calls (plus deadlines).
    """
    page = Paginator(calls.values_list("pk", flat=True), settings.CALLS_PER_PAGE).get_page(number)
    by_id = Call.objects.for_listing().in_bulk(list(page.object_list))
    page.object_list = [by_id[pk] for pk in page.object_list]
    return page


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
    call = get_object_or_404(
        calls.select_related("programme__fund").prefetch_related(
            "deadlines",
            "objectives",
            "documents",
            "eligible_participants",
            "themes",
            "programme__eligible_participants",
            "programme__themes",
            Prefetch("programme__contact_points", queryset=contact_points),
            Prefetch("changes", queryset=changes),
        ),
        identifier=identifier,
    )
    context = {
        "call": call,
        "preview": preview,
        "related": call.related_calls().public().for_listing()[:5],
        "now": timezone.now(),
        "reminder_days": get_text_list(
            [str(days) for days in settings.ALERTS_REMINDER_DAYS], _("and")
        ),
    }
    return render(request, "calls/call_detail.html", context)


def call_calendar(request, identifier: str):
    """The call's deadlines as an .ics file to add to a calendar."""
    call = get_object_or_404(
        Call.objects.public().prefetch_related("deadlines"), identifier=identifier
    )
    deadlines = list(call.deadlines.all())
    for deadline in deadlines:
        deadline.call = call
    body = deadlines_calendar(deadlines, name=call.identifier)
    return _ics_response(body, f"{call.identifier}.ics")


def deadlines_calendar_view(request):
    """Every deadline, optionally of one fund (`fund=` code) or programme (`programme=` slug)."""
    deadlines = (
        Deadline.objects.filter(call__in=Call.objects.public())
        .select_related("call")
        .order_by("due_at")
    )
    if fund := request.GET.get("fund"):
        deadlines = deadlines.filter(call__programme__fund__code=fund)
    if programme := request.GET.get("programme"):
        deadlines = deadlines.filter(call__programme__slug=programme)
    body = deadlines_calendar(deadlines, name=_("Deadlines of EU migration funding calls"))
    return _ics_response(body, "deadlines.ics")


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
