"""The admin of the follow-up. The kinds of report are reference data and may be kept here as
well as on the calendar's pages; everything else has rules (deadlines with reasons, chosen
organisations, the workflow, frozen versions, the economy import, reminders sent once) that
only the services apply: read-only, for looking up, never a way past the rules. A frozen
version (Rapportversion) is never changed by anyone."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from styrning.admin import ReadOnlyAdmin, ReadOnlyMixin
from uppfoljning.models import (
    AretSomGick,
    Atgard,
    Atgardsuppfoljning,
    Avsnittstext,
    Balanskrav,
    Bilaga,
    Ekonomirad,
    Paminnelse,
    Prognos,
    Rapport,
    Rapporteringsval,
    Rapportperiod,
    Rapporttyp,
    Rapportversion,
)


@admin.register(Rapporttyp)
class RapporttypAdmin(SimpleHistoryAdmin):
    list_display = ["namn", "kod", "periodtyp", "endast_valda", "antas_av", "lagkrav", "aktiv"]
    list_filter = ["periodtyp", "lagkrav", "aktiv"]
    search_fields = ["namn", "kod"]
    list_select_related = ["sammanstaller"]


@admin.register(Rapportperiod)
class RapportperiodAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "ar", "sista_dag", "beraknad_sista_dag", "stangd"]
    list_filter = ["ar", "rapporttyp", "stangd"]
    list_select_related = ["rapporttyp"]


@admin.register(Rapporteringsval)
class RapporteringsvalAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "rapporttyp", "ar"]
    list_filter = ["ar", "rapporttyp"]
    search_fields = ["organisation__namn"]
    list_select_related = ["organisation", "rapporttyp"]


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


class RapportversionInline(ReadOnlyTabularInline):
    model = Rapportversion
    fields = ["nummer", "slag", "skapad", "skapad_av", "kontrollsumma"]


class AvsnittstextInline(ReadOnlyTabularInline):
    model = Avsnittstext
    fields = ["kod", "klar", "andrad_av", "andrad"]


class AtgardInline(ReadOnlyTabularInline):
    model = Atgard
    fields = ["beskrivning", "ansvarig", "datum", "status"]


@admin.register(Rapport)
class RapportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "andel_klar", "version", "inlamnad", "granskad"]
    list_filter = ["status", "rapportperiod__rapporttyp", "rapportperiod__ar"]
    search_fields = ["organisation__namn", "organisation__kod"]
    list_select_related = ["rapportperiod__rapporttyp", "organisation"]
    inlines = [RapportversionInline, AvsnittstextInline, AtgardInline]


@admin.register(Rapportversion)
class RapportversionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "slag", "skapad", "skapad_av", "kontrollsumma"]
    list_filter = ["slag"]
    search_fields = ["rapport__organisation__namn", "kontrollsumma"]
    list_select_related = [
        "rapport__rapportperiod__rapporttyp",
        "rapport__organisation",
        "skapad_av",
    ]


@admin.register(Ekonomirad)
class EkonomiradAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "kontogrupp", "ar", "manad", "budget", "utfall", "importerad"]
    list_filter = ["ar", "importerad"]
    search_fields = ["organisation__namn", "organisation__kod", "kontogrupp"]
    list_select_related = ["organisation"]


@admin.register(Prognos)
class PrognosAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "ar", "periodtyp", "periodnummer", "arsprognos", "forslag"]
    list_filter = ["ar"]
    search_fields = ["organisation__namn"]
    list_select_related = ["organisation"]


@admin.register(Avsnittstext)
class AvsnittstextAdmin(ReadOnlyAdmin):
    list_display = ["rapport", "kod", "klar", "andrad_av", "andrad"]
    list_filter = ["klar"]
    search_fields = ["rapport__organisation__namn", "kod"]
    list_select_related = ["rapport__rapportperiod__rapporttyp", "rapport__organisation"]


@admin.register(Atgard)
class AtgardAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "rapport", "ansvarig", "datum", "status"]
    list_filter = ["status"]
    search_fields = ["beskrivning", "ansvarig"]
    list_select_related = ["rapport__rapportperiod__rapporttyp", "rapport__organisation"]


@admin.register(Atgardsuppfoljning)
class AtgardsuppfoljningAdmin(ReadOnlyAdmin):
    list_display = ["atgard", "rapport", "status"]
    list_filter = ["status"]
    list_select_related = [
        "atgard",
        "rapport__rapportperiod__rapporttyp",
        "rapport__organisation",
    ]


@admin.register(Bilaga)
class BilagaAdmin(ReadOnlyAdmin):
    list_display = ["rapport", "kod", "filnamn", "uppladdad_av", "uppladdad"]
    search_fields = ["rapport__organisation__namn", "kod", "filnamn"]
    list_select_related = ["rapport__rapportperiod__rapporttyp", "rapport__organisation"]


@admin.register(Balanskrav)
class BalanskravAdmin(ReadOnlyAdmin):
    list_display = ["rapport", "arets_resultat", "prognos"]
    list_select_related = ["rapport__rapportperiod__rapporttyp", "rapport__organisation"]


@admin.register(Paminnelse)
class PaminnelseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["rapport", "slag", "skickad"]
    list_filter = ["slag"]
    search_fields = ["rapport__organisation__namn"]
    list_select_related = ["rapport__rapportperiod__rapporttyp", "rapport__organisation"]


@admin.register(AretSomGick)
class AretSomGickAdmin(ReadOnlyAdmin):
    list_display = ["ar", "publicerad", "arsredovisning"]
    list_filter = ["publicerad"]
