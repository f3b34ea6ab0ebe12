"""Open data, one module of paths per part: the JSON API at /api/, OParl 1.1 at /oparl/, the
DCAT-AP-SE catalogue at /datasets/dcat and the CSV downloads."""

from django.urls import include, path

urlpatterns = [
    path("", include("oppnadata.urls_api")),
    path("", include("oppnadata.urls_oparl")),
    path("", include("oppnadata.urls_dcat")),
    path("", include("oppnadata.urls_csv")),
]
