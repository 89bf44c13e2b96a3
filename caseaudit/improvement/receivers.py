from caseaudit.audits.models import Audit


def open_plan_for_inadequate(sender, audit_id: int, **kwargs) -> None:
    """An audit's final grade is set: open a plan if inadequate, or record a re-audit's outcome."""
    from .services.plans import plan_open

    audit = Audit.objects.select_related("child", "team", "worker", "auditor", "follows").get(pk=audit_id)
    plan_open(audit=audit)
