"""The admin keeps the document types (reference data). The records with rules (documents,
versions, links, reviews, the statute book's counters) are changed only through the services,
which check permissions, the adoption matrix, the locks and write the log of acts: the admin
shows them and changes nothing."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dokument.models import (
    Dokument,
    Dokumentlank,
    Dokumenttyp,
    Dokumentversion,
    Forfattningsnummer,
    Granskning,
)
from styrning.admin import ReadOnlyAdmin, ReadOnlyMixin


@admin.register(Dokumenttyp)
class DokumenttypAdmin(SimpleHistoryAdmin):
    list_display = ["namn", "rang", "forfattningssamling", "granskningsregel", "granskning_ar"]
    ordering = ["-rang", "namn"]


@admin.register(Dokument)
class DokumentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "typ", "agare", "status", "kfs_nummer", "granskning_nasta"]
    list_filter = ["status", "typ"]
    list_select_related = ["typ", "agare"]


@admin.register(Dokumentversion)
class DokumentversionAdmin(ReadOnlyAdmin):
    # Ids, not the documents: a document's name is its current version's title (a query each).
    list_display = ["titel", "dokument_id", "versionsnummer", "status", "beslutsdatum"]
    list_filter = ["status"]
    search_fields = ["titel", "diarienummer"]


@admin.register(Dokumentlank)
class DokumentlankAdmin(ReadOnlyAdmin):
    list_display = ["fran_id", "typ", "till_id"]
    list_filter = ["typ"]


@admin.register(Granskning)
class GranskningAdmin(ReadOnlyAdmin):
    list_display = ["dokument_id", "datum", "utfall", "granskad_av"]
    list_filter = ["utfall"]
    list_select_related = ["granskad_av"]


@admin.register(Forfattningsnummer)
class ForfattningsnummerAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A counter with no history of its own."""

    list_display = ["ar", "senaste"]
