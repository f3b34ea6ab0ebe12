"""The DCAT-AP-SE catalogue at the address Sweden's data portal harvests (/datasets/dcat)."""

from django.urls import path

from oppnadata import views_dcat

urlpatterns = [
    path("datasets/dcat", views_dcat.katalog, name="dcat_katalog"),
    path("oppna-data/", views_dcat.oppna_data, name="oppna_data"),
]
