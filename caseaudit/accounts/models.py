from django.conf import settings
from django.db import models


class SessionCutoff(models.Model):
    """'Sign out everywhere': sessions signed in before `not_before` are ended.

    One row per person, checked by SessionCutoffMiddleware. A time stamp rather
    than deleting session rows works with any session store (docs/decisions/0030).
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="session_cutoff"
    )
    not_before = models.DateTimeField()

    def __str__(self) -> str:
        return f"Sessions of {self.person} before {self.not_before:%Y-%m-%d %H:%M}"


class HeldForm(models.Model):
    """What someone had typed into a form they sent after their session ended (idle or absolute limit).

    Held against the person, never the browser: it is offered back only after that same person signs in
    again, on the page they were on, then deleted. Kept a day at most (HELD_FORM_HOURS). Not in the change
    history: it is the person's own unsaved typing, and it becomes a record only when they save it.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=2000)
    data = models.JSONField()
    held_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["person", "expires_at"], name="held_form_person")]

    def __str__(self) -> str:
        return f"Typing held for {self.person} at {self.path}"


class ProviderAccount(models.Model):
    """The council's identity provider's own, stable name for a person (its `sub` claim), issuer by issuer.

    Sign-in with the council's account matches on this and nothing else, once it exists. It is made at the
    person's first such sign-in, and only where an active person already had the email address the provider
    gave (decision 0093); an email address is never used again to move a link to someone else.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_accounts")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="provider_account_subject_once"),
            models.UniqueConstraint(fields=["person", "issuer"], name="provider_account_one_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.issuer}"
