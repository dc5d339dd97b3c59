"""How the API picks the format of an answer: DRF's negotiation, but `?format=` without a
value is a format the API does not have (404, as `?format=xml` is) rather than the
default one, as the schema, which names the formats, says."""

from django.http import Http404
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if request.query_params.get(self.settings.URL_FORMAT_OVERRIDE) == "":
            raise Http404("No such format.")
        return super().select_renderer(request, renderers, format_suffix)
