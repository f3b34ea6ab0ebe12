"""The API's description page at /api/docs: every operation with its parameters and answers,
and every object with its fields, in Swedish, rendered on the server from the same OpenAPI
document the API serves. No scripts (ninja's Swagger page loads them from a CDN; the site
loads nothing from the internet and its Content Security Policy allows no inline script)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from styrning.pagecache import public_page

PLATS = {"query": "frågesträngen", "path": "adressen"}
FORMAT = {"date": "datum (ÅÅÅÅ-MM-DD)", "date-time": "tidpunkt (ISO 8601)"}
TYPER = {
    "integer": "heltal",
    "string": "text",
    "boolean": "true eller false",
    "number": "tal",
    "object": "objekt",
}


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_text(schema: dict) -> dict:
    """A schema's type in words, and the object it names (for a link), if any."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return {"text": "objekt", "objekt": name, "null": False}
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        kept = [o for o in options if o.get("type") != "null"]
        inner = type_text(kept[0]) if len(kept) == 1 else {"text": "flera typer", "objekt": ""}
        return {**inner, "null": len(kept) < len(options)}
    kind = schema.get("type", "")
    if kind == "array":
        inner = type_text(schema.get("items", {}))
        return {**inner, "text": f"lista av {inner['text']}", "null": False}
    text = FORMAT.get(schema.get("format", ""), TYPER.get(kind, kind or "valfri"))
    return {"text": text, "objekt": "", "null": False}


def _constraints(schema: dict) -> list[str]:
    rules = []
    if "enum" in schema:
        rules.append("ett av: " + ", ".join(str(v) for v in schema["enum"]))
    if "minimum" in schema:
        rules.append(f"minst {schema['minimum']}")
    if "maximum" in schema:
        rules.append(f"högst {schema['maximum']}")
    if "maxLength" in schema:
        rules.append(f"högst {schema['maxLength']} tecken")
    if "pattern" in schema:
        rules.append(f"form: {schema['pattern']}")
    if schema.get("default") is not None:
        rules.append(f"standard: {schema['default']}")
    return rules


def _response_object(response: dict) -> str:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return _ref_name(schema["$ref"]) if "$ref" in schema else ""


def description(openapi: dict) -> dict:
    """The page's content from an OpenAPI document."""
    operations = []
    for path, methods in openapi.get("paths", {}).items():
        for method, op in methods.items():
            operations.append(
                {
                    "id": op.get("operationId", ""),
                    "metod": method.upper(),
                    "path": path,
                    "rubrik": op.get("summary", path),
                    "text": op.get("description", ""),
                    "parametrar": [
                        {
                            "namn": p["name"],
                            "plats": PLATS.get(p.get("in"), p.get("in")),
                            "kravs": p.get("required", False),
                            "typ": type_text(p.get("schema", {})),
                            "regler": _constraints(p.get("schema", {})),
                            "text": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "svar": [
                        {
                            "kod": code,
                            "text": response.get("description", ""),
                            "objekt": _response_object(response),
                        }
                        for code, response in op.get("responses", {}).items()
                    ],
                }
            )
    used = {_ref_name(s) for s in _refs(openapi.get("paths", {}))}
    schemas = openapi.get("components", {}).get("schemas", {})
    objects = []
    for name in sorted(_closure(used, schemas)):
        schema = schemas[name]
        required = set(schema.get("required", []))
        objects.append(
            {
                "namn": name,
                "text": schema.get("description", ""),
                "falt": [
                    {
                        "namn": field,
                        "typ": type_text(prop),
                        "kravs": field in required,
                        "text": prop.get("description", ""),
                    }
                    for field, prop in schema.get("properties", {}).items()
                ],
            }
        )
    return {
        "titel": openapi.get("info", {}).get("title", ""),
        "text": openapi.get("info", {}).get("description", ""),
        "operationer": operations,
        "objekt": objects,
    }


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _closure(names: set[str], schemas: dict) -> set[str]:
    """The objects the operations answer with and every object they hold."""
    seen: set[str] = set()
    stack = [n for n in names if n in schemas]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack.extend(n for n in map(_ref_name, _refs(schemas[name])) if n in schemas)
    return seen


@public_page()
def beskrivning(request: HttpRequest) -> HttpResponse:
    from oppnadata.api import api

    openapi = api.get_openapi_schema(path_prefix=reverse("api_start"))
    return render(
        request,
        "oppnadata/api_beskrivning.html",
        {**description(openapi), "openapi_url": reverse("api:openapi-json")},
    )
