"""Error pages in the service's own style. They never say whether a record exists."""

from django.http import Http404
from django.shortcuts import render

DATABASE_RETRY_AFTER_SECONDS = 60
_TEMPLATES = {403: "web/errors/403.html", 404: "web/errors/404.html", 500: "web/errors/500.html"}


def permission_denied(request, exception=None):
    return render(request, _TEMPLATES[403], status=403)


def page_not_found(request, exception=None):
    return render(request, _TEMPLATES[404], status=404)


def server_error(request):
    # No request context: the failure may be in what a context processor reads.
    import sys

    from django.db import InterfaceError, OperationalError
    from django.http import HttpResponse, HttpResponseServerError
    from django.template import loader

    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        # The database is unreachable (restart, fail-over, too many connections): say so and when to retry.
        # Drop a broken connection now (Django also does at the end of the request, but not under every
        # handler), so the next request opens a new one: recovery needs no restart.
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        response = HttpResponse(loader.get_template("web/errors/503.html").render(), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template(_TEMPLATES[500]).render())


def preview(request, status: int):
    """Lets a QA administrator (and the accessibility tests) see each error page."""
    if status not in _TEMPLATES:
        raise Http404
    if status == 500:
        response = server_error(request)
        return response
    return render(request, _TEMPLATES[status], status=status)
