"""The DCAT-AP-SE catalogue at /datasets/dcat (oppnadata.dcat), as RDF/XML."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from oppnadata import dcat


@require_safe
def katalog(request: HttpRequest) -> HttpResponse:
    """The catalogue the data portal harvests. Query parameters are ignored: there is one."""
    return HttpResponse(dcat.catalogue_rdf_xml(), content_type=f"{dcat.RDF_XML}; charset=utf-8")
