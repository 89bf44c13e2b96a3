from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def processing(request):
    return render(
        request,
        "dataprotection/processing.html",
        {"dpo_contact": settings.DPO_CONTACT, "database": "PostgreSQL" if _is_postgres() else "SQLite"},
    )


def _is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
