"""The Atom feeds (`insyn.floden`) of the selections the subscriptions follow."""

from django.urls import path

from insyn import floden

urlpatterns = [
    path("flode/dokument/", floden.DokumentFlode(), name="flode_dokument"),
    path("flode/dokument/<int:pk>/", floden.EttDokumentFlode(), name="flode_ett_dokument"),
    path("flode/rapporter/", floden.RapportFlode(), name="flode_rapporter"),
]
