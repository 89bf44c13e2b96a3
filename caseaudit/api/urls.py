"""/api/v1/: the API's own routes (token auth, so no sign-in redirect) and the docs page."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path

from . import views
from .api import api
from .trail import log_call


def _logged(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # Every call with its token, path and status: the page-view log's API twin.
        log_call(request, response.status_code)
        return response

    return login_not_required(wrapper)


def _wrap(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _wrap(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = _logged(pattern.callback)
    return patterns


ninja_patterns, _app, _namespace = api.urls
app_name = "api"
urlpatterns = [
    path("docs", views.docs, name="docs"),
    *_wrap(list(ninja_patterns)),
]
