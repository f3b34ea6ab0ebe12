"""Rebuild the search index `dokument_sokindex` over the vector of dokument/search.py, which
now indexes each text through both `styrning_sv` and the plain `swedish` configuration.
PostgreSQL only; nothing changes in Django's model state."""

from django.db import migrations

from dokument import search


def rebuild_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    search.create_search_configuration(schema_editor)
    schema_editor.execute(f"DROP INDEX IF EXISTS {search.INDEX_NAME}")
    Dokumentversion = apps.get_model("dokument", "Dokumentversion")
    schema_editor.add_index(Dokumentversion, search.search_index())


class Migration(migrations.Migration):
    dependencies = [
        ("dokument", "0002_swedish_search"),
    ]

    operations = [
        migrations.RunPython(rebuild_index, migrations.RunPython.noop, elidable=False),
    ]
