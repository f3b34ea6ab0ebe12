"""The admin keeps what it is for: the reference data of the goal chain (visions and goal
areas). Goals, indicators, targets, values, assessments, activities and assignments have rules
(permissions, periods, locks, adoption) that only the services apply: here they are read-only,
for looking up, never a way past the rules."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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
from styrning.admin import ReadOnlyAdmin, ReadOnlyMixin


@admin.register(Vision)
class VisionAdmin(SimpleHistoryAdmin):
    list_display = ["titel", "mandatperiod"]


@admin.register(Malomrade)
class MalomradeAdmin(SimpleHistoryAdmin):
    list_display = ["namn", "typ", "mandatperiod", "ordning"]
    list_filter = ["mandatperiod", "typ"]
    search_fields = ["namn"]


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


class IndikatorInline(ReadOnlyTabularInline):
    model = Indikator
    fk_name = "mal"
    fields = ["namn", "enhet", "riktning", "kalla", "kpi_id", "matt_for"]


class AktivitetInline(ReadOnlyTabularInline):
    model = Aktivitet
    fields = ["titel", "status", "startdatum", "slutdatum"]


@admin.register(Mal)
class MalAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "agare", "typ", "status", "budgetar", "mandatperiod", "malomrade"]
    list_filter = ["status", "typ", "mandatperiod", "budgetar", "malomrade"]
    search_fields = ["titel", "nummer", "agare__namn"]
    list_select_related = ["agare", "budgetar", "mandatperiod", "malomrade"]
    inlines = [IndikatorInline, AktivitetInline]


class MalvardeInline(ReadOnlyTabularInline):
    model = Malvarde


@admin.register(Indikator)
class IndikatorAdmin(ReadOnlyAdmin):
    list_display = ["namn", "mal", "enhet", "riktning", "kalla", "kpi_id", "konsuppdelad"]
    list_filter = ["kalla", "riktning", "konsuppdelad"]
    search_fields = ["namn", "kpi_id", "mal__titel"]
    list_select_related = ["mal"]
    inlines = [MalvardeInline]


@admin.register(Malvarde)
class MalvardeAdmin(ReadOnlyAdmin):
    list_display = ["indikator", "ar", "varde", "andrad_av", "andrad"]
    list_filter = ["ar"]
    search_fields = ["indikator__namn", "indikator__kpi_id"]
    list_select_related = ["indikator", "andrad_av"]


@admin.register(Varde)
class VardeAdmin(ReadOnlyAdmin):
    list_display = ["indikator", "organisation", "ar", "periodtyp", "periodnummer", "totalt"]
    list_filter = ["periodtyp", "ar", "preliminar", "importerad"]
    search_fields = ["indikator__namn", "indikator__kpi_id", "organisation__namn"]
    list_select_related = ["indikator", "organisation"]


@admin.register(Bedomning)
class BedomningAdmin(ReadOnlyAdmin):
    list_display = ["mal", "ar", "periodtyp", "periodnummer", "utfall"]
    list_filter = ["utfall", "ar"]
    search_fields = ["mal__titel"]
    list_select_related = ["mal"]


class UppdragskommentarInline(ReadOnlyTabularInline):
    model = Uppdragskommentar
    fields = ["ar", "periodtyp", "periodnummer", "status", "kommentar", "skriven_av"]


@admin.register(Uppdrag)
class UppdragAdmin(ReadOnlyAdmin):
    list_display = ["titel", "givet_av", "givet_till", "budgetar", "slutdatum", "status"]
    list_filter = ["status", "budgetar"]
    search_fields = ["titel", "givet_till__namn"]
    list_select_related = ["givet_av", "givet_till", "budgetar"]
    inlines = [UppdragskommentarInline]


@admin.register(Uppdragskommentar)
class UppdragskommentarAdmin(ReadOnlyAdmin):
    list_display = ["uppdrag", "ar", "periodtyp", "periodnummer", "status", "skriven_av"]
    list_filter = ["status", "ar"]
    search_fields = ["uppdrag__titel", "kommentar"]
    list_select_related = ["uppdrag", "skriven_av"]


@admin.register(Aktivitet)
class AktivitetAdmin(ReadOnlyAdmin):
    list_display = ["titel", "mal", "status", "startdatum", "slutdatum"]
    list_filter = ["status"]
    search_fields = ["titel", "mal__titel"]
    list_select_related = ["mal"]
