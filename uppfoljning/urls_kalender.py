"""Paths of the follow-up's kalender part (see uppfoljning/urls.py)."""

urlpatterns: list = []
