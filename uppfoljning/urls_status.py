"""Paths of the follow-up's status part (see uppfoljning/urls.py)."""

urlpatterns: list = []
