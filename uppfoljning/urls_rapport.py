"""Paths of the follow-up's rapport part (see uppfoljning/urls.py)."""

from django.urls import path

from uppfoljning import views_arbetsflode, views_rapport

urlpatterns: list = [
    # The chef's report page (uppfoljning.views_rapport) and its parts' forms.
    path("<int:pk>/", views_rapport.rapport, name="rapport"),
    path("<int:pk>/avsnitt/<slug:kod>/", views_rapport.avsnitt, name="rapport_avsnitt"),
    path("<int:pk>/mal/<int:mal_id>/", views_rapport.bedomning, name="rapport_bedomning"),
    path("<int:pk>/indikator/<int:indikator_id>/", views_rapport.varde, name="rapport_varde"),
    path("<int:pk>/uppdrag/<int:uppdrag_id>/", views_rapport.uppdrag, name="rapport_uppdrag"),
    path("<int:pk>/atgarder/", views_rapport.atgard_ny, name="rapport_atgard_ny"),
    path("<int:pk>/atgarder/<int:atgard_id>/", views_rapport.atgard, name="rapport_atgard"),
    path(
        "<int:pk>/uppfoljning/<int:atgard_id>/",
        views_rapport.uppfoljning,
        name="rapport_uppfoljning",
    ),
    # The workflow (uppfoljning.arbetsflode): POST-only actions on a report.
    path("<int:pk>/lamna-in/", views_arbetsflode.lamna_in, name="lamna_in"),
    path("<int:pk>/skicka-tillbaka/", views_arbetsflode.skicka_tillbaka, name="skicka_tillbaka"),
    path("<int:pk>/godkann/", views_arbetsflode.godkann, name="godkann"),
    path("<int:pk>/oppna-igen/", views_arbetsflode.oppna_igen, name="oppna_igen"),
]
