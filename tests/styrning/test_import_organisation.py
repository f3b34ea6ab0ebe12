import pytest
from django.core.management import CommandError, call_command

from styrning.models import Organisation
from styrning.services import import_organisation

GOOD = """kod;namn;kortnamn;forkortning;typ;overordnad;aktiv_fran;aktiv_till
2299;Ådalens kommun;;;kommun;;2019-01-01;
BUF;Barn- och utbildningsförvaltningen;BUF;BUF;förvaltning;BUN;2019-01-01;
KF;Kommunfullmäktige;KF;KF;kommunfullmaktige;2299;2019-01-01;
BUN;Barn- och utbildningsnämnden;BUN;BUN;Nämnd;KF;2019-01-01;
GVN;Gymnasienämnden;;GVN;nämnd;KF;2019-01-01;2022-12-31
"""


@pytest.mark.django_db
def test_import_creates_the_tree_with_children_listed_before_parents():
    result = import_organisation(text=GOOD)

    assert result.errors == []
    assert result.created == 5
    buf = Organisation.objects.get(kod="BUF")
    assert buf.overordnad.kod == "BUN"
    assert buf.typ == Organisation.Typ.FORVALTNING
    assert Organisation.objects.get(kod="GVN").aktiv_till.isoformat() == "2022-12-31"


@pytest.mark.django_db
def test_import_twice_changes_nothing_the_second_time():
    import_organisation(text=GOOD)
    history_before = Organisation.history.count()

    result = import_organisation(text=GOOD)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert Organisation.objects.count() == 5
    assert Organisation.history.count() == history_before


@pytest.mark.django_db
def test_import_updates_a_changed_row():
    import_organisation(text=GOOD)

    result = import_organisation(text=GOOD.replace("Gymnasienämnden", "Gymnasie- och vuxennämnden"))

    assert (result.created, result.updated) == (0, 1)
    assert Organisation.objects.get(kod="GVN").namn == "Gymnasie- och vuxennämnden"


@pytest.mark.django_db
def test_import_dry_run_writes_nothing():
    result = import_organisation(text=GOOD, dry_run=True)

    assert result.created == 5
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_import_with_bad_rows_names_each_line_and_writes_nothing():
    bad = (
        "kod,namn,typ,overordnad,aktiv_fran,aktiv_till\n"
        "2299,Ådalens kommun,kommun,,,\n"
        "KF,Kommunfullmäktige,parlament,2299,,\n"
        "BUN,Barn- och utbildningsnämnden,nämnd,FINNS_EJ,,\n"
        "SN,Socialnämnden,nämnd,2299,2023-13-01,\n"
        "VN,Valnämnden,nämnd,2299,2023-01-01,2022-01-01\n"
    )

    result = import_organisation(text=bad)

    assert result.errors == [
        "Rad 3: okänd typ 'parlament'. Tillåtna typer: kommun, kommunfullmäktige, "
        "kommunstyrelse, nämnd, utskott, bolagsstyrelse, förbundsdirektion, förvaltning, "
        "avdelning, verksamhet, enhet.",
        "Rad 4: överordnad 'FINNS_EJ' finns varken i filen eller i organisationsträdet.",
        "Rad 5: aktiv_fran '2023-13-01' är inget datum (skriv ÅÅÅÅ-MM-DD).",
        "Rad 6: aktiv_till (2022-01-01) är före aktiv_fran (2023-01-01).",
    ]
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_import_refuses_a_cycle_through_existing_rows():
    import_organisation(text=GOOD)
    cyclic = "kod;namn;typ;overordnad\nKF;Kommunfullmäktige;kommunfullmaktige;BUF\n"

    result = import_organisation(text=cyclic)

    assert result.errors == ["Rad 2: överordnad 'BUF' ger en cykel i trädet."]
    assert Organisation.objects.get(kod="KF").overordnad.kod == "2299"


@pytest.mark.django_db
def test_import_refuses_a_duplicate_abbreviation():
    import_organisation(text=GOOD)

    result = import_organisation(text="kod;namn;typ;forkortning\nX;Nytt organ;nämnd;BUN\n")

    assert result.errors == ["Rad 2: förkortningen 'BUN' används redan av 'BUN'."]
    assert not Organisation.objects.filter(kod="X").exists()


@pytest.mark.django_db
def test_import_refuses_a_file_without_required_columns():
    result = import_organisation(text="namn;typ\nKommunen;kommun\n")

    assert result.errors == ["Rad 1: kolumnerna kod saknas i rubrikraden."]


@pytest.mark.django_db
def test_import_command_reports_errors_and_fails(tmp_path):
    path = tmp_path / "org.csv"
    path.write_text("kod;namn;typ\nA;;kommun\n", encoding="utf-8")

    with pytest.raises(CommandError, match="1 fel"):
        call_command("import_organisation", str(path))
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_import_command_dry_run_says_so(tmp_path, capsys):
    path = tmp_path / "org.csv"
    path.write_text(GOOD, encoding="utf-8")

    call_command("import_organisation", str(path), "--dry-run")

    assert "Torrkörning, ingenting sparat: 5 nya" in capsys.readouterr().out
    assert Organisation.objects.count() == 0
