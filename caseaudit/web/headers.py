"""Security headers Django's own SecurityMiddleware does not set.

Django 5.2 has no Content-Security-Policy support of its own (6.0 adds it), and
our policy is one fixed string with no nonces (there is no inline script to
allow), so a few lines here replace a dependency (docs/decisions/0031).
"""

from __future__ import annotations

from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = settings.CASEAUDIT_CONTENT_SECURITY_POLICY
        self.permissions = settings.CASEAUDIT_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        # setdefault: a view that needs a narrower policy (none does yet) can set its own.
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
