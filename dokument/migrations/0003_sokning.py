"""Swedish full-text search on PostgreSQL (see dokument/search.py).

- the text search configuration `styrning_sv`: the Swedish Hunspell dictionary `sv_hunspell`
  (built from Debian's hunspell-sv-se by deploy/install-swedish-dictionary.sh) and then the
  snowball `swedish_stem`; without the dictionary files, a plain copy of `swedish`;
- the generated column `sokvektor` on dokument_dokumentversion (title and case number A, body
  B, text extracted from the file C, each through `styrning_sv` and through `swedish`), which
  PostgreSQL computes on every insert and update, and the GIN index `dokument_sokindex` on it.

Self-contained on purpose: a migration must not import application code that can change.
Nothing here changes Django's model state; on SQLite the migration does nothing.
"""

from django.db import migrations

CONFIG = "styrning_sv"
DICTIONARY = "sv_hunspell"
TABLE = "dokument_dokumentversion"
COLUMN = "sokvektor"
INDEX = "dokument_sokindex"
VECTOR_SQL = " || ".join(
    f"setweight(to_tsvector('{config}'::regconfig, coalesce({column}, '')), '{weight}')"
    for column, weight in (("titel", "A"), ("diarienummer", "A"), ("text", "B"), ("fil_text", "C"))
    for config in (CONFIG, "swedish")
)


def create_search_configuration(
    schema_editor, *, config: str = CONFIG, dictionary: str = DICTIONARY, dict_file: str = "sv_se"
) -> bool:
    """Create the configuration `config` (ispell `dictionary` first, then `swedish_stem`).
    Without the dictionary files (`dict_file`.dict and .affix in the server's tsearch_data) it
    is a plain copy of `swedish`. Returns whether the Hunspell dictionary is in use. Idempotent."""
    if schema_editor.connection.vendor != "postgresql":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [config])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {config} (COPY = pg_catalog.swedish)")
        cursor.execute("SELECT 1 FROM pg_ts_dict WHERE dictname = %s", [dictionary])
        has_ispell = cursor.fetchone() is not None
        if not has_ispell:
            # PostgreSQL reads the files when the dictionary is created and refuses it when
            # they are missing; a savepoint keeps the migration's transaction usable then.
            cursor.execute("SAVEPOINT styrning_ispell")
            try:
                cursor.execute(
                    f"CREATE TEXT SEARCH DICTIONARY {dictionary} (TEMPLATE = ispell, "
                    f"DictFile = {dict_file}, AffFile = {dict_file}, StopWords = swedish)"
                )
            except Exception:  # noqa: BLE001 - any failure means: no dictionary, fall back
                cursor.execute("ROLLBACK TO SAVEPOINT styrning_ispell")
            else:
                cursor.execute("RELEASE SAVEPOINT styrning_ispell")
                has_ispell = True
        if has_ispell:
            cursor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {config} ALTER MAPPING FOR "
                "asciiword, asciihword, hword_asciipart, word, hword, hword_part "
                f"WITH {dictionary}, swedish_stem"
            )
    return has_ispell


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    create_search_configuration(schema_editor)
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({VECTOR_SQL}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin ({COLUMN})")


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}")
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
    schema_editor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {DICTIONARY}")


class Migration(migrations.Migration):
    dependencies = [
        ("dokument", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(create_search, drop_search, elidable=False),
    ]
