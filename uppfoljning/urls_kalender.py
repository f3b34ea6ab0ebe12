"""Paths of the follow-up's kalender part (see uppfoljning/urls.py): the controller's pages
of the reporting calendar."""

from django.urls import path

from uppfoljning import views_kalender

urlpatterns = [
    path("", views_kalender.typer, name="kalender"),
    path("typ/ny/", views_kalender.typ_andra, name="kalender_typ_ny"),
    path("typ/<int:pk>/", views_kalender.typ_andra, name="kalender_typ"),
    path("typ/<int:pk>/<int:ar>/", views_kalender.ar_sida, name="kalender_ar"),
    path("typ/<int:pk>/<int:ar>/skapa/", views_kalender.skapa, name="kalender_skapa"),
    path(
        "typ/<int:pk>/<int:ar>/organisationer/",
        views_kalender.organisationer,
        name="kalender_organisationer",
    ),
    path("period/<int:pk>/frist/", views_kalender.frist, name="kalender_frist"),
    path("period/<int:pk>/stang/", views_kalender.stang, name="kalender_stang"),
]
