from django.shortcuts import render
from django.utils import timezone

from ..selectors import my_audits


def index(request):
    today = timezone.localdate()
    return render(request, "audits/mine.html", {**my_audits(request.user, today), "today": today})
