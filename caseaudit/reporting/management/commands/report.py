import json
import sys

from django.core.management.base import BaseCommand, CommandError

from caseaudit.reporting import exports
from caseaudit.reporting.charts import report_charts
from caseaudit.reporting.cli import add_period_arguments, checked_scope
from caseaudit.reporting.exports import pdf_bytes
from caseaudit.reporting.periods import custom
from caseaudit.reporting.report import build_report
from caseaudit.reporting.summary import draft_summary


class Command(BaseCommand):
    help = "The period report, computed from the records, as JSON, PDF, Excel or CSV."

    def add_arguments(self, parser):
        add_period_arguments(parser)
        parser.add_argument("--format", choices=["json", "pdf", "xlsx", "csv"], default="json")
        parser.add_argument("--output", help="File to write (default: standard output)")

    def handle(self, *args, start, end, service_area, output, **options):
        area = checked_scope(start, end, service_area)
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
