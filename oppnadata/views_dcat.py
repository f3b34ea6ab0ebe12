"""The DCAT-AP-SE catalogue at /datasets/dcat (oppnadata.dcat), as RDF/XML, and the public page
that describes the same datasets to people (/oppna-data/)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from oppnadata import dcat


@require_safe
def katalog(request: HttpRequest) -> HttpResponse:
    """The catalogue the data portal harvests. Query parameters are ignored: there is one."""
    return HttpResponse(dcat.catalogue_rdf_xml(), content_type=f"{dcat.RDF_XML}; charset=utf-8")


@require_safe
def oppna_data(request: HttpRequest) -> HttpResponse:
    """What the system publishes as open data and where: the catalogue's datasets with their
    distributions, the API's description, OParl, the feeds and the subscriptions."""
    return render(
        request,
        "oppnadata/oppna_data.html",
        {"datasets": dcat.datasets_for_page(dcat.catalogue())},
    )
