"""Paths of the subscriptions by mail and the privacy text (see insyn/urls.py)."""

from django.urls import path

from insyn import views_prenumeration as views

urlpatterns = [
    path("prenumerera/", views.prenumerera, name="prenumerera"),
    path("prenumerera/skickat/", views.skickat, name="prenumerera_skickat"),
    path("prenumerera/bekrafta/<str:token>/", views.bekrafta, name="bekrafta"),
    path("prenumerera/avsluta/<str:token>/", views.avsluta, name="avsluta"),
    path("prenumerera/hantera/<str:token>/", views.hantera, name="hantera"),
    path("om-personuppgifter/", views.personuppgifter, name="personuppgifter"),
]
