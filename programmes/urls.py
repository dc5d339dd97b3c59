from django.urls import path

from programmes import views

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("<slug:slug>/", views.programme_detail, name="programme_detail"),
]
