from django.urls import path

from calls import views

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("<str:identifier>.ics", views.call_calendar, name="call_calendar"),
    path("<str:identifier>/", views.call_detail, name="call_detail"),
]
