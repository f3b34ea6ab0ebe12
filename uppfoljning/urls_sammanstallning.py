"""Paths of the follow-up's sammanstallning part (see uppfoljning/urls.py)."""

from django.urls import path

from uppfoljning import views_sammanstallning

urlpatterns: list = [
    path("<int:pk>/", views_sammanstallning.sida, name="sammanstallning"),
    path("<int:pk>/bilaga/", views_sammanstallning.bilaga, name="sammanstallning_bilaga"),
    path(
        "<int:pk>/bilaga/<slug:kod>/",
        views_sammanstallning.bilagefil,
        name="sammanstallning_bilagefil",
    ),
    path(
        "<int:pk>/balanskrav/",
        views_sammanstallning.balanskrav,
        name="sammanstallning_balanskrav",
    ),
    path("<int:pk>/anta/", views_sammanstallning.anta, name="sammanstallning_anta"),
]
