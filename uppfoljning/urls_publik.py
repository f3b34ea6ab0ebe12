"""Paths of the follow-up's publik part (see uppfoljning/urls.py): the public list of adopted
reports, the reading pages and PDFs of every report (under rapporter/<id>/, beside the chef's
page of urls_rapport) and Året som gick."""

from django.urls import path

from uppfoljning import views_publik

urlpatterns: list = [
    path("", views_publik.lista, name="lista"),
    # The main menu's "Uppföljning" (styrning.context_processors) names the same page.
    path("", views_publik.lista, name="oversikt"),
    path("rapporter/<int:pk>/las/", views_publik.las, name="las"),
    path("rapporter/<int:pk>/pdf/", views_publik.pdf, name="pdf"),
    path("rapporter/<int:pk>/version/<int:nummer>/", views_publik.version, name="version"),
    path(
        "rapporter/<int:pk>/version/<int:nummer>/pdf/",
        views_publik.version_pdf,
        name="version_pdf",
    ),
    path("aret-som-gick/<int:ar>/", views_publik.aret_som_gick, name="aret_som_gick"),
    path("aret-som-gick/<int:ar>/pdf/", views_publik.aret_som_gick_pdf, name="aret_som_gick_pdf"),
    path(
        "aret-som-gick/<int:ar>/andra/",
        views_publik.aret_som_gick_andra,
        name="aret_som_gick_andra",
    ),
]
