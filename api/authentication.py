"""`Authorization: Bearer <key>` authentication, and nothing else.

The API accepts no session cookie, so a logged-in browser cannot be made to write
through it (no CSRF exposure), and every client is identified by its key.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.models import ApiKey


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Finds the key (one query) and acts as its user; a key without a user is anonymous.

    No `Authorization` header: anonymous. A bearer token that is unknown or revoked,
    or whose user is inactive: 401.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as: Authorization: Bearer KEY"))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid API key.")) from None
        api_key = ApiKey.objects.find(key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        if api_key.user is not None and not api_key.user.is_active:
            raise exceptions.AuthenticationFailed(_("The key's user account is disabled."))
        api_key.record_use()
        return (api_key.user or AnonymousUser(), api_key)

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key from the portal's staff: `Authorization: Bearer mfp_...`. "
            "Optional for reads (it raises the rate limit); writes need the key of a "
            "national contact point.",
        }
