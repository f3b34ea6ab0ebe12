from django.apps import AppConfig


class UppfoljningConfig(AppConfig):
    name = "uppfoljning"
    verbose_name = "Uppföljning"

    def ready(self):
        from styrning.startsida import register_panel, register_role_tasks
        from uppfoljning import cache_scopes
        from uppfoljning.panels import rapport_panel, rapporter_att_skriva

        # What a change touches in the shared page cache (styrning.pagecache).
        cache_scopes.register()
        # "Dina rapporter" on the personal start page.
        register_panel(rapport_panel)
        # The chef's line on the start page leads to the reports to write now.
        register_role_tasks(rapporter_att_skriva)
