"""Paths of the follow-up's ekonomi part (see uppfoljning/urls.py)."""

urlpatterns: list = []
