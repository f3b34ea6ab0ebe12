"""Paths of the follow-up's status part (see uppfoljning/urls.py): the status board."""

from django.urls import path

from uppfoljning import views_status

urlpatterns = [
    path("", views_status.statustavla, name="status"),
]
