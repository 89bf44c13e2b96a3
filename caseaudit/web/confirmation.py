"""GOV.UK confirmation panels: a finished transaction says so in a green panel, then what happens next.

A message with the "confirmation" tag; base.html shows it as a panel on the page the person is sent to
(post, redirect, get), so refreshing does not resubmit and the panel shows once.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

SEPARATOR = "\n"


def confirm(request: HttpRequest, title: str, next_steps: str) -> None:
    messages.success(request, f"{title}{SEPARATOR}{next_steps}", extra_tags="confirmation")


def parts(message: str) -> tuple[str, str]:
    title, _, next_steps = str(message).partition(SEPARATOR)
    return title, next_steps
