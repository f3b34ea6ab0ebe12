"""The filters of the goal chain's pages. Everything is in the query string, so a filtered page
can be linked. A list of records filters its queryset with django-filter; the tree and the
comparison filter the computed fulfilment, so they take a plain form."""

from dataclasses import dataclass
from html import escape

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from mal.fulfilment import STATUS
from mal.models import Uppdrag, Utfall
from styrning.forms import Form
from styrning.models import Organisation
from styrning.periods import Period, tertials
from styrning.queries import organisation_tree


class UppdragFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=Uppdrag.Status.choices, empty_label="Alla"
    )

    class Meta:
        model = Uppdrag
        fields: list[str] = []
        form = Form


class LongSelect(forms.Select):
    """A select of many options (every organisation of a large municipality) written in Python:
    the markup of Django's select, without a template rendered per option."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        # Python's html.escape, which Django's escape() wraps: format_html() per option cost
        # 80 µs each (0.14 s for 1,700 organisations), this some 2 µs.
        options = "".join(
            f'<option value="{escape(str(key))}"'
            f"{' selected' if str(key) in chosen else ''}>{escape(str(label))}</option>"
            for key, label in self.choices
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # noqa: S308 - every key and label is escaped above
        )


ORGAN_SELECT_ALL = 300  # up to this many organisations the select offers every one


class OrganField(forms.ChoiceField):
    """An organisation of the tree, chosen in a select indented by depth. A large municipality
    has thousands of units (at bench scale 1, 1,500 of 1,700 organisations: a select of them all
    is 100 KB on every page), so beyond `ORGAN_SELECT_ALL` organisations the select offers those
    above the units; a unit is then reached through its verksamhet (a filter takes in what lies
    below), or by a link with its id, and is offered when it is the one chosen. Any
    organisation of the tree is a valid value."""

    widget = LongSelect

    def set_tree(self, org_tree, chosen: str | None, empty_label: str | None) -> None:
        self.nodes = org_tree.nodes
        every = len(org_tree.nodes) <= ORGAN_SELECT_ALL
        self.choices = ([("", empty_label)] if empty_label else []) + [
            (str(org.pk), ("\u00a0\u00a0" * depth) + org.namn)
            for org, depth in org_tree.walk()
            if every or org.typ != Organisation.Typ.ENHET or str(org.pk) == chosen
        ]
        if not every:
            self.help_text = "Välj verksamheten för att se dess enheters mål."

    def valid_value(self, value) -> bool:
        return value == "" or (str(value).isdecimal() and int(value) in self.nodes)

    def clean(self, value):
        value = super().clean(value)
        return self.nodes.get(int(value)) if value else None


class TradFilterForm(Form):
    period = forms.ChoiceField(label="Period", required=False)
    malomrade = forms.ChoiceField(label="Målområde", required=False)
    organ = OrganField(label="Organ eller enhet", required=False)
    status = forms.ChoiceField(
        label="Måluppfyllelse",
        required=False,
        choices=[("", "Alla")]
        + [(s, STATUS[s][0]) for s in (Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT)]
        + [("saknas", "Underlag saknas")],
    )
    avvikelser = forms.BooleanField(
        label="Bara avvikelser (ej eller delvis uppfyllda mål, indikatorer utanför sitt band)",
        required=False,
    )

    def __init__(self, *args, periods, org_tree, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self._areas = {str(a.pk): a for a in areas}
        self.fields["period"].choices = [("", "Senaste hela året")] + [
            (p.kod, p.label) for p in periods
        ]
        self.fields["malomrade"].choices = [("", "Alla")] + [(str(a.pk), a.namn) for a in areas]
        self.fields["organ"].set_tree(org_tree, self.data.get("organ"), "Hela kommunen")

    def clean_period(self):
        value = self.cleaned_data["period"]
        if not value:
            return None
        try:
            return Period.parse(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def clean_malomrade(self):
        return self._areas.get(self.cleaned_data["malomrade"])


class JamforelseForm(Form):
    """The comparison's choices: an organisation (`OrganField`), per year or per tertial, and
    the year of the tertials."""

    organ = OrganField(label="Organ eller enhet", required=False)
    per = forms.ChoiceField(
        label="Jämför per",
        required=False,
        choices=[("ar", "År (de senaste fyra)"), ("tertial", "Tertial (ett år)")],
    )
    ar = forms.IntegerField(
        label="År",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Året vars tertial jämförs.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, org_tree, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organ"].set_tree(org_tree, self.data.get("organ"), None)


@dataclass
class Jamforelse:
    """What the comparison shows, from its query string: the organisation (the council when none
    is chosen), per year (the last four) or per tertial of a year (this year when none is
    chosen). A refused field is on the form; the valid ones still count."""

    form: JamforelseForm
    chosen: Organisation | None
    periods: list[Period]
    per_tertial: bool

    @classmethod
    def from_query(cls, query) -> "Jamforelse":
        today = timezone.localdate()
        org_tree = organisation_tree()
        kf = next(
            (o for o in org_tree.nodes.values() if o.typ == Organisation.Typ.KOMMUNFULLMAKTIGE),
            None,
        )
        data = query.copy()
        data.setdefault("organ", str(kf.pk) if kf else "")
        data.setdefault("per", "ar")
        data.setdefault("ar", str(today.year))
        form = JamforelseForm(data, org_tree=org_tree)
        form.is_valid()
        choices = form.cleaned_data
        per_tertial = choices.get("per") == "tertial"
        if per_tertial:
            periods = tertials(choices.get("ar") or today.year)
        else:
            periods = [Period.year(ar) for ar in range(today.year - 3, today.year + 1)]
        return cls(form, choices.get("organ") or kf, periods, per_tertial)
