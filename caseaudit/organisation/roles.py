from django.db import models


class Role(models.TextChoices):
    QA_ADMIN = "qa_admin", "QA administrator"
    AUDITOR = "auditor", "Auditor"
    MODERATOR = "moderator", "Moderator"
    SOCIAL_WORKER = "social_worker", "Social worker"
    IRO = "iro", "Independent reviewing officer"
    TEAM_MANAGER = "team_manager", "Team manager"
    PRACTICE_LEAD = "practice_lead", "Practice lead"
    SERVICE_MANAGER = "service_manager", "Service manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    DIRECTOR = "director", "Director of Children's Services"


# Roles whose holders see every child in the council (the QA team's
# administrators and the senior leaders the issue names).
COUNCIL_WIDE_ROLES = frozenset({Role.QA_ADMIN, Role.HEAD_OF_SERVICE, Role.DIRECTOR})
# Roles that see the children of their own service area.
SERVICE_AREA_ROLES = frozenset({Role.SERVICE_MANAGER, Role.PRACTICE_LEAD})
