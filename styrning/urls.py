from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from styrning import views
from styrning.forms import InloggningForm

urlpatterns = [
    path("", views.start, name="start"),
    path("halsa/", views.halsa, name="halsa"),
    path("min-sida/", views.min_sida, name="min_sida"),
    path("organisation/", views.organisation_lista, name="organisation_lista"),
    path("organisation/<int:pk>/", views.organisation_detalj, name="organisation_detalj"),
    path("tillganglighet/", views.tillganglighet, name="tillganglighet"),
    path(
        "konto/logga-in/",
        auth_views.LoginView.as_view(authentication_form=InloggningForm),
        name="login",
    ),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "konto/losenord/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "konto/losenord/klart/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("dokument/", include("dokument.urls")),
    path("mal/", include("mal.urls")),
    path("uppfoljning/", include("uppfoljning.urls")),
    path("", include("insyn.urls")),
    path("", include("oppnadata.urls")),
    path("admin/", admin.site.urls),
]

# The benchmark's floors (make bench), only when BENCH=1.
if settings.BENCH:
    urlpatterns.append(path("bench/", include("bench.urls")))

handler500 = "styrning.errors.server_error"
