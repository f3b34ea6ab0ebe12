from mal.demo import load_mal
from mal.models import Bedomning, Indikator, Mal, Malvarde, Uppdrag, Uppdragskommentar, Varde
from styrning.demo import load_organisation
from styrning.models import Organisation

MODELS = [Mal, Indikator, Malvarde, Varde, Bedomning, Uppdrag, Uppdragskommentar]


def counts():
    rows = {m.__name__: m.objects.count() for m in MODELS}
    rows["historik"] = Mal.history.count() + Bedomning.history.count()
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
    assert Mal.objects.filter(agare__kod="KF").count() == 15
    assert 75 <= first["Indikator"] <= 95
    assert Indikator.objects.filter(kalla="kolada").exclude(kpi_id="").count() == 8
    assert Uppdrag.objects.count() == 20
