"""The status board: statuses, lateness, the filter, who sees what, and its cost."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from styrning.models import Organisation, Roll
from tests.factories import OrganisationFactory, RollFactory, UserFactory
from tests.uppfoljning.factories import RapportFactory, RapportperiodFactory
from uppfoljning import status
from uppfoljning.models import Rapport

URL = "/uppfoljning/status/"
S = Rapport.Status


@pytest.fixture
def idag():
    return timezone.localdate()


@pytest.fixture
def period(db, idag):
    """A period whose deadline passed two days ago."""
    return RapportperiodFactory(sista_dag=idag - datetime.timedelta(days=2))


def _inlamnad(dag: datetime.date, timme: int = 12):
    return timezone.make_aware(datetime.datetime.combine(dag, datetime.time(timme)))


@pytest.fixture
def rapporter(org, period, idag):
    frist = period.sista_dag
    return {
        "buf": RapportFactory(
            rapportperiod=period,
            organisation=org["buf"],
            status=S.INLAMNAD,
            inlamnad=_inlamnad(frist - datetime.timedelta(days=1)),
        ),
        "forskola": RapportFactory(
            rapportperiod=period, organisation=org["forskola"], status=S.UTKAST, andel_klar=40
        ),
        "solrosen": RapportFactory(
            rapportperiod=period,
            organisation=org["solrosen"],
            status=S.GODKAND,
            inlamnad=_inlamnad(frist + datetime.timedelta(days=1)),
        ),
        "blaklockan": RapportFactory(rapportperiod=period, organisation=org["blaklockan"]),
        "hemtjanst": RapportFactory(
            rapportperiod=period, organisation=org["hemtjanst"], status=S.ATERSKICKAD
        ),
    }


def _chef(organisation, username):
    user = UserFactory(username=username)
    RollFactory(anvandare=user, organisation=organisation, roll=Roll.Typ.CHEF)
    return user


def _rows(response) -> list[tuple[str, str, bool]]:
    return [
        (rad.rapport.organisation.kod, rad.status_text, rad.sen)
        for rad in response.context["rader"]
    ]


def test_controller_sees_every_report_with_status_and_lateness(client, controller, rapporter):
    client.force_login(controller)
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(_rows(response)) == [
        ("BLA", "Ej påbörjad", True),
        ("BUF", "Inlämnad", False),
        ("FSK", "Utkast, 40 % klart", True),
        ("HTN", "Återskickad", True),
        ("SOL", "Godkänd", True),
    ]
    summering = response.context["summering"]
    assert (summering["totalt"], summering["ej_klara"], summering["sena"]) == (5, 3, 4)
    html = response.content.decode()
    assert "Utkast, 40 % klart" in html
    assert '<progress max="100" value="40"' in html


def test_a_report_first_submitted_on_time_is_not_late_after_a_sending_back(
    client, controller, org, period
):
    """Sent back after an on-time submission: on the board it is not late while the chef
    corrects it, nor once it comes in again after the last day (`inlamnad` stays the first
    submission's, as the workflow keeps it)."""
    i_tid = _inlamnad(period.sista_dag)
    RapportFactory(
        rapportperiod=period, organisation=org["buf"], status=S.ATERSKICKAD, inlamnad=i_tid
    )
    RapportFactory(
        rapportperiod=period,
        organisation=org["solrosen"],
        status=S.INLAMNAD,
        version=2,
        inlamnad=i_tid,
    )
    RapportFactory(
        rapportperiod=period,
        organisation=org["forskola"],
        status=S.ATERSKICKAD,
        inlamnad=_inlamnad(period.sista_dag + datetime.timedelta(days=1)),
    )
    client.force_login(controller)

    response = client.get(URL, {"period": period.pk})

    assert sorted(_rows(response)) == [
        ("BUF", "Återskickad", False),
        ("FSK", "Återskickad", True),
        ("SOL", "Inlämnad", False),
    ]
    assert response.context["summering"]["sena"] == 1


def test_filter_shows_only_the_reports_not_ready(client, controller, rapporter, period):
    client.force_login(controller)
    response = client.get(URL, {"period": period.pk, "ej_klara": "1"})
    assert sorted(kod for kod, _, _ in _rows(response)) == ["BLA", "FSK", "HTN"]


def test_not_late_before_the_deadline(client, controller, org, idag):
    framtida = RapportperiodFactory(sista_dag=idag + datetime.timedelta(days=3))
    RapportFactory(rapportperiod=framtida, organisation=org["buf"])
    client.force_login(controller)
    response = client.get(URL, {"period": framtida.pk})
    assert _rows(response) == [("BUF", "Ej påbörjad", False)]
    assert response.context["summering"]["sena"] == 0


def test_default_period_is_the_one_whose_deadline_is_near(controller, org, idag):
    gammal = RapportperiodFactory(periodnummer=2, sista_dag=idag - datetime.timedelta(days=30))
    nara = RapportperiodFactory(
        rapporttyp=gammal.rapporttyp, periodnummer=3, sista_dag=idag + datetime.timedelta(days=5)
    )
    senare = RapportperiodFactory(
        rapporttyp=gammal.rapporttyp, periodnummer=4, sista_dag=idag + datetime.timedelta(days=35)
    )
    for rp in (gammal, nara, senare):
        RapportFactory(rapportperiod=rp, organisation=org["buf"])
    valbara = status.perioder(controller, fran_ar=idag.year - 2)
    assert status.standard_period(valbara, idag) == nara
    assert status.standard_period(valbara, idag + datetime.timedelta(days=60)) == senare


def test_chef_of_a_forvaltning_sees_its_subtree(client, org, rapporter):
    chef = _chef(org["buf"], "chef_buf")
    client.force_login(chef)
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(kod for kod, _, _ in _rows(response)) == ["BLA", "BUF", "FSK", "SOL"]


def test_chef_of_another_forvaltning_gets_404_for_a_period_without_their_reports(
    client, org, rapporter, period
):
    annan = RapportperiodFactory(rapporttyp=period.rapporttyp, periodnummer=4)
    RapportFactory(rapportperiod=annan, organisation=org["buf"])
    chef_sof = _chef(org["sof"], "chef_sof")
    client.force_login(chef_sof)
    assert client.get(URL, {"period": annan.pk}).status_code == 404
    response = client.get(URL, {"period": period.pk})
    assert _rows(response) == [("HTN", "Återskickad", True)]


@pytest.mark.parametrize("actor", ["fortroendevald_bun", "utomstaende", "sekreterare_bun"])
def test_without_a_chef_or_controller_role_the_board_is_forbidden(
    client, rapporter, actor, request
):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client, rapporter):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/konto/logga-in/?next=/uppfoljning/status/"


def test_bad_period_parameter_is_404(client, controller, rapporter):
    client.force_login(controller)
    assert client.get(URL, {"period": "x"}).status_code == 404
    assert client.get(URL, {"period": "999999"}).status_code == 404


def _count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_the_same_for_one_and_many_organisations(client, controller, org):
    en = RapportperiodFactory(periodnummer=5)
    RapportFactory(rapportperiod=en, organisation=org["buf"])
    manga = RapportperiodFactory(rapporttyp=en.rapporttyp, periodnummer=6)
    for i in range(30):
        enhet = OrganisationFactory(typ=Organisation.Typ.ENHET, overordnad=org["forskola"])
        RapportFactory(
            rapportperiod=manga, organisation=enhet, status=[S.UTKAST, S.INLAMNAD][i % 2]
        )
    client.force_login(controller)
    client.get(URL)  # warm the session and content types
    one = _count_queries(client, {"period": en.pk})
    many = _count_queries(client, {"period": manga.pk})
    assert len(client.get(URL, {"period": manga.pk}).context["rader"]) == 30
    # Session, user, roles, the periods to choose, the summary, the page of reports.
    assert (one, many) == (6, 6)


def test_query_count_of_a_chef_is_the_same_for_one_and_many(client, org):
    chef = _chef(org["buf"], "chef_buf")
    en = RapportperiodFactory(periodnummer=5)
    RapportFactory(rapportperiod=en, organisation=org["buf"])
    manga = RapportperiodFactory(rapporttyp=en.rapporttyp, periodnummer=6)
    for _ in range(20):
        enhet = OrganisationFactory(typ=Organisation.Typ.ENHET, overordnad=org["forskola"])
        RapportFactory(rapportperiod=manga, organisation=enhet)
    client.force_login(chef)
    client.get(URL)
    assert _count_queries(client, {"period": en.pk}) == _count_queries(client, {"period": manga.pk})


# "Dina rapporter" on the personal start page ---------------------------------------------------


def test_start_page_lists_the_chefs_open_reports_with_deadline_and_late_mark(
    client, org, rapporter, idag
):
    chef = _chef(org["buf"], "chef_buf")
    client.force_login(chef)
    response = client.get("/min-sida/")
    panel = next(p for p in response.context["panels"] if p.get("controller") is False)
    assert sorted(rad["rapport"].organisation.kod for rad in panel["rader"]) == ["BLA", "FSK"]
    assert [rad["sen"] for rad in panel["rader"]] == [True, True]
    html = response.content.decode()
    assert "Dina rapporter" in html
    assert f'href="/uppfoljning/rapporter/{rapporter["forskola"].pk}/"' in html
    assert "(40 % klart)" in html


def test_start_page_without_reports_says_so_and_others_get_no_panel(
    client, org, fortroendevald_bun
):
    client.force_login(_chef(org["sof"], "chef_sof"))
    assert (
        "Du har inga rapporter att lämna in just nu." in client.get("/min-sida/").content.decode()
    )
    client.force_login(fortroendevald_bun)
    assert "Dina rapporter" not in client.get("/min-sida/").content.decode()


def test_start_page_panel_costs_the_same_for_few_and_many_reports(client, org):
    chef = _chef(org["buf"], "chef_buf")
    client.force_login(chef)
    client.get("/min-sida/")
    period = RapportperiodFactory(periodnummer=5)
    RapportFactory(rapportperiod=period, organisation=org["buf"])
    with CaptureQueriesContext(connection) as few:
        client.get("/min-sida/")
    for _ in range(15):
        enhet = OrganisationFactory(typ=Organisation.Typ.ENHET, overordnad=org["forskola"])
        RapportFactory(rapportperiod=period, organisation=enhet)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/min-sida/")
    panel = next(p for p in response.context["panels"] if "rader" in p)
    assert (len(panel["rader"]), panel["antal"]) == (10, 16)
    assert len(few.captured_queries) == len(many.captured_queries)


# The chef's line under "Det här kan du göra" -------------------------------------------------


def _manad(dag: datetime.date) -> dict:
    return {"ar": dag.year, "periodtyp": "manad", "periodnummer": dag.month}


def _forra_manaden(idag: datetime.date) -> datetime.date:
    return idag.replace(day=1) - datetime.timedelta(days=1)


def _typ():
    from tests.uppfoljning.factories import RapporttypFactory

    return RapporttypFactory(namn="Månadsuppföljning", kod="manad")


def test_chefs_line_leads_to_the_open_report_of_the_period_just_ended(
    client, org, chef_solrosen, idag
):
    typ = _typ()
    forra = RapportperiodFactory(
        rapporttyp=typ, **_manad(_forra_manaden(idag)), sista_dag=idag + datetime.timedelta(days=5)
    )
    oppen = RapportFactory(rapportperiod=forra, organisation=org["solrosen"], status=S.UTKAST)
    # This month's report is not open yet: its period has not ended.
    RapportFactory(
        rapportperiod=RapportperiodFactory(
            rapporttyp=typ, **_manad(idag), sista_dag=idag + datetime.timedelta(days=40)
        ),
        organisation=org["solrosen"],
    )
    client.force_login(chef_solrosen)

    html = client.get("/min-sida/").content.decode()

    assert (
        "<li>Rapportera värden, prognoser, målbedömningar och analyser för Solrosens förskola: "
        f'<a href="/uppfoljning/rapporter/{oppen.pk}/">Månadsuppföljning '
        f"{forra.period.ackumulerad_label}</a> (sista dag "
        f"{date_format(forra.sista_dag, 'j F Y')}).</li>"
    ) in html


def test_chefs_line_marks_a_late_report_and_keeps_one_sent_back_in_a_closed_period(
    client, org, chef_solrosen, idag
):
    forra = RapportperiodFactory(
        rapporttyp=_typ(),
        **_manad(_forra_manaden(idag)),
        sista_dag=idag - datetime.timedelta(days=1),
        stangd=True,
    )
    rapport = RapportFactory(
        rapportperiod=forra,
        organisation=org["solrosen"],
        status=S.ATERSKICKAD,
        inlamnad=_inlamnad(idag - datetime.timedelta(days=2)),
    )
    client.force_login(chef_solrosen)

    html = client.get("/min-sida/").content.decode()

    assert f'<a href="/uppfoljning/rapporter/{rapport.pk}/">' in html
    assert f"(återskickad, sista dag {date_format(forra.sista_dag, 'j F Y')})." in html
    Rapport.objects.filter(pk=rapport.pk).update(status=S.UTKAST, inlamnad=None)
    html = client.get("/min-sida/").content.decode()
    assert f'<a href="/uppfoljning/rapporter/{rapport.pk}/">' not in html  # closed, never in


def test_chefs_line_says_when_the_next_report_opens(client, org, chef_solrosen, idag):
    manad = RapportperiodFactory(
        rapporttyp=_typ(), **_manad(idag), sista_dag=idag + datetime.timedelta(days=40)
    )
    RapportFactory(rapportperiod=manad, organisation=org["solrosen"])
    client.force_login(chef_solrosen)

    html = client.get("/min-sida/").content.decode()

    oppnar = manad.period.slut + datetime.timedelta(days=1)
    assert (
        "för Solrosens förskola. Ingen rapport är öppen just nu: nästa, månadsuppföljning "
        f"{manad.period.ackumulerad_label}, öppnar den {date_format(oppnar, 'j F Y')} "
        f"(sista dag {date_format(manad.sista_dag, 'j F Y')}).</li>"
    ) in html


def test_chefs_line_costs_the_same_for_few_and_many_reports(client, org, chef_solrosen, idag):
    typ = _typ()
    client.force_login(chef_solrosen)
    forra = _forra_manaden(idag)
    RapportFactory(
        rapportperiod=RapportperiodFactory(rapporttyp=typ, **_manad(forra), sista_dag=idag),
        organisation=org["solrosen"],
    )
    client.get("/min-sida/")
    with CaptureQueriesContext(connection) as few:
        client.get("/min-sida/")
    for ar in range(forra.year - 1, forra.year + 1):
        for manad in range(1, 13):
            if (ar, manad) != (forra.year, forra.month):
                RapportFactory(
                    rapportperiod=RapportperiodFactory(
                        rapporttyp=typ, ar=ar, periodnummer=manad, sista_dag=idag
                    ),
                    organisation=org["solrosen"],
                )
    with CaptureQueriesContext(connection) as many:
        client.get("/min-sida/")

    assert len(many.captured_queries) == len(few.captured_queries)
