"""Paths of the follow-up's rapport part (see uppfoljning/urls.py)."""

urlpatterns: list = []
