from django.apps import AppConfig


class MalConfig(AppConfig):
    name = "mal"
    verbose_name = "Mål och uppföljning av mål"

    def ready(self):
        from mal.demo import load_mal
        from mal.panels import mal_panel
        from styrning.demo import register_demo_step
        from styrning.startsida import register_panel

        register_demo_step("mal", load_mal)
        register_panel(mal_panel)
