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
