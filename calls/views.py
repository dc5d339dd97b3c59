from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from calls.filters import CallFilter
from calls.models import Call
from programmes.models import ContactPoint


def call_list(request):
    filters = CallFilter(request.GET)
    calls = filters.qs.for_listing()
    page = Paginator(calls, settings.CALLS_PER_PAGE).get_page(request.GET.get("page"))
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


def call_detail(request, identifier: str):
    contact_points = ContactPoint.objects.select_related("organisation").prefetch_related("persons")
    call = get_object_or_404(
        Call.objects.select_related("programme__fund").prefetch_related(
            "deadlines",
            "objectives",
            Prefetch("programme__contact_points", queryset=contact_points),
        ),
        identifier=identifier,
    )
    return render(request, "calls/call_detail.html", {"call": call, "now": timezone.now()})
