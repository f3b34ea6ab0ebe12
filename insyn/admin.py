from django.contrib import admin

from insyn.models import Prenumeration, Utskick


@admin.register(Prenumeration)
class PrenumerationAdmin(admin.ModelAdmin):
    """For answering a subscriber's request (find the address, delete it); the secret keys of
    the links are not shown."""

    list_display = ["epost", "slag", "frekvens", "skapad", "bekraftad"]
    list_filter = ["slag", "frekvens"]
    search_fields = ["epost"]
    exclude = ["nyckel", "bekraftelse_nyckel"]
    readonly_fields = ["urval_nyckel", "skapad", "bekraftad"]


@admin.register(Utskick)
class UtskickAdmin(admin.ModelAdmin):
    list_display = ["pk", "prenumeration", "handelse", "fonster_fran", "skickad", "forsok"]
    list_filter = ["skickad"]
    readonly_fields = [f.name for f in Utskick._meta.fields]
