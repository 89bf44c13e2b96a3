"""The one working-day calendar: weekends and England's bank holidays are not working days.

Every deadline in CaseAudit is computed here, once, and stored.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.UK(subdiv="ENG", years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (day 0 is `start` itself)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (negative if `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    # Every 7 consecutive days hold exactly 5 weekdays: count whole weeks at once, walk the rest, then take
    # off the bank holidays that fall on a weekday in (start, end]. The dashboard asks this for every stage
    # of every open plan, and an overdue stage can be hundreds of days from today.
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    day = start + datetime.timedelta(days=7 * weeks)
    for _ in range(rest):
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    for year in range(start.year, end.year + 1):
        count -= sum(1 for holiday in _bank_holidays(year) if start < holiday <= end and holiday.weekday() < 5)
    return count
