from django.apps import AppConfig


class OppnadataConfig(AppConfig):
    name = "oppnadata"
    verbose_name = "Öppna data"
