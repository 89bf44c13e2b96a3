"""Report periods and the periods they are compared with. Councils work in financial years (April to March)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from caseaudit.web.dates import long_date


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label_on(self, today: datetime.date) -> str:
        """The label as a report for the period says it on `today`: "..., as at 7 December 2026" while the
        period is still running (its figures are counted as at today)."""
        return self.label + (f", as at {long_date(today)}" if self.end > today else "")


def financial_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def month(day: datetime.date) -> Period:
    start = day.replace(day=1)
    return Period(start, start + relativedelta(months=1, days=-1), f"{start:%B %Y}")


def quarter(day: datetime.date) -> Period:
    """Financial quarters: Q1 is April to June."""
    fy = financial_year_start(day)
    n = ((day.year - fy.year) * 12 + day.month - 4) // 3
    start = fy + relativedelta(months=3 * n)
    end = start + relativedelta(months=3, days=-1)
    return Period(start, end, f"Q{n + 1} {fy.year}/{str(fy.year + 1)[2:]} ({start:%B} to {end:%B %Y})")


def financial_year(day: datetime.date) -> Period:
    start = financial_year_start(day)
    return Period(
        start, start + relativedelta(years=1, days=-1), f"Financial year {start.year}/{str(start.year + 1)[2:]}"
    )


def custom(start: datetime.date, end: datetime.date) -> Period:
    return Period(start, end, f"{long_date(start)} to {long_date(end)}")


# The comparisons' order on the page and in the exports (comparisons() builds them in this order).
COMPARISON_ORDER = ("previous_period", "same_period_last_year", "last_financial_year", "year_to_date")


def comparisons(period: Period) -> dict[str, Period]:
    """The previous period of the same length, the same period last year, the last
    financial year-end, and the financial year to date at the period's end."""
    whole_months = period.start.day == 1 and (period.end + datetime.timedelta(days=1)).day == 1
    if whole_months:
        months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
        previous_start = period.start - relativedelta(months=months)
        previous = custom(previous_start, period.start - datetime.timedelta(days=1))
    else:
        previous = custom(
            period.start - datetime.timedelta(days=period.days), period.start - datetime.timedelta(days=1)
        )
    fy_start = financial_year_start(period.end)
    last_fy = financial_year(fy_start - datetime.timedelta(days=1))
    return {
        "previous_period": Period(previous.start, previous.end, f"Previous period ({previous.label})"),
        "same_period_last_year": Period(
            period.start - relativedelta(years=1),
            period.end - relativedelta(years=1),
            f"Same period last year ({custom(period.start - relativedelta(years=1), period.end - relativedelta(years=1)).label})",
        ),
        "last_financial_year": Period(last_fy.start, last_fy.end, f"Last financial year-end ({last_fy.label})"),
        "year_to_date": Period(fy_start, period.end, f"Year to date ({custom(fy_start, period.end).label})"),
    }
