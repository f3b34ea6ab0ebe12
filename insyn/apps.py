from django.apps import AppConfig


class InsynConfig(AppConfig):
    name = "insyn"
    verbose_name = "Insyn"
