"""The import of budget and outcome from the economy system's CSV file: idempotent,
all-or-nothing with every error by line; the command and the controller's upload page."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from styrning.demo import load_organisation
from styrning.models import Handelse
from uppfoljning import ekonomi
from uppfoljning.models import Ekonomirad

URL = "/uppfoljning/ekonomi/import/"
HEADER = "organisationskod;kontogrupp;år;månad;budget;utfall\n"
FIL = (
    HEADER
    + "SOL;Personalkostnader;2026;1;100 000,00;98 500,50\n"
    + "SOL;Intäkter;2026;1;-20 000;−19 000\n"
    + "BLA;Personalkostnader;2026;1;80 000;81 000\n"
)


def rows():
    return {
        (r.organisation.kod, r.kontogrupp, r.ar, r.manad): (r.budget, r.utfall)
        for r in Ekonomirad.objects.select_related("organisation")
    }


def errors_of(text, **kwargs):
    with pytest.raises(ValidationError) as exc:
        ekonomi.import_ekonomi(text=text, **kwargs)
    return exc.value.messages


def test_import_reads_decimal_comma_spaces_and_minus(org):
    result = ekonomi.import_ekonomi(text=FIL)

    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert rows() == {
        ("SOL", "Personalkostnader", 2026, 1): (Decimal("100000.00"), Decimal("98500.50")),
        ("SOL", "Intäkter", 2026, 1): (Decimal("-20000.00"), Decimal("-19000.00")),
        ("BLA", "Personalkostnader", 2026, 1): (Decimal("80000.00"), Decimal("81000.00")),
    }
    assert Handelse.objects.get(handling=Handelse.Handling.EKONOMI_IMPORTERAD).data["nya"] == 3


def test_same_file_twice_changes_nothing_and_says_so(org):
    ekonomi.import_ekonomi(text=FIL)
    history = Ekonomirad.history.count()

    result = ekonomi.import_ekonomi(text=FIL)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert result.summary == "Inga ändringar: alla 3 rader fanns redan med samma belopp."
    assert Ekonomirad.history.count() == history
    assert Handelse.objects.filter(handling=Handelse.Handling.EKONOMI_IMPORTERAD).count() == 1


def test_changed_month_is_updated_and_counted(org):
    ekonomi.import_ekonomi(text=FIL)

    result = ekonomi.import_ekonomi(text=FIL.replace("81 000", "82 000"))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert rows()[("BLA", "Personalkostnader", 2026, 1)] == (
        Decimal("80000.00"),
        Decimal("82000.00"),
    )
    changed = Ekonomirad.objects.get(organisation=org["blaklockan"])
    assert [h.utfall for h in changed.history.order_by("history_id")] == [
        Decimal("81000.00"),
        Decimal("82000.00"),
    ]


def test_bom_is_read(org):
    result = ekonomi.import_ekonomi(text="\ufeff" + FIL)

    assert result.created == 3


def test_every_bad_line_is_listed_and_nothing_is_saved(org):
    text = (
        HEADER
        + "SOL;Personalkostnader;2026;1;100;100\n"
        + "OKAND;Personalkostnader;2026;1;100;100\n"
        + "SOL;Personalkostnader;2026;13;100;100\n"
        + "SOL;Lokaler;2026;2;tio;100\n"
        + "SOL;Personalkostnader;2026;1;100;100\n"
        + "SOL;Lokaler;2026\n"
    )

    messages = errors_of(text)

    assert messages == [
        "Rad 3: okänd organisationskod 'OKAND'.",
        "Rad 4: månad '13' ska vara ett tal 1–12.",
        "Rad 5: budget 'tio' är inget tal.",
        "Rad 6: SOL, Personalkostnader, 2026-01 står redan på rad 2.",
        "Rad 7: raden har 3 fält men rubrikraden 6.",
    ]
    assert Ekonomirad.objects.count() == 0


def test_wrong_or_missing_column_is_named(org):
    messages = errors_of("organisationskod;kontogrupp;år;månad;budgett;utfall\nSOL;P;2026;1;1;1\n")

    assert messages == [
        "Rad 1: kolumnen budget saknas i rubrikraden.",
        "Rad 1: okänd kolumn 'budgett'. Rubrikraden ska vara "
        "organisationskod;kontogrupp;år;månad;budget;utfall.",
    ]


def test_comma_separated_file_is_refused_with_the_reason(org):
    messages = errors_of("organisationskod,kontogrupp,år,månad,budget,utfall\n")

    assert messages == ["Rad 1: kolumnerna ska skiljas med semikolon (;), inte med komma."]


def test_dry_run_counts_but_saves_nothing(org):
    result = ekonomi.import_ekonomi(text=FIL, dry_run=True)

    assert (result.created, result.dry_run) == (3, True)
    assert Ekonomirad.objects.count() == 0
    assert not Handelse.objects.filter(handling=Handelse.Handling.EKONOMI_IMPORTERAD).exists()


def test_import_replaces_a_month_entered_by_hand(org, chef_solrosen):
    ekonomi.registrera_ekonomi(
        organisation=org["solrosen"],
        kontogrupp="Personalkostnader",
        ar=2026,
        manad=1,
        budget=Decimal(1),
        utfall=Decimal(1),
        user=chef_solrosen,
        andringsmarke="",
    )

    result = ekonomi.import_ekonomi(text=FIL)

    assert (result.created, result.updated) == (2, 1)
    assert Ekonomirad.objects.get(
        organisation=org["solrosen"], kontogrupp="Personalkostnader"
    ).importerad


def test_only_controllers_import(org, chef_solrosen):
    with pytest.raises(PermissionDenied):
        ekonomi.import_ekonomi(text=FIL, user=chef_solrosen)


def test_example_file_imports_into_the_demo_municipality(db):
    """The example file in the repository fits the demo's organisation codes, twice."""
    load_organisation(lambda text: None)
    text = Path(ekonomi.__file__).parent.joinpath("exempel", "ekonomi.csv").read_text("utf-8")

    first = ekonomi.import_ekonomi(text=text)
    second = ekonomi.import_ekonomi(text=text)

    assert (first.created, first.organisationer, first.ar) == (1200, 20, [2025])
    assert (second.created, second.updated, second.unchanged) == (0, 0, 1200)


# --- The command ------------------------------------------------------------------------------


def test_command_imports_and_dry_run_saves_nothing(org, tmp_path):
    fil = tmp_path / "ekonomi.csv"
    fil.write_text("\ufeff" + FIL, encoding="utf-8")
    out = io.StringIO()

    call_command("import_ekonomi", str(fil), "--dry-run", stdout=out)
    assert Ekonomirad.objects.count() == 0
    call_command("import_ekonomi", str(fil), stdout=out)

    assert Ekonomirad.objects.count() == 3
    assert "Provläsning, ingenting är sparat: 3 nya rader" in out.getvalue()
    assert "Inläst: 3 nya rader, 0 ändrade, 0 oförändrade." in out.getvalue()


def test_command_lists_errors_and_fails(org, tmp_path):
    fil = tmp_path / "ekonomi.csv"
    fil.write_text(HEADER + "OKAND;P;2026;1;1;1\n", encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 fel i ekonomi.csv. Ingenting har sparats."):
        call_command("import_ekonomi", str(fil), stderr=err)

    assert "Rad 2: okänd organisationskod 'OKAND'." in err.getvalue()


# --- The upload page ----------------------------------------------------------------------------


def upload(client, text, name="ekonomi.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(URL, {"fil": SimpleUploadedFile(name, data, "text/csv")})


def test_upload_shows_preview_then_imports(client, controller):
    client.force_login(controller)

    preview = upload(client, FIL)
    assert preview.status_code == 200
    assert Ekonomirad.objects.count() == 0
    assert "3 nya rader" in preview.content.decode()
    innehall = preview.context["granskad"].initial["innehall"]

    response = client.post(URL, {"innehall": innehall})

    assert response.status_code == 302
    assert Ekonomirad.objects.count() == 3


def test_upload_errors_stand_at_the_file_field(client, controller):
    client.force_login(controller)

    response = upload(client, HEADER + "OKAND;P;2026;1;1;1\n")

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_fil_error"' in html
    assert "Rad 2: okänd organisationskod &#x27;OKAND&#x27;." in html
    assert 'aria-describedby="id_fil_helptext id_fil_error"' in html


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("ekonomi.pdf", b"%PDF-1.4", "Filtypen stöds inte"),
        ("ekonomi.csv", b"\x00\x01binary", "innehållet är inte text"),
        ("ekonomi.csv", "å;ä".encode("latin-1"), "inte sparad som UTF-8"),
    ],
)
def test_upload_refuses_files_that_are_not_csv_text(client, controller, name, data, message):
    client.force_login(controller)

    response = upload(client, data, name)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_upload_refuses_a_too_large_file(client, controller, monkeypatch):
    monkeypatch.setattr("uppfoljning.forms_ekonomi.MAX_IMPORT_SIZE", 10)
    client.force_login(controller)

    response = upload(client, FIL)

    assert response.status_code == 400
    assert "Filen är för stor" in response.content.decode()


def test_upload_page_permissions(client, controller, chef_solrosen, utomstaende):
    client.force_login(controller)
    assert client.get(URL).status_code == 200
    client.force_login(chef_solrosen)
    assert client.get(URL).status_code == 403
    assert upload(client, FIL).status_code == 403
    client.force_login(utomstaende)
    assert client.get(URL).status_code == 404
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
