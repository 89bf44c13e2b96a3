from django.core.management.base import BaseCommand

from ...services.runs import fail_stale


class Command(BaseCommand):
    help = "Mark failed every import whose process stopped without finishing (the schedule runs it)."

    def handle(self, *args, **options):
        failed = fail_stale()
        self.stdout.write(f"{len(failed)} import(s) marked failed: {failed}" if failed else "No import had stopped.")
