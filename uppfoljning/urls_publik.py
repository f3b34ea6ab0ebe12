"""Paths of the follow-up's publik part (see uppfoljning/urls.py)."""

urlpatterns: list = []
