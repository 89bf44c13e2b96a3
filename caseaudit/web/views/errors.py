"""Error pages in the service's own style. They never say whether a record exists."""

from django.http import Http404
from django.shortcuts import render

_TEMPLATES = {403: "web/errors/403.html", 404: "web/errors/404.html", 500: "web/errors/500.html"}


def permission_denied(request, exception=None):
    return render(request, _TEMPLATES[403], status=403)


def page_not_found(request, exception=None):
    return render(request, _TEMPLATES[404], status=404)


def server_error(request):
    # No request context: the failure may be in what a context processor reads.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template(_TEMPLATES[500]).render())


def preview(request, status: int):
    """Lets a QA administrator (and the accessibility tests) see each error page."""
    if status not in _TEMPLATES:
        raise Http404
    if status == 500:
        response = server_error(request)
        return response
    return render(request, _TEMPLATES[status], status=status)
