from django.urls import path

from bench import views

app_name = "bench"

urlpatterns = [
    path("trivial/", views.trivial, name="trivial"),
    path("tabell/", views.tabell, name="tabell"),
]
