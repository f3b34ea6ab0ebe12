from django.urls import path

from mal import views

app_name = "mal"

urlpatterns = [
    path("", views.trad, name="trad"),
    path("jamforelse/", views.jamforelse, name="jamforelse"),
    path("nytt/", views.mal_andra, name="nytt"),
    path("<int:pk>/", views.detalj, name="detalj"),
    path("<int:pk>/andra/", views.mal_andra, name="andra"),
    path("<int:pk>/bedomning/", views.bedomning, name="bedomning"),
    path("<int:mal_pk>/indikator/ny/", views.indikator_andra, name="indikator_ny"),
    path("<int:mal_pk>/aktivitet/ny/", views.aktivitet_andra, name="aktivitet_ny"),
    path("organ/<int:pk>/", views.organ, name="organ"),
    path("indikator/<int:pk>/andra/", views.indikator_andra, name="indikator_andra"),
    path("aktivitet/<int:pk>/", views.aktivitet_andra, name="aktivitet_andra"),
    path("indikator/<int:pk>/varde/", views.varde, name="varde"),
    path("indikator/<int:pk>/malvarde/", views.malvarde, name="malvarde"),
    path("uppdrag/", views.uppdrag_lista, name="uppdrag_lista"),
    path("uppdrag/nytt/", views.uppdrag_nytt, name="uppdrag_nytt"),
    path("uppdrag/<int:pk>/", views.uppdrag_detalj, name="uppdrag"),
    path("uppdrag/<int:pk>/kommentar/", views.uppdrag_kommentera, name="uppdrag_kommentar"),
    path("export/<str:kind>.<str:fmt>", views.export, name="export"),
]
