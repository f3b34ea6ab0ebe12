from django.apps import AppConfig

# Django 6.1's new empty choice of select boxes has no Swedish translation yet.
BLANK_CHOICE_LABEL = "– Välj –"


class StyrningConfig(AppConfig):
    name = "styrning"
    verbose_name = "Organisation och behörigheter"

    def ready(self):
        from django.db.models import fields

        from styrning import pagecache, security

        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
        security.connect_signals()
        pagecache.register_core()
