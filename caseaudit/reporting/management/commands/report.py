import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from caseaudit.organisation.models import ServiceArea
from caseaudit.reporting.figures import Scope, audit_figures, improvement_figures


class Command(BaseCommand):
    help = "The period report's figures, computed from the records (JSON; PDF and Excel exports are to come)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--service-area", help="Name of one service area (default: the whole council)")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--output", help="File to write (default: standard output)")

    def handle(self, *args, start, end, service_area, output, **options):
        if end < start:
            raise CommandError("--to must be on or after --from")
        area = None
        if service_area:
            area = ServiceArea.objects.filter(name__iexact=service_area).first()
            if area is None:
                names = ", ".join(ServiceArea.objects.values_list("name", flat=True))
                raise CommandError(f"No service area is called {service_area!r}. Known: {names}")
        scope = Scope(start, end, service_area_id=area.pk if area else None)
        report = {
            "period": {"from": start.isoformat(), "to": end.isoformat()},
            "service_area": area.name if area else None,
            **audit_figures(scope),
            "improvement": improvement_figures(scope),
        }
        text = json.dumps(report, indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            sys.stdout.write(text + "\n")
