from django.urls import path

from alerts import views

urlpatterns = [
    path("subscribe/", views.alerts_subscribe, name="alerts_subscribe"),
    path("subscribe/sent/", views.alerts_subscribe_sent, name="alerts_subscribe_sent"),
    path("confirm/<str:token>/", views.alerts_confirm, name="alerts_confirm"),
    path("manage/<str:token>/", views.alerts_manage, name="alerts_manage"),
    path("unsubscribe/<str:token>/", views.alerts_unsubscribe, name="alerts_unsubscribe"),
]
