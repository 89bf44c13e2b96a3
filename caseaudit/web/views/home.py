from django.shortcuts import render
from django.utils import timezone

from caseaudit.audits.selectors import my_audits
from caseaudit.improvement.selectors import my_improvement_work
from caseaudit.organisation.selectors import home_summary


def home(request):
    today = timezone.localdate()
    return render(
        request,
        "web/home.html",
        {
            "summary": home_summary(request.user, today),
            "audits": my_audits(request.user, today),
            "improvement": my_improvement_work(request.user, today),
            "today": today,
        },
    )
