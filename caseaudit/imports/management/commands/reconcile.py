from django.core.management.base import BaseCommand

from ...models import Deviation, DeviationKind, DeviationStatus
from ...services.reconcile import reconcile


class Command(BaseCommand):
    help = "Compare open improvement plans with the latest case extract and list every deviation."

    def handle(self, *args, **options):
        run = reconcile()
        self.stdout.write(f"{run.found} deviations found ({run.new} new, {run.resolved} no longer found)")
        labels = dict(DeviationKind.choices)
        for deviation in Deviation.objects.filter(status=DeviationStatus.OPEN).select_related("child"):
            self.stdout.write(f"  [{labels[deviation.kind]}] {deviation.child.case_id}: {deviation.reason}")
