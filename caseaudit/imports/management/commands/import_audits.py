import csv

from django.core.management.base import BaseCommand

from ...models import ImportKind
from ...services.historic import template_headers
from ._importing import add_common_arguments, run


class Command(BaseCommand):
    help = "Import historic audits (one row per audit). A dry run unless --commit. --template prints the headings."

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("--template", action="store_true", help="Print the CSV template's header row and stop")
        parser.add_argument(
            "--open-plans", action="store_true", help="Open live improvement plans for imported Inadequate audits"
        )

    def handle(self, *args, **options):
        if options["template"]:
            csv.writer(self.stdout).writerow(template_headers())
            return
        run(self, ImportKind.AUDITS, options, open_plans=options["open_plans"])
