from importlib.util import find_spec

from django.apps import AppConfig
from django.core import checks


def faker_installed(app_configs, **kwargs) -> list[checks.CheckMessage]:
    # The app loads without Faker (only the builders import it), so say so before `seed_demo` fails half-way in.
    if find_spec("faker") is None:
        return [
            checks.Warning(
                "Faker is not installed, so `caseaudit seed_demo` cannot build the demo council.",
                hint="Install requirements-demo.txt (make run does), or set CASEAUDIT_DEMO=false.",
                id="demo.W001",
            )
        ]
    return []


class DemoConfig(AppConfig):
    name = "caseaudit.demo"
    label = "demo"
    verbose_name = "Demo data"

    def ready(self) -> None:
        checks.register(faker_installed)
