"""The JSON API at /api/ (django-ninja, `oppnadata.api`), its OpenAPI description at
/api/openapi.json and the description page at /api/docs."""

from django.urls import path
from django.views.generic import RedirectView

from oppnadata.api import api
from oppnadata.api.beskrivning import beskrivning

urlpatterns = [
    path("api/docs", beskrivning, name="api_beskrivning"),
    path("api/", RedirectView.as_view(pattern_name="api_beskrivning"), name="api_start"),
    path("api/", api.urls),
]
