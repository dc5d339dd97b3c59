from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from programmes.models import ContactPoint, Programme

# A programme's page lists the calls still open or to come that close soonest, and the
# latest closed ones: the others are one link away (/calls/), so the page stays the same
# size however many calls the programme has.
LIVE_CALLS_SHOWN = 20
CLOSED_CALLS_SHOWN = 10


def _live_count(ahead, *, at) -> int:
    """How many calls the link to the rest lists: /calls/ shows the open and forthcoming
    ones by default. Counted on the index of the programme's schedule."""
    return ahead.with_status(["open", "forthcoming"], at=at).count()


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
    ahead = calls.submission_ahead(at=now)
    shown = ahead.order_by_closing(at=now).for_listing(programme_known=True)
    shown = list(shown[: LIVE_CALLS_SHOWN + 1])
    # As order_by_closing sorts them, on the columns of an index (call_programme_schedule).
    ended = calls.submission_ended(at=now).order_by("-submission_ends_at", "identifier")
    ended = list(ended.for_listing(programme_known=True)[: CLOSED_CALLS_SHOWN + 1])
    context = {
        "programme": programme,
        "calls": [*shown[:LIVE_CALLS_SHOWN], *ended[:CLOSED_CALLS_SHOWN]],
        "live_calls": _live_count(ahead, at=now) if len(shown) > LIVE_CALLS_SHOWN else None,
        "more_closed_calls": len(ended) > CLOSED_CALLS_SHOWN,
        "now": now,
    }
    return render(request, "programmes/programme_detail.html", context)
