"""The public list's filters (by body, kind and year). Everything is in the query string, so
a filtered list can be linked."""

import django_filters
from django.db.models import Q

from dokument.filters import YearFilter
from styrning.forms import Form
from styrning.models import Organisation
from uppfoljning.models import Rapport, Rapporttyp, Rapportversion


def _organ(request):
    """The organisations with a report in the list: those whose report was adopted and the
    bodies that adopted one (a short list, whatever the size of the organisation)."""
    adopted = Rapportversion.objects.filter(slag=Rapportversion.Slag.ANTAGEN)
    return Organisation.objects.filter(
        Q(pk__in=adopted.values("rapport__organisation"))
        | Q(pk__in=adopted.values("rapport__antagen_av"))
    ).order_by("namn")


class RapportFilter(django_filters.FilterSet):
    organ = django_filters.ModelChoiceFilter(
        label="Organ",
        queryset=_organ,
        method="filter_organ",
        empty_label="Alla organ",
        help_text="Organisationen som rapporterar eller organet som antog rapporten.",
    )
    typ = django_filters.ModelChoiceFilter(
        label="Rapporttyp",
        queryset=Rapporttyp.objects.all(),
        field_name="rapportperiod__rapporttyp",
        empty_label="Alla rapporttyper",
    )
    ar = YearFilter(label="År", field_name="rapportperiod__ar")

    class Meta:
        model = Rapport
        fields: list[str] = []
        form = Form  # the guard every form has

    def filter_organ(self, queryset, name, value):
        return queryset.filter(Q(organisation=value) | Q(antagen_av=value))
