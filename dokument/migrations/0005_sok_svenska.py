"""One Swedish search on both databases (see dokument/search.py).

PostgreSQL:
- `styrning_sv_samordning(text)`: the compounds a hyphenated coordination stands for
  ("barn- och ungdomsnämnden" -> "barnnämnden" ...), appended to each text before it is indexed;
- `styrning_sv_baklanges(text)`: the reversed `swedish` stems (marked "<"), and those of the
  words without a definite ending that `swedish` keeps ("-taxan", "-kontraktet"), so that a
  prefix query on them finds the compounds a word ends;
- `sokvektor` recreated with both (a generated column's expression cannot be changed in place
  before PostgreSQL 17), and a second generated column `sokord`: the words as written, without
  positions, for the suggestions when nothing is found; each with a GIN index.

SQLite:
- the contentless FTS5 table `dokument_soktext` (one row per current version, rowid = its id,
  the words stemmed in Python), the fts5vocab table `dokument_sokord` over it, and the table
  `dokument_soktext_stammning` that names the stemming the index was built with;
- triggers on `dokument_dokumentversion` that keep it in step. They call the SQL functions
  `styrning_sv_stammar`, `styrning_sv_baklanges` and `styrning_sv_ord`, which the app adds to
  every SQLite connection Django opens (dokument/search.py `register_sqlite_functions`, like
  the Hunspell dictionary the PostgreSQL half relies on, they belong to the database's setup);
  the migration refuses to run without them instead of leaving an empty index.

Self-contained on purpose: a migration must not import application code that can change.
Nothing here changes Django's model state.
"""

from django.db import migrations

TABLE = "dokument_dokumentversion"
CONFIG = "styrning_sv"

# --- PostgreSQL --------------------------------------------------------------------------------

WORD = "0-9A-Za-zÀ-ÖØ-öø-ÿ"
VOWEL = "aeiouyåäöéèüæøAEIOUYÅÄÖÉÈÜÆØ"
COORDINATION_FUNCTION = rf"""
CREATE OR REPLACE FUNCTION styrning_sv_samordning(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
    m text[];
    head text;
    last text;
    i integer;
    compounds text[] := '{{}}';
BEGIN
    IF t IS NULL THEN
        RETURN '';
    END IF;
    FOR m IN SELECT regexp_matches(
        t, '((?:[{WORD}]+-,?\s+)+)(?:och|eller|samt)\s+([{WORD}]+)', 'gi'
    ) LOOP
        last := m[2];
        FOR i IN 2 .. length(last) - 3 LOOP
            CONTINUE WHEN left(last, i) !~ '[{VOWEL}]' OR substr(last, i + 1) !~ '[{VOWEL}]';
            FOR head IN SELECT h[1] FROM regexp_matches(m[1], '([{WORD}]+)', 'g') AS h LOOP
                compounds := compounds || (head || substr(last, i + 1));
            END LOOP;
        END LOOP;
    END LOOP;
    RETURN array_to_string(compounds, ' ');
END
$fn$
"""
REVERSED_FUNCTION = """
CREATE OR REPLACE FUNCTION styrning_sv_baklanges(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT array_to_tsvector(coalesce(
        array_agg(DISTINCT '<' || reverse(stem)) FILTER (WHERE length(stem) >= 4), '{}'
    ))
    FROM unnest(to_tsvector('swedish'::regconfig, coalesce(t, ''))) AS word,
    LATERAL unnest(ARRAY[
        word.lexeme,
        (ts_lexize('swedish_stem', CASE
            WHEN word.lexeme ~ '(et|en)$' THEN left(word.lexeme, -2)
            WHEN word.lexeme ~ '[aeiouyåäöé][nt]$' THEN left(word.lexeme, -1)
        END))[1]
    ]) AS stem
$fn$
"""
INDEX = "dokument_sokindex"
WORDS_INDEX = "dokument_sokordindex"


def _expanded(column: str) -> str:
    return f"(coalesce({column}, '') || ' ' || styrning_sv_samordning({column}))"


VECTOR_SQL = " || ".join(
    [
        f"setweight(to_tsvector('{config}'::regconfig, {source}), '{weight}')"
        for source, weight in (
            (_expanded("titel"), "A"),
            ("coalesce(diarienummer, '')", "A"),
            (_expanded("text"), "B"),
            (_expanded("fil_text"), "C"),
        )
        for config in (CONFIG, "swedish")
    ]
    + [
        "setweight(styrning_sv_baklanges("
        + " || ' ' || ".join(_expanded(column) for column in ("titel", "text", "fil_text"))
        + "), 'D')"
    ]
)
WORDS_SQL = (
    "strip(to_tsvector('simple'::regconfig, coalesce(titel, '') || ' ' || "
    "coalesce(diarienummer, '') || ' ' || coalesce(text, '') || ' ' || coalesce(fil_text, '')))"
)
# The expression of 0003_sokning, for the way back.
OLD_VECTOR_SQL = " || ".join(
    f"setweight(to_tsvector('{config}'::regconfig, coalesce({column}, '')), '{weight}')"
    for column, weight in (("titel", "A"), ("diarienummer", "A"), ("text", "B"), ("fil_text", "C"))
    for config in (CONFIG, "swedish")
)


def _replace_vector(schema_editor, expression: str) -> None:
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS sokvektor")
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN sokvektor tsvector GENERATED ALWAYS AS ({expression}) "
        "STORED"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX} ON {TABLE} USING gin (sokvektor)")


def postgresql_forwards(schema_editor) -> None:
    schema_editor.execute(COORDINATION_FUNCTION)
    schema_editor.execute(REVERSED_FUNCTION)
    _replace_vector(schema_editor, VECTOR_SQL)
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS sokord tsvector "
        f"GENERATED ALWAYS AS ({WORDS_SQL}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {WORDS_INDEX} ON {TABLE} USING gin (sokord)")


def postgresql_backwards(schema_editor) -> None:
    schema_editor.execute(f"DROP INDEX IF EXISTS {WORDS_INDEX}")
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS sokord")
    _replace_vector(schema_editor, OLD_VECTOR_SQL)
    schema_editor.execute("DROP FUNCTION IF EXISTS styrning_sv_baklanges(text)")
    schema_editor.execute("DROP FUNCTION IF EXISTS styrning_sv_samordning(text)")


# --- SQLite ------------------------------------------------------------------------------------

FTS_TABLE = "dokument_soktext"
FTS_VOCABULARY = "dokument_sokord"
FTS_COLUMNS = "rowid, titel, text, fil, bak, ord"
FTS_VALUES = (
    "styrning_sv_stammar({v}.titel || ' ' || {v}.diarienummer), "
    "styrning_sv_stammar({v}.text), styrning_sv_stammar({v}.fil_text), "
    "styrning_sv_baklanges({v}.titel || ' ' || {v}.diarienummer || ' ' || {v}.text || ' ' "
    "|| {v}.fil_text), "
    "styrning_sv_ord({v}.titel || ' ' || {v}.diarienummer || ' ' || {v}.text || ' ' "
    "|| {v}.fil_text)"
)
DELETE = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, {FTS_COLUMNS}) "
    f"SELECT 'delete', old.id, {FTS_VALUES.format(v='old')} WHERE old.ar_aktuell;"
)
TRIGGERS = {
    "dokument_soktext_ny": (
        f"AFTER INSERT ON {TABLE} WHEN new.ar_aktuell BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_COLUMNS}) VALUES (new.id, {FTS_VALUES.format(v='new')});"
        " END"
    ),
    "dokument_soktext_andrad": (
        f"AFTER UPDATE OF titel, diarienummer, text, fil_text, ar_aktuell ON {TABLE} BEGIN "
        f"{DELETE} "
        f"INSERT INTO {FTS_TABLE}({FTS_COLUMNS}) SELECT new.id, {FTS_VALUES.format(v='new')} "
        "WHERE new.ar_aktuell; END"
    ),
    "dokument_soktext_borttagen": f"AFTER DELETE ON {TABLE} BEGIN {DELETE} END",
}
FINGERPRINT_TABLE = "dokument_soktext_stammning"


def sqlite_forwards(schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        try:
            cursor.execute("SELECT styrning_sv_stammar('skolan')")
        except Exception as error:
            raise RuntimeError(
                "The SQLite connection lacks the stemmer functions of dokument/search.py "
                "(register_sqlite_functions): run the migration through Django with the "
                "dokument app installed."
            ) from error
    # Contentless: FTS5 keeps no copy of the stems (see dokument/search.py, SQLITE_TRIGGERS).
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(titel, text, fil, bak, ord, "
        "content = '', tokenize = 'unicode61 remove_diacritics 0')"
    )
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {FTS_VOCABULARY} USING fts5vocab({FTS_TABLE}, 'instance')"
    )
    for name, body in TRIGGERS.items():
        schema_editor.execute(f"CREATE TRIGGER {name} {body}")
    schema_editor.execute(
        f"INSERT INTO {FTS_TABLE}({FTS_COLUMNS}) SELECT id, {FTS_VALUES.format(v='v')} "
        f"FROM {TABLE} AS v WHERE v.ar_aktuell"
    )
    # Which stemming the index was built with: after `migrate`, the app rebuilds the index
    # when its own fingerprint differs (here: none yet, so the first `migrate` rebuilds once).
    schema_editor.execute(f"CREATE TABLE {FINGERPRINT_TABLE} (fingeravtryck text NOT NULL)")


def sqlite_backwards(schema_editor) -> None:
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {FINGERPRINT_TABLE}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_VOCABULARY}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        postgresql_forwards(schema_editor)
    elif vendor == "sqlite":
        sqlite_forwards(schema_editor)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        postgresql_backwards(schema_editor)
    elif vendor == "sqlite":
        sqlite_backwards(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("dokument", "0004_pdf")]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
