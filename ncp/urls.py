from django.urls import path

from ncp import views

urlpatterns = [
    path("", views.manage_home, name="manage_home"),
]
