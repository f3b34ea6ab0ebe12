from django.apps import AppConfig


class MalConfig(AppConfig):
    name = "mal"
    verbose_name = "Mål och uppföljning av mål"

    def ready(self):
        from dokument.sections import register_document_section
        from mal import cache_scopes
        from mal.dokument_section import mal_section
        from mal.panels import mal_panel
        from styrning.startsida import register_panel

        register_panel(mal_panel)
        register_document_section(mal_section)
        # What a change touches in the shared page cache (styrning.pagecache).
        cache_scopes.register()
