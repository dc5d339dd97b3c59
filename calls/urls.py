from django.urls import path

from calls import views
from calls.feeds import NewCallsFeed

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("call/<str:identifier>/", views.parent_call_detail, name="parent_call_detail"),
    path("<str:identifier>.ics", views.call_calendar, name="call_calendar"),
    path("<str:identifier>/", views.call_detail, name="call_detail"),
]

# One address for every language, at the site's root (portal/urls.py).
feed_urls = [
    path("feeds/calls/", NewCallsFeed(), name="calls_feed"),
    path("calendar/deadlines.ics", views.deadlines_calendar_view, name="deadlines_calendar"),
]
