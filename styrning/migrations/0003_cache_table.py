"""The database cache's table (settings.CACHES without REDIS_URL): made by migrate, so a fresh
clone, `make demo` and every test database have it; with Redis it stays empty."""

from django.core.management import call_command
from django.db import migrations

TABLE = "styrning_cache"


def create_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("styrning", "0002_inskick_makulerad")]

    operations = [migrations.RunPython(create_table, drop_table, elidable=False)]
