"""The API's answers when something is wrong, in Swedish and as JSON: a parameter of the wrong
type, out of range or unknown is a 400 (django-ninja answers 422 by default; the issue asks for
400), an id that is not there or not public a 404, a method the API does not have a 405."""

from django.http import Http404


class Felaktig(Exception):
    """A parameter the API cannot use: answered with 400 and the message."""

    def __init__(self, meddelande: str, fel: list[dict] | None = None):
        super().__init__(meddelande)
        self.meddelande = meddelande
        self.fel = fel or []


def _join(values) -> str:
    return ", ".join(str(v).strip("'") for v in values)


def _message(error: dict) -> str:
    """Pydantic's error as a sentence in Swedish: the kinds a query or path parameter can hit,
    and a plain sentence for any other."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "Parametern saknas."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "Ange ett heltal, t.ex. 25."
    if kind in ("float_parsing", "float_type", "decimal_parsing"):
        return "Ange ett tal."
    if kind in ("bool_parsing", "bool_type"):
        return "Ange true eller false."
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return "Ange ett datum som ÅÅÅÅ-MM-DD."
    if kind == "greater_than_equal":
        return f"Värdet ska vara minst {ctx.get('ge')}."
    if kind == "greater_than":
        return f"Värdet ska vara större än {ctx.get('gt')}."
    if kind == "less_than_equal":
        return f"Värdet ska vara högst {ctx.get('le')}."
    if kind == "less_than":
        return f"Värdet ska vara mindre än {ctx.get('lt')}."
    if kind == "string_too_long":
        return f"Värdet får vara högst {ctx.get('max_length')} tecken."
    if kind == "string_too_short":
        return f"Värdet ska vara minst {ctx.get('min_length')} tecken."
    if kind == "string_pattern_mismatch":
        return "Värdet har fel form."
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace(" or ", ", ").split(", ")
        return f"Okänt värde. Tillåtna värden: {_join(expected)}."
    if kind in ("string_type", "string_unicode"):
        return "Ange en text."
    return "Ogiltigt värde."


def _parameter(error: dict) -> str:
    names = [str(part) for part in error.get("loc", ()) if isinstance(part, str)]
    names = [n for n in names if n not in ("query", "path", "params", "body")]
    return names[-1] if names else "okänd"


def parameter_errors(errors: list[dict]) -> list[dict]:
    return [{"parameter": _parameter(e), "meddelande": _message(e)} for e in errors]


def install(api) -> None:
    """The API's handlers for its errors."""
    from ninja.errors import HttpError, ValidationError

    def answer(request, status: int, meddelande: str, fel: list | None = None):
        return api.create_response(
            request, {"meddelande": meddelande, "fel": fel or []}, status=status
        )

    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        fel = parameter_errors(exc.errors)
        text = " ".join(f"{f['parameter']}: {f['meddelande']}" for f in fel)
        return answer(request, 400, f"Fel i parametrarna. {text}", fel)

    @api.exception_handler(Felaktig)
    def felaktig(request, exc):
        return answer(request, 400, exc.meddelande, exc.fel)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        text = str(exc) if exc.args else ""
        return answer(request, 404, text or "Det finns inget sådant.")

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        messages = {405: "Metoden stöds inte: API:t går bara att läsa (GET)."}
        return answer(request, exc.status_code, messages.get(exc.status_code, "Felaktig begäran."))
