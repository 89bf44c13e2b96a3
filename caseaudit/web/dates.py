"""The GOV.UK date input: separate Day, Month and Year boxes in a fieldset, cleaned to one date.

A browser's own date field (`<input type="date">`) shows mm/dd/yyyy to a browser set to US English and is
hard to use with a screen reader; the Design System asks for three boxes instead, and for errors that name
the part that is wrong ("Date of the meeting must include a month"), with only that part marked.

The boxes are posted as NAME_day, NAME_month and NAME_year. A single date under the plain NAME (2026-03-27,
or 27/03/2026) is also read when no box was sent, so the links the app builds for downloads and pages
(`?kind=custom&start=2026-04-01&end=2026-06-30`), bookmarks and scripts keep working (decision 0086).
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError

PARTS = ("day", "month", "year")
HINT = "For example, 27 3 2026"
BIRTH_HINT = "For example, 31 3 2012"

# GOV.UK: accept month names written out or abbreviated, as some people type them.
_MONTHS = {calendar.month_name[n].lower(): n for n in range(1, 13)} | {
    calendar.month_abbr[n].lower(): n for n in range(1, 13)
}
_MONTHS["sept"] = 9


def long_date(day: datetime.date) -> str:
    """ "7 December 2026": how the app writes a day in prose (reports, e-mails)."""
    return f"{day.day} {day:%B %Y}"


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK = re.compile(r"(\d{1,2})[/. -](\d{1,2})[/. -](\d{4})")


def split_date(text: str) -> list[str | None]:
    """[day, month, year] of one written date (ISO or day/month/year), real or not: 2026-02-30 -> 30, 2, 2026
    (the boxes show them as a person would type them). Text that is no date gives three empty parts."""
    text = text.strip()
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
    elif match := _UK.fullmatch(text):
        day, month, year = match.groups()
    else:
        return [None, None, None]
    return [str(int(day)), str(int(month)), year]


def _and(parts: Sequence[str]) -> str:
    return " and ".join(parts)


class GovukDateInput(forms.MultiWidget):
    """Three text boxes in GOV.UK's date input markup (the fieldset and legend come from the field template).

    `error_parts` names the boxes to mark as wrong when the field has an error; GovukFormMixin sets it from
    the field's errors. Left empty, an error marks every box, as GOV.UK asks when it is unclear which is wrong.
    """

    template_name = "django/forms/widgets/govuk_date.html"

    def __init__(self, attrs: dict | None = None, *, date_of_birth: bool = False) -> None:
        self.date_of_birth = date_of_birth
        self.error_parts: tuple[str, ...] = ()
        boxes: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{4 if part == 'year' else 2}",
                    "inputmode": "numeric",
                    # A browser may offer a date of birth it knows; any other date it would only guess wrong.
                    "autocomplete": f"bday-{part}" if date_of_birth else "off",
                }
            )
            for part in PARTS
        }
        super().__init__(boxes, attrs)

    def decompress(self, value) -> list:
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str):
            return split_date(value)
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if name in data and not any(f"{name}_{part}" in data for part in PARTS):
            return data.get(name)  # one written date under the plain name: a link, a bookmark, a script
        if not any(f"{name}_{part}" in data for part in PARTS):
            return None  # nothing sent at all (an empty form is not three empty boxes)
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        # Django marks every box invalid when the field has an error: mark only the wrong ones.
        invalid = widget["attrs"].pop("aria-invalid", None)
        wrong = (self.error_parts or PARTS) if invalid else ()
        for part, box in zip(PARTS, widget["subwidgets"], strict=True):
            box["label"] = part.capitalize()
            box["attrs"].pop("aria-invalid", None)
            if widget["attrs"].get("id"):
                box["attrs"]["id"] = f"{widget['attrs']['id']}_{part}"
            if part in wrong:
                box["attrs"]["class"] += " govuk-input--error"
                box["attrs"]["aria-invalid"] = "true"
        return context

    def parts(self, value) -> list:
        """[day, month, year] of a bound or initial value, as the boxes show it."""
        return list(value) if isinstance(value, list | tuple) else self.decompress(value)


class GovukDateField(forms.DateField):
    """A date from GOV.UK's three boxes (or one written date under the field's name), with GOV.UK's errors:

    nothing entered      "Enter <label>" (or the field's own required message)
    a part missing       "<Label> must include a month", "... a day and year"
    a year too short     "Year must include 4 numbers"
    not a date           "<Label> must be a real date" (day 31 of month 2, month 13, letters)

    Each error carries the parts it is about (`params["parts"]`), so only those boxes are marked and the error
    summary links to the first of them; an error without parts (the whole date) marks all three.
    """

    widget = GovukDateInput

    def __init__(self, *, required_message: str = "", date_of_birth: bool = False, **kwargs) -> None:
        kwargs.setdefault("widget", GovukDateInput(date_of_birth=date_of_birth))
        kwargs.setdefault("help_text", BIRTH_HINT if date_of_birth else HINT)
        super().__init__(**kwargs)
        self.required_message = required_message

    @property
    def _name(self) -> str:
        return str(self.label or "Date")

    def _wrong(self, message: str, code: str, parts: Sequence[str] = ()) -> ValidationError:
        # Django fills a message's %-placeholders from params: a label's own % must stay as typed.
        return ValidationError(message.replace("%", "%%"), code=code, params={"parts": tuple(parts)})

    def to_python(self, value):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            parts = split_date(value)
            if parts == [None, None, None]:
                raise self._wrong(f"{self._name} must be a real date", "invalid")
            return self._from_parts(parts)
        if isinstance(value, list | tuple) and len(value) == len(PARTS):
            return self._from_parts(value)
        raise self._wrong(f"{self._name} must be a real date", "invalid")

    def _from_parts(self, value: Sequence) -> datetime.date | None:
        typed = [str(v).strip() if v is not None else "" for v in value]
        if not any(typed):
            return None
        missing = [part for part, text in zip(PARTS, typed, strict=True) if not text]
        if missing:
            raise self._wrong(f"{self._name} must include a {_and(missing)}", "incomplete", missing)
        day_text, month_text, year_text = typed
        day = int(day_text) if day_text.isdigit() and 1 <= int(day_text) <= 31 else None
        month = _MONTHS.get(month_text.lower()) or (
            int(month_text) if month_text.isdigit() and 1 <= int(month_text) <= 12 else None
        )
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 and int(year_text) > 0 else None
        wrong = [part for part, got in zip(PARTS, (day, month, year), strict=True) if got is None]
        if wrong == ["year"] and year_text.isdigit() and len(year_text) < 4:
            raise self._wrong("Year must include 4 numbers", "year_digits", wrong)
        if day is None or month is None or year is None:
            # One wrong box is marked alone; more than one, and GOV.UK marks the whole date.
            raise self._wrong(f"{self._name} must be a real date", "invalid", wrong if len(wrong) == 1 else ())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            # 31 February: the day or the month may be the mistake, so the whole date is marked.
            raise self._wrong(f"{self._name} must be a real date", "invalid") from None

    def validate(self, value) -> None:
        if value in self.empty_values and self.required:
            message = self.required_message or f"Enter {self._name[:1].lower()}{self._name[1:]}"
            raise ValidationError(message, code="required")

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


def error_parts(errors: Sequence[ValidationError]) -> tuple[str, ...]:
    """The boxes a field's errors are about: all three when any error is about the whole date."""
    named: list[str] = []
    for error in errors:
        parts = (error.params or {}).get("parts") if hasattr(error, "params") else None
        if not parts:
            return PARTS
        named.extend(p for p in parts if p not in named)
    return tuple(p for p in PARTS if p in named)


def date_field(
    label: str,
    *,
    required_message: str = "",
    invalid_message: str = "",
    date_of_birth: bool = False,
    **kwargs,
) -> GovukDateField:
    """A GOV.UK date input (Day, Month, Year) that cleans to a date, with GOV.UK-worded errors.

    `invalid_message` is accepted from older callers and no longer used: the wording now names the part that
    is wrong, as GOV.UK asks ("<Label> must include a month", "<Label> must be a real date")."""
    del invalid_message
    return GovukDateField(label=label, required_message=required_message, date_of_birth=date_of_birth, **kwargs)
