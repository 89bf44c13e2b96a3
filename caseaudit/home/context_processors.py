from django.conf import settings
from django.urls import reverse

from caseaudit.organisation.roles import Role
from caseaudit.reporting.access import REPORT_ROLES

# Who oversees improvement plans (others reach their own plan and actions from the home page).
PLAN_ROLES = (
    Role.QA_ADMIN,
    Role.DIRECTOR,
    Role.HEAD_OF_SERVICE,
    Role.SERVICE_MANAGER,
    Role.PRACTICE_LEAD,
    Role.TEAM_MANAGER,
)


def _navigation(person) -> list[dict]:
    # "sections" are the URL prefixes that count as being in that part of the service.
    items = [
        {"href": reverse("web:home"), "text": "Home", "sections": ["/"]},
        {"href": reverse("organisation:child_index"), "text": "Children", "sections": ["/children/"]},
        {"href": reverse("audits:mine"), "text": "My audits", "sections": ["/audits/"]},
    ]
    if person.has_role(*PLAN_ROLES):
        items.append(
            {"href": reverse("improvement:dashboard"), "text": "Improvement plans", "sections": ["/improvement/"]}
        )
    if person.has_role(*REPORT_ROLES):
        items.append(
            {"href": reverse("reporting:index"), "text": "Reports", "sections": ["/reports/", "/evidence-packs/"]}
        )
    items.append({"href": reverse("learning:index"), "text": "Learning", "sections": ["/learning/"]})
    if person.has_role(Role.QA_ADMIN):
        items.append(
            {
                "href": reverse("audits:programme_index"),
                "text": "Programmes",
                "sections": ["/audits/programmes/", "/audits/tools/", "/audits/reassign", "/family/questionnaires/"],
            }
        )
        items.append({"href": reverse("imports:index"), "text": "Imports", "sections": ["/imports/"]})
        items.append({"href": reverse("admin:index"), "text": "Administration", "sections": ["/admin/"]})
    return items


def service(request) -> dict:
    context = {
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
        "session_idle_seconds": getattr(request, "idle_seconds_left", settings.SESSION_IDLE_SECONDS),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        path = request.path
        nav = _navigation(user)
        # The longest matching section prefix is where the person is (Home is "/").
        matches = [(len(prefix), item) for item in nav for prefix in item["sections"] if path.startswith(prefix)]
        current = max(matches, key=lambda match: match[0], default=(0, None))[1]
        for item in nav:
            item["active"] = item is current
        context["navigation"] = nav
    return context
