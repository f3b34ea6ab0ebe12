from django.apps import AppConfig


class StyrningConfig(AppConfig):
    name = "styrning"
    verbose_name = "Organisation och behörigheter"
