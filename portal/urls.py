"""Root URLs. Pages are in English at / and in French under /fr/; feeds, calendars,
the sitemap and the admin have one address for every language."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from calls.urls import feed_urls as calls_feed_urls
from ncp.accounts import QueuedPasswordResetView
from portal import views
from portal.sitemaps import SITEMAPS
from projects.urls import country_urls, iati_urls, initiative_urls, news_urls, region_urls
from projects.urls import feed_urls as projects_feed_urls

urlpatterns = [
    path("", include(calls_feed_urls)),
    path("", include(projects_feed_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon, name="favicon"),
    # The language switcher's links; one address for every language (portal/views.py).
    path("language/<str:language>/", views.language_choose, name="language_choose"),
    path("iati/", include(iati_urls)),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("calls/", include("calls.urls")),
    path("programmes/", include("programmes.urls")),
    path("initiatives/", include(initiative_urls)),
    path("countries/", include(country_urls)),
    path("regions/", include(region_urls)),
    path("news/", include(news_urls)),
    path("legal-notice/", views.about_page, {"page": "legal_notice"}, name="legal_notice"),
    path("privacy/", views.about_page, {"page": "privacy"}, name="privacy"),
    path("accessibility/", views.about_page, {"page": "accessibility"}, name="accessibility"),
    path("contact/", views.about_page, {"page": "contact"}, name="contact"),
    path("accounts/password_reset/", QueuedPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("manage/", include("ncp.urls")),
    path("alerts/", include("alerts.urls")),
    prefix_default_language=False,
)

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
