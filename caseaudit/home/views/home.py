from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from caseaudit.accounts.selectors import leavers_with_open_work
from caseaudit.audits.selectors import my_audit_count_lists, my_audit_counts, programmes_planning
from caseaudit.family.selectors import contact_requests_named, contact_requests_waiting
from caseaudit.imports.selectors import import_work
from caseaudit.improvement.selectors import improvement_count_lists, my_improvement_work
from caseaudit.learning.selectors import recommendations_owned
from caseaudit.organisation.roles import COUNCIL_WIDE_ROLES, Role
from caseaudit.organisation.selectors import children_count_lists, home_summary
from caseaudit.reporting.access import REPORT_ROLES, reports_visible_to
from caseaudit.tasks.selectors import task_work
from caseaudit.web.lists import counts_by_group


def _latest_report(person):
    """The newest saved report this person may open (readers only): what the DCS reads first."""
    if not person.has_role(*REPORT_ROLES):
        return None
    try:
        # Not the snapshot: the page shows the title and date, and a snapshot is every figure of a report.
        return reports_visible_to(person).defer("snapshot").order_by("-published_at", "-pk").first()
    except Http404:  # a team manager with no team has no scope to report on
        return None


# The critical concerns the home page names, each a link to its audit (as My audits does); the rest are a link away.
CRITICAL_NAMED = 5


def _critical_concerns(concerns, count: int) -> list:
    """The first few critical concerns, to link to each: read only when there are any (they are rare)."""
    return list(concerns[:CRITICAL_NAMED]) if count else []


def _mail_work() -> dict:
    """For the QA administrator (to count): emails failed or unconfirmed, listed on "Emails not sent"."""
    from caseaudit.messaging.models import SentMessage
    from caseaudit.reporting.models import ReportDelivery
    from caseaudit.web.outbox import needs_attention

    return {
        "unsent_messages": needs_attention(SentMessage.objects.all()),
        "unsent_reports": needs_attention(ReportDelivery.objects.all()),
    }


def home(request):
    """What needs doing today for this person, by what they do: one page for every role."""
    person = request.user
    today = timezone.localdate()
    qa_admin = person.has_role(Role.QA_ADMIN)
    summary = home_summary(person, today)
    # Every "how many" on the page in one query (decision 0077).
    audit_lists = my_audit_count_lists(person, today)
    found = counts_by_group(
        audits=audit_lists,
        children=children_count_lists(person),
        improvement=improvement_count_lists(person, today),
        recommendations=recommendations_owned(person, today),
        # Families who asked to be contacted, waiting on this team manager (issue 31).
        family=contact_requests_waiting(person, today),
        qa={"planning": programmes_planning(), **import_work(), **_mail_work(), **task_work()} if qa_admin else {},
    )
    family_named = contact_requests_named(person, found["family"]["waiting"])
    return render(
        request,
        "home/home.html",
        {
            "summary": summary,
            "allocated_to_me": found["children"].get("allocated_to_me"),
            "audits": my_audit_counts(found["audits"]),
            "critical": _critical_concerns(audit_lists["critical"], found["audits"]["critical"]),
            "improvement": my_improvement_work(person, today, covering=bool(summary["covering"])),
            "overdue_plans": found["improvement"].get("overdue_plans", 0),
            "qa": found["qa"] if qa_admin else None,
            "leavers": list(leavers_with_open_work()) if qa_admin else [],
            "recommendations": found["recommendations"],
            "family": found["family"],
            "family_named": family_named,
            "family_more": found["family"]["waiting"] - len(family_named),
            "latest_report": _latest_report(person),
            "council_wide": person.has_role(*COUNCIL_WIDE_ROLES),
            "today": today,
        },
    )
