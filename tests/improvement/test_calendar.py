"""One working-day calendar: weekends and England and Wales bank holidays are skipped."""

import datetime

import pytest

from caseaudit.web.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 3, 2), 3, D(2026, 3, 5)),  # an ordinary week
        (D(2026, 3, 5), 3, D(2026, 3, 10)),  # across a weekend
        (D(2026, 4, 1), 3, D(2026, 4, 8)),  # across Good Friday and Easter Monday 2026
        (D(2026, 12, 22), 3, D(2026, 12, 29)),  # across Christmas and the substitute Boxing Day (28 Dec)
        (D(2026, 12, 18), 10, D(2027, 1, 6)),  # a service manager review over Christmas and New Year
        (D(2026, 5, 22), 3, D(2026, 5, 28)),  # across the spring bank holiday
        (D(2026, 3, 7), 0, D(2026, 3, 7)),  # day 0 is the day itself
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(start, days, expected):
    assert add_working_days(start, days) == expected


def test_bank_holidays_are_not_working_days():
    for day in (
        D(2026, 1, 1),
        D(2026, 4, 3),
        D(2026, 4, 6),
        D(2026, 5, 4),
        D(2026, 5, 25),
        D(2026, 8, 31),
        D(2026, 12, 25),
        D(2026, 12, 28),
    ):
        assert not is_working_day(day)
    assert is_working_day(D(2026, 12, 29))


def test_working_days_between_counts_both_ways():
    assert working_days_between(D(2026, 12, 22), D(2026, 12, 29)) == 3
    assert working_days_between(D(2026, 12, 29), D(2026, 12, 22)) == -3
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0


def test_working_days_between_matches_walking_day_by_day():
    """The week-at-a-time count gives what counting each working day one by one gives, over years too."""

    def walked(start, end):
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += is_working_day(day)
        return count

    start = D(2023, 12, 20)
    for offset in [*range(0, 40), 364, 365, 366, 400, 731, 1000, 1500]:
        for shift in range(7):
            a = start + datetime.timedelta(days=shift)
            b = a + datetime.timedelta(days=offset)
            assert working_days_between(a, b) == walked(a, b), (a, b)
            assert working_days_between(b, a) == -walked(a, b), (b, a)
