import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from mal.models import Aktivitet, Bedomning, Mal, Malvarde, Uppdragskommentar, Utfall, Varde
from styrning import locking
from styrning.periods import Period
from tests.dokument.factories import DokumentFactory, published
from tests.factories import MandatperiodFactory, OrganisationFactory
from tests.mal.factories import (
    BedomningFactory,
    IndikatorFactory,
    MalFactory,
    MalvardeFactory,
    UppdragFactory,
    VardeFactory,
)

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def draft(org, period):
    """A draft goal of Solrosen: only those who read Solrosen's internal material see it."""
    return MalFactory(
        agare=org["solrosen"],
        titel="Utkast till enhetsmål",
        status=Mal.Status.UTKAST,
        mandatperiod=period,
    )


# The tree -------------------------------------------------------------------------------------


def test_tree_is_public_and_shows_status_text_and_shape(client, chain):
    VardeFactory(indikator=chain["indikator"], ar=2025, totalt=Decimal(95))
    BedomningFactory(mal=chain["kf"], ar=2025, utfall=Utfall.DELVIS, analys="Delvis.")

    response = client.get(reverse("mal:trad") + "?period=2025")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="goal-card__open"') == 1  # the top goal opens the level below it
    assert (
        '<span class="status status--delvis"><span class="status__shape" aria-hidden="true">'
        "◐</span> Delvis uppfyllt</span>" in html
    )


def test_tree_hides_drafts_from_the_public_but_not_from_staff(client, chain, draft, chef_solrosen):
    public = client.get(reverse("mal:trad") + "?period=2025").content.decode()
    staff = login(client, chef_solrosen).get(reverse("mal:trad") + "?period=2025").content.decode()

    assert ("Utkast till enhetsmål" in public, "Utkast till enhetsmål" in staff) == (False, True)


def test_tree_filter_only_deviations_keeps_the_path_to_them(client, chain, org, period):
    ok_goal = MalFactory(agare=org["sn"], titel="Ett uppfyllt mål", mandatperiod=period)
    BedomningFactory(mal=ok_goal, ar=2025, utfall=Utfall.UPPFYLLT)
    BedomningFactory(mal=chain["solrosen"], ar=2025, utfall=Utfall.EJ_UPPFYLLT, analys="Nej.")

    url = reverse("mal:trad") + "?period=2025&avvikelser=on"

    top = client.get(url)
    level = client.get(url + f"&under={chain['bun'].pk}")  # the path's link to its next level

    html = top.content.decode()
    assert top.context["antal"] == 3
    assert ("Ett uppfyllt mål" in html, "Alla barn ska nå målen" in html) == (False, True)
    assert [item["r"].mal for item in level.context["groups"][0]["items"]] == [chain["solrosen"]]


def _many_goals(org, period, n):
    parent = MalFactory(agare=org["kf"], mandatperiod=period)
    for i in range(n):
        goal = MalFactory(agare=org["bun"], mandatperiod=period, malomrade=None)
        goal.overordnade.add(parent)
        ind = IndikatorFactory(mal=goal, konsuppdelad=bool(i % 2))
        MalvardeFactory(indikator=ind, ar=2025)
        VardeFactory(indikator=ind, ar=2025, totalt=Decimal(70 + i % 20))
        VardeFactory(indikator=ind, ar=2024, totalt=Decimal(70))
        BedomningFactory(mal=goal, ar=2025, utfall=Utfall.DELVIS)


@pytest.mark.parametrize("n", [1, 40])
def test_tree_query_count_does_not_grow_with_goals(
    client, org, period, controller, n, django_assert_num_queries
):
    _many_goals(org, period, n)
    login(client, controller)

    # session, user, roles, the organisation tree, budget years, goal areas, the tree's shape
    # (goals, links), the stored statuses, the shown goals (goals, links, indicators, targets,
    # values, assessments, stored results), the vision
    with django_assert_num_queries(17):
        response = client.get(reverse("mal:trad") + "?period=2025")

    assert response.context["antal"] == n + 1


# The goal page --------------------------------------------------------------------------------


def test_goal_page_is_public_with_chart_table_chain_and_documents(client, chain, org):
    VardeFactory(
        indikator=chain["indikator"],
        ar=2025,
        totalt=Decimal(88),
        kvinnor=Decimal(90),
        man=Decimal(86),
    )
    BedomningFactory(mal=chain["solrosen"], ar=2025, utfall=Utfall.UPPFYLLT, analys="Bra arbete.")
    policy = DokumentFactory(agare=org["bun"])
    published(policy, titel="Policy för trygghet")
    chain["solrosen"].dokument.add(policy, DokumentFactory(agare=org["sn"]))  # one draft

    response = client.get(reverse("mal:detalj", args=[chain["solrosen"].pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg class="chart"') == 1
    assert '<title id="graf-' in html and '<desc id="graf-' in html
    assert [b.ind for b in response.context["indikatorer"]] == [chain["indikator"]]
    assert response.context["above"] == [chain["bun"], chain["kf"]]
    assert response.context["r"].differs is True  # 88 against 90 is only partly met
    assert "Bra arbete." in html
    assert response.context["dokument"] == [policy]


def test_draft_goal_page_is_404_for_outsider_and_anonymous(
    client, draft, chef_blaklockan, utomstaende
):
    url = reverse("mal:detalj", args=[draft.pk])

    assert client.get(url).status_code == 404
    assert login(client, utomstaende).get(url).status_code == 404
    assert login(client, chef_blaklockan).get(url).status_code == 404


def test_draft_goal_page_is_shown_to_reader_of_internal_material(client, draft, sekreterare_bun):
    response = login(client, sekreterare_bun).get(reverse("mal:detalj", args=[draft.pk]))

    assert response.status_code == 200


def test_preliminary_value_is_hidden_from_the_public(client, chain, chef_solrosen):
    VardeFactory(indikator=chain["indikator"], ar=2025, totalt=Decimal("87.5"), preliminar=True)
    url = reverse("mal:detalj", args=[chain["solrosen"].pk])

    public = client.get(url).context["indikatorer"][0].table
    staff = login(client, chef_solrosen).get(url).context["indikatorer"][0].table

    assert [row["varde"] for row in public if row["ar"] == 2025] == [None]
    assert [row["varde"].totalt for row in staff if row["ar"] == 2025] == [Decimal("87.5")]


@pytest.mark.parametrize("n", [1, 12])
def test_goal_page_query_count_does_not_grow(
    client, org, period, controller, n, django_assert_num_queries
):
    goal = MalFactory(agare=org["kf"], mandatperiod=period)
    for _ in range(n):
        ind = IndikatorFactory(mal=goal, konsuppdelad=True)
        MalvardeFactory(indikator=ind, ar=2025)
        VardeFactory(
            indikator=ind, ar=2025, totalt=Decimal(80), kvinnor=Decimal(81), man=Decimal(79)
        )
        sub = MalFactory(agare=org["bun"], mandatperiod=period)
        sub.overordnade.add(goal)
        BedomningFactory(mal=sub, ar=2025, utfall=Utfall.DELVIS)
    login(client, controller)
    ContentType.objects.clear_cache()  # the acts' content type is read once per process

    # session, user, the goal, roles, the organisation tree, the chain up (one recursive
    # query) and one level down (goals, links, indicators, targets, values, assessments, stored
    # results), the goals below each contributing goal, the assessments with who made them,
    # documents, activities, assignments, the change history (records, two link tables) and the
    # acts on the goal (with their content type)
    with django_assert_num_queries(23):
        response = client.get(reverse("mal:detalj", args=[goal.pk]))

    assert len(response.context["children"]) == n


# A body's page and the comparison -------------------------------------------------------------


def test_body_page_counts_goals_per_area_and_lists_assignments(client, chain, org):
    BedomningFactory(mal=chain["bun"], ar=2025, utfall=Utfall.EJ_UPPFYLLT, analys="Nej.")
    UppdragFactory(givet_av=org["kf"], givet_till=org["bun"], titel="Utred lokalbehovet")

    response = client.get(reverse("mal:organ", args=[org["bun"].pk]) + "?period=2025")

    assert response.status_code == 200
    assert [r.mal for r in response.context["goals"]] == [chain["bun"]]
    assert [c["count"] for c in response.context["summary"][0]["counts"]] == [1]
    assert [u.titel for u in response.context["uppdrag_till"]] == ["Utred lokalbehovet"]


def test_body_page_of_unknown_body_is_404(client, db):
    assert client.get(reverse("mal:organ", args=[999999])).status_code == 404


def test_comparison_shows_each_year_side_by_side(client, chain, org):
    BedomningFactory(mal=chain["kf"], ar=2024, utfall=Utfall.EJ_UPPFYLLT, analys="Nej.")
    BedomningFactory(mal=chain["kf"], ar=2025, utfall=Utfall.UPPFYLLT, analys="Ja.")

    response = client.get(reverse("mal:jamforelse") + f"?organ={org['kf'].pk}")

    row = response.context["rows"][0]
    by_year = {
        p.ar: c.status if c else None
        for p, c in zip(response.context["periods"], row["cells"], strict=True)
    }
    assert (by_year[2024], by_year[2025]) == (Utfall.EJ_UPPFYLLT, Utfall.UPPFYLLT)


# The assessment form --------------------------------------------------------------------------


def test_assessment_by_responsible_chef_is_saved(client, chain, chef_solrosen):
    url = reverse("mal:bedomning", args=[chain["solrosen"].pk])

    response = login(client, chef_solrosen).post(
        url, {"period": "2025", "utfall": "delvis", "analys": "Tryggheten har ökat men inte nog."}
    )

    assert response.status_code == 302
    assert list(Bedomning.objects.values_list("utfall", "analys")) == [
        ("delvis", "Tryggheten har ökat men inte nog.")
    ]


def test_assessment_without_analysis_shows_error_by_the_field(client, chain, chef_solrosen):
    response = login(client, chef_solrosen).post(
        reverse("mal:bedomning", args=[chain["solrosen"].pk]),
        {"period": "2025", "utfall": "uppfyllt", "analys": ""},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "analys": ["Skriv en analys som förklarar bedömningen."]
    }
    assert 'id="id_analys_error"' in response.content.decode()
    assert Bedomning.objects.count() == 0


def test_assessment_form_reader_403_outsider_404_anonymous_login(
    client, chain, draft, fortroendevald_bun, chef_blaklockan
):
    url = reverse("mal:bedomning", args=[chain["solrosen"].pk])

    assert client.get(url).status_code == 302
    assert login(client, fortroendevald_bun).get(url).status_code == 403
    assert (
        login(client, chef_blaklockan).get(reverse("mal:bedomning", args=[draft.pk])).status_code
        == 404
    )


# The value form -------------------------------------------------------------------------------


def test_value_with_decimal_comma_is_saved(client, chain, org, chef_solrosen):
    response = login(client, chef_solrosen).post(
        reverse("mal:varde", args=[chain["indikator"].pk]),
        {
            "organisation": org["solrosen"].pk,
            "period": "2026T1",
            "totalt": "88,5",
            "kvinnor": "90",
            "man": "87",
            "preliminar": "on",
        },
    )

    assert response.status_code == 302
    assert list(Varde.objects.values_list("totalt", "preliminar")) == [(Decimal("88.5"), True)]


def test_value_with_split_outside_total_is_refused_by_the_field(client, chain, org, chef_solrosen):
    response = login(client, chef_solrosen).post(
        reverse("mal:varde", args=[chain["indikator"].pk]),
        {
            "organisation": org["solrosen"].pk,
            "period": "2025",
            "totalt": "70",
            "kvinnor": "90",
            "man": "87",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "totalt": [
            "Totalt (70) ligger utanför kvinnors (90) och mäns (87) värden; totalen måste "
            "ligga mellan dem."
        ]
    }
    assert Varde.objects.count() == 0


def test_value_for_period_outside_goal_is_refused_by_the_field(client, chain, org, chef_solrosen):
    response = login(client, chef_solrosen).post(
        reverse("mal:varde", args=[chain["indikator"].pk]),
        {"organisation": org["solrosen"].pk, "period": "2027T1", "totalt": "70"},
    )

    assert list(response.context["form"].errors) == ["period"]
    assert Varde.objects.count() == 0


def test_value_form_reader_403_outsider_404_anonymous_login(
    client, chain, draft, fortroendevald_bun, chef_blaklockan
):
    url = reverse("mal:varde", args=[chain["indikator"].pk])
    draft_ind = IndikatorFactory(mal=draft)

    assert client.get(url).status_code == 302
    assert login(client, fortroendevald_bun).get(url).status_code == 403
    assert login(client, chef_blaklockan).get(url).status_code == 403
    assert (
        login(client, chef_blaklockan).get(reverse("mal:varde", args=[draft_ind.pk])).status_code
        == 404
    )


# The target form ------------------------------------------------------------------------------


def test_target_is_set_by_goal_editor(client, chain, sekreterare_bun):
    response = login(client, sekreterare_bun).post(
        reverse("mal:malvarde", args=[chain["indikator"].pk]), {"ar": "2026", "varde": "92,5"}
    )

    assert response.status_code == 302
    assert Malvarde.objects.get(ar=2026).varde == Decimal("92.5")


def test_target_of_wrong_type_is_refused_by_the_field(client, chain, sekreterare_bun):
    response = login(client, sekreterare_bun).post(
        reverse("mal:malvarde", args=[chain["indikator"].pk]), {"ar": "2026", "varde": "många"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"varde": ["Fyll i ett tal."]}
    assert Malvarde.objects.filter(ar=2026).count() == 0


def test_target_form_reader_403_outsider_404_anonymous_login(
    client, chain, draft, fortroendevald_bun, sekreterare_sn
):
    url = reverse("mal:malvarde", args=[chain["indikator"].pk])
    draft_ind = IndikatorFactory(mal=draft)

    assert client.get(url).status_code == 302
    assert login(client, fortroendevald_bun).get(url).status_code == 403
    assert (
        login(client, sekreterare_sn).get(reverse("mal:malvarde", args=[draft_ind.pk])).status_code
        == 404
    )


# The goal form --------------------------------------------------------------------------------


def _goal_data(org, period, **extra):
    return {
        "titel": "Nytt nämndmål",
        "agare": org["bun"].pk,
        "typ": "namndmal",
        "status": "utkast",
        "mandatperiod": period.pk,
        "regel": "alla",
        "vikt": "1",
        "ordning": "0",
        **extra,
    }


def test_goal_editor_creates_goal_under_kf_goal(client, chain, org, period, sekreterare_bun):
    response = login(client, sekreterare_bun).post(
        reverse("mal:nytt"), _goal_data(org, period, overordnade=[chain["kf"].pk])
    )

    assert response.status_code == 302
    assert list(Mal.objects.get(titel="Nytt nämndmål").overordnade.all()) == [chain["kf"]]


def test_goal_contributing_to_lower_body_is_refused_by_the_field(
    client, chain, org, period, sekreterare_bun
):
    response = login(client, sekreterare_bun).post(
        reverse("mal:nytt"), _goal_data(org, period, overordnade=[chain["solrosen"].pk])
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["overordnade"]
    assert Mal.objects.filter(titel="Nytt nämndmål").count() == 0


def test_goal_form_reader_403_outsider_404_anonymous_login(
    client, chain, draft, fortroendevald_bun, chef_blaklockan
):
    url = reverse("mal:andra", args=[chain["bun"].pk])

    assert client.get(url).status_code == 302
    assert login(client, fortroendevald_bun).get(url).status_code == 403
    assert (
        login(client, chef_blaklockan).get(reverse("mal:andra", args=[draft.pk])).status_code == 404
    )


# Assignments ----------------------------------------------------------------------------------


@pytest.fixture
def uppdrag(org):
    return UppdragFactory(givet_av=org["bun"], givet_till=org["solrosen"], titel="Öka utevistelsen")


def test_assignment_is_public_and_comment_by_reporter_sets_status(client, uppdrag, chef_solrosen):
    assert client.get(uppdrag.get_absolute_url()).status_code == 200

    response = login(client, chef_solrosen).post(
        reverse("mal:uppdrag_kommentar", args=[uppdrag.pk]),
        {"period": "2026T2", "status": "pagar", "kommentar": "Vi har börjat."},
    )

    uppdrag.refresh_from_db()
    assert response.status_code == 302
    assert (uppdrag.status, Uppdragskommentar.objects.get().kommentar) == (
        "pagar",
        "Vi har börjat.",
    )


def test_assignment_comment_reader_403_unknown_404_anonymous_login(
    client, uppdrag, fortroendevald_bun
):
    url = reverse("mal:uppdrag_kommentar", args=[uppdrag.pk])
    data = {"period": "2026", "status": "pagar", "kommentar": "x"}

    assert client.post(url, data).status_code == 302
    assert client.post(url, data)["Location"].startswith(reverse("login"))
    assert login(client, fortroendevald_bun).post(url, data).status_code == 403
    assert client.post(reverse("mal:uppdrag_kommentar", args=[999999]), data).status_code == 404
    assert Uppdragskommentar.objects.count() == 0


# Export ---------------------------------------------------------------------------------------


def test_export_csv_and_json_leave_out_drafts_and_preliminary_values_for_the_public(
    client, chain, draft
):
    VardeFactory(indikator=chain["indikator"], ar=2024, totalt=Decimal(80))
    VardeFactory(indikator=chain["indikator"], ar=2025, totalt=Decimal(85), preliminar=True)

    response = client.get(reverse("mal:export", args=["mal", "csv"]))
    goals = b"".join(response.streaming_content).decode("utf-8-sig")
    values = client.get(reverse("mal:export", args=["varden", "json"])).json()

    assert goals.splitlines()[0] == (
        "Id;Nummer;Titel;Ägare;Typ;Status;Budgetår eller mandatperiod;Målområde;Bidrar till (id);"
        "När målet är uppfyllt;Hur målet följs upp;Regel för beräknad måluppfyllelse;"
        "Nivå i målträdet;Uppföljningsperiod;Måluppfyllelse;Avvikelse;Matchar filtret;Adress"
    )
    assert len(goals.splitlines()) == 4
    assert draft.titel not in goals
    assert [v["period"] for v in values["varden"]] == ["2024"]


def test_unknown_export_is_404(client, db):
    assert client.get(reverse("mal:export", args=["hemligt", "csv"])).status_code == 404


def test_navigation_shows_the_goal_section(client, db):
    response = client.get(reverse("start"))

    assert {"url": "/mal/", "label": "Mål"} in [
        {"url": i["url"], "label": i["label"]} for i in response.context["nav_items"]
    ]


def test_unknown_org_does_not_break(client, db):
    OrganisationFactory()
    assert client.get(reverse("mal:trad")).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_body_page_and_comparison_query_counts_do_not_grow(
    client, org, period, controller, n, django_assert_num_queries
):
    _many_goals(org, period, n)
    for i in range(n):
        UppdragFactory(givet_av=org["kf"], givet_till=org["bun"], titel=f"Uppdrag {i}")
    login(client, controller)

    # session, user, roles, the organisation tree, the organ's goals with their links,
    # indicators, targets, values, assessments and stored results, its assignments with their
    # comments
    with django_assert_num_queries(13):
        body = client.get(reverse("mal:organ", args=[org["bun"].pk]) + "?period=2025")
    with django_assert_num_queries(11):  # with the stored roll-up
        comparison = client.get(reverse("mal:jamforelse") + f"?organ={org['bun'].pk}")

    assert (len(body.context["goals"]), len(comparison.context["rows"])) == (n, n)


@pytest.mark.parametrize("n", [1, 25])
def test_exports_query_counts_do_not_grow(client, org, period, n, django_assert_num_queries):
    _many_goals(org, period, n)

    def read(kind, fmt, query=""):
        response = client.get(reverse("mal:export", args=[kind, fmt]) + query)
        return b"".join(response.streaming_content) if response.streaming else response.content

    with django_assert_num_queries(2):  # goals, links
        read("mal", "csv")
    with django_assert_num_queries(2):  # indicators, targets
        read("indikatorer", "json")
    with django_assert_num_queries(1):
        read("varden", "csv")
    # with the tree's filters: goal areas, budget years, the organisation tree, the tree's shape
    # (goals, links), the stored statuses, then the file's own reads (as above)
    filters = f"?period=2025&organ={org['bun'].pk}&status=delvis"
    with django_assert_num_queries(8):
        # BUN's goals and KF's goal they contribute to, under the header
        assert len(read("mal", "csv", filters).splitlines()) == n + 2
    with django_assert_num_queries(7):
        read("varden", "csv", filters)


def test_start_page_panel_lists_goals_the_chef_has_not_assessed(client, chain, chef_solrosen):
    response = login(client, chef_solrosen).get(reverse("min_sida"))

    html = response.content.decode()
    assert "Mål att bedöma för" in html
    assert "Barnen känner sig trygga" in html


def test_the_year_to_assess_is_the_year_before_until_the_annual_report_is_done():
    from mal.panels import bedomningsar

    days = [
        datetime.date(2026, 12, 5),
        datetime.date(2027, 2, 15),
        datetime.date(2027, 3, 31),
        datetime.date(2027, 4, 1),
    ]

    assert [bedomningsar(day) for day in days] == [2026, 2026, 2026, 2027]


def test_start_page_panel_heads_and_links_the_year_to_assess_now(client, org, chef_solrosen):
    from mal.panels import bedomningsar

    ar = bedomningsar(timezone.localdate())
    mal = MalFactory(
        agare=org["solrosen"],
        titel="Barnen leker ute varje dag",
        mandatperiod=MandatperiodFactory(start_ar=ar - 1, slut_ar=ar + 2),
    )
    BedomningFactory(mal=mal, ar=ar - 1, utfall=Utfall.UPPFYLLT)  # last year's is done

    response = login(client, chef_solrosen).get(reverse("min_sida"))

    [panel] = [p for p in response.context["panels"] if p["template"] == "mal/_panel.html"]
    url = f"{reverse('mal:bedomning', args=[mal.pk])}?period={ar}"
    html = response.content.decode()
    assert (panel["ar"], [m.pk for m in panel["goals"]]) == (ar, [mal.pk])
    assert f"Mål att bedöma för {ar}</h2>" in html
    assert f'<a href="{url}">' in html
    assert client.get(url).context["period"] == Period.year(ar)


# Indicators and activities ---------------------------------------------------------------------


def test_chef_adds_activity_to_own_unit_goal(client, chain, chef_solrosen):
    response = login(client, chef_solrosen).post(
        reverse("mal:aktivitet_ny", args=[chain["solrosen"].pk]),
        {
            "titel": "Trygghetsvandring",
            "ansvarig_text": "Förskolechefen",
            "startdatum": "2026-02-01",
            "slutdatum": "2026-05-31",
            "status": "pagar",
        },
    )

    assert response.status_code == 302
    assert list(chain["solrosen"].aktiviteter.values_list("titel", "status")) == [
        ("Trygghetsvandring", "pagar")
    ]


def test_activity_ending_before_it_starts_is_refused_by_the_field(client, chain, chef_solrosen):
    response = login(client, chef_solrosen).post(
        reverse("mal:aktivitet_ny", args=[chain["solrosen"].pk]),
        {
            "titel": "Baklänges",
            "startdatum": "2026-05-01",
            "slutdatum": "2026-02-01",
            "status": "planerad",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "slutdatum": ["Slutdatum kan inte vara före startdatum."]
    }
    assert chain["solrosen"].aktiviteter.count() == 0


def test_activity_form_reader_403_outsider_404_anonymous_login(
    client, chain, draft, fortroendevald_bun, chef_blaklockan
):
    url = reverse("mal:aktivitet_ny", args=[chain["solrosen"].pk])

    assert client.get(url).status_code == 302
    assert login(client, fortroendevald_bun).get(url).status_code == 403
    assert login(client, chef_blaklockan).get(url).status_code == 403
    outsider = login(client, chef_blaklockan).get(reverse("mal:aktivitet_ny", args=[draft.pk]))
    assert outsider.status_code == 404


def test_goal_editor_adds_indicator_and_kolada_source_needs_kpi_id(client, chain, sekreterare_bun):
    url = reverse("mal:indikator_ny", args=[chain["bun"].pk])
    data = {
        "namn": "Meritvärde",
        "enhet": "poäng",
        "riktning": "hogre",
        "decimaler": "1",
        "kalla": "kolada",
        "kpi_id": "",
        "matt_for": chain["bun"].agare_id,
        "tolerans": "5",
        "vikt": "1",
        "ordning": "0",
    }
    login(client, sekreterare_bun)

    refused = client.post(url, data)
    saved = client.post(url, {**data, "kpi_id": "N15505"})

    assert refused.context["form"].errors == {
        "kpi_id": ["Ett nyckeltal från Kolada behöver sitt id, t.ex. U11401."]
    }
    assert saved.status_code == 302
    assert list(chain["bun"].indikatorer.values_list("namn", "kpi_id")) == [
        ("Meritvärde", "N15505")
    ]


def test_indicator_form_reader_403_outsider_404_anonymous_login(
    client, chain, draft, fortroendevald_bun, sekreterare_sn
):
    url = reverse("mal:indikator_andra", args=[chain["indikator"].pk])
    draft_ind = IndikatorFactory(mal=draft)

    assert client.get(url).status_code == 302
    assert login(client, fortroendevald_bun).get(url).status_code == 403
    outsider = login(client, sekreterare_sn).get(
        reverse("mal:indikator_andra", args=[draft_ind.pk])
    )
    assert outsider.status_code == 404


def test_changing_owner_below_its_sub_goals_is_refused(client, chain, org, period, sekreterare_bun):
    response = login(client, sekreterare_bun).post(
        reverse("mal:andra", args=[chain["bun"].pk]),
        _goal_data(
            org,
            period,
            titel=chain["bun"].titel,
            agare=org["blaklockan"].pk,
            overordnade=[chain["kf"].pk],
            andringsmarke=locking.token(chain["bun"]),
        ),
    )

    chain["bun"].refresh_from_db()
    assert list(response.context["form"].errors) == ["agare"]
    assert chain["bun"].agare == org["bun"]


@pytest.mark.parametrize("n", [1, 20])
def test_assignment_list_filters_by_status_in_constant_queries(
    client, org, n, django_assert_num_queries
):
    for i in range(n):
        UppdragFactory(givet_av=org["kf"], givet_till=org["bun"], titel=f"Uppdrag {i}")
    UppdragFactory(givet_av=org["kf"], givet_till=org["sn"], titel="Klart", status="genomfort")

    with django_assert_num_queries(2):
        response = client.get(reverse("mal:uppdrag_lista") + "?status=ej_paborjat")

    assert len(response.context["rows"]) == n


def test_secretary_registers_assignment_to_body_below(client, org, sekreterare_bun):
    budgetar = UppdragFactory(givet_av=org["kf"], givet_till=org["bun"]).budgetar
    data = {
        "titel": "Utred fler förskoleplatser",
        "givet_av": org["bun"].pk,
        "givet_till": org["buf"].pk,
        "budgetar": budgetar.pk,
        "status": "ej_paborjat",
    }
    login(client, sekreterare_bun)

    saved = client.post(reverse("mal:uppdrag_nytt"), data)
    refused = client.post(
        reverse("mal:uppdrag_nytt"), {**data, "titel": "Fel håll", "givet_till": org["sof"].pk}
    )

    assert saved.status_code == 302
    assert refused.context["form"].errors == {
        "givet_till": [
            "Socialförvaltningen ligger inte under Barn- och utbildningsnämnden: ett uppdrag ges "
            "till ett organ under den som ger det."
        ]
    }
    assert list(org["bun"].givna_uppdrag.values_list("titel", flat=True)) == [
        "Utred fler förskoleplatser"
    ]


def test_assignment_form_reader_403_anonymous_login(client, db, fortroendevald_bun):
    url = reverse("mal:uppdrag_nytt")

    assert client.get(url).status_code == 302
    assert login(client, fortroendevald_bun).get(url).status_code == 403


def _assignment_data(org, **extra):
    budgetar = UppdragFactory(givet_av=org["kf"], givet_till=org["bun"], titel="Äldre").budgetar
    return {
        "titel": "Utred fler förskoleplatser",
        "givet_av": org["bun"].pk,
        "givet_till": org["buf"].pk,
        "budgetar": budgetar.pk,
        "status": "ej_paborjat",
        **extra,
    }


@pytest.mark.parametrize(
    ("givet_av", "givet_till", "errors"),
    [
        (
            "",
            "",
            {
                "givet_av": ["Välj vilket organ som ger uppdraget."],
                "givet_till": ["Välj vilket organ som får uppdraget."],
            },
        ),
        (
            "kf",
            "buf",
            {
                "givet_av": [
                    "Välj ett av organen i listan: uppdrag ges av kommunfullmäktige, "
                    "kommunstyrelsen eller en nämnd som du registrerar uppdrag för."
                ]
            },
        ),
        (
            "buf",
            "solrosen",
            {
                "givet_av": [
                    "Välj ett av organen i listan: uppdrag ges av kommunfullmäktige, "
                    "kommunstyrelsen eller en nämnd som du registrerar uppdrag för."
                ]
            },
        ),
        ("bun", 2**70, {"givet_till": ["Välj ett av organen i listan."]}),
        ("bun", "x", {"givet_till": ["Välj ett av organen i listan."]}),
    ],
)
def test_assignment_giver_or_receiver_empty_or_not_allowed_is_a_field_error(
    client, org, sekreterare_bun, givet_av, givet_till, errors
):
    data = _assignment_data(
        org,
        givet_av=org[givet_av].pk if givet_av else "",
        givet_till=org[givet_till].pk if givet_till in org else givet_till,
    )

    response = login(client, sekreterare_bun).post(reverse("mal:uppdrag_nytt"), data)

    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert org["bun"].givna_uppdrag.count() == 0


def test_chef_may_not_register_assignments_and_is_not_offered_to(client, org, chef_solrosen):
    """An assignment is given by a political body; a chef maintains a unit's goals but speaks
    for no such body, so the form (whose giver list would be empty) is refused, not offered."""
    login(client, chef_solrosen)

    shown = client.get(reverse("mal:uppdrag_nytt"))
    sent = client.post(
        reverse("mal:uppdrag_nytt"), _assignment_data(org, givet_av="", givet_till="")
    )
    sent_as_bun = client.post(reverse("mal:uppdrag_nytt"), _assignment_data(org))
    listed = client.get(reverse("mal:uppdrag_lista")).content.decode()

    assert (shown.status_code, sent.status_code, sent_as_bun.status_code) == (403, 403, 403)
    assert reverse("mal:uppdrag_nytt") not in listed
    assert org["bun"].givna_uppdrag.count() == 0


def test_secretary_is_offered_the_assignment_form(client, org, sekreterare_bun):
    listed = login(client, sekreterare_bun).get(reverse("mal:uppdrag_lista")).content.decode()
    form = client.get(reverse("mal:uppdrag_nytt")).context["form"]

    assert reverse("mal:uppdrag_nytt") in listed
    assert list(form.fields["givet_av"].queryset) == [org["bun"]]


def test_goal_form_refuses_a_cycle_by_the_field(client, chain, org, period, controller):
    kf_sub = MalFactory(agare=org["kf"], titel="Delmål i KF", mandatperiod=period)
    kf_sub.overordnade.add(chain["kf"])

    response = login(client, controller).post(
        reverse("mal:andra", args=[chain["kf"].pk]),
        _goal_data(
            org,
            period,
            titel=chain["kf"].titel,
            agare=org["kf"].pk,
            overordnade=[kf_sub.pk],
            andringsmarke=locking.token(chain["kf"]),
        ),
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "overordnade": [
            "”Delmål i KF” bidrar redan, direkt eller via andra mål, till ”Alla barn ska nå "
            "målen”. Att låta målet bidra dit skulle bli en cykel."
        ]
    }
    assert chain["kf"].overordnade.count() == 0


def test_new_goal_form_is_403_for_reader(client, db, fortroendevald_bun):
    assert login(client, fortroendevald_bun).get(reverse("mal:nytt")).status_code == 403


def test_goal_page_and_tree_level_hide_a_draft_below_from_the_public(
    client, chain, draft, sekreterare_bun
):
    draft.overordnade.add(chain["solrosen"])  # KF goal → BUN → Solrosen → draft
    urls = [
        reverse("mal:detalj", args=[chain["solrosen"].pk]),
        reverse("mal:trad") + f"?period=2025&under={chain['solrosen'].pk}",
    ]

    public = [client.get(url) for url in urls]
    insider = [login(client, sekreterare_bun).get(url) for url in urls]

    assert [r.status_code for r in public] == [200, 200]
    assert ["Utkast till enhetsmål" in r.content.decode() for r in public] == [False, False]
    assert ["Utkast till enhetsmål" in r.content.decode() for r in insider] == [True, True]


def test_summable_indicator_without_split_by_sex_is_refused_by_the_field(
    client, chain, sekreterare_bun
):
    response = login(client, sekreterare_bun).post(
        reverse("mal:indikator_ny", args=[chain["bun"].pk]),
        {
            "namn": "Antal elever",
            "enhet": "antal",
            "riktning": "hogre",
            "decimaler": "0",
            "kalla": "egen",
            "matt_for": chain["bun"].agare_id,
            "summerbar": "on",
            "tolerans": "5",
            "vikt": "1",
            "ordning": "0",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "summerbar": ["Gäller bara indikatorer som är uppdelade på kön."]
    }
    assert chain["bun"].indikatorer.count() == 0


# Empty choices -----------------------------------------------------------------------------------


def test_no_goal_chain_form_offers_an_english_or_dashed_empty_choice(
    client, chain, org, controller
):
    """Django 6.1's empty choice ("- Select an option -") has no Swedish translation; every
    select of the goal chain's forms offers a Swedish one instead."""
    ind = chain["indikator"]
    aktivitet = Aktivitet.objects.create(mal=chain["bun"], titel="Läsfrämjande")
    uppdrag = UppdragFactory(givet_av=org["bun"], givet_till=org["buf"])
    urls = [
        reverse("mal:nytt"),
        reverse("mal:andra", args=[chain["bun"].pk]),
        reverse("mal:indikator_ny", args=[chain["bun"].pk]),
        reverse("mal:indikator_andra", args=[ind.pk]),
        reverse("mal:aktivitet_ny", args=[chain["bun"].pk]),
        reverse("mal:aktivitet_andra", args=[aktivitet.pk]),
        reverse("mal:uppdrag_nytt"),
        reverse("mal:varde", args=[ind.pk]),
        reverse("mal:malvarde", args=[ind.pk]),
        reverse("mal:bedomning", args=[chain["bun"].pk]),
        reverse("mal:uppdrag", args=[uppdrag.pk]),
        reverse("mal:uppdrag_lista"),
        reverse("mal:trad"),
        reverse("mal:jamforelse"),
    ]
    login(client, controller)

    empty_choices, statuses = set(), set()
    for url in urls:
        response = client.get(url)
        statuses.add(response.status_code)
        page = response.content.decode()
        empty_choices |= set(re.findall(r'<option value=""[^>]*>([^<]*)</option>', page))

    assert statuses == {200}
    assert empty_choices == {"– Välj –", "Alla", "Senaste hela året", "Hela kommunen"}
