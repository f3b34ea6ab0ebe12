"""The reports as pages and PDFs, the public list of adopted reports and Året som gick.

Who may read what is `styrning.permissions.can_view_report`: an adopted report (and every
adopted version) is public, a submitted or approved one is read by the report readers, a
draft by the organisation's internal readers. What a reader may not see is a 404, as for the
documents: no hint that it exists.

The reading page (`las`) shows a draft's live content (`rapportering.rapport_innehall`) and
a frozen report's latest version (an adopted report its adopted version); `version` shows one
frozen version with its checksum checked. A frozen version's PDF is stored by a background
task and served as stored; until it is there, a page says it is being made (202, no
JavaScript needed) and the rendering is enqueued once. A draft's PDF is rendered in the
request.
"""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from styrning import locking, permissions
from styrning.pagecache import public_page
from styrning.pagination import paginate
from uppfoljning import utdata
from uppfoljning.filters_publik import RapportFilter
from uppfoljning.forms_publik import AretSomGickForm
from uppfoljning.models import AretSomGick, Rapport, Rapportversion
from uppfoljning.rapportering import rapport_innehall

PER_PAGE = 25
RETRY_AFTER_SECONDS = 30

FROZEN = (Rapport.Status.INLAMNAD, Rapport.Status.GODKAND, Rapport.Status.ANTAGEN)


def _live_innehall(rapport: Rapport) -> dict:
    """A draft's content as it is now, from the data (U2's `rapportering.rapport_innehall`)."""
    return rapport_innehall(rapport)


# --- Access -------------------------------------------------------------------------------------


def _rapport(pk: int) -> Rapport:
    return get_object_or_404(
        Rapport.objects.select_related(
            "rapportperiod__rapporttyp", "organisation", "antagen_av", "inlamnad_av"
        ),
        pk=pk,
    )


def _can_view_current(user, rapport: Rapport) -> bool:
    return permissions.can_view_report(
        user,
        organisation_id=rapport.organisation_id,
        adopted=rapport.status == Rapport.Status.ANTAGEN,
        submitted=rapport.status in (Rapport.Status.INLAMNAD, Rapport.Status.GODKAND),
    )


def _can_view_version(user, version: Rapportversion) -> bool:
    return permissions.can_view_report(
        user,
        organisation_id=version.rapport.organisation_id,
        adopted=version.slag == Rapportversion.Slag.ANTAGEN,
        submitted=True,
    )


def _visible_versions(user, rapport: Rapport) -> list[Rapportversion]:
    """The frozen versions the user may read, oldest first (the snapshots not loaded)."""
    versions = list(
        rapport.versioner.defer("innehall").select_related("skapad_av").order_by("nummer", "skapad")
    )
    for v in versions:
        v.rapport = rapport
    return [v for v in versions if _can_view_version(user, v)]


def _load(version: Rapportversion) -> Rapportversion:
    """The version with its snapshot."""
    full = Rapportversion.objects.get(pk=version.pk)
    full.rapport = version.rapport
    return full


def _shown(user, rapport: Rapport) -> tuple[Rapportversion | None, dict | None]:
    """What the reading page shows: (a frozen version, None) or (None, the live content);
    Http404 when the user may read neither."""
    versions = _visible_versions(user, rapport)
    if _can_view_current(user, rapport):
        if rapport.status == Rapport.Status.ANTAGEN:
            adopted = [v for v in versions if v.slag == Rapportversion.Slag.ANTAGEN]
            if adopted:
                return _load(adopted[-1]), None
        if rapport.status in FROZEN and versions:
            return _load(versions[-1]), None
        return None, _live_innehall(rapport)
    # A reopened report's adopted version stays a public record.
    adopted = [v for v in versions if v.slag == Rapportversion.Slag.ANTAGEN]
    if adopted:
        return _load(adopted[-1]), None
    raise Http404("Rapporten finns inte eller är inte offentlig.")


def _version(user, rapport: Rapport, nummer: int, slag: str | None) -> Rapportversion:
    versions = [v for v in _visible_versions(user, rapport) if v.nummer == nummer]
    if slag:
        versions = [v for v in versions if v.slag == slag]
    if not versions:
        raise Http404("Versionen finns inte eller är inte offentlig.")
    # The adopted one of a number when there are both: it is the later.
    adopted = [v for v in versions if v.slag == Rapportversion.Slag.ANTAGEN]
    return _load((adopted or versions)[-1])


def _rapport_url(rapport: Rapport) -> str:
    """The chef's report page (U2's "rapport"), when that part is there."""
    try:
        return rapport.get_absolute_url()
    except NoReverseMatch:
        return ""


# --- The reading pages --------------------------------------------------------------------------


def _page_context(request, rapport, version, innehall, versions) -> dict:
    if version is not None:
        innehall = version.innehall
    innehall = innehall or {}
    context = utdata.rapport_context(innehall) if innehall else {"sektioner": []}
    if version is not None:
        pdf_url = reverse("uppfoljning:version_pdf", args=[rapport.pk, version.nummer])
        if version.slag == Rapportversion.Slag.INLAMNAD and any(
            v.nummer == version.nummer and v.slag == Rapportversion.Slag.ANTAGEN for v in versions
        ):
            pdf_url += f"?slag={version.slag}"
        context.update(
            {
                "version": version,
                "fakta": utdata.version_fakta(version),
                "kontrollsumma_ok": utdata.checksum_ok(version),
                "pdf_url": pdf_url,
                "pdf_klar": utdata.has_stored_pdf(version),
            }
        )
    elif innehall:
        context["pdf_url"] = reverse("uppfoljning:pdf", args=[rapport.pk])
        context["pdf_klar"] = True
    context.update(
        {
            "rapport": rapport,
            "innehall_finns": bool(innehall),
            "titel": utdata.rapport_titel(innehall)
            if innehall
            else f"{rapport.rapportperiod.rapporttyp.namn} {rapport.period.ackumulerad_label}",
            "versioner": versions,
            "rapport_url": _rapport_url(rapport)
            if permissions.can_report(request.user, rapport.organisation_id)
            else "",
        }
    )
    return context


@public_page("uppfoljning:rapport:{pk}")
def las(request: HttpRequest, pk: int) -> HttpResponse:
    rapport = _rapport(pk)
    version, live = _shown(request.user, rapport)
    versions = _visible_versions(request.user, rapport)
    return render(
        request,
        "uppfoljning/publik/las.html",
        _page_context(request, rapport, version, live, versions),
    )


@public_page("uppfoljning:rapport:{pk}")
def version(request: HttpRequest, pk: int, nummer: int) -> HttpResponse:
    rapport = _rapport(pk)
    shown = _version(request.user, rapport, nummer, request.GET.get("slag"))
    versions = _visible_versions(request.user, rapport)
    return render(
        request,
        "uppfoljning/publik/las.html",
        _page_context(request, rapport, shown, None, versions),
    )


# --- PDFs ---------------------------------------------------------------------------------------


def _stored_pdf(request: HttpRequest, version: Rapportversion) -> HttpResponse | None:
    storage, name = version.pdf.storage, version.pdf.name
    try:
        modified = int(storage.get_modified_time(name).timestamp())
        size = storage.size(name)
    except FileNotFoundError:
        return None
    etag = '"{}"'.format(hashlib.sha256(f"{name}:{size}:{modified}".encode()).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        response = FileResponse(storage.open(name, "rb"), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="{utdata.pdf_filename(version.innehall, version.nummer)}"'
        )
    response.headers.setdefault("ETag", etag)
    response.headers.setdefault("Last-Modified", http_date(modified))
    if version.slag == Rapportversion.Slag.ANTAGEN:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True)
    return response


def _pending(request: HttpRequest, version: Rapportversion) -> HttpResponse:
    """The PDF is being made: say so, and ask the worker once."""
    utdata.enqueue_pdf(version)
    response = render(
        request,
        "uppfoljning/pdf/gors.html",
        {
            "rapport": version.rapport,
            "version": version,
            "titel": utdata.rapport_titel(version.innehall),
            "pdf_url": request.get_full_path(),
        },
        status=202,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


def _version_pdf(request: HttpRequest, version: Rapportversion) -> HttpResponse:
    if version.pdf:
        response = _stored_pdf(request, version)
        if response is not None:
            return response
    return _pending(request, version)


def _draft_pdf(request: HttpRequest, rapport: Rapport, innehall: dict) -> HttpResponse:
    """A draft changes: rendered in the request, not kept; a 304 to a reader who has it."""
    html = utdata.render_rapport_html(innehall)
    etag = f'"{utdata.content_etag(html)}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(
            utdata.write_pdf(html, identifier=f"styrning-rapport-{rapport.pk}-utkast"),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'inline; filename="{utdata.pdf_filename(innehall)}"'
    response.headers.setdefault("ETag", etag)
    patch_cache_control(response, private=True, no_cache=True)
    return response


@public_page("uppfoljning:rapport:{pk}")
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF of what the reading page shows."""
    rapport = _rapport(pk)
    version, live = _shown(request.user, rapport)
    if version is not None:
        return _version_pdf(request, version)
    if not live:
        raise Http404("Rapporten har inget innehåll ännu.")
    return _draft_pdf(request, rapport, live)


@public_page("uppfoljning:rapport:{pk}")
def version_pdf(request: HttpRequest, pk: int, nummer: int) -> HttpResponse:
    rapport = _rapport(pk)
    return _version_pdf(request, _version(request.user, rapport, nummer, request.GET.get("slag")))


# --- The public list ----------------------------------------------------------------------------


def adopted_reports():
    """The reports with an adopted version: public records, even after a reopening."""
    adopted = Rapportversion.objects.filter(
        rapport=OuterRef("pk"), slag=Rapportversion.Slag.ANTAGEN
    )
    return (
        Rapport.objects.filter(Exists(adopted))
        .select_related("rapportperiod__rapporttyp", "organisation", "antagen_av")
        .order_by(
            "-rapportperiod__ar",
            "-rapportperiod__periodnummer",
            "rapportperiod__rapporttyp__ordning",
            "organisation__ordning",
            "organisation__namn",
            "pk",
        )
    )


@public_page("uppfoljning")
def lista(request: HttpRequest) -> HttpResponse:
    filterset = RapportFilter(request.GET or None, queryset=adopted_reports())
    page = paginate(request, filterset.qs, PER_PAGE)
    return render(
        request,
        "uppfoljning/publik/lista.html",
        {
            "filter": filterset,
            "page": page,
            "url_rapporter": reverse("uppfoljning:lista") + "rapporter/",
            "aret_som_gick": list(
                AretSomGick.objects.filter(publicerad=True).values_list("ar", flat=True)[:10]
            ),
        },
    )


# --- Året som gick ------------------------------------------------------------------------------


def _aret(request: HttpRequest, ar: int) -> AretSomGick:
    """A published year; a controller also sees it unpublished (a preview)."""
    aret = get_object_or_404(AretSomGick.objects.select_related("arsredovisning"), ar=ar)
    if not aret.publicerad and not permissions.is_controller(request.user):
        raise Http404("Året som gick är inte publicerat.")
    return aret


@public_page("uppfoljning")
def aret_som_gick(request: HttpRequest, ar: int) -> HttpResponse:
    aret = _aret(request, ar)
    return render(
        request,
        "uppfoljning/publik/aret_som_gick.html",
        {
            **utdata.aret_som_gick_context(aret),
            "can_edit": permissions.is_controller(request.user),
        },
    )


@public_page("uppfoljning")
def aret_som_gick_pdf(request: HttpRequest, ar: int) -> HttpResponse:
    aret = _aret(request, ar)
    data = utdata.render_aret_som_gick_pdf(aret)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="aret-som-gick-{aret.ar}.pdf"'
    if not aret.publicerad:
        patch_cache_control(response, private=True, no_cache=True)
    return response


@login_required
def aret_som_gick_andra(request: HttpRequest, ar: int) -> HttpResponse:
    """The controller writes Året som gick for a year (made on the first save)."""
    if not permissions.is_controller(request.user):
        raise PermissionDenied("Bara controllers skriver Året som gick.")
    aret = AretSomGick.objects.filter(ar=ar).first()
    form = AretSomGickForm(
        request.POST if request.method == "POST" else None, ar=ar, instance=aret, current=aret
    )
    if form.is_valid():
        try:
            saved = utdata.spara_aret_som_gick(
                user=request.user,
                ar=ar,
                data=form.cleaned_data,
                andringsmarke=form.cleaned_data.get("andringsmarke"),
            )
        except locking.Konflikt as exc:
            form.add_conflict(exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Året som gick {saved.ar} är sparat.")
            return redirect("uppfoljning:aret_som_gick", ar=saved.ar)
    return render(
        request,
        "uppfoljning/publik/aret_som_gick_form.html",
        {"form": form, "ar": ar, "aret": aret},
        status=400 if form.is_bound else 200,
    )
