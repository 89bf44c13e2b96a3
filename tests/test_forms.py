"""The shared form machinery (caseaudit/web/forms.py and the select lists caseaudit/web/renderers.py writes)."""

import pytest
from django import forms
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from caseaudit.improvement.forms import DashboardFilterForm
from caseaudit.organisation.models import Team


def test_a_select_is_written_as_djangos_own_templates_write_it(council):
    """caseaudit/web/renderers.py writes a select in Python: the markup must be Django's, selected and
    disabled options, groups, markup characters and attributes included."""
    team = Team.objects.order_by("name").last()
    widget = forms.Select(
        attrs={"class": "govuk-select", "id": "id_x"},
        choices=[("", "All"), ("Areas", [("1", "North & <South>"), ("2", "East")]), (str(team.pk), str(team))],
    )
    ours = widget.render("x", str(team.pk))
    djangos = widget.render("x", str(team.pk), renderer=DjangoTemplates())
    assert ours == djangos
    assert "selected" in ours and "North &amp; &lt;South&gt;" in ours and "<optgroup" in ours


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (
            forms.Select(
                attrs={"class": "govuk-select", "required": True, "disabled": False, "data-x": 'a"<b>'},
                choices=[
                    (None, "None becomes empty"),
                    ('q"uote', mark_safe("<em>safe</em> label")),
                    ("lazy", gettext_lazy("A lazy label")),
                    ("Group & co", [("g1", "One"), ("g2", "Two")]),
                ],
            ),
            "g2",
        ),
        (
            forms.SelectMultiple(attrs={"class": "govuk-select"}, choices=[("1", "A"), ("2", "B"), ("3", "C")]),
            ["1", "3"],
        ),
        (forms.NullBooleanSelect(), True),
        (forms.Select(choices=[]), ""),
    ],
)
def test_every_kind_of_select_is_written_as_django_writes_it(widget, value):
    ours = widget.render("na<me", value, attrs={"id": "id_x", "aria-describedby": "x-hint"})
    assert ours == widget.render(
        "na<me", value, attrs={"id": "id_x", "aria-describedby": "x-hint"}, renderer=DjangoTemplates()
    )


def test_a_widget_with_its_own_option_template_is_drawn_by_its_templates():
    class Flagged(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Flagged(choices=[("1", "A")])
    assert widget.render("x", "1") == widget.render("x", "1", renderer=DjangoTemplates())
    assert "<option" not in widget.render("x", "1")


def test_choice_lists_are_read_in_one_plain_query(council):
    form = DashboardFilterForm({"team": Team.objects.first().pk})
    assert form.is_valid()
    with CaptureQueriesContext(connection) as queries:
        page = str(form["team"].as_field_group()) + str(form["manager"].as_field_group())
    assert len(queries) == 2  # one each; on PostgreSQL, not DECLARE, FETCH and CLOSE of a server-side cursor
    assert not any(q["sql"].startswith("DECLARE") for q in queries.captured_queries)
    assert page.count("<option") == Team.objects.count() + 1 + form.fields["manager"].queryset.count() + 1
    assert f'value="{form.cleaned_data["team"].pk}" selected' in page


@pytest.fixture(autouse=True)
def _db(db):
    pass
