"""The API's operations: one list (paginated, filtered) and one detail per resource. Every
operation is anonymous and read-only: whoever asks, the answer holds public data only (the
reads of `oppnadata.api.queries`)."""

import mimetypes
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from ninja import Path, Query, Router

from dokument.filters import DokumentFilter
from dokument.pdf import pdf_filename
from mal.fulfilment import status_label
from mal.models import Indikator, Malomrade
from mal.models import Mal as MalModel
from mal.queries import covering_year
from oppnadata.api import queries
from oppnadata.api import schemas as s
from oppnadata.api.errors import Felaktig
from styrning.models import Organisation
from styrning.periods import Period
from uppfoljning import utdata
from uppfoljning.filters_publik import RapportFilter
from uppfoljning.views_publik import adopted_reports

router = Router()

FEL = {400: s.Fel, 404: s.Fel}
ID = Path(..., ge=1, le=s.MAX_ID, description="Id:t.")


# --- Helpers ------------------------------------------------------------------------------------


def _url(request: HttpRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _num(value) -> str | None:
    """A decimal as data: exact, with a decimal point, without trailing zeros."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    return f"{number.normalize():f}"


def _text(value) -> str:
    return "" if value is None else str(value)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _dicts(value) -> list[dict]:
    """The objects of a snapshot's list (a frozen version is read as stored, whatever it holds)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _check_known(request: HttpRequest, params: type[s.Schema]) -> None:
    """A parameter the operation does not know is refused (a misspelt filter would otherwise
    answer with everything)."""
    unknown = sorted(set(request.GET) - set(params.model_fields))
    if unknown:
        known = ", ".join(sorted(params.model_fields))
        raise Felaktig(
            f"Okänd parameter: {', '.join(unknown)}. Tillåtna parametrar: {known}.",
            [{"parameter": name, "meddelande": "Okänd parameter."} for name in unknown],
        )


def _page(request: HttpRequest, queryset, params: s.Sidparametrar) -> tuple[dict, list]:
    """The page's rows and its counts and links: two queries (the count and the rows)."""
    total = queryset.count()
    rows = list(queryset[params.offset : params.offset + params.limit])

    def link(offset: int) -> str:
        query = request.GET.copy()
        query["offset"] = str(offset)
        query["limit"] = str(params.limit)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    after = params.offset + params.limit
    info = {
        "antal": total,
        "limit": params.limit,
        "offset": params.offset,
        "nasta": link(after) if after < total else None,
        "foregaende": link(max(params.offset - params.limit, 0)) if params.offset > 0 else None,
    }
    return info, rows


NO_ORGANISATION = "Det finns ingen organisation med id {pk}."


def _exists(model, pk: int | None, parameter: str, message: str) -> None:
    """An id a filter names must be there: an unknown one is a 400, not an empty list."""
    if pk is not None and not model.objects.filter(pk=pk).exists():
        text = message.format(pk=pk)
        raise Felaktig(text, [{"parameter": parameter, "meddelande": text}])


def _filterset(filterset_class, params: s.Schema, names: list[str], queryset):
    """A list filter of the pages, fed the API's parameters: the same filtering, the same
    messages. Its errors are a 400."""
    data = QueryDict(mutable=True)
    for name in names:
        value = getattr(params, name)
        if value is not None:
            data[name] = str(value)
    filterset = filterset_class(data or None, queryset=queryset)
    if filterset.is_bound and not filterset.is_valid():
        fel = [
            {"parameter": field, "meddelande": " ".join(messages)}
            for field, messages in filterset.form.errors.items()
        ]
        raise Felaktig(
            "Fel i parametrarna: " + " ".join(f"{f['parameter']}: {f['meddelande']}" for f in fel),
            fel,
        )
    return filterset.qs


def _ref(org: Organisation | None) -> dict | None:
    if org is None:
        return None
    return {"id": org.pk, "kod": org.kod, "namn": org.namn}


# --- Organisations ------------------------------------------------------------------------------


def _organisation(request, org: Organisation) -> dict:
    return {
        "id": org.pk,
        "kod": org.kod,
        "namn": org.namn,
        "kortnamn": org.kortnamn,
        "forkortning": org.forkortning,
        "typ": org.typ,
        "typ_namn": org.get_typ_display(),
        "overordnad_id": org.overordnad_id,
        "aktiv_fran": org.aktiv_fran,
        "aktiv_till": org.aktiv_till,
        "url": _url(request, "organisation_detalj", org.pk),
    }


@router.get(
    "/organisationer/",
    response={200: s.OrganisationSida, **FEL},
    summary="Organisationsträdet",
    url_name="organisationer",
    tags=["Organisationer"],
)
def organisationer(request, params: Query[s.OrganisationParametrar]):
    """Kommunens organ och förvaltningsorganisation, med typ och överordnad: trädet byggs av
    overordnad_id. I trädets ordning."""
    _check_known(request, s.OrganisationParametrar)
    qs = queries.organisations()
    if params.typ:
        qs = qs.filter(typ=params.typ)
    if params.overordnad is not None:
        _exists(Organisation, params.overordnad, "overordnad", NO_ORGANISATION)
        qs = qs.filter(overordnad_id=params.overordnad)
    info, rows = _page(request, qs, params)
    return {**info, "resultat": [_organisation(request, o) for o in rows]}


@router.get(
    "/organisationer/{id}/",
    response={200: s.Organisation, **FEL},
    summary="En organisation",
    url_name="organisation",
    tags=["Organisationer"],
)
def organisation(request, id: int = ID):
    """En organisation med typ, överordnad och kod."""
    _check_known(request, s.Schema)
    org = queries.organisations().filter(pk=id).first()
    if org is None:
        raise Http404("Det finns ingen organisation med det id:t.")
    return _organisation(request, org)


# --- Documents ----------------------------------------------------------------------------------


def _files(request, dokument_id: int, v) -> list[dict]:
    files = [
        {
            "url": _url(request, "dokument:version_pdf", dokument_id, v.versionsnummer),
            "namn": pdf_filename(v),
            "mediatyp": "application/pdf",
            "slag": "pdf",
        }
    ]
    if v.fil:
        files.append(
            {
                "url": _url(request, "dokument:fil", dokument_id, v.versionsnummer),
                "namn": v.fil_namn,
                "mediatyp": mimetypes.guess_type(v.fil_namn)[0] or "application/octet-stream",
                "slag": "original",
            }
        )
    return files


def _version(request, dokument_id: int, v, with_text: bool) -> dict:
    row = {
        "versionsnummer": v.versionsnummer,
        "url": _url(request, "dokument:version", dokument_id, v.versionsnummer),
        "pdf_url": _url(request, "dokument:version_pdf", dokument_id, v.versionsnummer),
        "aktuell": v.ar_aktuell,
        "titel": v.titel,
        "diarienummer": v.diarienummer,
        "faststalld_av": _ref(v.faststalld_av),
        "beslutsdatum": v.beslutsdatum,
        "paragraf": v.paragraf,
        "giltig_fran": v.giltig_fran,
        "giltig_till": v.giltig_till,
        "reviderad_datum": v.reviderad_datum,
        "publicerad": v.publicerad_tid,
        "giltighetsomrade": sorted(o.pk for o in v.giltighetsomrade.all()),
        "filer": _files(request, dokument_id, v),
    }
    if with_text:
        row["text"] = v.text
    return row


def _dokument(request, d, *, with_text: bool = False) -> dict:
    current = d.aktuell_version
    return {
        "id": d.pk,
        "url": _url(request, "dokument:detalj", d.pk),
        "titel": current.titel,
        "typ": {"id": d.typ_id, "namn": d.typ.namn},
        "agare": _ref(d.agare),
        "status": "utgangen" if d.ar_utgangen else d.status,
        "status_namn": d.status_display,
        "diarienummer": current.diarienummer,
        "kfs_nummer": d.kfs_nummer,
        "upphavd_datum": d.upphavd_datum,
        "upphavd_beslut": d.upphavd_beslut,
        "aktuell_version": current.versionsnummer,
        "versioner": [_version(request, d.pk, v, with_text) for v in d.publicerade],
        "lankar": [
            {
                "typ": link.typ,
                "typ_namn": link.get_typ_display(),
                "fran_id": link.fran_id,
                "till_id": link.till_id,
            }
            for link in d.lankar
        ],
    }


DOKUMENT_FILTER = ["q", "typ", "organ", "omfattar", "status", "ar", "sortering"]


@router.get(
    "/dokument/",
    response={200: s.DokumentSida, **FEL},
    summary="Publicerade styrdokument",
    url_name="dokument_lista",
    tags=["Styrdokument"],
)
def dokument_lista(request, params: Query[s.DokumentParametrar]):
    """De publicerade styrdokumenten med sina publicerade versioner, filer och länkar,
    filtrerade som dokumentlistan på webbplatsen. Utkast och opublicerade versioner finns
    aldrig med."""
    _check_known(request, s.DokumentParametrar)
    qs = _filterset(DokumentFilter, params, DOKUMENT_FILTER, queries.published_documents())
    info, rows = _page(request, qs, params)
    queries.with_document_details(rows)
    return {**info, "resultat": [_dokument(request, d) for d in rows]}


@router.get(
    "/dokument/{id}/",
    response={200: s.DokumentDetalj, **FEL},
    summary="Ett publicerat styrdokument",
    url_name="dokument",
    tags=["Styrdokument"],
)
def dokument(request, id: int = ID):
    """Ett publicerat styrdokument med alla publicerade versioner och deras text."""
    _check_known(request, s.Schema)
    found = list(queries.published_documents().filter(pk=id))
    if not found:
        raise Http404("Det finns inget publicerat dokument med det id:t.")
    queries.with_document_details(found, with_text=True)
    return _dokument(request, found[0], with_text=True)


# --- Goals --------------------------------------------------------------------------------------


def _mal(request, m) -> dict:
    return {
        "id": m.pk,
        "url": _url(request, "mal:detalj", m.pk),
        "nummer": m.nummer,
        "titel": m.titel,
        "beskrivning": m.beskrivning,
        "typ": m.typ,
        "typ_namn": m.get_typ_display(),
        "agare": _ref(m.agare),
        "budgetar": m.budgetar.ar if m.budgetar_id else None,
        "mandatperiod": str(m.mandatperiod) if m.mandatperiod_id else None,
        "forsta_ar": m.forsta_ar,
        "sista_ar": m.sista_ar,
        "malomrade": {"id": m.malomrade_id, "namn": m.malomrade.namn} if m.malomrade_id else None,
        "bidrar_till": [p.pk for p in m.publika_overordnade],
        "krav_uppfyllt": m.krav_uppfyllt,
        "uppfoljning": m.uppfoljning,
        "regel": m.regel,
        "indikatorer": [i.pk for i in m.indikator_ids],
    }


@router.get(
    "/mal/",
    response={200: s.MalSida, **FEL},
    summary="Antagna mål",
    url_name="mal_lista",
    tags=["Mål och indikatorer"],
)
def mal_lista(request, params: Query[s.MalParametrar]):
    """De antagna målen (mål i utkast finns aldrig med), filtrerade på organisation, nivå
    (organisationens typ), måltyp, år och målområde."""
    _check_known(request, s.MalParametrar)
    qs = queries.public_goals().order_by("pk")
    if params.organisation is not None:
        _exists(Organisation, params.organisation, "organisation", NO_ORGANISATION)
        qs = qs.filter(agare_id=params.organisation)
    if params.organisationstyp:
        qs = qs.filter(agare__typ=params.organisationstyp)
    if params.typ:
        qs = qs.filter(typ=params.typ)
    if params.ar is not None:
        qs = qs.filter(covering_year(params.ar))
    if params.malomrade is not None:
        _exists(Malomrade, params.malomrade, "malomrade", "Det finns inget målområde med id {pk}.")
        qs = qs.filter(malomrade_id=params.malomrade)
    info, rows = _page(request, qs, params)
    queries.with_goal_details(rows)
    return {**info, "resultat": [_mal(request, m) for m in rows]}


@router.get(
    "/mal/{id}/",
    response={200: s.Mal, **FEL},
    summary="Ett antaget mål",
    url_name="mal",
    tags=["Mål och indikatorer"],
)
def mal(request, id: int = ID):
    """Ett antaget mål med de mål det bidrar till och dess indikatorer."""
    _check_known(request, s.Schema)
    found = list(queries.public_goals().filter(pk=id))
    if not found:
        raise Http404("Det finns inget antaget mål med det id:t.")
    return _mal(request, queries.with_goal_details(found)[0])


def _malvarde(t) -> dict:
    return {"id": t.pk, "indikator_id": t.indikator_id, "ar": t.ar, "varde": _num(t.varde)}


def _indikator(request, i) -> dict:
    return {
        "id": i.pk,
        "url": request.build_absolute_uri(i.get_absolute_url()),
        "mal_id": i.mal_id,
        "matt_for": _ref(i.matt_for),
        "namn": i.namn,
        "enhet": i.enhet,
        "riktning": i.riktning,
        "decimaler": i.decimaler,
        "kalla": i.kalla,
        "kpi_id": i.kpi_id,
        "konsuppdelad": i.konsuppdelad,
        "utgangsvarde": _num(i.utgangsvarde),
        "utgangsar": i.utgangsar,
        "tolerans": _num(i.tolerans),
        "malvarden": [_malvarde(t) for t in i.malvarden.all()],
    }


@router.get(
    "/indikatorer/",
    response={200: s.IndikatorSida, **FEL},
    summary="Indikatorer",
    url_name="indikatorer",
    tags=["Mål och indikatorer"],
)
def indikatorer(request, params: Query[s.IndikatorParametrar]):
    """Indikatorerna för de antagna målen, med målvärden per år."""
    _check_known(request, s.IndikatorParametrar)
    qs = queries.indicators()
    if params.mal is not None:
        _exists(MalModel, params.mal, "mal", "Det finns inget mål med id {pk}.")
        qs = qs.filter(mal_id=params.mal)
    if params.organisation is not None:
        _exists(Organisation, params.organisation, "organisation", NO_ORGANISATION)
        qs = qs.filter(matt_for_id=params.organisation)
    if params.kalla:
        qs = qs.filter(kalla=params.kalla)
    info, rows = _page(request, qs, params)
    return {**info, "resultat": [_indikator(request, i) for i in rows]}


@router.get(
    "/indikatorer/{id}/",
    response={200: s.Indikator, **FEL},
    summary="En indikator",
    url_name="indikator",
    tags=["Mål och indikatorer"],
)
def indikator(request, id: int = ID):
    """En indikator för ett antaget mål, med målvärden per år."""
    _check_known(request, s.Schema)
    found = queries.indicators().filter(pk=id).first()
    if found is None:
        raise Http404("Det finns ingen indikator för ett antaget mål med det id:t.")
    return _indikator(request, found)


@router.get(
    "/malvarden/",
    response={200: s.MalvardeSida, **FEL},
    summary="Målvärden",
    url_name="malvarden",
    tags=["Mål och indikatorer"],
)
def malvarden(request, params: Query[s.MalvardeParametrar]):
    """Indikatorernas målvärden per år (för de antagna målen)."""
    _check_known(request, s.MalvardeParametrar)
    qs = queries.targets()
    if params.indikator is not None:
        _exists(Indikator, params.indikator, "indikator", "Det finns ingen indikator med id {pk}.")
        qs = qs.filter(indikator_id=params.indikator)
    if params.ar is not None:
        qs = qs.filter(ar=params.ar)
    info, rows = _page(request, qs, params)
    return {**info, "resultat": [_malvarde(t) for t in rows]}


def _varde(v) -> dict:
    return {
        "id": v.pk,
        "indikator_id": v.indikator_id,
        "organisation": _ref(v.organisation),
        "period": v.period.kod,
        "ar": v.ar,
        "periodtyp": v.periodtyp,
        "periodnummer": v.periodnummer,
        "totalt": _num(v.totalt),
        "kvinnor": _num(v.kvinnor),
        "man": _num(v.man),
        "kommentar": v.kommentar,
    }


@router.get(
    "/varden/",
    response={200: s.VardeSida, **FEL},
    summary="Indikatorvärden",
    url_name="varden",
    tags=["Mål och indikatorer"],
)
def varden(request, params: Query[s.VardeParametrar]):
    """Uppmätta värden för indikatorerna: slutliga värden för avslutade perioder
    (preliminära värden och pågående perioder finns inte med)."""
    _check_known(request, s.VardeParametrar)
    qs = queries.public_values(timezone.localdate())
    if params.indikator is not None:
        _exists(Indikator, params.indikator, "indikator", "Det finns ingen indikator med id {pk}.")
        qs = qs.filter(indikator_id=params.indikator)
    if params.organisation is not None:
        _exists(Organisation, params.organisation, "organisation", NO_ORGANISATION)
        qs = qs.filter(organisation_id=params.organisation)
    if params.period:
        try:
            period = Period.parse(params.period)
        except ValidationError as exc:
            raise Felaktig(
                " ".join(exc.messages), [{"parameter": "period", "meddelande": exc.messages[0]}]
            ) from None
        qs = qs.filter(ar=period.ar, periodtyp=period.typ, periodnummer=period.nummer)
    if params.ar is not None:
        qs = qs.filter(ar=params.ar)
    info, rows = _page(request, qs, params)
    return {**info, "resultat": [_varde(v) for v in rows]}


# --- Adopted reports ----------------------------------------------------------------------------


def _rapport(request, r) -> dict:
    version = r.antagna[0]
    typ = r.rapportperiod.rapporttyp
    return {
        "id": r.pk,
        "url": _url(request, "uppfoljning:version", r.pk, version.nummer),
        "pdf_url": _url(request, "uppfoljning:version_pdf", r.pk, version.nummer),
        "titel": f"{typ.namn} {r.period.ackumulerad_label}",
        "typ": {"id": typ.pk, "kod": typ.kod, "namn": typ.namn},
        "organisation": _ref(r.organisation),
        "period": r.period.kod,
        "ar": r.rapportperiod.ar,
        "antagen_av": _ref(r.antagen_av),
        "beslutsdatum": r.beslutsdatum,
        "paragraf": r.paragraf,
        "diarienummer": r.diarienummer,
        "version": version.nummer,
        "antagen": version.skapad,
    }


def _ekonomirad(rad) -> dict:
    rad = rad if isinstance(rad, dict) else {}
    return {
        "organisation_id": _int(rad.get("organisation_id")),
        "kod": _text(rad.get("kod")),
        "namn": _text(rad.get("namn")) or "Totalt",
        **{
            key: _num(rad.get(key))
            for key in (
                "budget_ar",
                "budget_hittills",
                "utfall_hittills",
                "utfall_hittills_fg",
                "prognos",
                "foregaende_prognos",
                "avvikelse",
                "forbrukat_procent",
            )
        },
    }


def _malbedomning(goal) -> dict:
    goal = goal if isinstance(goal, dict) else {}
    utfall = utdata.goal_status(goal)
    return {
        "id": _int(goal.get("id")),
        "nummer": _text(goal.get("nummer")),
        "titel": _text(goal.get("titel")),
        "malomrade": _text(goal.get("malomrade")),
        "utfall": utfall,
        "utfall_namn": status_label(utfall),
        "forslag": _text(goal.get("forslag")),
        "analys": _text(goal.get("analys")),
        "indikatorer": [
            {
                "id": _int(i.get("id")),
                "namn": _text(i.get("namn")),
                "enhet": _text(i.get("enhet")),
                "varde": _num(i.get("varde")),
                "malvarde": _num(i.get("malvarde")),
            }
            for i in _dicts(goal.get("indikatorer"))
        ],
    }


RAPPORT_FILTER = ["organ", "typ", "ar"]


@router.get(
    "/rapporter/",
    response={200: s.RapportSida, **FEL},
    summary="Antagna uppföljningsrapporter",
    url_name="rapporter",
    tags=["Uppföljning"],
)
def rapporter(request, params: Query[s.RapportParametrar]):
    """De antagna rapporterna (den senast antagna versionen), filtrerade på organ, rapporttyp
    och år som listan på webbplatsen. Rapporter som inte antagits finns aldrig med."""
    _check_known(request, s.RapportParametrar)
    qs = _filterset(RapportFilter, params, RAPPORT_FILTER, adopted_reports())
    info, rows = _page(request, qs, params)
    queries.with_report_versions(rows)
    return {**info, "resultat": [_rapport(request, r) for r in rows]}


@router.get(
    "/rapporter/{id}/",
    response={200: s.RapportDetalj, **FEL},
    summary="En antagen rapport med ekonomi och målbedömningar",
    url_name="rapport",
    tags=["Uppföljning"],
)
def rapport(request, id: int = ID):
    """En antagen rapport: ekonomin och målens bedömningar som de står i den senast antagna
    versionen."""
    _check_known(request, s.Schema)
    found = list(adopted_reports().filter(pk=id))
    if not found:
        raise Http404("Det finns ingen antagen rapport med det id:t.")
    r = queries.with_report_versions(found)[0]
    version = r.antagna[0]
    innehall = queries.snapshot(version)
    head = innehall.get("rapport") if isinstance(innehall.get("rapport"), dict) else {}
    ekonomi = innehall.get("ekonomi") if isinstance(innehall.get("ekonomi"), dict) else {}
    total = ekonomi.get("total")
    return {
        **_rapport(request, r),
        "kontrollsumma": version.kontrollsumma,
        "beloppsenhet": _text(head.get("beloppsenhet")) or "tkr",
        "ekonomi": {
            "rader": [_ekonomirad(rad) for rad in _dicts(ekonomi.get("rader"))],
            "total": _ekonomirad(total) if isinstance(total, dict) else None,
        },
        "mal": [_malbedomning(goal) for goal in _dicts(innehall.get("mal"))],
    }
