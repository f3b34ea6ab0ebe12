"""Transparency for the public, one module of paths per part (each part's views beside it):
subscriptions by mail and the privacy text, the Atom feeds, the one search across everything,
and the sitemap and robots.txt."""

from django.urls import include, path

app_name = "insyn"

urlpatterns = [
    path("", include("insyn.urls_prenumeration")),
    path("", include("insyn.urls_floden")),
    path("", include("insyn.urls_sok")),
]
