from django.apps import AppConfig


class DokumentConfig(AppConfig):
    name = "dokument"
    verbose_name = "Styrdokument"
