"""The /api/v1/ JSON API: one NinjaAPI, errors as JSON with the field named, every call logged."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from .auth import BodyTooLarge, RateLimited, ScopeMissing, TokenAuth
from .endpoints import imports, reads, staff

# Swagger UI loads its scripts from a CDN: we render our own docs page (views.docs) instead.
api = NinjaAPI(
    title="CaseAudit API",
    version="1",
    description="Read figures and records; import case extracts and historic audits. See docs/api.md.",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,
)
api.add_router("/", reads.router)
api.add_router("/", imports.router)
api.add_router("/", staff.router)

UNAUTHORISED = "Missing, invalid, expired or revoked token"


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "form", "file", "path", "f", "q")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = [{"field": _field(e.get("loc", ())), "message": e.get("msg", "Invalid")} for e in exc.errors]
    names = ", ".join(sorted({e["field"] for e in errors}))
    return api.create_response(request, {"detail": f"Invalid input: {names}", "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    response = api.create_response(request, {"detail": UNAUTHORISED}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ScopeMissing)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": "This token may not do that"}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    response = api.create_response(
        request, {"detail": f"Too many requests: try again in {exc.retry_after} seconds"}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(BodyTooLarge)
def _too_large(request, exc):
    from django.conf import settings

    limit = settings.CASEAUDIT_API_MAX_BODY_BYTES
    return api.create_response(request, {"detail": f"Request body over {limit} bytes"}, status=413)


@api.exception_handler(imports.BadImport)
def _bad_import(request, exc: imports.BadImport):
    result = {"kind": "", "dry_run": True, "committed": False, "ok": False, "total_rows": 0, "counts": {}}
    result.update(exc.result)
    return api.create_response(
        request, {"detail": "The data has problems: nothing was written", "result": result}, status=422
    )
