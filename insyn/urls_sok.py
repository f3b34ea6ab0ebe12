from django.urls import path

from insyn import views_sok

urlpatterns = [
    path("sok/", views_sok.sok_view, name="sok"),
]
