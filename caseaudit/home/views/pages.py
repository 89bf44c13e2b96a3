from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def health(request):
    """For load balancers and monitoring: answers 200 only when the database does."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503, headers={"Retry-After": "5"})
    return JsonResponse({"status": "ok"})


@login_not_required
def accessibility(request):
    return render(request, "home/accessibility.html")


@login_not_required
def privacy(request):
    # The retention periods are shown as configured now, not as written when the page was.
    from caseaudit.dataprotection.retention import retention_periods

    return render(request, "home/privacy.html", {"periods": retention_periods(), "dpo_contact": settings.DPO_CONTACT})


@login_not_required
def help_page(request):
    """Grades, the audit cycle and the response process in plain words; the grades from the same source as the form."""
    from caseaudit.audits.scales import OFSTED

    return render(request, "home/help.html", {"descriptors": OFSTED.described})
