"""Replace the expression index with a stored vector: a generated column `sokvektor` on
dokument_dokumentversion (PostgreSQL computes it on every insert and update) and the GIN index
`dokument_sokindex` on it. See dokument/search.py. PostgreSQL only; Django's model state does
not change (the column is not a model field)."""

from django.db import migrations

from dokument import search


def add_stored_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    search.create_search_configuration(schema_editor)
    schema_editor.execute(f"DROP INDEX IF EXISTS {search.INDEX_NAME}")
    search.add_stored_vector(schema_editor)


def drop_stored_vector(apps, schema_editor):
    search.drop_stored_vector(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("dokument", "0003_search_index_union"),
    ]

    operations = [
        migrations.RunPython(add_stored_vector, drop_stored_vector, elidable=False),
    ]
