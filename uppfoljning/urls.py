"""The follow-up's addresses, one module of paths per part (each part's views beside it):
the public list and pages, the calendar, the report page and its workflow, the economy, the
compilation and adoption, and the status board."""

from django.urls import include, path

app_name = "uppfoljning"

urlpatterns = [
    path("", include("uppfoljning.urls_publik")),
    path("kalender/", include("uppfoljning.urls_kalender")),
    path("rapporter/", include("uppfoljning.urls_rapport")),
    path("ekonomi/", include("uppfoljning.urls_ekonomi")),
    path("sammanstallning/", include("uppfoljning.urls_sammanstallning")),
    path("status/", include("uppfoljning.urls_status")),
]
