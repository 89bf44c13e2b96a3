"""Security headers Django's own SecurityMiddleware does not set.

Django 5.2 has no Content-Security-Policy support of its own (6.0 adds it), and
our policy is one fixed string with no nonces (there is no inline script to
allow), so a few lines here replace a dependency (docs/decisions/0031).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read at each response, not once at start: the policy follows the settings (the provider's origin is
        # added to form-action when sign-in with the council's account is configured), in tests too.
        # setdefault: a view that needs a narrower policy (none does yet) can set its own.
        response.headers.setdefault("Content-Security-Policy", settings.CASEAUDIT_CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.CASEAUDIT_PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class NoStoreMiddleware:
    """Nothing the application answers stays in the browser: `Cache-Control: no-store` (Django's never_cache).

    The pages and downloads hold children's records, and council laptops are shared: a cached page comes back
    with the back button or from the disk cache after sign-out. Every response past WhiteNoise gets it, not only
    signed-in ones, so a new view or download cannot forget it (the few public pages lose nothing). WhiteNoise
    sits before this middleware and answers static assets itself, so they keep their long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
