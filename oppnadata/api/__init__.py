"""The read-only JSON API at /api/ of everything public: the organisation tree, published
documents with their versions, files and links, adopted goals with indicators, targets and
values, and the adopted follow-up reports' figures.

Built on django-ninja: it generates the OpenAPI description (/api/openapi.json) from the typed
schemas the operations return and the parameters they take (`oppnadata.api.schemas`), so the
description cannot drift from the code, and it is small for a read-only API (no serializers,
viewsets or routers beside the schemas, which Django REST framework with drf-spectacular would
need for the same). Its Swagger page is off: it loads its scripts from a CDN, which the strict
Content Security Policy and the rule that the site loads nothing from the internet forbid;
/api/docs is a server-rendered description page made from the same OpenAPI document
(`oppnadata.api.beskrivning`)."""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from oppnadata.api import errors
from oppnadata.api.endpoints import router


def _plain_parameter(schema: dict) -> dict:
    """An optional parameter as its one type: a query string has no null (pydantic writes an
    optional value as "the type, or null")."""
    options = schema.get("anyOf")
    if not options:
        return schema
    kept = [o for o in options if o.get("type") != "null"]
    if len(kept) != 1:
        return schema
    return {**{k: v for k, v in schema.items() if k != "anyOf"}, **kept[0]}


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # å, ä and ö as they are (UTF-8)


SVAR = {
    "200": "Resultatet.",
    "400": "Fel parameter.",
    "404": "Finns inte (eller är inte offentligt).",
}


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__  # dokument_lista, not oppnadata_api_endpoints_…

    def get_openapi_schema(self, *args, **kwargs):
        """Ninja's description, with plain optional parameters and Swedish answers."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    parameter["schema"] = _plain_parameter(parameter.get("schema", {}))
                for code, response in operation.get("responses", {}).items():
                    response["description"] = SVAR.get(str(code), response.get("description"))
        return schema


api = Api(
    title="Styrning: öppna data",
    version="1",
    description=(
        "Offentliga data ur kommunens styr- och ledningssystem: organisationsträdet, "
        "publicerade styrdokument med versioner, filer och länkar, antagna mål med "
        "indikatorer, målvärden och värden, och de antagna uppföljningsrapporternas ekonomi "
        "och målbedömningar. Bara läsning (GET), ingen inloggning. Listorna är sidindelade "
        "med limit (högst 100) och offset. Fel parametrar ger 400 och ett meddelande på "
        "svenska; ett id som inte finns ger 404."
    ),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
    auth=None,
    renderer=Renderer(),
)
errors.install(api)
api.add_router("", router)
