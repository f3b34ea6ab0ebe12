from django.apps import AppConfig


class UppfoljningConfig(AppConfig):
    name = "uppfoljning"
    verbose_name = "Uppföljning"

    def ready(self):
        from styrning.startsida import register_panel
        from uppfoljning import cache_scopes
        from uppfoljning.panels import rapport_panel

        # What a change touches in the shared page cache (styrning.pagecache).
        cache_scopes.register()
        # "Dina rapporter" on the personal start page.
        register_panel(rapport_panel)
