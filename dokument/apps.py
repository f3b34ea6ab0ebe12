from django.apps import AppConfig


class DokumentConfig(AppConfig):
    name = "dokument"
    verbose_name = "Styrdokument"

    def ready(self):
        from dokument.demo import load_dokument
        from dokument.panels import granskning_panel
        from styrning.demo import register_demo_step
        from styrning.startsida import register_panel

        register_demo_step("dokument", load_dokument)
        register_panel(granskning_panel)
