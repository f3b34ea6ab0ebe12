"""The OParl 1.1 endpoint at /oparl/: read-only JSON, public records only (`oppnadata.oparl`).

Lists follow OParl's list protocol: `data`, `pagination` and `links`, at most 100 objects a
page, and the filters `modified_since`, `modified_until`, `created_since`, `created_until`
(ISO 8601 times; without an offset a time is read in Europe/Stockholm) and `limit` (1–100).
With `modified_since`, objects that left the endpoint in the window are listed as deleted. An
object whose time is not known (a body entered before its history began, a term of office) is
in every window, so that a harvester never misses one.

Bad input (a parameter of the wrong type, out of range, given twice, or not one of those above;
a page past the last) is answered 400 with a JSON body in Swedish that names each parameter,
never 500; an object that does not exist is a JSON 404.
"""

import datetime
import math
from collections.abc import Callable

from django import forms
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe

from oppnadata import oparl
from styrning.forms import Form

LIST_PARAMETERS = (
    "page",
    "limit",
    "modified_since",
    "modified_until",
    "created_since",
    "created_until",
)
# The largest id and version number the database holds (a larger one in a path is no object).
MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1
TIME_HELP = "Ange en tid enligt ISO 8601, t.ex. 2026-01-31T12:00:00+01:00."


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data,
        status=status,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )
    # OParl clients run in browsers on other sites too (the spec asks for CORS).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _bad_request(errors: dict[str, str]) -> JsonResponse:
    return _json(
        {
            "fel": "Felaktiga parametrar: " + " ".join(errors.values()),
            "parametrar": errors,
        },
        status=400,
    )


def _not_found() -> JsonResponse:
    return _json({"fel": "Objektet finns inte i OParl-gränssnittet."}, status=404)


def _parse_time(value: str) -> datetime.datetime:
    """An ISO 8601 time, or a date (its first moment). A `+` sent unencoded arrives as a space
    and is read as the `+` it was."""
    text = value.strip()
    if "T" in text and " " in text:
        text = text.replace(" ", "+")
    try:
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text)
            if day is not None:
                parsed = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        parsed = None
    if parsed is None:
        raise forms.ValidationError(TIME_HELP)
    try:
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        parsed.astimezone(datetime.UTC)  # a time that has no UTC (year 1 at +14:00)
    except (OverflowError, ValueError):
        raise forms.ValidationError("Tiden ligger utanför det som går att räkna med.") from None
    return parsed


class ListParameters(Form):
    """The query parameters of an OParl list, on the guard every form stands on (no control
    characters, dates between 1850 and 2200)."""

    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": "Parametern page ska vara ett heltal, 1 eller större.",
            "min_value": "Parametern page ska vara ett heltal, 1 eller större.",
        },
    )
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=oparl.MAX_PER_PAGE,
        error_messages={
            "invalid": f"Parametern limit ska vara ett heltal från 1 till {oparl.MAX_PER_PAGE}.",
            "min_value": f"Parametern limit ska vara ett heltal från 1 till {oparl.MAX_PER_PAGE}.",
            "max_value": f"Parametern limit ska vara ett heltal från 1 till {oparl.MAX_PER_PAGE}.",
        },
    )
    modified_since = forms.CharField(required=False, strip=False)
    modified_until = forms.CharField(required=False, strip=False)
    created_since = forms.CharField(required=False, strip=False)
    created_until = forms.CharField(required=False, strip=False)

    def _time(self, name: str) -> datetime.datetime | None:
        value = self.cleaned_data.get(name)
        if not value:
            return None
        try:
            return _parse_time(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(f"Parametern {name}: {exc.messages[0]}") from None

    def clean_modified_since(self):
        return self._time("modified_since")

    def clean_modified_until(self):
        return self._time("modified_until")

    def clean_created_since(self):
        return self._time("created_since")

    def clean_created_until(self):
        return self._time("created_until")

    def clean(self):
        data = super().clean()
        for kind in ("modified", "created"):
            since, until = data.get(f"{kind}_since"), data.get(f"{kind}_until")
            if since and until and since > until:
                self.add_error(
                    f"{kind}_until",
                    f"Parametern {kind}_until ligger före {kind}_since.",
                )
        return data


def _unknown_or_repeated(request: HttpRequest, allowed: tuple[str, ...]) -> dict[str, str]:
    errors = {}
    for name in request.GET:
        if name not in allowed:
            shown = name[:40]
            if allowed:
                errors[shown] = (
                    f"Parametern {shown} finns inte här; listorna tar " + ", ".join(allowed) + "."
                )
            else:
                errors[shown] = f"Parametern {shown} finns inte: ett enskilt objekt tar inga."
        elif len(request.GET.getlist(name)) > 1:
            errors[name] = f"Parametern {name} får bara anges en gång."
    return errors


def _named(name: str, message: str) -> str:
    """A message that names its parameter (Django's own, e.g. for a null character, do not)."""
    return message if message.startswith("Parametern") else f"Parametern {name}: {message}"


def _parameters(request: HttpRequest) -> tuple[dict | None, JsonResponse | None]:
    errors = _unknown_or_repeated(request, LIST_PARAMETERS)
    if errors:
        return None, _bad_request(errors)
    form = ListParameters(request.GET)
    if not form.is_valid():
        return None, _bad_request(
            {name: _named(name, " ".join(msgs)) for name, msgs in form.errors.items()}
        )
    return form.cleaned_data, None


def _in_window(qs, params: dict):
    """Objects changed (created) in the asked window; one whose time is unknown is in every
    window (module docstring)."""
    for kind, field in (("modified", "oparl_modified"), ("created", "oparl_created")):
        unknown = Q(**{f"{field}__isnull": True})
        if params[f"{kind}_since"]:
            qs = qs.filter(unknown | Q(**{f"{field}__gte": params[f"{kind}_since"]}))
        if params[f"{kind}_until"]:
            qs = qs.filter(unknown | Q(**{f"{field}__lte": params[f"{kind}_until"]}))
    return qs


def _link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return oparl.absolute(request.path) + "?" + query.urlencode()


def _list(
    request: HttpRequest,
    params: dict,
    *,
    count: int,
    fetch: Callable[[int, int], list[dict]],
    deleted: list[dict] = (),
) -> JsonResponse:
    """One page of an OParl list: the live objects (`count` of them, `fetch(offset, limit)`
    serializes a slice) and then the deleted ones."""
    per_page = params["limit"] or oparl.MAX_PER_PAGE
    total = count + len(deleted)
    pages = max(1, math.ceil(total / per_page))
    page = params["page"] or 1
    if page > pages:
        sidor = "en sida" if pages == 1 else f"{pages} sidor"
        return _bad_request({"page": f"Sidan {page} finns inte: listan har {sidor}."})
    offset = (page - 1) * per_page
    data = fetch(offset, per_page) if offset < count else []
    start = max(0, offset - count)
    data += list(deleted[start : start + per_page - len(data)])
    links = {"first": _link(request, 1)}
    if page > 1:
        links["prev"] = _link(request, page - 1)
    if page < pages:
        links["next"] = _link(request, page + 1)
    links["last"] = _link(request, pages)
    links["self"] = _link(request, page)
    return _json(
        {
            "data": data,
            "pagination": {
                "totalElements": total,
                "elementsPerPage": per_page,
                "currentPage": page,
                "totalPages": pages,
            },
            "links": links,
        }
    )


def _object(request: HttpRequest, obj: dict | None) -> JsonResponse:
    errors = _unknown_or_repeated(request, ())
    if errors:
        return _bad_request(errors)
    if obj is None:
        return _not_found()
    return _json(obj)


def _fixed_list(request: HttpRequest, objects: list[dict]) -> JsonResponse:
    """A short list whose objects carry no time (the body, the terms, the empty lists): every
    window holds them all."""
    params, error = _parameters(request)
    if error:
        return error
    return _list(
        request,
        params,
        count=len(objects),
        fetch=lambda offset, limit: objects[offset : offset + limit],
    )


# --- Views --------------------------------------------------------------------------------------


@require_safe
def system(request: HttpRequest) -> JsonResponse:
    return _object(request, oparl.system())


@require_safe
def bodies(request: HttpRequest) -> JsonResponse:
    return _fixed_list(request, [oparl.body(oparl.legislative_terms())])


@require_safe
def body(request: HttpRequest) -> JsonResponse:
    return _object(request, oparl.body(oparl.legislative_terms()))


@require_safe
def people(request: HttpRequest) -> JsonResponse:
    """The system keeps no register of elected persons: an empty list."""
    return _fixed_list(request, [])


@require_safe
def meetings(request: HttpRequest) -> JsonResponse:
    """The system keeps no meetings (only the decisions, as Consultations): an empty list."""
    return _fixed_list(request, [])


@require_safe
def legislative_terms(request: HttpRequest) -> JsonResponse:
    return _fixed_list(request, [oparl.legislative_term(t) for t in oparl.legislative_terms()])


@require_safe
def legislative_term(request: HttpRequest, start_ar: int) -> JsonResponse:
    term = next((t for t in oparl.legislative_terms() if t.start_ar == start_ar), None)
    return _object(request, oparl.legislative_term(term) if term else None)


def _deleted_organizations(params: dict) -> list[dict]:
    if not params["modified_since"]:
        return []
    rows = oparl.removed_organisations().filter(tid__gte=params["modified_since"])
    if params["modified_until"]:
        rows = rows.filter(tid__lte=params["modified_until"])
    return [
        oparl.deleted("Organization", oparl.url("oparl_organization", r["id"]), r["tid"])
        for r in rows
    ]


@require_safe
def organizations(request: HttpRequest) -> JsonResponse:
    params, error = _parameters(request)
    if error:
        return error
    live = _in_window(oparl.political_organisations(), params)
    return _list(
        request,
        params,
        count=live.count(),
        fetch=lambda offset, limit: [oparl.organization(o) for o in live[offset : offset + limit]],
        deleted=_deleted_organizations(params),
    )


@require_safe
def organization(request: HttpRequest, pk: int) -> JsonResponse:
    if pk > MAX_ID:
        return _object(request, None)
    org = oparl.political_organisations().filter(pk=pk).first()
    if org is not None:
        return _object(request, oparl.organization(org))
    gone = oparl.removed_organisations().filter(id=pk).first()
    if gone is not None:
        obj = oparl.deleted("Organization", oparl.url("oparl_organization", pk), gone["tid"])
        return _object(request, obj)
    return _object(request, None)


def _papers(versions) -> list[dict]:
    versions = list(versions)
    numbers = oparl.sibling_numbers(versions)
    return [oparl.paper(v, numbers.get(v.dokument_id, [])) for v in versions]


@require_safe
def papers(request: HttpRequest) -> JsonResponse:
    params, error = _parameters(request)
    if error:
        return error
    live = _in_window(oparl.public_versions(), params)
    return _list(
        request,
        params,
        count=live.count(),
        fetch=lambda offset, limit: _papers(live[offset : offset + limit]),
    )


def _version(dokument: int, version: int):
    if dokument > MAX_ID or version > MAX_VERSION:
        return None
    return oparl.public_versions().filter(dokument_id=dokument, versionsnummer=version).first()


@require_safe
def paper(request: HttpRequest, dokument: int, version: int) -> JsonResponse:
    found = _version(dokument, version)
    return _object(request, _papers([found])[0] if found else None)


@require_safe
def file_pdf(request: HttpRequest, dokument: int, version: int) -> JsonResponse:
    found = _version(dokument, version)
    return _object(request, oparl.file_pdf(found, standalone=True) if found else None)


@require_safe
def file_original(request: HttpRequest, dokument: int, version: int) -> JsonResponse:
    found = _version(dokument, version)
    has_file = found is not None and bool(found.fil)
    return _object(request, oparl.file_original(found, standalone=True) if has_file else None)


@require_safe
def consultation(request: HttpRequest, dokument: int, version: int) -> JsonResponse:
    found = _version(dokument, version)
    has_one = found is not None and oparl.has_consultation(found)
    return _object(request, oparl.consultation(found) if has_one else None)
