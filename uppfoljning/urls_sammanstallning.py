"""Paths of the follow-up's sammanstallning part (see uppfoljning/urls.py)."""

urlpatterns: list = []
