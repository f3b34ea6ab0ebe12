"""Paths of the follow-up's ekonomi part (see uppfoljning/urls.py)."""

from django.urls import path

from uppfoljning import views_ekonomi

urlpatterns: list = [
    path("prognos/<int:pk>/", views_ekonomi.prognos, name="ekonomi_prognos"),
    path("import/", views_ekonomi.importera, name="ekonomi_import"),
    path("rad/<int:pk>/", views_ekonomi.registrera, name="ekonomi_rad"),
]
