from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from calls.models import Call, CallStatus
from programmes.models import ContactPoint

DEFAULT_STATUSES = [CallStatus.OPEN, CallStatus.FORTHCOMING]


def _requested_statuses(request) -> list[str]:
    """Statuses asked for in the URL (`?status=open&status=closed`); unknown values are ignored."""
    asked = [s for s in request.GET.getlist("status") if s in CallStatus.values]
    return asked or DEFAULT_STATUSES


def call_list(request):
    now = timezone.now()
    statuses = _requested_statuses(request)
    calls = Call.objects.with_status(statuses, at=now).order_by_closing(at=now).for_listing()
    page = Paginator(calls, settings.CALLS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "now": now,
        "statuses": statuses,
        "status_choices": CallStatus.choices,
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
