from mal.demo import load_mal
from mal.models import Bedomning, Indikator, Mal, Malvarde, Uppdrag, Uppdragskommentar, Varde
from styrning.demo import load_organisation
from styrning.models import Organisation

MODELS = [Mal, Indikator, Malvarde, Varde, Bedomning, Uppdrag, Uppdragskommentar]


def counts():
    rows = {m.__name__: m.objects.count() for m in MODELS}
    rows["historik"] = Mal.history.count() + Bedomning.history.count()
    rows["historik värden"] = Varde.history.count() + Malvarde.history.count()
    rows["historik kommentarer"] = Uppdragskommentar.history.count()
    rows["länkar"] = Mal.overordnade.through.objects.count()
    return rows


def test_demo_builds_a_full_chain_and_a_second_run_adds_nothing(db):
    load_organisation(lambda _: None)
    load_mal(lambda _: None)
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


def test_demo_seeds_a_draft_per_level_and_goals_of_every_rule(db):
    load_organisation(lambda _: None)
    load_mal(lambda _: None)

    drafts = Mal.objects.filter(status="utkast").order_by("agare__kod")
    rules = {regel: Mal.objects.filter(regel=regel).count() for regel in ("viktad", "manuell")}

    assert [(m.agare.kod, m.agare.typ) for m in drafts] == [
        ("BUF-FSK-01", "enhet"),
        ("BUN", "namnd"),
        ("KF", "kommunfullmaktige"),
    ]
    assert Bedomning.objects.filter(mal__status="utkast").count() == 0
    assert rules == {"viktad": 3, "manuell": 2}


def test_demo_history_starts_at_the_seed_with_the_links(db):
    load_organisation(lambda _: None)
    load_mal(lambda _: None)

    linked = Mal.objects.filter(overordnade__isnull=False).distinct()
    first_records = {h.id: h for h in Mal.history.filter(history_type="+")}

    assert Mal.history.filter(history_type="+").count() == Mal.objects.count()
    assert Varde.history.count() == Varde.objects.count()
    assert Malvarde.history.count() == Malvarde.objects.count()
    assert Uppdragskommentar.history.count() == Uppdragskommentar.objects.count()
    assert all(
        sorted(r.to_mal_id for r in first_records[m.pk].overordnade.all())
        == sorted(m.overordnade.values_list("pk", flat=True))
        for m in linked
    )
