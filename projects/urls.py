from django.urls import path

from projects import views

initiative_urls = [
    path("", views.initiative_list, name="initiative_list"),
    path("<slug:slug>/", views.initiative_detail, name="initiative_detail"),
]

country_urls = [
    path("", views.country_list, name="country_list"),
    path("<str:code>/", views.country_detail, name="country_detail"),
]

iati_urls = [
    path("activities.xml", views.iati_activities, name="iati_activities"),
    path("activities/<slug:slug>.xml", views.iati_activity, name="iati_activity"),
]
