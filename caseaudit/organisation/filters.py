import django_filters
from django import forms
from django.db.models import Q

from caseaudit.web.forms import GovukFormMixin

from .models import Child, LegalStatus
from .selectors import teams_visible_to


class ChildFilterForm(GovukFormMixin, forms.Form):
    pass


class ChildFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label="Case system ID or name", help_text="For example, LCS123456 or Smith"
    )
    team = django_filters.ModelChoiceFilter(queryset=None, empty_label="All teams")
    legal_status = django_filters.ChoiceFilter(choices=LegalStatus.choices, empty_label="All legal statuses")
    status = django_filters.ChoiceFilter(
        choices=[("open", "Open"), ("closed", "Closed")],
        method="open_or_closed",
        empty_label="Open and closed",
        label="Case status",
    )

    class Meta:
        model = Child
        fields = ["q", "team", "legal_status", "status"]
        form = ChildFilterForm

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["team"].queryset = teams_visible_to(person)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(case_id__iexact=value) | Q(name__icontains=value))

    def open_or_closed(self, queryset, name, value):
        return queryset.filter(closed_on__isnull=(value == "open"))
