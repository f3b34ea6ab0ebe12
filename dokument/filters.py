"""The public list's filters. Everything is in the query string, so a filtered list can be
linked."""

import django_filters
from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils import timezone

from dokument.models import Dokument, Dokumenttyp
from dokument.search import search_documents
from styrning.forms import FORSTA_AR, SISTA_AR, Form
from styrning.models import Organisation


class StatusFilter:
    GALLANDE = "gallande"
    UTGANGEN = "utgangen"
    UPPHAVD = "upphavd"
    ERSATT = "ersatt"
    CHOICES = [
        (GALLANDE, "Gällande"),
        (UTGANGEN, "Utgånget"),
        (UPPHAVD, "Upphävt"),
        (ERSATT, "Ersatt"),
    ]


SORTERING = [
    ("relevans", "Bästa träff först (vid sökning)"),
    ("titel", "Titel (A–Ö)"),
    ("nyast", "Senaste beslut först"),
    ("aldst", "Äldsta beslut först"),
    ("typ", "Dokumenttyp (högst rang först)"),
]
SORT_FIELDS = {
    "titel": ["aktuell__titel", "pk"],
    "nyast": ["-aktuell__beslutsdatum", "-pk"],
    "aldst": ["aktuell__beslutsdatum", "pk"],
    "typ": ["-typ__rang", "aktuell__titel", "pk"],
}


def _organ(request):
    return Organisation.objects.filter(typ__in=Organisation.POLITISKA_TYPER).order_by(
        "ordning", "namn"
    )


def _alla_organisationer(request):
    return Organisation.objects.exclude(typ=Organisation.Typ.ENHET).order_by("ordning", "namn")


_AR_FEL = f"Ange beslutsåret som ett årtal mellan {FORSTA_AR} och {SISTA_AR}, t.ex. 2024."


class YearFilter(django_filters.NumberFilter):
    """A year between the first and last year any date of the system may have: a whole
    number, since a decimal or a year beyond 9999 cannot be compared with a date (it was a
    server error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FORSTA_AR)
        kwargs.setdefault("max_value", SISTA_AR)
        kwargs.setdefault(
            "error_messages",
            {"invalid": _AR_FEL, "min_value": _AR_FEL, "max_value": _AR_FEL},
        )
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)


SOK_MAX = 200


class DokumentFilter(django_filters.FilterSet):
    # A search longer than any sensible one is refused on the form (PostgreSQL refuses a word
    # of over 2,047 bytes in a query with an error).
    q = django_filters.CharFilter(
        label="Sök",
        method="filter_q",
        validators=[
            MaxLengthValidator(
                SOK_MAX,
                message="Sökningen får vara högst %(limit_value)s tecken (den har "
                "%(show_value)s). Sök på några ord ur texten.",
            )
        ],
        widget=forms.TextInput(attrs={"type": "search", "maxlength": SOK_MAX}),
    )
    typ = django_filters.ModelChoiceFilter(
        label="Dokumenttyp", queryset=Dokumenttyp.objects.all(), empty_label="Alla typer"
    )
    organ = django_filters.ModelChoiceFilter(
        label="Fastställt av",
        queryset=_organ,
        field_name="aktuell__faststalld_av",
        empty_label="Alla organ",
    )
    omfattar = django_filters.ModelChoiceFilter(
        label="Gäller för",
        queryset=_alla_organisationer,
        field_name="aktuell__giltighetsomrade",
        empty_label="Alla",
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=StatusFilter.CHOICES, method="filter_status", empty_label="Alla"
    )
    ar = YearFilter(label="Beslutsår", field_name="aktuell__beslutsdatum__year")
    sortering = django_filters.ChoiceFilter(
        label="Sortering", choices=SORTERING, method="filter_sortering", empty_label=None
    )

    class Meta:
        model = Dokument
        fields: list[str] = []
        form = Form  # the guard every form has: no control characters in the search text

    def filter_q(self, queryset, name, value):
        return queryset  # applied in `qs`, after every other filter (the candidates are capped)

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        expired = Q(aktuell__giltig_till__lt=today)
        if value == StatusFilter.GALLANDE:
            return queryset.filter(status=Dokument.Status.GALLANDE).exclude(expired)
        if value == StatusFilter.UTGANGEN:
            return queryset.filter(expired, status=Dokument.Status.GALLANDE)
        return queryset.filter(status=value)

    def filter_sortering(self, queryset, name, value):
        return queryset  # applied in `qs` so the default also sorts

    @property
    def qs(self):
        queryset = super().qs
        sortering = (self.form.cleaned_data or {}).get("sortering") if self.is_bound else ""
        searching = self.is_bound and (self.form.cleaned_data or {}).get("q")
        if searching:
            # Last, so the capped candidates are drawn from the documents the other filters
            # leave (a type filter after the cap would drop hits beyond it).
            queryset = search_documents(queryset, searching)
        if searching and sortering in ("", "relevans"):
            return queryset  # search results come ranked from search_documents()
        return queryset.order_by(*SORT_FIELDS.get(sortering or "titel", SORT_FIELDS["titel"]))
