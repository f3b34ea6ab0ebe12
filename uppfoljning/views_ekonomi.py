"""The economy's pages: the chef's forecast for a report (the table and one form per
verksamhet; the report page includes the same partials), the controller's import of the
economy system's file (check first, then import) and the hand entry of budget and outcome.

Access: a report the user may not see is a 404, one they may see but not report for a 403;
the import is for controllers (others with a role: 403, without any: 404)."""

import base64
import binascii

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from styrning import locking, permissions
from styrning.queries import organisation_tree
from uppfoljning import ekonomi
from uppfoljning.forms_ekonomi import (
    EkonomiradForm,
    ForhandsgranskadImportForm,
    ImportForm,
    PrognosForm,
)
from uppfoljning.models import Ekonomirad, Rapport

# Rows entered by hand listed on the entry page, at most.
HOGST_RADER = 100

INLAMNADE = frozenset({Rapport.Status.INLAMNAD, Rapport.Status.GODKAND, Rapport.Status.ANTAGEN})


def _get_rapport_for_user(user, pk: int) -> Rapport:
    """A report the user may see (404 otherwise)."""
    rapport = get_object_or_404(
        Rapport.objects.select_related("rapportperiod__rapporttyp", "organisation"), pk=pk
    )
    if not permissions.can_view_report(
        user,
        organisation_id=rapport.organisation_id,
        adopted=rapport.status == Rapport.Status.ANTAGEN,
        submitted=rapport.status in INLAMNADE,
    ):
        raise Http404("Rapporten finns inte.")
    return rapport


def _get_rapport_to_report(user, pk: int) -> Rapport:
    rapport = _get_rapport_for_user(user, pk)
    if not permissions.can_report(user, rapport.organisation_id):
        raise PermissionDenied("Du kan inte rapportera för den här rapporten.")
    return rapport


def rapport_url(rapport: Rapport) -> str:
    """The report page (U2's); this part's own page while that does not exist."""
    try:
        return rapport.get_absolute_url()
    except NoReverseMatch:
        return reverse("uppfoljning:ekonomi_prognos", args=[rapport.pk])


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def prognos_context(rapport: Rapport, user, *, bound: PrognosForm | None = None) -> dict:
    """What the economy partials read (`_tabell.html`, `_prognos.html`): the table, the unit
    and, for those who report for the report's organisation, a forecast form per verksamhet
    and for the total, each with the system's proposal in one sentence. `bound`: a refused
    form to show in its place, with its errors. For the report page (U2) too."""
    data = ekonomi.ekonomi_for_rapport(rapport)
    enhet = rapport.rapportperiod.rapporttyp.beloppsenhet
    context = {
        "ekonomi": data,
        "beloppsenhet": enhet,
        "prognos_url": reverse("uppfoljning:ekonomi_prognos", args=[rapport.pk]),
        "prognos_oppen": rapport.tar_emot_andringar,
        "prognos_formular": [],
        "ekonomi_rad_url": reverse("uppfoljning:ekonomi_rad", args=[rapport.pk]),
    }
    if not permissions.can_report(user, rapport.organisation_id):
        return context
    tree = organisation_tree()
    ids = ekonomi.prognos_organisation_ids(rapport, data)
    held = ekonomi.prognoser_for(ids, rapport.period)
    rows = {r["organisation_id"]: r for r in data["rader"]}
    for pk in ids:
        organisation = tree.nodes[pk]
        row = data["total"] if pk == rapport.organisation_id else rows[pk]
        if bound is not None and bound.organisation.pk == pk:
            form = bound
        else:
            current, token = held.get(pk, (None, ""))
            amount = current.arsprognos if current else row["forslag"]
            form = PrognosForm(
                organisation=organisation,
                enhet=enhet,
                initial={
                    "arsprognos": ekonomi.in_unit(amount, enhet),
                    "motivering": current.motivering if current else "",
                },
            )
            form.initial["andringsmarke"] = token
        context["prognos_formular"].append(
            {
                "form": form,
                "organisation": organisation,
                "total": pk == rapport.organisation_id and len(ids) > 1,
                "forslag_text": ekonomi.forslag_mening(row["forslag"], row["forslag_regel"], enhet),
            }
        )
    return context


@login_required
def prognos(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the report's economy with the forecast forms. POST: save one forecast, then back
    to the report page's economy; a refusal shows the form again with the errors at its
    fields and the text kept."""
    rapport = _get_rapport_to_report(request.user, pk)
    bound = None
    if request.method == "POST":
        ids = ekonomi.prognos_organisation_ids(rapport, ekonomi.ekonomi_for_rapport(rapport))
        try:
            organisation_id = int(request.POST.get("organisation", ""))
        except ValueError:
            organisation_id = None
        if organisation_id not in ids:
            raise Http404("Organisationen hör inte till rapporten.")
        organisation = organisation_tree().nodes[organisation_id]
        bound = PrognosForm(
            request.POST,
            organisation=organisation,
            enhet=rapport.rapportperiod.rapporttyp.beloppsenhet,
        )
        if bound.is_valid():
            try:
                ekonomi.spara_prognos(
                    rapport=rapport,
                    organisation=organisation,
                    arsprognos=bound.kronor(),
                    motivering=bound.cleaned_data["motivering"],
                    user=request.user,
                    andringsmarke=bound.cleaned_data["andringsmarke"],
                    bekraftad=bound.cleaned_data["bekraftad"],
                )
            except locking.Konflikt as exc:
                bound.add_conflict(exc)
            except ValidationError as exc:
                _add_errors(bound, exc)
            else:
                messages.success(request, f"Prognosen för {organisation} är sparad.")
                return redirect(f"{rapport_url(rapport)}#ekonomi")
    context = prognos_context(rapport, request.user, bound=bound)
    if bound is not None and context["prognos_oppen"]:
        # A refusal is shown on the report page itself, the form with its errors in place.
        # Imported here: the report page's module imports this one (its economy partials).
        from uppfoljning.views_rapport import render_page

        return render_page(request, rapport, prognos=bound)
    # This part's own page: the table and the forms (also where the report page shows no
    # form, a report no longer open, so that the refusal is seen).
    context.update({"rapport": rapport, "tillbaka": rapport_url(rapport)})
    return render(
        request, "uppfoljning/ekonomi/rapport.html", context, status=400 if bound else 200
    )


def _encode(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _decode(value: str) -> str | None:
    try:
        return base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None


@login_required
def importera(request: HttpRequest) -> HttpResponse:
    """The controller's import: upload the file, see what it would do (nothing saved, every
    error by line next to the file field), then import it."""
    if not permissions.is_controller(request.user):
        if permissions.is_staff_member(request.user):
            raise PermissionDenied("Bara controller kan läsa in ekonomi.")
        raise Http404("Sidan finns inte.")
    form = ImportForm()
    result = None
    granskad = None
    if request.method == "POST" and "innehall" in request.POST:
        text = _decode(request.POST["innehall"])
        if text is None:
            form.add_error(None, "Filen kunde inte skickas. Välj den igen.")
        else:
            try:
                result = ekonomi.import_ekonomi(text=text, user=request.user)
            except ValidationError as exc:
                # The file is no longer in the form: its errors stand at the file field.
                form = ImportForm(data={}, files={})
                form.is_valid()
                form.errors["fil"] = form.error_class(exc.messages)
            else:
                messages.success(request, result.summary)
                return redirect("uppfoljning:ekonomi_import")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            text = form.cleaned_data["fil"]
            try:
                result = ekonomi.import_ekonomi(text=text, user=request.user, dry_run=True)
            except ValidationError as exc:
                form.add_error("fil", exc)
            else:
                granskad = ForhandsgranskadImportForm(initial={"innehall": _encode(text)})
    return render(
        request,
        "uppfoljning/ekonomi/import.html",
        {
            "form": form,
            "result": result,
            "granskad": granskad,
            "kolumner": ";".join(ekonomi.IMPORT_KOLUMNER),
        },
        status=400 if form.errors else 200,
    )


@login_required
def registrera(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand entry of budget and outcome for the report's organisation and those below it
    the user reports for; `?rad=<id>` edits a row entered before."""
    rapport = _get_rapport_to_report(request.user, pk)
    tree = organisation_tree()
    allowed = tree.descendant_ids(rapport.organisation_id) & permissions.reporter_ids(request.user)
    organisationer = [org for org, _ in tree.walk(rapport.organisation_id) if org.pk in allowed]
    current = None
    if request.GET.get("rad", "").isdigit():
        current = Ekonomirad.objects.filter(
            pk=int(request.GET["rad"]), organisation_id__in=allowed
        ).first()
        if current is None:
            raise Http404("Raden finns inte.")
    if request.method == "POST":
        form = EkonomiradForm(request.POST, organisationer=organisationer)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ekonomi.registrera_ekonomi(
                    organisation=form.organisationer[data["organisation"]],
                    kontogrupp=data["kontogrupp"],
                    ar=data["ar"],
                    manad=data["manad"],
                    budget=data["budget"],
                    utfall=data["utfall"],
                    user=request.user,
                    andringsmarke=data["andringsmarke"],
                )
            except locking.Konflikt as exc:
                form.add_conflict(exc)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "Ekonomiraden är sparad.")
                return redirect(f"{rapport_url(rapport)}#ekonomi")
    else:
        initial = {"organisation": rapport.organisation_id, "ar": rapport.period.ar}
        if current is not None:
            initial = {
                "organisation": current.organisation_id,
                "kontogrupp": current.kontogrupp,
                "ar": current.ar,
                "manad": current.manad,
                "budget": current.budget,
                "utfall": current.utfall,
            }
        form = EkonomiradForm(organisationer=organisationer, initial=initial, current=current)
    handinmatade = (
        Ekonomirad.objects.filter(
            organisation_id__in=allowed, ar=rapport.period.ar, importerad=False
        )
        .select_related("organisation")
        .order_by("organisation__namn", "manad", "kontogrupp")[:HOGST_RADER]
    )
    return render(
        request,
        "uppfoljning/ekonomi/registrera.html",
        {
            "rapport": rapport,
            "form": form,
            "tillbaka": rapport_url(rapport),
            "rad": current,
            "handinmatade": handinmatade,
            "hogst": HOGST_RADER,
        },
        status=400 if form.is_bound else 200,
    )
