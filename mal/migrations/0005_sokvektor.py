"""The goals' stored search vector on PostgreSQL (see insyn/sok.py and dokument/search.py).

- `styrning_sv_vektor(titel, brodtext)`: the vector of a title and a body, built as a document
  version's `sokvektor` (dokument `0005_sok_svenska`): the title weight A and the body B, each
  with its hyphenated coordinations expanded (`styrning_sv_samordning`) and parsed through both
  `styrning_sv` and `swedish`, and the reversed stems of both weight D
  (`styrning_sv_baklanges`), for the endings of compounds. uppfoljning's report versions use
  it too;
- the generated column `sokvektor` on mal_mal: title and number as the title, description,
  requirement for fulfilment and follow-up as the body; PostgreSQL computes it on every insert
  and update, and the GIN index `mal_sokindex` on it.

PostgreSQL refuses to change the type of a column a generated column reads (`titel`, `nummer`,
`beskrivning`, `krav_uppfyllt`, `uppfoljning`): such a migration must drop `sokvektor` first
and add it back after (`drop_vector` and `add_vector` here, as dokument's `0005_sok_svenska`).

Self-contained on purpose: a migration must not import application code that can change.
Nothing here changes Django's model state; on SQLite the migration does nothing (insyn/sok.py
ranks goals in Python there).
"""

from django.db import migrations

TABLE = "mal_mal"
INDEX = "mal_sokindex"
# `SET search_path FROM CURRENT`: the function finds `styrning_sv` and the other functions
# wherever it is called from, also in a restore (pg_restore empties the search path).
VECTOR_FUNCTION = """
CREATE OR REPLACE FUNCTION styrning_sv_vektor(titel text, brodtext text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
    SELECT setweight(to_tsvector('styrning_sv'::regconfig, t), 'A')
        || setweight(to_tsvector('swedish'::regconfig, t), 'A')
        || setweight(to_tsvector('styrning_sv'::regconfig, b), 'B')
        || setweight(to_tsvector('swedish'::regconfig, b), 'B')
        || setweight(styrning_sv_baklanges(t || ' ' || b), 'D')
    FROM (SELECT
        coalesce(titel, '') || ' ' || styrning_sv_samordning(titel) AS t,
        coalesce(brodtext, '') || ' ' || styrning_sv_samordning(brodtext) AS b
    ) AS expanded
$fn$
"""
TITLE_SQL = "coalesce(titel, '') || ' ' || coalesce(nummer, '')"
BODY_SQL = " || ' ' || ".join(
    f"coalesce({column}, '')" for column in ("beskrivning", "krav_uppfyllt", "uppfoljning")
)


def add_vector(schema_editor) -> None:
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS sokvektor tsvector GENERATED ALWAYS AS "
        f"(styrning_sv_vektor({TITLE_SQL}, {BODY_SQL})) STORED"
    )
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin (sokvektor)")


def drop_vector(schema_editor) -> None:
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS sokvektor")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(VECTOR_FUNCTION)
    add_vector(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    drop_vector(schema_editor)
    schema_editor.execute("DROP FUNCTION IF EXISTS styrning_sv_vektor(text, text)")


class Migration(migrations.Migration):
    dependencies = [
        ("mal", "0004_varde_indikator_period"),
        ("dokument", "0005_sok_svenska"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
