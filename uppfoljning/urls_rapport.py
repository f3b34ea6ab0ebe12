"""Paths of the follow-up's rapport part (see uppfoljning/urls.py)."""

from django.urls import path

from uppfoljning import views_arbetsflode

urlpatterns: list = [
    # The workflow (uppfoljning.arbetsflode): POST-only actions on a report.
    path("<int:pk>/lamna-in/", views_arbetsflode.lamna_in, name="lamna_in"),
    path("<int:pk>/skicka-tillbaka/", views_arbetsflode.skicka_tillbaka, name="skicka_tillbaka"),
    path("<int:pk>/godkann/", views_arbetsflode.godkann, name="godkann"),
    path("<int:pk>/oppna-igen/", views_arbetsflode.oppna_igen, name="oppna_igen"),
]
