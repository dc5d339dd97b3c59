from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from calls.calendar import deadlines_calendar
from calls.filters import CallFilter
from calls.models import Call, CallChange, Deadline, ParentCall
from programmes.models import ContactPoint

# The other topics of a call shown on a topic's page; the call's page lists them all.
TOPICS_SHOWN = 20


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
    }
    return render(request, "calls/call_list.html", context)


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
    contact_points = ContactPoint.objects.select_related("organisation").prefetch_related("persons")
    # What applicants must know, newest first: changes made since the call was published,
    # not those of its draft; its publication itself goes without saying.
    changes = (
        CallChange.objects.filter(made_at__gte=F("call__published_at"))
        .exclude(kind=CallChange.Kind.PUBLISHED)
        .order_by("-made_at", "-pk")
    )
    call = get_object_or_404(
        Call.objects.public()
        .select_related("programme__fund")
        .prefetch_related(
            "deadlines",
            "objectives",
            Prefetch("programme__contact_points", queryset=contact_points),
            Prefetch("changes", queryset=changes),
            Prefetch("contact_points", queryset=contact_points),
        ),
        identifier=identifier,
    )
    context = {
        "call": call,
        "parent": ParentCall.objects.filter(identifier=call.parent_identifier).first()
        if call.parent_identifier
        else None,
        "topics": call.topics().public().for_listing().order_by("identifier")[:TOPICS_SHOWN],
        "related": call.related_calls().public().for_listing()[:5],
        "now": timezone.now(),
        "reminder_days": get_text_list(
            [str(days) for days in settings.ALERTS_REMINDER_DAYS], _("and")
        ),
    }
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
