"""Pages of alerts: subscribe, confirm, manage, unsubscribe.

Links from e-mails answer GET with a page and a button; only the POST behind the button
acts, so a mail scanner that opens every link confirms or ends nothing.
"""

from urllib.parse import urlencode

from axes.helpers import get_client_ip_address
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from alerts import links
from alerts.forms import SubscribeForm
from alerts.services import (
    SubscriptionRefused,
    subscription_confirm,
    subscription_request,
    subscriptions_end,
)
from foundation.same_origin import csrf_by_origin


# The forms on call, programme and list pages carry no CSRF token (a shared cache keeps
# those pages); the browser's Origin protects this view instead (foundation/same_origin.py).
@csrf_by_origin
@require_http_methods(["GET", "POST"])
def alerts_subscribe(request):
    """The target of the subscribe forms on call, programme and /calls/ pages; with GET
    (or after an error) a page of its own."""
    data = request.GET if request.method == "GET" else request.POST
    context = {"next": _page_on_this_site(request, data.get("next")) or ""}
    if request.method == "GET":
        context["form"] = SubscribeForm(initial=request.GET.dict())
        return render(request, "alerts/alerts_subscribe.html", context)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "alerts/alerts_subscribe.html", context | {"form": form}, status=400)
    try:
        subscription_request(
            language=get_language(),
            client=get_client_ip_address(request) or "",
            **form.cleaned_data,
        )
    except SubscriptionRefused as refusal:
        form.add_error(None, refusal)
        return render(request, "alerts/alerts_subscribe.html", context | {"form": form}, status=429)
    sent = reverse("alerts_subscribe_sent")
    if back := _page_on_this_site(request, request.POST.get("next")):
        sent += "?" + urlencode({"next": back})
    return redirect(sent)


@require_GET
def alerts_subscribe_sent(request):
    """ "Back" returns to the page the form was on (`next`, an address of this site)."""
    back = _page_on_this_site(request, request.GET.get("next")) or reverse("call_list")
    return render(request, "alerts/alerts_subscribe_sent.html", {"back": back})


def _page_on_this_site(request, address: str | None) -> str | None:
    if address and url_has_allowed_host_and_scheme(
        address, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return address
    return None


@require_http_methods(["GET", "POST"])
def alerts_confirm(request, token: str):
    subscription = links.subscription_to_confirm(token)
    if subscription is None:
        return _link_not_valid(request)
    confirmed = False
    if request.method == "POST":
        subscription_confirm(subscription=subscription)
        confirmed = True
    context = {
        "subscription": subscription,
        "confirmed": confirmed or subscription.confirmed_at is not None,
        "manage_url": links.manage_url(subscription.subscriber),
    }
    return render(request, "alerts/alerts_confirm.html", context)


@require_http_methods(["GET", "POST"])
def alerts_manage(request, token: str):
    subscriber = links.subscriber_to_manage(token)
    if subscriber is None:
        return render(request, "alerts/alerts_ended.html", {"everything": True})
    if request.method == "POST":
        everything = "end_all" in request.POST
        ids = None if everything else _ids(request.POST.getlist("subscription"))
        subscriptions_end(subscriber=subscriber, ids=ids)
        return redirect(request.path)
    subscriptions = subscriber.subscriptions.select_related("call", "programme")
    context = {"subscriber": subscriber, "subscriptions": subscriptions}
    return render(request, "alerts/alerts_manage.html", context)


# Mail providers send RFC 8058 one-click unsubscribe POSTs from their servers, without a
# CSRF cookie; the signed token in the address is what authorises it.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def alerts_unsubscribe(request, token: str):
    subscriber, ids = links.subscriptions_to_end(token)
    if request.method == "POST":
        if subscriber is not None:
            subscriptions_end(subscriber=subscriber, ids=ids)
        return render(request, "alerts/alerts_ended.html", {"everything": False})
    subscriptions = []
    if subscriber is not None:
        subscriptions = subscriber.subscriptions.filter(pk__in=ids)
        subscriptions = subscriptions.select_related("call", "programme")
    return render(request, "alerts/alerts_unsubscribe.html", {"subscriptions": subscriptions})


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


def _link_not_valid(request):
    return render(request, "alerts/alerts_link_not_valid.html", status=404)
