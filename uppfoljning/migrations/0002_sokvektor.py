"""The adopted report versions' stored search vector on PostgreSQL (see insyn/sok.py).

- `styrning_rapporttext(innehall)`: the searchable texts of a frozen report's content (schema
  1 of `uppfoljning.innehall`), one per line, in the order of the paths below and, within a
  path, of the content: the same texts and order as `insyn.sok.report_text` (its
  `REPORT_TEXT_PATHS`, copied here because a migration must not import code that can change);
- the generated column `sokvektor` on uppfoljning_rapportversion, for the adopted versions only
  (`slag = 'antagen'`; NULL for the submitted ones, which the public never sees): mal's
  `styrning_sv_vektor` of the report's kind and organisation as the snapshot names them (title,
  weight A) and those texts (body, B), and the GIN index `uppfoljning_sokindex` on it.
  PostgreSQL computes it when a version is written; a version is never changed after.

Nothing here changes Django's model state; on SQLite the migration does nothing.
"""

from django.db import migrations

TABLE = "uppfoljning_rapportversion"
INDEX = "uppfoljning_sokindex"
REPORT_TEXT_PATHS = [
    '$."rapport"."ackumulerad_label"',
    '$."avsnitt"[*]."text"',
    '$."mal"[*]."titel"',
    '$."mal"[*]."analys"',
    '$."uppdrag"[*]."titel"',
    '$."uppdrag"[*]."kommentar"',
    '$."atgarder"[*]."beskrivning"',
    '$."atgardsuppfoljning"[*]."kommentar"',
    '$."ekonomi"."prognos_motivering"',
    '$."balanskrav"."kommentar"',
]
TEXT_FUNCTION = (
    "CREATE OR REPLACE FUNCTION styrning_rapporttext(innehall jsonb) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$ "
    "SELECT coalesce(string_agg(t.v #>> '{}', E'\\n' ORDER BY p.n, t.n), '') FROM unnest(ARRAY["
    + ", ".join(f"'{path}'" for path in REPORT_TEXT_PATHS)
    + "]::jsonpath[]) WITH ORDINALITY AS p(path, n), "
    "jsonb_path_query(innehall, p.path) WITH ORDINALITY AS t(v, n) "
    "WHERE jsonb_typeof(t.v) = 'string' $fn$"
)
TITLE_SQL = (
    "coalesce(innehall #>> '{rapport,typ_namn}', '') || ' ' || "
    "coalesce(innehall #>> '{rapport,organisation,namn}', '')"
)
VECTOR_SQL = (
    f"CASE WHEN slag = 'antagen' THEN styrning_sv_vektor({TITLE_SQL}, "
    "styrning_rapporttext(innehall)) END"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(TEXT_FUNCTION)
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS sokvektor tsvector "
        f"GENERATED ALWAYS AS ({VECTOR_SQL}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin (sokvektor)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS sokvektor")
    schema_editor.execute("DROP FUNCTION IF EXISTS styrning_rapporttext(jsonb)")


class Migration(migrations.Migration):
    dependencies = [
        ("uppfoljning", "0001_rapportering"),
        ("mal", "0005_sokvektor"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
