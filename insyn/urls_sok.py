from django.contrib.sitemaps import views as sitemaps_views
from django.urls import path

from insyn import views_sok
from insyn.sitemaps import SITEMAPS

urlpatterns = [
    path("sok/", views_sok.sok_view, name="sok"),
    path("robots.txt", views_sok.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemaps_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "insyn:sitemap_avsnitt"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_avsnitt",
    ),
]
