from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "caseaudit.accounts"
    verbose_name = "Sign-in"

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in

        from .held import remember_held
        from .middleware import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="caseaudit_stamp_sign_in")
        user_logged_in.connect(remember_held, dispatch_uid="caseaudit_remember_held")

        # Which provider account is which person: a link made at first sign-in is evidence of who was let in.
        auditlog.register(self.get_model("ProviderAccount"))
