from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dokument.models import Dokumenttyp


@admin.register(Dokumenttyp)
class DokumenttypAdmin(SimpleHistoryAdmin):
    list_display = ["namn", "rang", "forfattningssamling", "granskningsregel", "granskning_ar"]
    ordering = ["-rang", "namn"]
