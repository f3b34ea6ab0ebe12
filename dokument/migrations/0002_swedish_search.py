"""Swedish full-text search on PostgreSQL: the text search configuration `styrning_sv` and the
GIN expression index `dokument_sokindex` on Dokumentversion (see dokument/search.py).

Nothing here changes Django's model state: on SQLite (and any other database) the migration
does nothing, and search falls back to plain word matching.
"""

from django.db import migrations

from dokument import search


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    search.create_search_configuration(schema_editor)
    Dokumentversion = apps.get_model("dokument", "Dokumentversion")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [search.INDEX_NAME])
        exists = cursor.fetchone()[0] is not None
    if not exists:
        schema_editor.add_index(Dokumentversion, search.search_index())


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {search.INDEX_NAME}")
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {search.SEARCH_CONFIG}")
    schema_editor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {search.ISPELL_DICTIONARY}")


class Migration(migrations.Migration):
    dependencies = [
        ("dokument", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_search, drop_search, elidable=False),
    ]
