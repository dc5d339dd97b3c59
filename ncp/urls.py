from django.urls import path

from ncp import views

urlpatterns = [
    path("", views.manage_home, name="manage_home"),
    path("calls/new/", views.manage_call_create, name="manage_call_create"),
    path("calls/<str:identifier>/", views.manage_call_detail, name="manage_call_detail"),
    path("calls/<str:identifier>/edit/", views.manage_call_edit, name="manage_call_edit"),
    path("calls/<str:identifier>/preview/", views.manage_call_preview, name="manage_call_preview"),
    path("calls/<str:identifier>/delete/", views.manage_call_delete, name="manage_call_delete"),
    path("calls/<str:identifier>/publish/", views.manage_call_publish, name="manage_call_publish"),
    path(
        "calls/<str:identifier>/unpublish/",
        views.manage_call_unpublish,
        name="manage_call_unpublish",
    ),
    path(
        "calls/<str:identifier>/extend-deadline/",
        views.manage_call_extend_deadline,
        name="manage_call_extend_deadline",
    ),
    path("calls/<str:identifier>/cancel/", views.manage_call_cancel, name="manage_call_cancel"),
    path(
        "contact-points/<slug:slug>/edit/",
        views.manage_contact_point_edit,
        name="manage_contact_point_edit",
    ),
]
