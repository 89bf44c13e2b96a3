import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from caseaudit.organisation.models import ServiceArea
from caseaudit.reporting import exports
from caseaudit.reporting.charts import report_charts
from caseaudit.reporting.exports import pdf_bytes
from caseaudit.reporting.periods import custom
from caseaudit.reporting.report import build_report
from caseaudit.reporting.summary import draft_summary


class Command(BaseCommand):
    help = "The period report, computed from the records, as JSON, PDF, Excel or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--service-area", help="Name of one service area (default: the whole council)")
        parser.add_argument("--format", choices=["json", "pdf", "xlsx", "csv"], default="json")
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
        report = build_report(custom(start, end), service_area=area)
        fmt = options["format"]
        if fmt == "json":
            content = (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode()
        elif fmt == "pdf":
            content = pdf_bytes(report, draft_summary(report), report_charts(report))
        else:
            response = exports.xlsx(report) if fmt == "xlsx" else exports.csv(report)
            content = response.content
        if output:
            with open(output, "wb") as handle:
                handle.write(content)
        elif fmt in ("pdf", "xlsx"):
            raise CommandError(f"--format {fmt} is binary: give --output FILE")
        else:
            sys.stdout.write(content.decode("utf-8-sig"))
