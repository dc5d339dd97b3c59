from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from calls.models import Call
from programmes.models import Fund
from projects.models import NewsItem

HOME_LIST_LENGTH = 5


def home(request):
    now = timezone.now()
    calls = Call.objects.public(at=now).order_by_closing(at=now).for_listing()
    open_calls = Call.objects.public(at=now).open(at=now).filter(programme__fund=OuterRef("pk"))
    funds = Fund.objects.annotate(
        programme_count=Count("programmes", distinct=True),
        call_count=Count(
            "programmes__calls",
            filter=Q(programmes__calls__published_at__lte=now),
            distinct=True,
        ),
        open_call_count=Subquery(
            open_calls.order_by().values("programme__fund").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
    ).order_by("code")
    context = {
        "open_calls": calls.open(at=now)[:HOME_LIST_LENGTH],
        "forthcoming_calls": calls.forthcoming(at=now)[:HOME_LIST_LENGTH],
        # Shown when nothing is open (latest closed first); not read otherwise.
        "recently_closed": calls.closed(at=now)[:3],
        "funds": funds,
        "news": NewsItem.objects.exclude(published_on=None).for_listing()[:HOME_LIST_LENGTH],
        "now": now,
    }
    return render(request, "portal/home.html", context)


def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {settings.SITE_URL}/sitemap.xml"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
