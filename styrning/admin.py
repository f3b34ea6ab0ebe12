from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from styrning.models import Anvandare, Budgetar, Handelse, Mandatperiod, Organisation, Roll

admin.site.site_header = "Styrning – administration"
admin.site.site_title = "Styrning"
admin.site.index_title = "Administration"


class RollInline(admin.TabularInline):
    model = Roll
    extra = 0
    autocomplete_fields = ["anvandare"]


class ReadOnlyMixin:
    """For records with rules, which only the services change. No adding, changing or
    deleting: the change page shows the record without a save button and a POST to it is
    refused (403)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """A record with rules: read-only, its history readable but never reverted (a revert would
    save an old version past the services)."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Historiken kan läsas men inte återställas här.")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Anvandare)
class AnvandareAdmin(UserAdmin):
    fieldsets = [
        *UserAdmin.fieldsets[:1],
        ("Personuppgifter", {"fields": ["first_name", "last_name", "titel", "email"]}),
        *UserAdmin.fieldsets[2:],
    ]
    list_display = ["username", "first_name", "last_name", "titel", "email", "is_active"]
    inlines = [RollInline]


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


@admin.register(Handelse)
class HandelseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The log of acts is written by the services only: readable here, never changed."""

    list_display = ["tid", "handling", "objekt_text", "organisation", "anvandare", "publik"]
    list_filter = ["handling", "publik"]
    search_fields = ["objekt_text", "anvandare__username", "organisation__namn"]
    list_select_related = ["organisation", "anvandare"]
    date_hierarchy = "tid"
