"""The CSV downloads of the public lists, each beside its list (as `/mal/export/<kind>.<fmt>`
beside the goal tree). Included at the site root (oppnadata/urls.py), so each path is whole."""

from django.urls import path

from oppnadata import views_csv

urlpatterns = [
    path("dokument/export/dokument.csv", views_csv.dokument, name="csv_dokument"),
    path(
        "dokument/export/forfattningssamling.csv",
        views_csv.forfattningssamling,
        name="csv_forfattningssamling",
    ),
    path(
        "organisation/export/organisationer.csv",
        views_csv.organisationer,
        name="csv_organisationer",
    ),
    path("uppfoljning/export/rapporter.csv", views_csv.rapporter, name="csv_rapporter"),
    path("mal/uppdrag/export/uppdrag.csv", views_csv.uppdrag, name="csv_uppdrag"),
    path("mal/jamforelse/export/maluppfyllelse.csv", views_csv.jamforelse, name="csv_jamforelse"),
]
