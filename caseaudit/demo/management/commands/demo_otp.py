from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseaudit.demo.two_factor import DEMO_TOTP_KEY_HEX, demo_code


class Command(BaseCommand):
    help = "Print the current two-step verification code of a demo login (only for the published demo key)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        device = TOTPDevice.objects.filter(user__email__iexact=email, confirmed=True).first()
        if device is None:
            raise CommandError(f"{email} has no authenticator app set up.")
        if device.key != DEMO_TOTP_KEY_HEX:
            # A real person's secret never leaves their app.
            raise CommandError(f"{email} does not use the demo key: only demo logins have codes printed.")
        self.stdout.write(demo_code(device))
