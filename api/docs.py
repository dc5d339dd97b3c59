"""Swagger UI at /api/docs/, from this site's static files (drf-spectacular-sidecar).

The site's Content-Security-Policy allows scripts from this origin only (plus a
nonce), so the page uses drf-spectacular's split view: the set-up script is a
separate same-origin file (`?script`), not an inline block; and the template has
no inline style either.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    title = "EU Migration Funding Portal API"
