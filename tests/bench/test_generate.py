"""The benchmark municipality's generator (bench/generate.py, `manage.py bench_data`) at a tiny
scale: deterministic from the seed, refusing a database that holds anything else, reusing its
own, and making data the application's rules and pages accept."""

import io
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse

from bench import generate
from bench.models import Benchdata
from dokument.files import check_upload
from dokument.models import Diarienummer, Dokument, Dokumentlank, Dokumentversion
from dokument.queries import published_documents
from dokument.search import search_documents
from mal.models import Indikator, Mal, Varde
from mal.services import check_overordnade
from styrning.models import Anvandare, Handelse, Organisation
from styrning.queries import organisation_tree
from tests.factories import OrganisationFactory

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY, PostgreSQL")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the refusal on SQLite")

SCALE = 0.002


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def load(scale=SCALE, seed=1, *flags) -> str:
    out = io.StringIO()
    call_command("bench_data", "--scale", str(scale), "--seed", str(seed), *flags, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (
                Organisation,
                Anvandare,
                Dokument,
                Dokumentversion,
                Mal,
                Indikator,
                Varde,
                Handelse,
            )
        },
        "titles": list(Dokumentversion.objects.order_by("pk").values_list("titel", flat=True)),
        "goals": list(Mal.objects.order_by("pk").values_list("titel", "agare__namn")),
        "values": list(Varde.objects.order_by("pk").values_list("totalt", flat=True)[:200]),
    }


class _Undo(Exception):
    pass


def load_and_undo(seed: int) -> dict:
    """Generate in a savepoint, read what was made, and roll it back."""
    try:
        with transaction.atomic():
            load(SCALE, seed)
            taken = snapshot()
            raise _Undo
    except _Undo:
        pass
    assert Dokument.objects.count() == 0
    return taken


@on_postgresql
def test_same_seed_makes_the_same_municipality(db):
    first, again, other = load_and_undo(1), load_and_undo(1), load_and_undo(2)

    assert first == again
    assert first["counts"]["Dokument"] > 0
    assert other["titles"] != first["titles"]


@on_postgresql
def test_it_prints_the_time_of_each_part_and_the_rows_per_model(db):
    out = load()

    assert "Styrdokument, versioner, länkar och prövningar:" in out
    assert f"dokument.Dokument: {Dokument.objects.count()}" in out
    assert f"mal.Varde: {Varde.objects.count()}" in out
    row = Benchdata.objects.get()
    assert (row.skala, row.seed) == ("0.002", 1)
    assert row.rader["mal.Mal"] == Mal.objects.count()


@on_postgresql
def test_refuses_a_database_that_holds_other_data(db):
    OrganisationFactory(kod="X", namn="En annan kommun", typ=Organisation.Typ.KOMMUN)

    with pytest.raises(CommandError, match="Databasen är inte tom"):
        load()
    with pytest.raises(CommandError, match="Databasen är inte tom"):
        load(SCALE, 1, "--reuse")
    assert Dokument.objects.count() == 0


@on_postgresql
def test_reuse_keeps_the_same_scale_and_seed_and_refuses_another(db):
    load()
    before = snapshot()

    out = load(SCALE, 1, "--reuse")

    assert "ingenting att göra" in out
    assert snapshot() == before
    with pytest.raises(CommandError, match="redan en testkommun med skala 0.002 och frö 1"):
        load(SCALE, 2, "--reuse")
    with pytest.raises(CommandError, match="redan en testkommun"):
        load()
    assert snapshot() == before


@on_sqlite
def test_refuses_sqlite(db):
    with pytest.raises(CommandError, match="kräver PostgreSQL"):
        load()


@on_postgresql
def test_the_data_keeps_the_rules_of_the_services(db):
    load()
    tree = organisation_tree()

    # Every published document has exactly its current version, published; a draft none.
    for dokument in Dokument.objects.prefetch_related("versioner"):
        current = [v for v in dokument.versioner.all() if v.ar_aktuell]
        published = any(v.status == "publicerad" for v in dokument.versioner.all())
        assert len(current) == (1 if published else 0), dokument.pk
        assert published == (dokument.status in ("gallande", "upphavd", "ersatt")), dokument.pk
    # A case number per document and number, as the services keep them.
    numbers = {
        (d, n.lower())
        for d, n in Dokumentversion.objects.exclude(diarienummer="").values_list(
            "dokument_id", "diarienummer"
        )
    }
    rows = [(d, n.lower()) for d, n in Diarienummer.objects.values_list("dokument_id", "nummer")]
    assert sorted(rows) == sorted(numbers)
    # Links konkretiserar only documents of the same or higher rank.
    for link in Dokumentlank.objects.select_related("fran__typ", "till__typ"):
        if link.typ == Dokumentlank.Typ.KONKRETISERAR:
            assert link.till.typ.rang >= link.fran.typ.rang
    # Goals contribute only to goals of the same or a higher body.
    for mal in Mal.objects.prefetch_related("overordnade"):
        check_overordnade(mal, mal.overordnade.all(), tree)
    # Values only for the indicator's organisation or units below it, within the goal's years.
    for varde in Varde.objects.select_related(
        "indikator__mal__budgetar", "indikator__mal__mandatperiod"
    ):
        assert tree.is_at_or_above(varde.indikator.matt_for_id, varde.organisation_id)
        assert varde.indikator.mal.covers_year(varde.ar)
    # The acts of publication are in the log, one per published version.
    assert Handelse.objects.filter(handling="publicerad", publik=True).count() == (
        Dokumentversion.objects.filter(status="publicerad").count()
    )
    assert Dokument.history.count() >= Dokument.objects.count()
    assert Mal.history.count() == Mal.objects.count()


@on_postgresql
def test_common_and_rare_word_are_found_as_promised(db):
    load(0.01)
    published = published_documents().count()

    rare = search_documents(published_documents(), generate.RARE_WORD)
    common = search_documents(published_documents(), generate.COMMON_WORD)

    assert len(rare) == generate.RARE_COUNT
    assert len(common) >= 0.9 * published


@on_postgresql
def test_the_pages_answer_on_the_generated_data(db, client):
    load()
    targets = generate.targets()
    user = Anvandare.objects.get(username=targets["anvandare_sekreterare"])
    with_file = Dokumentversion.objects.exclude(fil="").get(ar_aktuell=True)
    some_documents = [
        f"/dokument/{pk}/" for pk in published_documents().values_list("pk", flat=True)[:10]
    ]
    paths = [
        "/dokument/",
        targets["dokument_url"],
        "/mal/",
        targets["mal_kf_url"],
        targets["mal_enhet_url"],
        targets["organ_url"],
        targets["organisation_url"],
        f"/dokument/?q={generate.COMMON_WORD}",
        *some_documents,
        f"/dokument/{with_file.dokument_id}/",
        reverse("dokument:fil", args=[with_file.dokument_id, with_file.versionsnummer]),
    ]

    answers = Counter()
    for path in paths:
        answers[client.get(path).status_code] += 1
    client.force_login(user)
    for path in paths:
        answers[client.get(path).status_code] += 1

    assert answers == Counter({200: 2 * len(paths)})


@on_postgresql
def test_a_version_from_a_file_is_what_an_upload_would_leave(db):
    load()
    version = Dokumentversion.objects.exclude(fil="").get()

    with version.fil.open("rb") as handle:
        read = check_upload(SimpleUploadedFile(version.fil_namn, handle.read()))

    assert version.text == ""
    assert [line for line in read.splitlines() if line.strip()] == [
        line for line in version.fil_text.splitlines() if line.strip()
    ]
    assert generate.COMMON_WORD in version.fil_text


@on_postgresql
def test_targets_name_what_the_runner_measures(db):
    load()
    targets = generate.targets()

    dokument = Dokument.objects.get(pk=targets["dokument_id"])
    assert dokument.status == Dokument.Status.GALLANDE
    assert Mal.objects.get(pk=targets["mal_kf_id"]).agare.typ == Organisation.Typ.KOMMUNFULLMAKTIGE
    assert Mal.objects.get(pk=targets["mal_enhet_id"]).agare.typ == Organisation.Typ.ENHET
    namnd = Organisation.objects.get(pk=targets["organ_id"])
    assert namnd.typ == Organisation.Typ.NAMND
    assert namnd.mal.exists()
    roles = set(
        Anvandare.objects.filter(
            username__startswith="bench_", roller__organisation=namnd
        ).values_list("username", "roller__roll")
    )
    assert roles == {
        (generate.FORTROENDEVALD, "fortroendevald"),
        (generate.SEKRETERARE, "namndsekreterare"),
    }
    assert Anvandare.objects.get(username=generate.SEKRETERARE).check_password("bench-losenord")


@on_postgresql
def test_the_reports_are_made_and_added_to_a_database_loaded_without_them(db):
    from styrning.permissions import is_controller
    from uppfoljning.innehall import checksum
    from uppfoljning.models import Rapport, Rapportperiod, Rapportversion

    load()

    years = set(Rapportperiod.objects.values_list("ar", flat=True))
    assert len(years) >= 5
    reports = Rapport.objects.count()
    assert reports > 0
    submitted = Rapport.objects.filter(status__in=["inlamnad", "godkand"])
    assert submitted.count() > reports / 2
    assert Rapportversion.objects.count() == submitted.count()
    version = Rapportversion.objects.order_by("pk").first()
    assert version.kontrollsumma == checksum(version.innehall)
    assert version.innehall["rapport"]["organisation"]["id"] == version.rapport.organisation_id
    assert is_controller(Anvandare.objects.get(username=generate.CONTROLLER))

    Rapportversion.objects.all().delete()
    Rapport.objects.all().delete()
    out = load(SCALE, 1, "--reuse")

    assert "Uppföljningens rapporter" in out
    assert Rapport.objects.count() == reports
    assert Rapportversion.objects.count() > 0
    load(SCALE, 1, "--reuse")
    assert Rapport.objects.count() == reports
