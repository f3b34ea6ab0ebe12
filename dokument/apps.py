from django.apps import AppConfig


class DokumentConfig(AppConfig):
    name = "dokument"
    verbose_name = "Styrdokument"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from dokument import cache_scopes, search
        from dokument.panels import granskning_panel
        from styrning.startsida import register_panel

        register_panel(granskning_panel)
        # What a change touches in the shared page cache (styrning.pagecache).
        cache_scopes.register()
        # SQLite's search index: the stemmer as SQL functions on every connection, and the
        # index triggers back after a migration rebuilt the versions' table (dokument/search.py).
        connection_created.connect(search.register_sqlite_functions)
        post_migrate.connect(search.ensure_sqlite_index, sender=self)
