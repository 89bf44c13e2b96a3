"""Actions kept by apps above improvement that belong on the monitoring dashboard too (issue 31: a family's
request to be contacted, due in working days, reminded and escalated like a plan's actions).

improvement cannot import those apps (the layers, issue 36), so each registers a panel here when Django starts
(its AppConfig.ready) and the dashboard draws every panel under the plans. A panel is read with a fixed number of
queries, however many rows there are: the dashboard's query budget holds (tests/test_query_budgets.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from caseaudit.organisation.models import Person

from .selectors import StageCell

PANEL_ROWS = 10


@dataclass(frozen=True)
class PanelRow:
    what: str
    href: str
    cell: StageCell  # its deadline, red/amber/green as a stage's


@dataclass(frozen=True)
class Panel:
    title: str
    rows: list[PanelRow]
    total: int  # the rows shown are the first PANEL_ROWS, soonest due first


Provider = Callable[[Person, datetime.date], Panel | None]
_providers: dict[str, Provider] = {}


def panel_register(name: str, provider: Provider) -> None:
    """Called by an app above improvement when Django starts; a second call with the same name replaces the first."""
    _providers[name] = provider


def panels_for(person: Person, today: datetime.date) -> list[Panel]:
    """Each registered panel with something to show this person, in the order the apps registered them."""
    return [panel for provider in _providers.values() if (panel := provider(person, today)) is not None]
