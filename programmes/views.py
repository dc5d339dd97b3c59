from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from programmes.models import ContactPoint, Programme

# A programme's page lists its calls still open or to come, and the latest closed ones:
# the others are one link away (/calls/), so the page does not grow with the years.
CLOSED_CALLS_SHOWN = 10


def programme_list(request):
    programmes = (
        Programme.objects.select_related("fund")
        .prefetch_related("themes")
        .annotate(call_count=Count("calls", filter=Q(calls__published_at__lte=timezone.now())))
    )
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


def programme_detail(request, slug: str):
    now = timezone.now()
    contact_points = ContactPoint.objects.select_related("organisation").prefetch_related("persons")
    programme = get_object_or_404(
        Programme.objects.select_related("fund__managing_dg").prefetch_related(
            "objectives",
            "actions",
            "themes",
            "eligible_participants",
            Prefetch("contact_points", queryset=contact_points),
        ),
        slug=slug,
    )
    calls = programme.calls.public(at=now)
    ahead = calls.submission_ahead(at=now).order_by_closing(at=now).for_listing()
    # As order_by_closing sorts them, on the columns of an index (call_programme_schedule).
    ended = calls.submission_ended(at=now).order_by("-submission_ends_at", "identifier")
    ended = list(ended.for_listing()[: CLOSED_CALLS_SHOWN + 1])
    context = {
        "programme": programme,
        "calls": [*ahead, *ended[:CLOSED_CALLS_SHOWN]],
        "more_closed_calls": len(ended) > CLOSED_CALLS_SHOWN,
        "now": now,
    }
    return render(request, "programmes/programme_detail.html", context)
