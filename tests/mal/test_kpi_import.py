import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mal.models import Indikator, Varde
from tests.mal.factories import IndikatorFactory


@pytest.fixture
def kpi(org, period):
    org["kommun"].kod = "2299"
    org["kommun"].save()
    return IndikatorFactory(
        mal__agare=org["kf"],
        mal__mandatperiod=period,
        matt_for=org["kommun"],
        namn="Invånare totalt",
        kalla=Indikator.Kalla.KOLADA,
        kpi_id="N01951",
        enhet="antal",
        konsuppdelad=True,
        summerbar=True,
    )


KOLADA = """{
  "count": 2,
  "values": [
    {
      "kpi": "N01951",
      "municipality": "2299",
      "period": 2024,
      "values": [
        {"gender": "K", "value": 30100, "count": 1, "status": ""},
        {"gender": "M", "value": 29900, "count": 1, "status": ""},
        {"gender": "T", "value": 60000, "count": 1, "status": ""}
      ]
    },
    {
      "kpi": "N01951",
      "municipality": "2299",
      "period": 2025,
      "values": [
        {"gender": "T", "value": 60500, "count": 1, "status": ""}
      ]
    }
  ]
}"""


def write(tmp_path, text):
    path = tmp_path / "kolada.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(path, *args):
    out = StringIO()
    call_command("import_kpi", path, *args, stdout=out, stderr=out)
    return out.getvalue()


def test_import_creates_values_with_sex_split(kpi, tmp_path):
    output = run(write(tmp_path, KOLADA))

    rows = list(Varde.objects.order_by("ar").values_list("ar", "totalt", "kvinnor", "man"))
    assert rows == [
        (2024, Decimal(60000), Decimal(30100), Decimal(29900)),
        (2025, Decimal(60500), None, None),
    ]
    assert "Lade till 2 värden, ändrade 0" in output


def test_import_twice_changes_nothing(kpi, tmp_path):
    path = write(tmp_path, KOLADA)
    run(path)

    output = run(path)

    assert Varde.objects.count() == 2
    assert "Lade till 0 värden, ändrade 0, 2 var redan aktuella" in output


def test_dry_run_writes_nothing(kpi, tmp_path):
    output = run(write(tmp_path, KOLADA), "--dry-run")

    assert Varde.objects.count() == 0
    assert output.startswith("Provkörning: skulle ha lagt till 2 värden")


def test_unknown_kpi_and_municipality_are_refused_by_line_and_nothing_is_written(kpi, tmp_path):
    records = [
        {"kpi": "N01951", "municipality": "2299", "period": 2025, "gender": "T", "value": 1},
        {"kpi": "U99999", "municipality": "2299", "period": 2025, "gender": "T", "value": 1},
        {"kpi": "N01951", "municipality": "9999", "period": 2025, "gender": "T", "value": 1},
    ]
    path = write(tmp_path, json.dumps(records, indent=1))
    err = StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("import_kpi", path, stdout=StringIO(), stderr=err)

    assert str(exc.value) == "2 fel i kolada.json. Ingenting har sparats."
    assert err.getvalue().splitlines() == [
        "Rad 9 (post 2): okänt nyckeltal U99999: ingen indikator har det id:t.",
        "Rad 16 (post 3): okänd kommun 9999: ingen organisation har den koden.",
    ]
    assert Varde.objects.count() == 0


def test_split_that_does_not_add_up_is_refused(kpi, tmp_path):
    text = KOLADA.replace('"value": 60000', '"value": 61000')
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_kpi", write(tmp_path, text), stdout=StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "Rad 9 (post 1): N01951 för 2299, 2024: Kvinnor (30\u00a0100) och män (29\u00a0900) blir "
        "60\u00a0000, inte totalt 61\u00a0000."
    ]
    assert Varde.objects.count() == 0


def test_period_outside_goal_is_refused(kpi, tmp_path):
    text = KOLADA.replace('"period": 2025', '"period": 2019')

    with pytest.raises(CommandError):
        call_command("import_kpi", write(tmp_path, text), stdout=StringIO(), stderr=StringIO())

    assert Varde.objects.count() == 0


def test_broken_json_names_the_line(kpi, tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_kpi", write(tmp_path, '[\n{"kpi": }\n]'), stdout=StringIO(), stderr=err
        )

    assert err.getvalue().startswith("Filen är inte giltig JSON: rad 2, kolumn 9")


def test_value_entered_by_hand_is_not_overwritten_without_ersatt(kpi, org, tmp_path, controller):
    from mal.models import Varde as V

    hand = V.objects.create(
        indikator=kpi,
        organisation=org["kommun"],
        ar=2025,
        totalt=Decimal(60400),
        registrerad_av=controller,
    )
    V.objects.filter(pk=hand.pk).update(andrad="2026-03-03T13:05:00+00:00")
    path = write(tmp_path, KOLADA)
    err = StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("import_kpi", path, stdout=StringIO(), stderr=err)

    assert str(exc.value) == "1 fel i kolada.json. Ingenting har sparats."
    assert err.getvalue().splitlines() == [
        "Rad 19 (post 2): N01951 för 2299, 2025: ”Invånare totalt” har ett värde som matats in "
        "för hand, totalt 60\u00a0400 (registrerat av "
        f"{controller.get_full_name()}, 3 mars 2026 14:05). Importen ersätter det bara med "
        "--ersatt."
    ]
    assert list(V.objects.order_by("ar").values_list("ar", "totalt")) == [(2025, Decimal(60400))]


def test_value_entered_by_hand_is_replaced_with_ersatt(kpi, org, tmp_path, controller):
    V = Varde
    V.objects.create(indikator=kpi, organisation=org["kommun"], ar=2025, totalt=Decimal(60400))

    output = run(write(tmp_path, KOLADA), "--ersatt")

    assert list(V.objects.order_by("ar").values_list("ar", "totalt", "importerad")) == [
        (2024, Decimal(60000), True),
        (2025, Decimal(60500), True),
    ]
    assert "Lade till 1 värden, ändrade 1" in output


def test_error_in_kolada_nested_form_names_line_record_and_value(kpi, tmp_path):
    text = KOLADA.replace('{"gender": "T", "value": 60500', '{"gender": "X", "value": 60500')
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_kpi", write(tmp_path, text), stdout=StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "Rad 19 (post 2, värde 1): okänt kön 'X': ange T, K eller M."
    ]


def test_broken_json_message_is_swedish_with_line_and_column(kpi, tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_kpi", write(tmp_path, '[\n{"kpi": }\n]'), stdout=StringIO(), stderr=err
        )

    assert err.getvalue().splitlines() == ["Filen är inte giltig JSON: rad 2, kolumn 9."]
