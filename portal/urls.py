from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("calls/", include("calls.urls")),
    path("programmes/", include("programmes.urls")),
    path("admin/", admin.site.urls),
]
