from django.shortcuts import render

from caseaudit.organisation.selectors import home_summary


def home(request):
    return render(request, "web/home.html", {"summary": home_summary(request.user)})
