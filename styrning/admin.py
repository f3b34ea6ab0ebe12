from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from styrning.models import Budgetar, Mandatperiod, Organisation, Roll

admin.site.site_header = "Styrning – administration"
admin.site.site_title = "Styrning"
admin.site.index_title = "Administration"


class RollInline(admin.TabularInline):
    model = Roll
    extra = 0
    autocomplete_fields = ["anvandare"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["namn", "typ", "forkortning", "overordnad", "aktiv_fran", "aktiv_till"]
    list_filter = ["typ"]
    search_fields = ["namn", "kortnamn", "forkortning", "kod"]
    list_select_related = ["overordnad"]
    autocomplete_fields = ["overordnad"]
    inlines = [RollInline]


@admin.register(Roll)
class RollAdmin(SimpleHistoryAdmin):
    list_display = ["anvandare", "roll", "organisation"]
    list_filter = ["roll"]
    search_fields = ["anvandare__username", "anvandare__last_name", "organisation__namn"]
    list_select_related = ["anvandare", "organisation"]
    autocomplete_fields = ["anvandare", "organisation"]


@admin.register(Mandatperiod)
class MandatperiodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start_ar", "slut_ar"]


@admin.register(Budgetar)
class BudgetarAdmin(admin.ModelAdmin):
    list_display = ["ar", "mandatperiod"]
    list_select_related = ["mandatperiod"]
