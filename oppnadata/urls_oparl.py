"""OParl 1.1 at /oparl/ (oppnadata.views_oparl). The paths name OParl's object types, the
standard's own words; a Paper and its Files and Consultation are addressed by the document and
the version number, like the version's permanent page (/dokument/<id>/version/<n>/)."""

from django.urls import path

from oppnadata import views_oparl as v

urlpatterns = [
    path("oparl/", v.system, name="oparl_system"),
    path("oparl/bodies/", v.bodies, name="oparl_bodies"),
    path("oparl/body/", v.body, name="oparl_body"),
    path("oparl/organizations/", v.organizations, name="oparl_organizations"),
    path("oparl/organization/<int:pk>/", v.organization, name="oparl_organization"),
    path("oparl/people/", v.people, name="oparl_people"),
    path("oparl/meetings/", v.meetings, name="oparl_meetings"),
    path("oparl/legislativeterms/", v.legislative_terms, name="oparl_legislative_terms"),
    path(
        "oparl/legislativeterm/<int:start_ar>/",
        v.legislative_term,
        name="oparl_legislative_term",
    ),
    path("oparl/papers/", v.papers, name="oparl_papers"),
    path("oparl/paper/<int:dokument>/<int:version>/", v.paper, name="oparl_paper"),
    path("oparl/file/<int:dokument>/<int:version>/pdf/", v.file_pdf, name="oparl_file_pdf"),
    path(
        "oparl/file/<int:dokument>/<int:version>/original/",
        v.file_original,
        name="oparl_file_original",
    ),
    path(
        "oparl/consultation/<int:dokument>/<int:version>/",
        v.consultation,
        name="oparl_consultation",
    ),
]
