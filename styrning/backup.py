"""Backup and restore of the whole system: every row of every installed app and the uploaded
files, as one zip archive with a manifest of checksums.

The archive holds `manifest.json`, one JSON Lines file per model under `data/` (Django's
`jsonl` format, so `loaddata` reads it too) and the files of MEDIA_ROOT under `media/`. The
manifest names the format version, when the archive was made, the app's version and the
applied migrations, and per model the row count and a SHA-256 of its serialised rows in primary
key order, per file its path, size and SHA-256.

Why these choices:
- Rows keep their primary keys, so every link, the history's `history_user`, the generic links
  of the log of acts and the ids people cite in URLs stay as they were. Content types and
  permissions are the exception: `migrate` creates them in the target with ids of its own, so
  they travel by natural key (app label and model name), and so does every link to them.
- Rows are written and read model by model, streamed through the zip members, never the whole
  database in memory.
- Timestamps keep their microseconds: Django's JSON encoder cuts them to milliseconds, which
  would make the restored history differ from the original.
- Loading is a raw save (`loaddata`'s own path): no `save()` logic, no new history rows; the
  m2m links of goals would otherwise add a history row each, so history is switched off per
  object while it is loaded.
- Columns the ORM does not know regenerate themselves: PostgreSQL's generated `sokvektor` and
  the SQLite search index (kept by triggers, `dokument.search`).
- The checksums are checked before loading (the archive is whole) and after (the database holds
  exactly what was exported); a difference rolls the whole load back.
"""

import datetime
import decimal
import hashlib
import io
import json
import os
import tempfile
import tomllib
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

FORMAT = "styrning-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 2000
_COPY = 1024 * 1024

# Created by `migrate` in every database with ids of their own: exported by natural key.
NATURAL_KEY_ORDER: dict[type[models.Model], tuple[str, ...]] = {
    ContentType: ("app_label", "model"),
    Permission: ("content_type__app_label", "content_type__model", "codename"),
}


class BackupError(Exception):
    """An archive that cannot be written or restored, with the reason in Swedish."""


# --- Serialising rows ----------------------------------------------------------------------------


class _Encoder(json.JSONEncoder):
    """JSON for Django's serialised values, keeping full precision (Django's encoder rounds
    times to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.date | datetime.time):
            return o.isoformat()
        if isinstance(o, datetime.timedelta):
            return duration_iso_string(o)
        if isinstance(o, decimal.Decimal | uuid.UUID):
            return str(o)
        return super().default(o)


class _RowSerializer(PythonSerializer):
    """Django's serializer, with natural keys only for content types and permissions, and each
    object written as one line as soon as it is serialised."""

    def __init__(self, write):
        super().__init__()
        self._write = write

    def _model_supports_natural_key(self, model):
        return model in NATURAL_KEY_ORDER and super()._model_supports_natural_key(model)

    def end_object(self, obj):
        record = self.get_dump_object(obj)
        for f in obj._meta.concrete_model._meta.local_many_to_many:
            if f.name in record["fields"]:  # one order whatever the database's
                record["fields"][f.name].sort()
        self._write(record)
        self._current = None


def exported_models() -> list[type[models.Model]]:
    """Every model with a table of its own, of every installed app (history tables, the log
    of acts, sessions, login attempts, tasks included): content types and permissions first,
    since other rows name them by natural key. An m2m field's automatic table travels with the
    field."""
    found = [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model not in NATURAL_KEY_ORDER
    ]
    return [*NATURAL_KEY_ORDER, *found]


def model_label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _queryset(model: type[models.Model], using: str):
    natural = model in NATURAL_KEY_ORDER
    qs = model._base_manager.using(using).order_by(*NATURAL_KEY_ORDER.get(model, ("pk",)))
    to_natural = [
        f.name
        for f in model._meta.local_fields
        if f.remote_field is not None and f.remote_field.model in NATURAL_KEY_ORDER
    ]
    if to_natural:
        qs = qs.select_related(*to_natural)
    lookups = []
    for f in model._meta.local_many_to_many:
        if not (f.serialize and f.remote_field.through._meta.auto_created):
            continue
        remote = f.remote_field.model
        target = remote._base_manager.using(using)
        if remote is Permission:
            target = target.select_related("content_type")
        elif remote not in NATURAL_KEY_ORDER:
            target = target.only("pk")
        lookups.append(models.Prefetch(f.name, queryset=target))
    if lookups:
        qs = qs.prefetch_related(*lookups)
    return qs, natural


def serialised_rows(model: type[models.Model], using: str = "default") -> Iterator[bytes]:
    """The model's rows as JSON lines (bytes, newline included), in primary key order (natural
    key order for content types and permissions)."""
    qs, natural = _queryset(model, using)
    pending: list[dict] = []
    serializer = _RowSerializer(pending.append)
    for obj in qs.iterator(chunk_size=CHUNK):
        serializer.serialize([obj], use_natural_foreign_keys=True, use_natural_primary_keys=natural)
        for record in pending:
            text = json.dumps(record, cls=_Encoder, ensure_ascii=False, sort_keys=True)
            yield (text + "\n").encode()
        pending.clear()


@dataclass
class Digest:
    rows: int = 0
    sha256: str = ""


def _digest_lines(lines, sink=None) -> Digest:
    h = hashlib.sha256()
    rows = 0
    for line in lines:
        h.update(line)
        rows += 1
        if sink is not None:
            sink.write(line)
    return Digest(rows=rows, sha256=h.hexdigest())


def database_digests(using: str = "default") -> dict[str, Digest]:
    """Per model, the row count and checksum of what an export would write now."""
    return {
        model_label(model): _digest_lines(serialised_rows(model, using))
        for model in exported_models()
    }


# --- The state of the schema --------------------------------------------------------------------


def applied_migrations(using: str = "default") -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "okänd"


# --- Files ----------------------------------------------------------------------------------------


def _file_digest(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_COPY):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def media_files(media_root: Path) -> Iterator[tuple[str, Path]]:
    """Every file under MEDIA_ROOT as (path inside it with forward slashes, full path), sorted."""
    if not media_root.is_dir():
        return
    found = []
    for directory, _dirs, names in os.walk(media_root):
        for name in names:
            full = Path(directory) / name
            if full.is_file() and not full.is_symlink():
                found.append((full.relative_to(media_root).as_posix(), full))
    yield from sorted(found)


def _safe_member_path(path: str) -> PurePosixPath:
    """A file's path from a manifest, refused when it could write outside MEDIA_ROOT."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
        raise BackupError(f"Arkivet innehåller en otillåten sökväg: {path!r}.")
    return pure


# --- Export ---------------------------------------------------------------------------------------


@contextmanager
def _snapshot(using: str):
    """One consistent view of the database for the whole export (PostgreSQL: a repeatable-read
    transaction; SQLite: one read transaction)."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def export(path: Path, *, using: str = "default", media_root: Path | None = None) -> dict:
    """Write the whole database and the uploaded files to the zip archive `path`; return the
    manifest. The archive is written beside `path` and moved there when complete."""
    path = Path(path)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": timezone.now().isoformat(),
        "app_version": app_version(),
        "database": connections[using].vendor,
        "migrations": {},
        "models": [],
        "files": [],
    }
    handle, partial = tempfile.mkstemp(prefix=".export-", suffix=".zip", dir=path.parent or ".")
    os.close(handle)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            with _snapshot(using):
                manifest["migrations"] = applied_migrations(using)
                for model in exported_models():
                    member = f"data/{model_label(model)}.jsonl"
                    with archive.open(member, "w", force_zip64=True) as sink:
                        digest = _digest_lines(serialised_rows(model, using), sink)
                    manifest["models"].append(
                        {
                            "model": model_label(model),
                            "file": member,
                            "rows": digest.rows,
                            "sha256": digest.sha256,
                        }
                    )
            for name, full in media_files(media_root):
                size, sha = _file_digest(full)
                archive.write(full, f"media/{name}")
                manifest["files"].append({"path": name, "size": size, "sha256": sha})
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return manifest


# --- Restore --------------------------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise BackupError(
            "Arkivet saknar manifest.json: det är ingen export från Styrning."
        ) from exc
    except json.JSONDecodeError as exc:
        raise BackupError(f"Arkivets manifest går inte att läsa: {exc}.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("Arkivet är ingen export från Styrning.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Arkivet har formatversion {manifest.get('format_version')}; "
            f"den här versionen läser bara version {FORMAT_VERSION}."
        )
    return manifest


def _member_digest(archive: zipfile.ZipFile, member: str) -> tuple[int, int, str]:
    """Lines, bytes and SHA-256 of an archive member, read in chunks."""
    h = hashlib.sha256()
    size = lines = 0
    with archive.open(member) as handle:
        while chunk := handle.read(_COPY):
            h.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    return lines, size, h.hexdigest()


def verify_archive(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Every data file and every media file of the archive against the manifest."""
    names = set(archive.namelist())
    problems = []
    for entry in manifest["models"]:
        if entry["file"] not in names:
            problems.append(f"{entry['file']} saknas")
            continue
        lines, _size, sha = _member_digest(archive, entry["file"])
        if (lines, sha) != (entry["rows"], entry["sha256"]):
            problems.append(f"{entry['model']}: raderna stämmer inte med kontrollsumman")
    for entry in manifest["files"]:
        member = f"media/{_safe_member_path(entry['path'])}"
        if member not in names:
            problems.append(f"filen {entry['path']} saknas")
            continue
        _lines, size, sha = _member_digest(archive, member)
        if (size, sha) != (entry["size"], entry["sha256"]):
            problems.append(f"filen {entry['path']} stämmer inte med kontrollsumman")
    if problems:
        raise BackupError("Arkivet är skadat: " + "; ".join(problems) + ".")


def rows_in_database(using: str = "default") -> dict[str, int]:
    """Models holding rows, other than those `migrate` creates itself."""
    counts = {}
    for model in exported_models():
        if model in NATURAL_KEY_ORDER:
            continue
        n = model._base_manager.using(using).count()
        if n:
            counts[model_label(model)] = n
    return counts


def _check_target(manifest: dict, using: str) -> None:
    here = applied_migrations(using)
    if here != manifest["migrations"]:
        differing = sorted(
            app
            for app in set(here) | set(manifest["migrations"])
            if here.get(app) != manifest["migrations"].get(app)
        )
        raise BackupError(
            "Databasens migreringar stämmer inte med arkivets (skiljer sig för "
            + ", ".join(differing)
            + "). Återställ med samma version av systemet som gjorde exporten och kör "
            "manage.py migrate först."
        )
    if unknown := [e["model"] for e in manifest["models"] if not _model_or_none(e["model"])]:
        raise BackupError("Arkivet har tabeller som systemet inte känner: " + ", ".join(unknown))


def _model_or_none(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def flush_database(using: str = "default") -> None:
    """Empty every table (`manage.py flush`); `migrate`'s own rows come back at once.

    Checks still deferred in an open transaction are run first: PostgreSQL will not TRUNCATE a
    table with pending foreign key checks."""
    connections[using].check_constraints()
    call_command("flush", interactive=False, database=using, verbosity=0)


def _load(archive: zipfile.ZipFile, manifest: dict, using: str) -> None:
    connection = connections[using]
    loaded = []
    with connection.constraint_checks_disabled():
        for entry in manifest["models"]:
            model = apps.get_model(entry["model"])
            loaded.append(model)
            # The database holds no such rows yet (checked), so an INSERT without the UPDATE
            # Django would try first; content types and permissions match rows `migrate` made.
            insert = model not in NATURAL_KEY_ORDER
            with archive.open(entry["file"]) as raw:
                stream = io.TextIOWrapper(raw, encoding="utf-8")
                for obj in serializers.deserialize(
                    "jsonl", stream, using=using, handle_forward_references=True
                ):
                    # Raw saves make no history; this stops the m2m signals making some.
                    obj.object.skip_history_when_saving = True
                    obj.save(using=using, force_insert=insert)
                    if obj.deferred_fields:
                        raise BackupError(
                            f"{entry['model']}: en rad pekar på en rad som saknas i arkivet."
                        )
    tables = [m._meta.db_table for m in loaded] + [
        f.remote_field.through._meta.db_table
        for m in loaded
        for f in m._meta.local_many_to_many
        if f.remote_field.through._meta.auto_created
    ]
    connection.check_constraints(table_names=tables)
    statements = connection.ops.sequence_reset_sql(no_style(), loaded)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _compare(manifest: dict, digests: dict[str, Digest]) -> list[str]:
    problems = []
    for entry in manifest["models"]:
        got = digests.get(entry["model"])
        if got is None or (got.rows, got.sha256) != (entry["rows"], entry["sha256"]):
            rows = got.rows if got else 0
            problems.append(f"{entry['model']} ({entry['rows']} rader i arkivet, {rows} inlästa)")
    return problems


def _restore_files(archive: zipfile.ZipFile, manifest: dict, media_root: Path) -> int:
    written = 0
    for entry in manifest["files"]:
        relative = _safe_member_path(entry["path"])
        target = media_root.joinpath(*relative.parts)
        if target.is_file() and _file_digest(target) == (entry["size"], entry["sha256"]):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(prefix=".restore-", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as sink, archive.open(f"media/{relative}") as source:
                while chunk := source.read(_COPY):
                    sink.write(chunk)
            if _file_digest(Path(partial)) != (entry["size"], entry["sha256"]):
                raise BackupError(f"Filen {entry['path']} blev inte densamma som i arkivet.")
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        written += 1
    return written


@dataclass
class RestoreResult:
    manifest: dict
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    files_written: int = 0


def restore(
    path: Path,
    *,
    using: str = "default",
    media_root: Path | None = None,
    flush: bool = False,
) -> RestoreResult:
    """Load an archive made by `export` into an empty, migrated database and put its files
    back in MEDIA_ROOT. A database that holds data is refused unless `flush` (which empties it
    first); a file of the same name with other content is refused unless `flush` too."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"Kan inte läsa arkivet {path}: {exc}") from exc
    with archive:
        manifest = read_manifest(archive)
        _check_target(manifest, using)
        verify_archive(archive, manifest)
        if not flush:
            if rows := rows_in_database(using):
                listed = ", ".join(f"{label} ({n})" for label, n in sorted(rows.items())[:5])
                raise BackupError(
                    "Databasen är inte tom: " + listed + (" …" if len(rows) > 5 else "") + ". "
                    "Återställ till en tom, migrerad databas, eller ange --flush för att tömma "
                    "den först (allt som finns i den försvinner)."
                )
            for entry in manifest["files"]:
                target = media_root.joinpath(*_safe_member_path(entry["path"]).parts)
                if target.is_file() and _file_digest(target) != (entry["size"], entry["sha256"]):
                    raise BackupError(
                        f"Filen {entry['path']} finns redan i MEDIA_ROOT med annat innehåll. "
                        "Ange --flush för att skriva över den."
                    )
        with transaction.atomic(using=using):
            if flush:
                flush_database(using)
            _load(archive, manifest, using)
            if problems := _compare(manifest, database_digests(using)):
                raise BackupError(
                    "Det inlästa stämmer inte med arkivets kontrollsummor, ingenting sparades: "
                    + "; ".join(problems)
                    + "."
                )
        written = _restore_files(archive, manifest, media_root)
    # Rows were loaded past the models' signals: no page cached before may be served again.
    cache.clear()
    return RestoreResult(
        manifest=manifest,
        rows={e["model"]: e["rows"] for e in manifest["models"]},
        files=len(manifest["files"]),
        files_written=written,
    )
