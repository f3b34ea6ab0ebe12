from django.apps import AppConfig


class DokumentConfig(AppConfig):
    name = "dokument"
    verbose_name = "Styrdokument"

    def ready(self):
        from dokument.panels import granskning_panel
        from styrning.startsida import register_panel

        register_panel(granskning_panel)
