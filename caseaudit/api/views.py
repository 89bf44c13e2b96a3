"""Token pages (personal tokens on the account page; service tokens for QA administrators) and the API docs."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseaudit.organisation.roles import Role
from caseaudit.web.permissions import require_role

from .api import api
from .forms import ServiceTokenForm, TokenForm
from .models import ApiToken, TokenKind
from .services import token_create_personal, token_create_service, token_revoke

# The clear token is kept in the session only until the page that shows it once.
_SHOWN_ONCE = "api_new_token"


@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, secret = token_create_personal(
            person=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        request.session[_SHOWN_ONCE] = secret
        return redirect("api_tokens:index")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": request.user.api_tokens.filter(kind=TokenKind.PERSONAL),
            "new_secret": request.session.pop(_SHOWN_ONCE, None),
            "title": "API tokens",
            "revoke_url": "api_tokens:revoke",
        },
    )


@require_POST
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, person=request.user, kind=TokenKind.PERSONAL)
    token_revoke(token=token)
    return redirect("api_tokens:index")


@require_http_methods(["GET", "POST"])
def service_tokens(request):
    require_role(request.user, Role.QA_ADMIN)
    form = ServiceTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, secret = token_create_service(
            created_by=request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            days=form.cleaned_data["days"],
        )
        request.session[_SHOWN_ONCE] = secret
        return redirect("api_tokens:service_index")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": ApiToken.objects.filter(kind=TokenKind.SERVICE).select_related("created_by"),
            "new_secret": request.session.pop(_SHOWN_ONCE, None),
            "title": "Service API tokens",
            "service": True,
            "revoke_url": "api_tokens:service_revoke",
        },
    )


@require_POST
def service_revoke(request, pk: int):
    require_role(request.user, Role.QA_ADMIN)
    token = get_object_or_404(ApiToken, pk=pk, kind=TokenKind.SERVICE)
    token_revoke(token=token)
    return redirect("api_tokens:service_index")


@login_not_required
@require_GET
def docs(request):
    """The API reference rendered on the server from the OpenAPI document: no CDN scripts, CSP-friendly."""
    schema = api.get_openapi_schema(path_prefix=request.path.rsplit("docs", 1)[0].rstrip("/"))
    operations = []
    for route, methods in schema["paths"].items():
        for method, op in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": route,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": op.get("parameters", []),
                    "responses": sorted(op.get("responses", {}).keys()),
                }
            )
    if not operations:
        raise Http404("No API")
    return render(
        request,
        "api/docs.html",
        {"operations": operations, "schema_json": json.dumps(schema.get("components", {}), indent=2)[:200_000]},
    )
