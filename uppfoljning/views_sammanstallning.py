"""The compilation page of a report: the reports it compiles with status and version, the
summed economy, goal statuses per goal area, the analyses to quote, the action plans, what
adoption still needs, the forms for the law's parts (attachments, balanskrav) and the adopting
body's decision, and what changed after adoption.

Access: those who write the report, controllers, those who read its organisation's reports
(politicians of the bodies above it among them) and the adopting body's secretaries see the
page; anybody else gets a 404, the anonymous the login. A form posted by a reader: 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from styrning import locking, permissions
from uppfoljning import sammanstallning
from uppfoljning.forms_sammanstallning import AntaForm, BalanskravForm, BilagaForm
from uppfoljning.models import Balanskrav, Bilaga, Rapport


def may_view(user, rapport: Rapport) -> bool:
    """Those who write the report, those who read its organisation's reports, and the
    adopting body: its politicians and those who record its decisions (the nämnder's tertial
    reports come to kommunstyrelsen, which is not above them in the tree)."""
    if permissions.can_report(user, rapport.organisation_id) or (
        rapport.organisation_id in permissions.report_reader_ids(user)
    ):
        return True
    organ = sammanstallning.antagande_organ(rapport)
    return organ is not None and (
        organ.pk in permissions.deciding_body_ids(user)
        or sammanstallning.may_adopt(user, rapport, organ)
    )


def _get_rapport_for_user(user, pk: int) -> Rapport:
    rapport = get_object_or_404(
        Rapport.objects.select_related("rapportperiod__rapporttyp", "organisation", "antagen_av"),
        pk=pk,
    )
    if not may_view(user, rapport):
        raise Http404("Rapporten finns inte.")
    return rapport


def _url(rapport: Rapport, anchor: str = "") -> str:
    url = reverse("uppfoljning:sammanstallning", args=[rapport.pk])
    return f"{url}#{anchor}" if anchor else url


def _rapport_url(pk: int) -> str:
    """The report page (U2's), "" while it does not exist."""
    try:
        return reverse("uppfoljning:rapport", args=[pk])
    except NoReverseMatch:
        return ""


def _page(request: HttpRequest, rapport: Rapport, *, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    typ = rapport.rapportperiod.rapporttyp
    organ = sammanstallning.antagande_organ(rapport)
    parts = sammanstallning.delar(rapport)
    oppen = rapport.tar_emot_andringar
    can_edit = sammanstallning.may_edit(user, rapport) and oppen
    can_adopt = (
        sammanstallning.may_adopt(user, rapport, organ) and rapport.status != Rapport.Status.ANTAGEN
    )
    bilageavsnitt = sammanstallning.bilageavsnitt(rapport)
    bilagor = {b.kod: b for b in Bilaga.objects.filter(rapport=rapport)} if bilageavsnitt else {}
    har_balanskrav = sammanstallning.har_balanskrav(rapport)
    balanskrav = Balanskrav.objects.filter(rapport=rapport).first() if har_balanskrav else None
    if can_edit and bilageavsnitt and "bilaga_form" not in forms:
        forms["bilaga_form"] = BilagaForm(avsnitt=bilageavsnitt, prefix="bilaga")
    if can_edit and har_balanskrav and "balanskrav_form" not in forms:
        initial = (
            {f: getattr(balanskrav, f) for f in sammanstallning.BALANSKRAV_FALT}
            | {"kommentar": balanskrav.kommentar}
            if balanskrav
            else {}
        )
        forms["balanskrav_form"] = BalanskravForm(
            current=balanskrav, initial=initial, prefix="balanskrav"
        )
    if can_adopt and "anta_form" not in forms:
        forms["anta_form"] = AntaForm(prefix="anta")
    antagen = sammanstallning.antagen_version(rapport) if organ else None
    analyser = [
        {"organisation": p["organisation"]["namn"], **a}
        for p in parts
        if p["sammanfattning"]
        for a in p["sammanfattning"]["analyser"]
    ]
    atgarder = [
        {"organisation": p["organisation"]["namn"], **a}
        for p in parts
        if p["sammanfattning"]
        for a in p["sammanfattning"]["atgarder"]
    ]
    context = {
        "rapport": rapport,
        "rapport_url": _rapport_url(rapport.pk),
        "typ": typ,
        "organ": organ,
        "delar": [{**d, "url": _rapport_url(d["rapport_id"])} for d in parts],
        "ekonomi": sammanstallning.summerad_ekonomi(rapport, parts),
        "malstatus": sammanstallning.malstatus_per_omrade(parts),
        "analyser": analyser,
        "atgarder": atgarder,
        "saknas": sammanstallning.saknade_delar(rapport, parts)
        if rapport.status != Rapport.Status.ANTAGEN
        else [],
        "bilageavsnitt": [{"avsnitt": a, "bilaga": bilagor.get(a["kod"])} for a in bilageavsnitt],
        "har_balanskrav": har_balanskrav,
        "balanskrav": balanskrav,
        "can_edit": can_edit,
        "can_adopt": can_adopt,
        "antagen": antagen,
        "skillnader": sammanstallning.skillnader(rapport, antagen) if antagen else [],
        **forms,
    }
    return render(request, "uppfoljning/sammanstallning/sida.html", context, status=status)


@login_required
def sida(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _get_rapport_for_user(request.user, pk))


def _editable(request: HttpRequest, pk: int) -> Rapport:
    rapport = _get_rapport_for_user(request.user, pk)
    if not sammanstallning.may_edit(request.user, rapport):
        raise PermissionDenied("Du får inte skriva den här rapporten.")
    return rapport


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def bilaga(request: HttpRequest, pk: int) -> HttpResponse:
    rapport = _editable(request, pk)
    form = BilagaForm(
        request.POST,
        request.FILES,
        avsnitt=sammanstallning.bilageavsnitt(rapport),
        prefix="bilaga",
    )
    if form.is_valid():
        try:
            sammanstallning.spara_bilaga(
                rapport=rapport,
                user=request.user,
                kod=form.cleaned_data["kod"],
                fil=form.cleaned_data.get("fil") or None,
                tabell=form.tabell_data,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Bilagan är sparad.")
            return redirect(_url(rapport, "bilagor"))
    return _page(request, rapport, status=400, bilaga_form=form)


@login_required
@require_POST
def balanskrav(request: HttpRequest, pk: int) -> HttpResponse:
    rapport = _editable(request, pk)
    form = BalanskravForm(request.POST, prefix="balanskrav")
    if form.is_valid():
        data = form.cleaned_data
        try:
            sammanstallning.spara_balanskrav(
                rapport=rapport,
                user=request.user,
                andringsmarke=data.get("andringsmarke") or "",
                kommentar=data.get("kommentar") or "",
                **{f: data.get(f) for f in sammanstallning.BALANSKRAV_FALT},
            )
        except locking.Konflikt as conflict:
            form.add_conflict(conflict)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Balanskravsresultatet är sparat.")
            return redirect(_url(rapport, "balanskrav"))
    return _page(request, rapport, status=400, balanskrav_form=form)


@login_required
@require_POST
def anta(request: HttpRequest, pk: int) -> HttpResponse:
    rapport = _get_rapport_for_user(request.user, pk)
    if not sammanstallning.may_adopt(request.user, rapport):
        raise PermissionDenied("Du får inte registrera beslut om den här rapporten.")
    form = AntaForm(request.POST, prefix="anta")
    if form.is_valid():
        try:
            sammanstallning.anta(rapport=rapport, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Beslutet är registrerat och den antagna versionen fryst.")
            return redirect(_url(rapport, "beslut"))
    return _page(request, rapport, status=400, anta_form=form)


@login_required
def bilagefil(request: HttpRequest, pk: int, kod: str) -> FileResponse:
    """An attached file, to those who see the page."""
    rapport = _get_rapport_for_user(request.user, pk)
    bilaga = get_object_or_404(Bilaga, rapport=rapport, kod=kod)
    if not bilaga.fil:
        raise Http404("Bilagan har ingen fil.")
    return FileResponse(bilaga.fil.open("rb"), as_attachment=True, filename=bilaga.filnamn)
