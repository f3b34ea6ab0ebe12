"""Backup and restore (issue 8): `export` writes every row and every uploaded file with
checksums; `restore` puts them back in an empty database, checked before and after. The round
trip compares counts and checksums over every model and every file, not a sample."""

import datetime
import io
import json
import shutil
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from dokument import services
from dokument.models import Dokumentversion
from mal.models import Mal
from styrning import backup
from styrning.models import Handelse, Organisation
from tests.dokument.factories import DokumenttypFactory
from tests.factories import OrganisationFactory
from tests.mal.factories import IndikatorFactory, MalFactory, VardeFactory

# The tests' roll-up hook (tests/rollup_hook.py) stays off: it would add roll-up rows while a
# restore loads the archive's own, as the application (which has no such hook) never does.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_rollup_hook")]

T = Organisation.Typ


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _header(org, **overrides):
    return {
        "titel": "Riktlinjer för skolskjuts",
        "text": "## Syfte\n\nEleverna ska ha en trygg skolväg. Åäö och ”citat”.",
        "faststalld_av": org["bun"],
        "beslutsdatum": datetime.date(2024, 3, 1),
        "paragraf": "§ 12",
        "diarienummer": "BUN 2024/12",
        "revideringsansvarig": "Barn- och utbildningsförvaltningen",
        "uppfoljningsansvarig": "Barn- och utbildningsnämnden",
        "giltig_fran": None,
        "giltig_till": None,
        "dokumentansvarig": None,
        "sekretess": False,
        "sekretess_paragraf": "",
        **overrides,
    }


@pytest.fixture
def municipality(org, administrator, sekreterare_bun, media, client):
    """A little of everything: documents with versions, files, history and acts; goals with
    their m2m links and the links' history; values; permissions and groups (natural keys); a
    session."""
    typ = DokumenttypFactory(namn="Riktlinje")
    dokument = services.registrera_dokument(
        user=administrator, typ=typ, agare=org["bun"], data=_header(org)
    )
    first = dokument.versioner.get()
    first.fil.save("riktlinjer.txt", ContentFile("Riktlinjer för skolskjuts\n".encode()))
    services.publicera_version(user=administrator, version=first, bekraftat_personnummer=True)
    services.revidera_dokument(
        user=administrator,
        dokument=dokument,
        data=_header(org, titel="Reviderade riktlinjer", diarienummer="BUN 2025/3"),
    )
    services.registrera_dokument(
        user=administrator,
        typ=typ,
        agare=org["bun"],
        data=_header(
            org,
            titel="Skyddat utkast",
            diarienummer="",
            sekretess=True,
            sekretess_paragraf="23 kap. 1 § OSL",
        ),
    )
    kf_mal = MalFactory(agare=org["kf"], titel="Alla barn ska nå målen")
    bun_mal = MalFactory(agare=org["bun"], titel="Fler elever klarar kraven")
    bun_mal.overordnade.add(kf_mal)
    bun_mal.dokument.add(dokument)
    VardeFactory(indikator=IndikatorFactory(mal=bun_mal, matt_for=org["bun"]))
    (media / "lost-and-found").mkdir(parents=True)
    (media / "lost-and-found" / "ingen länk.bin").write_bytes(bytes(range(256)) * 10)
    group = Group.objects.create(name="Registratorer")
    group.permissions.add(*Permission.objects.filter(codename__in=["view_dokument", "view_mal"]))
    sekreterare_bun.groups.add(group)
    sekreterare_bun.user_permissions.add(Permission.objects.get(codename="change_dokument"))
    client.force_login(sekreterare_bun)  # a session row
    return {"dokument": dokument}


def _by_model(manifest):
    return {entry["model"]: entry for entry in manifest["models"]}


def test_round_trip_restores_every_row_file_version_and_history(municipality, media, tmp_path):
    archive = tmp_path / "export.zip"
    before = backup.export(archive)
    rows = {label: e["rows"] for label, e in _by_model(before).items()}
    history_dates = list(
        Dokumentversion.history.order_by("history_id").values_list("history_date", flat=True)
    )
    texts = list(Dokumentversion.objects.order_by("pk").values_list("pk", "titel", "text"))
    acts = Handelse.objects.count()

    backup.flush_database()
    shutil.rmtree(media)
    assert backup.rows_in_database() == {}
    result = backup.restore(archive)
    again = backup.export(tmp_path / "again.zip")

    assert again["models"] == before["models"]
    assert again["files"] == before["files"]
    assert result.rows == rows
    assert result.files == len(before["files"]) == 2  # the upload and one stray file
    assert (
        list(Dokumentversion.history.order_by("history_id").values_list("history_date", flat=True))
        == history_dates
    )
    assert list(Dokumentversion.objects.order_by("pk").values_list("pk", "titel", "text")) == texts
    assert Handelse.objects.count() == acts
    restored = Dokumentversion.objects.get(dokument=municipality["dokument"], versionsnummer=1)
    assert restored.fil.read() == "Riktlinjer för skolskjuts\n".encode()
    assert (media / "lost-and-found" / "ingen länk.bin").read_bytes() == bytes(range(256)) * 10


def test_export_covers_every_model_of_every_app(municipality, tmp_path):
    manifest = backup.export(tmp_path / "export.zip")
    rows = {label: e["rows"] for label, e in _by_model(manifest).items()}

    expected = {
        m._meta.label_lower for m in apps.get_models() if m._meta.managed and not m._meta.proxy
    }
    assert set(rows) == expected
    # What the issue names is in this archive, so the round trip is about something.
    for label in (
        "dokument.dokumentversion",
        "dokument.historicaldokumentversion",
        "mal.historicalmal_overordnade",
        "styrning.handelse",
        "contenttypes.contenttype",
        "auth.permission",
        "sessions.session",
    ):
        assert rows[label] > 0, label
    assert manifest["migrations"]["dokument"][0] == "0001_initial"
    assert manifest["format_version"] == backup.FORMAT_VERSION
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"])


def test_timestamps_keep_their_microseconds(municipality, tmp_path):
    version = Dokumentversion.objects.order_by("pk").first()
    Dokumentversion.objects.filter(pk=version.pk).update(
        skapad=datetime.datetime(2024, 3, 1, 9, 15, 30, 123456, tzinfo=datetime.UTC)
    )
    archive = tmp_path / "export.zip"
    backup.export(archive)

    with zipfile.ZipFile(archive) as zf:
        lines = zf.read("data/dokument.dokumentversion.jsonl").decode().splitlines()

    assert json.loads(lines[0])["fields"]["skapad"] == "2024-03-01T09:15:30.123456+00:00"


def test_restore_refuses_a_database_with_data(municipality, tmp_path):
    archive = tmp_path / "export.zip"
    backup.export(archive)
    before = Mal.objects.count()

    with pytest.raises(backup.BackupError) as refused:
        backup.restore(archive)

    assert "Databasen är inte tom" in str(refused.value)
    assert "--flush" in str(refused.value)
    assert Mal.objects.count() == before


def test_restore_with_flush_replaces_what_the_database_held(municipality, tmp_path):
    archive = tmp_path / "export.zip"
    before = backup.export(archive)
    OrganisationFactory(kod="NY", namn="Ny nämnd", typ=T.NAMND)

    backup.restore(archive, flush=True)

    assert not Organisation.objects.filter(kod="NY").exists()
    assert backup.export(tmp_path / "again.zip")["models"] == before["models"]


def test_restore_leaves_no_page_cached_from_before(municipality, tmp_path, client):
    """Restored rows bypass the models' signals: the restore empties the page cache."""
    archive = tmp_path / "export.zip"
    backup.export(archive)
    nytt = OrganisationFactory(kod="NY", namn="Ny nämnd", typ=T.NAMND)
    url = reverse("organisation_detalj", args=[nytt.pk])
    cached = client.get(url)

    backup.restore(archive, flush=True)

    assert (cached.status_code, client.get(url).status_code) == (200, 404)


def _rewrite(archive, out, change):
    """Copy an archive, letting `change(name, data)` alter each member's bytes."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))


def test_restore_refuses_a_changed_archive_before_loading_anything(municipality, media, tmp_path):
    archive = tmp_path / "export.zip"
    backup.export(archive)
    tampered = tmp_path / "tampered.zip"
    _rewrite(
        archive,
        tampered,
        lambda name, data: (
            data.replace(b"Fler elever", b"Inga elever") if name == "data/mal.mal.jsonl" else data
        ),
    )
    backup.flush_database()

    with pytest.raises(backup.BackupError) as refused:
        backup.restore(tampered)

    assert "Arkivet är skadat: mal.mal" in str(refused.value)
    assert backup.rows_in_database() == {}


def test_restore_refuses_a_changed_file(municipality, media, tmp_path):
    archive = tmp_path / "export.zip"
    backup.export(archive)
    tampered = tmp_path / "tampered.zip"
    _rewrite(
        archive,
        tampered,
        lambda name, data: b"annat" if name.endswith("ingen länk.bin") else data,
    )
    backup.flush_database()

    with pytest.raises(backup.BackupError) as refused:
        backup.restore(tampered)

    assert "filen lost-and-found/ingen länk.bin stämmer inte" in str(refused.value)


def test_restore_refuses_a_path_outside_media_root(municipality, tmp_path):
    archive = tmp_path / "export.zip"
    backup.export(archive)
    evil = tmp_path / "evil.zip"

    def change(name, data):
        if name != backup.MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["files"].append({"path": "../../etc/cron.d/x", "size": 1, "sha256": "0" * 64})
        return json.dumps(manifest).encode()

    _rewrite(archive, evil, change)
    backup.flush_database()

    with pytest.raises(backup.BackupError, match="otillåten sökväg"):
        backup.restore(evil)


def test_restore_refuses_an_archive_of_another_schema(municipality, tmp_path):
    archive = tmp_path / "export.zip"
    backup.export(archive)
    other = tmp_path / "other.zip"

    def change(name, data):
        if name != backup.MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["migrations"]["dokument"].append("0099_framtiden")
        return json.dumps(manifest).encode()

    _rewrite(archive, other, change)
    backup.flush_database()

    with pytest.raises(backup.BackupError, match="migreringar stämmer inte.*dokument"):
        backup.restore(other)


def test_restored_database_takes_new_rows(municipality, tmp_path):
    """Sequences are reset after the load (PostgreSQL), so the next row gets a free id."""
    archive = tmp_path / "export.zip"
    backup.export(archive)
    highest = Organisation.objects.order_by("-pk").first().pk
    backup.flush_database()
    backup.restore(archive)

    new = OrganisationFactory(kod="NY", namn="Ny nämnd", typ=T.NAMND)

    assert new.pk > highest


def test_commands_say_what_they_wrote_and_loaded(municipality, tmp_path):
    archive = tmp_path / "styrning.zip"
    out = io.StringIO()
    call_command("export", str(archive), stdout=out)
    assert f"Skrev {archive}:" in out.getvalue()
    with pytest.raises(CommandError, match="finns redan"):
        call_command("export", str(archive), stdout=io.StringIO())

    out = io.StringIO()
    call_command("restore", str(archive), "--flush", stdout=out)

    assert "Kontrollsummorna stämmer" in out.getvalue()
    assert "2 filer" in out.getvalue()
    with pytest.raises(CommandError, match="Databasen är inte tom"):
        call_command("restore", str(archive), stdout=io.StringIO())


def test_users_keep_their_ids_and_permissions(municipality, sekreterare_bun, tmp_path):
    archive = tmp_path / "export.zip"
    backup.export(archive)
    perms = sorted(sekreterare_bun.get_all_permissions())
    backup.flush_database()

    backup.restore(archive)

    user = type(sekreterare_bun).objects.get(pk=sekreterare_bun.pk)
    assert user.username == sekreterare_bun.username
    assert len(perms) == 3
    assert sorted(user.get_all_permissions()) == perms
