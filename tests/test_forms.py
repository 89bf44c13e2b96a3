"""The shared form machinery (caseaudit/web/forms.py and the project's select template)."""

import pytest
from django import forms
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext

from caseaudit.improvement.forms import DashboardFilterForm
from caseaudit.organisation.models import Team


def test_the_select_template_writes_what_djangos_own_does(council):
    """caseaudit/templates/django/forms/widgets/select.html writes its options in place of Django's include
    per option: the markup must be Django's, selected and disabled options and groups included."""
    team = Team.objects.order_by("name").last()
    widget = forms.Select(
        attrs={"class": "govuk-select", "id": "id_x"},
        choices=[("", "All"), ("Areas", [("1", "North & <South>"), ("2", "East")]), (str(team.pk), str(team))],
    )
    ours = widget.render("x", str(team.pk))
    djangos = widget.render("x", str(team.pk), renderer=DjangoTemplates())
    assert ours == djangos
    assert "selected" in ours and "North &amp; &lt;South&gt;" in ours and "<optgroup" in ours


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
