"""The staff forms: the scope as checkboxes grouped by level with quick choices, and the
owner and adopter selects in tree order."""

from django.urls import reverse

from dokument.forms import FaststallForm, RegistreraForm, VersionForm
from dokument.models import Dokument
from styrning.models import Organisation
from styrning.queries import OrganisationTree

INDENT = "\u00a0\u00a0\u00a0"


def _expected_tree(filter_pks=None) -> list[str]:
    tree = OrganisationTree.load(Organisation.objects.filter(aktiv_till__isnull=True))
    shown = [
        (org, depth) for org, depth in tree.walk() if filter_pks is None or org.pk in filter_pks
    ]
    top = min(depth for _org, depth in shown)
    return [INDENT * (depth - top) + org.namn for org, depth in shown]


def test_adopter_select_is_in_tree_order_indented_by_depth(org):
    form = FaststallForm()

    labels = [label for value, label in form.fields["faststalld_av"].choices if value != ""]

    assert labels == _expected_tree()
    assert labels[:2] == ["Testkommun", INDENT + "Kommunfullmäktige"]
    assert INDENT * 2 + "Kommunstyrelsen" in labels


def test_owner_select_lists_the_users_bodies_in_tree_order(org, sekreterare_bun):
    from styrning import permissions

    form = RegistreraForm(user=sekreterare_bun)

    labels = [label for value, label in form.fields["agare"].choices if value != ""]
    assert labels == _expected_tree(permissions.document_editor_ids(sekreterare_bun))
    assert labels[:2] == [
        "Barn- och utbildningsnämnden",
        INDENT + "Barn- och utbildningsförvaltningen",
    ]


def test_scope_checkboxes_are_grouped_by_level(org):
    form = VersionForm()

    groups = {
        label: [o.choice_label for o in options] for label, options in form.omfattning_grupper()
    }

    assert org["bun"].namn in groups["Nämnder och utskott"]
    assert org["buf"].namn in groups["Förvaltningar"]
    assert (
        sum(len(v) for v in groups.values())
        == Organisation.objects.filter(aktiv_till__isnull=True).count()
    )


def test_quick_choice_expands_to_all_namnder_forvaltningar_and_bolag(org):
    T = Organisation.Typ
    form = VersionForm(
        {
            "titel": "Riktlinjer",
            "giltighet_snabbval": ["alla"],
            "giltighetsomrade": [org["solrosen"].pk],
        }
    )

    assert form.is_valid(), form.errors
    expected = set(
        Organisation.objects.filter(
            aktiv_till__isnull=True, typ__in=[T.NAMND, T.FORVALTNING, T.BOLAGSSTYRELSE]
        ).values_list("pk", flat=True)
    ) | {org["solrosen"].pk}
    assert {o.pk for o in form.cleaned_data["giltighetsomrade"]} == expected


def test_register_with_quick_choice_saves_the_expanded_scope(client, org, typer, sekreterare_bun):
    client.force_login(sekreterare_bun)

    response = client.post(
        reverse("dokument:registrera"),
        {
            "typ": typer["Riktlinje"].pk,
            "agare": org["bun"].pk,
            "titel": "Riktlinjer för skolskjuts",
            "giltighet_snabbval": ["forvaltningar"],
        },
    )

    version = Dokument.objects.get().versioner.get()
    assert response.status_code == 302
    assert set(version.giltighetsomrade.values_list("pk", flat=True)) == set(
        Organisation.objects.filter(aktiv_till__isnull=True, typ="forvaltning").values_list(
            "pk", flat=True
        )
    )


def test_register_page_shows_the_scope_as_grouped_fieldsets(client, org, sekreterare_bun):
    client.force_login(sekreterare_bun)

    html = client.get(reverse("dokument:registrera")).content.decode()

    assert html.count('<fieldset class="omfattning__grupp">') >= 2
    assert html.count("<legend>Nämnder och utskott</legend>") == 1
    assert html.count('<select name="giltighetsomrade"') == 0
