from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from programmes.models import ContactPoint, Programme


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
    calls = programme.calls.public(at=now).order_by_closing(at=now).for_listing()
    context = {"programme": programme, "calls": calls, "now": now}
    return render(request, "programmes/programme_detail.html", context)
