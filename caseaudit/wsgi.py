import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings.base")
application = get_wsgi_application()

from caseaudit.web import warm  # noqa: E402  (needs Django set up)

warm.install()
