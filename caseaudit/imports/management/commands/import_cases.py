from django.core.management.base import BaseCommand, CommandError

from ...models import ImportKind, MappingProfile
from ...profiles import ensure_builtin_profiles
from ._importing import add_common_arguments, run


class Command(BaseCommand):
    help = "Import a case extract (children, teams, workers, legal status, dates). A dry run unless --commit."

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("--profile", help="Mapping profile (e.g. lcs, mosaic); default: the one the headings match")

    def handle(self, *args, **options):
        profile = None
        if options["profile"]:
            ensure_builtin_profiles()
            profile = MappingProfile.objects.filter(slug=options["profile"]).first()
            if profile is None:
                known = ", ".join(MappingProfile.objects.values_list("slug", flat=True))
                raise CommandError(f"No mapping profile '{options['profile']}' (known: {known})")
        run(self, ImportKind.CASES, options, profile=profile)
