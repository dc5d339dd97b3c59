from django.urls import path

from calls import views

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("call/<str:identifier>/", views.parent_call_detail, name="parent_call_detail"),
    path("<str:identifier>.ics", views.call_calendar, name="call_calendar"),
    path("<str:identifier>/", views.call_detail, name="call_detail"),
]
