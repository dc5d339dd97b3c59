from django.urls import path

from calls import views

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("<str:identifier>/", views.call_detail, name="call_detail"),
]
