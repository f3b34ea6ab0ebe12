from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mal.forms import MalForm, UppdragForm
from mal.models import (
    Aktivitet,
    Bedomning,
    Indikator,
    Mal,
    Malomrade,
    Malvarde,
    Uppdrag,
    Uppdragskommentar,
    Varde,
    Vision,
)


@admin.register(Vision)
class VisionAdmin(SimpleHistoryAdmin):
    list_display = ["titel", "mandatperiod"]


@admin.register(Malomrade)
class MalomradeAdmin(SimpleHistoryAdmin):
    list_display = ["namn", "typ", "mandatperiod", "ordning"]
    list_filter = ["mandatperiod", "typ"]
    search_fields = ["namn"]


class IndikatorInline(admin.StackedInline):
    model = Indikator
    extra = 0
    fk_name = "mal"
    autocomplete_fields = ["matt_for"]
    show_change_link = True


class AktivitetInline(admin.TabularInline):
    model = Aktivitet
    extra = 0
    autocomplete_fields = ["ansvarig"]


@admin.register(Mal)
class MalAdmin(SimpleHistoryAdmin):
    form = MalForm
    list_display = ["__str__", "agare", "typ", "status", "budgetar", "mandatperiod", "malomrade"]
    list_filter = ["status", "typ", "mandatperiod", "budgetar", "malomrade"]
    search_fields = ["titel", "nummer", "agare__namn"]
    list_select_related = ["agare", "budgetar", "mandatperiod", "malomrade"]
    autocomplete_fields = ["agare", "overordnade", "ansvarig"]
    filter_horizontal = ["dokument"]
    inlines = [IndikatorInline, AktivitetInline]


class MalvardeInline(admin.TabularInline):
    model = Malvarde
    extra = 0


@admin.register(Indikator)
class IndikatorAdmin(SimpleHistoryAdmin):
    list_display = ["namn", "mal", "enhet", "riktning", "kalla", "kpi_id", "konsuppdelad"]
    list_filter = ["kalla", "riktning", "konsuppdelad"]
    search_fields = ["namn", "kpi_id", "mal__titel"]
    list_select_related = ["mal"]
    autocomplete_fields = ["mal", "matt_for"]
    inlines = [MalvardeInline]


@admin.register(Varde)
class VardeAdmin(SimpleHistoryAdmin):
    list_display = ["indikator", "organisation", "ar", "periodtyp", "periodnummer", "totalt"]
    list_filter = ["periodtyp", "ar", "preliminar", "importerad"]
    search_fields = ["indikator__namn", "indikator__kpi_id", "organisation__namn"]
    list_select_related = ["indikator", "organisation"]
    autocomplete_fields = ["indikator", "organisation", "registrerad_av"]


@admin.register(Bedomning)
class BedomningAdmin(SimpleHistoryAdmin):
    list_display = ["mal", "ar", "periodtyp", "periodnummer", "utfall"]
    list_filter = ["utfall", "ar"]
    search_fields = ["mal__titel"]
    list_select_related = ["mal"]
    autocomplete_fields = ["mal", "bedomd_av"]


class UppdragskommentarInline(admin.TabularInline):
    model = Uppdragskommentar
    extra = 0
    autocomplete_fields = ["skriven_av"]


@admin.register(Uppdrag)
class UppdragAdmin(SimpleHistoryAdmin):
    form = UppdragForm
    list_display = ["titel", "givet_av", "givet_till", "budgetar", "slutdatum", "status"]
    list_filter = ["status", "budgetar"]
    search_fields = ["titel", "givet_till__namn"]
    list_select_related = ["givet_av", "givet_till", "budgetar"]
    autocomplete_fields = ["givet_av", "givet_till", "mal"]
    inlines = [UppdragskommentarInline]


@admin.register(Aktivitet)
class AktivitetAdmin(SimpleHistoryAdmin):
    list_display = ["titel", "mal", "status", "startdatum", "slutdatum"]
    list_filter = ["status"]
    search_fields = ["titel", "mal__titel"]
    autocomplete_fields = ["mal", "ansvarig"]
