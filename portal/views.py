from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from calls.models import Call
from programmes.models import Fund

HOME_LIST_LENGTH = 5


def home(request):
    now = timezone.now()
    calls = Call.objects.order_by_closing(at=now).for_listing()
    funds = Fund.objects.annotate(programme_count=Count("programmes", distinct=True)).order_by(
        "code"
    )
    context = {
        "open_calls": calls.open(at=now)[:HOME_LIST_LENGTH],
        "forthcoming_calls": calls.forthcoming(at=now)[:HOME_LIST_LENGTH],
        "funds": funds,
        "now": now,
    }
    return render(request, "portal/home.html", context)
