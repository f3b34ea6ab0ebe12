import pytest
from django.db import transaction
from django.utils import timezone

from mal.demo import load_mal
from mal.models import (
    Aktivitet,
    Bedomning,
    Indikator,
    Mal,
    Malvarde,
    Uppdrag,
    Uppdragskommentar,
    Varde,
)
from styrning.demo import load_organisation
from styrning.models import Handelse, Organisation
from styrning.periods import Period

H = Handelse.Handling

MODELS = [Mal, Indikator, Malvarde, Varde, Bedomning, Uppdrag, Uppdragskommentar]


def counts():
    rows = {m.__name__: m.objects.count() for m in MODELS}
    rows["historik"] = Mal.history.count() + Bedomning.history.count()
    rows["historik värden"] = Varde.history.count() + Malvarde.history.count()
    rows["historik kommentarer"] = Uppdragskommentar.history.count()
    rows["länkar"] = Mal.overordnade.through.objects.count()
    return rows


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo's organisation and goal chain, loaded once for the module's tests (each reads
    it; a load takes seconds) and rolled back after them; yields when the load started."""
    with django_db_blocker.unblock(), transaction.atomic():
        started = timezone.now()
        load_organisation(lambda _: None)
        load_mal(lambda _: None)
        yield started
        transaction.set_rollback(True)


def test_demo_builds_a_full_chain_and_a_second_run_adds_nothing(demo, db):
    first = counts()

    load_mal(lambda _: None)

    assert counts() == first
    namnder = Organisation.objects.filter(typ=Organisation.Typ.NAMND, aktiv_till__isnull=True)
    per_namnd = {n.kod: Mal.objects.filter(agare=n).count() for n in namnder}
    assert all(3 <= antal <= 6 for antal in per_namnd.values()), per_namnd
    assert Mal.objects.filter(agare__kod="KF", status="antaget").count() == 15
    assert 75 <= first["Indikator"] <= 95
    assert Indikator.objects.filter(kalla="kolada").exclude(kpi_id="").count() == 8
    assert Uppdrag.objects.count() == 20


def test_demo_seeds_a_draft_per_level_and_goals_of_every_rule(demo, db):

    drafts = Mal.objects.filter(status="utkast").order_by("agare__kod")
    rules = {regel: Mal.objects.filter(regel=regel).count() for regel in ("viktad", "manuell")}

    assert [(m.agare.kod, m.agare.typ) for m in drafts] == [
        ("BUF-FSK-01", "enhet"),
        ("BUN", "namnd"),
        ("KF", "kommunfullmaktige"),
    ]
    assert Bedomning.objects.filter(mal__status="utkast").count() == 0
    assert rules == {"viktad": 3, "manuell": 2}


def test_demo_history_comes_from_the_services_with_the_links(demo, db):

    linked = Mal.objects.filter(overordnade__isnull=False).distinct()
    latest_records = {}
    for record in Mal.history.order_by("history_id"):
        latest_records[record.id] = record

    assert Mal.history.filter(history_type="+").count() == Mal.objects.count()
    assert Varde.history.count() == Varde.objects.count()
    assert Malvarde.history.count() == Malvarde.objects.count()
    assert Uppdragskommentar.history.count() == Uppdragskommentar.objects.count()
    assert all(
        sorted(r.to_mal_id for r in latest_records[m.pk].overordnade.all())
        == sorted(m.overordnade.values_list("pk", flat=True))
        for m in linked
    )


def _acts(handling, key) -> list:
    return sorted(key(a) for a in Handelse.objects.filter(handling=handling))


def test_demo_acts_are_in_the_log_of_acts_by_the_user_who_may(demo, db):

    goals = Mal.objects.select_related("agare")
    entered = Varde.objects.filter(importerad=False)
    imported = Varde.objects.filter(importerad=True)
    solrosen = {
        a.anvandare.username
        for a in Handelse.objects.filter(organisation__kod="BUF-FSK-01").select_related("anvandare")
    }

    assert _acts(H.MAL_ANTAGET, lambda a: (a.objekt_id, a.publik)) == sorted(
        (m.pk, True) for m in goals.filter(status=Mal.Status.ANTAGET)
    )
    assert _acts(H.MAL_SPARAT, lambda a: a.objekt_id) == sorted(
        goals.filter(status=Mal.Status.UTKAST).values_list("pk", flat=True)
    )
    assert _acts(H.INDIKATOR_SPARAD, lambda a: a.data["indikator"]) == sorted(
        Indikator.objects.values_list("pk", flat=True)
    )
    assert _acts(H.MALVARDE_SATT, lambda a: (a.data["indikator"], a.data["ar"])) == sorted(
        Malvarde.objects.values_list("indikator_id", "ar")
    )
    assert _acts(
        H.VARDE_REGISTRERAT, lambda a: (a.data["indikator"], a.organisation_id, a.data["period"])
    ) == sorted((v.indikator_id, v.organisation_id, v.period.kod) for v in entered)
    assert sum(_acts(H.VARDEN_IMPORTERADE, lambda a: a.data["skapade"])) == imported.count()
    assert sorted(set(imported.values_list("indikator__kalla", "periodtyp"))) == [("kolada", "ar")]
    assert _acts(H.BEDOMD, lambda a: (a.objekt_id, a.data["period"])) == sorted(
        (b.mal_id, b.period.kod) for b in Bedomning.objects.all()
    )
    assert _acts(H.UPPDRAG_GIVET, lambda a: a.objekt_id) == sorted(
        Uppdrag.objects.values_list("pk", flat=True)
    )
    assert _acts(H.UPPDRAG_KOMMENTERAT, lambda a: (a.objekt_id, a.data["period"])) == sorted(
        (k.uppdrag_id, k.period.kod) for k in Uppdragskommentar.objects.all()
    )
    assert _acts(H.AKTIVITET_SPARAD, lambda a: a.data["aktivitet"]) == sorted(
        Aktivitet.objects.values_list("pk", flat=True)
    )
    assert solrosen == {"chef"}


def test_demo_dates_each_act_when_a_user_would_have_done_it(demo, db):
    started = demo

    def day(act):
        return timezone.localdate(act.tid)

    first_year = {m.pk: m.forsta_ar for m in Mal.objects.all()}
    values = Handelse.objects.filter(handling__in=[H.VARDE_REGISTRERAT, H.BEDOMD])
    comments = Handelse.objects.filter(handling=H.UPPDRAG_KOMMENTERAT)
    adopted = Handelse.objects.filter(handling=H.MAL_ANTAGET)
    first_records = Mal.history.filter(history_type="+", status=Mal.Status.ANTAGET)
    entered = Varde.objects.filter(importerad=False)

    assert [a for a in values if day(a) <= Period.parse(a.data["period"]).slut] == []
    assert [a for a in comments if day(a) <= Period.parse(a.data["period"]).slut] == []
    assert [a for a in adopted if day(a).year >= first_year[a.objekt_id]] == []
    assert [r for r in first_records if r.history_date.year >= first_year[r.id]] == []
    assert [v for v in entered if timezone.localdate(v.andrad) <= v.period.slut] == []
    assert Handelse.objects.filter(tid__gte=started).count() == 0
