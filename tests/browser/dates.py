"""GOV.UK date inputs as a person fills them: the Day, Month and Year boxes in the fieldset named by its legend."""

from __future__ import annotations

import datetime

from playwright.sync_api import Locator, Page, expect


def date_input(scope: Page | Locator, legend: str) -> Locator:
    return scope.get_by_role("group", name=legend, exact=True)


def fill_date(scope: Page | Locator, legend: str, date: datetime.date) -> None:
    group = date_input(scope, legend)
    group.get_by_label("Day", exact=True).fill(str(date.day))
    group.get_by_label("Month", exact=True).fill(str(date.month))
    group.get_by_label("Year", exact=True).fill(str(date.year))


def expect_date(scope: Page | Locator, legend: str, date: datetime.date) -> None:
    """The boxes show this date (as the form fills them: 7, 3, 2026)."""
    group = date_input(scope, legend)
    expect(group.get_by_label("Day", exact=True)).to_have_value(str(date.day))
    expect(group.get_by_label("Month", exact=True)).to_have_value(str(date.month))
    expect(group.get_by_label("Year", exact=True)).to_have_value(str(date.year))
