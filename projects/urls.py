from django.urls import path

from projects import views
from projects.feeds import NewsFeed

initiative_urls = [
    path("", views.initiative_list, name="initiative_list"),
    path("<slug:slug>/", views.initiative_detail, name="initiative_detail"),
]

country_urls = [
    path("", views.country_list, name="country_list"),
    path("<str:code>/", views.country_detail, name="country_detail"),
]

region_urls = [
    path("", views.region_list, name="region_list"),
]

news_urls = [
    path("", views.news_list, name="news_list"),
    path("<slug:slug>/", views.news_detail, name="news_detail"),
]

iati_urls = [
    path("activities.xml", views.iati_activities, name="iati_activities"),
    path("activities/<slug:slug>.xml", views.iati_activity, name="iati_activity"),
]

# One address for every language, at the site's root (portal/urls.py).
feed_urls = [
    path("feeds/news/", NewsFeed(), name="news_feed"),
]
