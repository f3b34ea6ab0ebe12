from django.urls import path

from dokument import views, views_pdf

app_name = "dokument"

urlpatterns = [
    path("", views.lista, name="lista"),
    path("nytt/", views.registrera, name="registrera"),
    path("granskning/", views.granskning, name="granskning"),
    path("forfattningssamling/", views.forfattningssamling, name="forfattningssamling"),
    path("<int:pk>/", views.detalj, name="detalj"),
    path("<int:pk>/jamfor/", views.jamfor, name="jamfor"),
    path("<int:pk>/revidera/", views.revidera, name="revidera"),
    path("<int:pk>/granska/", views.granska, name="granska"),
    path("<int:pk>/granskningsdatum/", views.granskningsdatum, name="granskningsdatum"),
    path("<int:pk>/upphav/", views.upphav, name="upphav"),
    path("<int:pk>/makulera/", views.makulera, name="makulera"),
    path("<int:pk>/lanka/", views.lanka, name="lanka"),
    path("<int:pk>/pdf/", views_pdf.pdf, name="pdf"),
    path("<int:pk>/version/<int:nummer>/", views.version, name="version"),
    path("<int:pk>/version/<int:nummer>/pdf/", views_pdf.version_pdf, name="version_pdf"),
    path("<int:pk>/version/<int:nummer>/fil/", views.fil, name="fil"),
    path("<int:pk>/version/<int:nummer>/andra/", views.andra, name="andra"),
    path("<int:pk>/version/<int:nummer>/faststall/", views.faststall, name="faststall"),
    path("<int:pk>/version/<int:nummer>/publicera/", views.publicera, name="publicera"),
]
