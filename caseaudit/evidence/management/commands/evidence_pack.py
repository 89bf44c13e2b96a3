import sys

from django.core.management.base import BaseCommand, CommandError

from caseaudit.evidence import documents
from caseaudit.evidence.drafting import draft_narrative
from caseaudit.evidence.figures import pack_figures
from caseaudit.evidence.models import EvidencePack
from caseaudit.evidence.services import pack_title
from caseaudit.reporting.cli import add_period_arguments, checked_scope
from caseaudit.reporting.figures import Scope
from caseaudit.reporting.theme_names import themes_found


class Command(BaseCommand):
    help = "The self-evaluation evidence pack for a period, drafted from the records, as Word, PDF, HTML or JSON."

    def add_arguments(self, parser):
        add_period_arguments(parser)
        parser.add_argument("--format", choices=list(documents.FORMATS), default="json")
        parser.add_argument("--output", help="File to write (default: standard output, for html and json)")

    def handle(self, *args, start, end, service_area, output, **options):
        area = checked_scope(start, end, service_area)
        fmt = options["format"]
        if fmt in ("docx", "pdf") and not output:
            raise CommandError(f"--format {fmt} is binary: give --output FILE")
        figures = pack_figures(start, end, area, themes=themes_found(Scope(start, end, area.pk if area else None)))
        # Not saved: the command drafts the pack as the page would, for a file QA can take further.
        pack = EvidencePack(title=pack_title(start, end, area), start=start, end=end, service_area=area)
        for key, text in draft_narrative(figures).items():
            setattr(pack, key, text)
        content = documents.FORMATS[fmt][1](pack, figures)
        if output:
            with open(output, "wb") as handle:
                handle.write(content)
        else:
            sys.stdout.write(content.decode())
