"""The controller's pages of the reporting calendar: the kinds of report, a kind's edit form,
a kind's year (its periods with deadlines, generated from the rule and adjusted one by one)
and the organisations chosen to report a kind in a year. Controllers only: anybody else
signed in gets 403, an anonymous visitor the login page."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from styrning import locking, permissions, submission
from styrning.models import Organisation
from styrning.pagination import paginate
from styrning.queries import organisation_tree
from uppfoljning import kalender
from uppfoljning.forms_kalender import FristForm, OrganisationsvalForm, RapporttypForm
from uppfoljning.models import Rapporteringsval, Rapportperiod, Rapporttyp

T = Organisation.Typ
ORGANISATIONER_PER_SIDA = 200
# The levels a long list of organisations can be narrowed to (one förvaltning's subtree …).
FILTERNIVAER = (T.KOMMUNSTYRELSE, T.NAMND, T.BOLAGSSTYRELSE, T.FORVALTNING)
ALREADY_SUBMITTED = "Formuläret var redan skickat. Rapporttypen finns."


def _check_controller(request) -> None:
    if not permissions.is_controller(request.user):
        raise PermissionDenied("Bara controller kan ändra rapportkalendern.")


def _add_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _ar_url(rapporttyp_id: int, ar: int, anchor: str = "") -> str:
    return reverse("uppfoljning:kalender_ar", args=[rapporttyp_id, ar]) + anchor


@login_required
def typer(request: HttpRequest) -> HttpResponse:
    """The kinds of report, each with the years it has periods for."""
    _check_controller(request)
    rapporttyper = list(Rapporttyp.objects.select_related("sammanstaller"))
    ar_per_typ: dict[int, list[int]] = {}
    for typ_id, ar in (
        Rapportperiod.objects.values_list("rapporttyp_id", "ar").distinct().order_by("ar")
    ):
        ar_per_typ.setdefault(typ_id, []).append(ar)
    i_ar = timezone.localdate().year
    rader = [
        {
            "typ": t,
            "ar": ar_per_typ.get(t.pk, []),
            "nivaer": ", ".join(T(n).label for n in t.rapporterande_nivaer if n in T.values),
        }
        for t in rapporttyper
    ]
    return render(request, "uppfoljning/kalender/typer.html", {"rader": rader, "i_ar": i_ar})


@login_required
def typ_andra(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a kind of report."""
    _check_controller(request)
    rapporttyp = get_object_or_404(Rapporttyp, pk=pk) if pk else None
    if request.method != "POST":
        form = RapporttypForm(instance=rapporttyp, current=rapporttyp)
        return render(
            request, "uppfoljning/kalender/typ_form.html", {"form": form, "rapporttyp": rapporttyp}
        )
    form = RapporttypForm(request.POST, instance=rapporttyp)
    if form.is_valid():
        try:
            saved, made = submission.once(
                request.user,
                form.cleaned_data.get("inskick") if rapporttyp is None else None,
                lambda: kalender.spara_rapporttyp(
                    rapporttyp=form.save(commit=False),
                    user=request.user,
                    andringsmarke=form.cleaned_data["andringsmarke"],
                ),
            )
        except locking.Konflikt as exc:
            form.add_conflict(exc)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Rapporttypen är sparad." if made else ALREADY_SUBMITTED)
            return redirect("uppfoljning:kalender")
    return render(
        request,
        "uppfoljning/kalender/typ_form.html",
        {"form": form, "rapporttyp": rapporttyp},
        status=400,
    )


@login_required
def ar_sida(request: HttpRequest, pk: int, ar: int) -> HttpResponse:
    """A kind's year: its periods with deadlines, or (before they are made) the periods the
    rule gives, with a button to make them."""
    _check_controller(request)
    rapporttyp = get_object_or_404(Rapporttyp, pk=pk)
    if not 1900 <= ar <= 2200:
        raise Http404("Året finns inte.")
    perioder = list(
        Rapportperiod.objects.filter(rapporttyp=rapporttyp, ar=ar).annotate(
            antal_rapporter=Count("rapporter")
        )
    )
    perioder.sort(key=lambda rp: rp.period)
    # The change tokens of the periods in one query (each form carries its own).
    tokens: dict[int, int] = {}
    for row in (
        Rapportperiod.history.filter(id__in=[rp.pk for rp in perioder])
        .order_by("id", "history_id")
        .values_list("id", "history_id")
    ):
        tokens[row[0]] = row[1]
    rader = []
    for rp in perioder:
        form = FristForm(prefix=f"p{rp.pk}", initial={"sista_dag": rp.sista_dag})
        form.initial["andringsmarke"] = str(tokens.get(rp.pk, ""))
        rader.append(
            {
                "period": rp,
                "form": form,
                "varning": kalender.delarsvarning(rapporttyp, rp.period, rp.sista_dag),
            }
        )
    forslag, fel = [], ""
    if not perioder:
        try:
            forslag = [
                {"period": p, "sista_dag": kalender.frist(rapporttyp, p)}
                for p in kalender.perioder_for(rapporttyp, ar)
            ]
        except ValidationError as exc:
            fel = " ".join(exc.messages)
        for rad in forslag:
            rad["varning"] = kalender.delarsvarning(rapporttyp, rad["period"], rad["sista_dag"])
    return render(
        request,
        "uppfoljning/kalender/ar.html",
        {
            "rapporttyp": rapporttyp,
            "ar": ar,
            "rader": rader,
            "forslag": forslag,
            "fel": fel,
            "antal_valda": (
                Rapporteringsval.objects.filter(rapporttyp=rapporttyp, ar=ar).count()
                if rapporttyp.endast_valda
                else None
            ),
        },
    )


@login_required
@require_POST
def skapa(request: HttpRequest, pk: int, ar: int) -> HttpResponse:
    """Make the year's periods of a kind and the reports of the organisations that report."""
    _check_controller(request)
    rapporttyp = get_object_or_404(Rapporttyp, pk=pk)
    try:
        perioder = kalender.skapa_perioder(rapporttyp=rapporttyp, ar=ar, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Rapportperioderna för {ar} finns ({len(perioder)} st.).")
    return redirect(_ar_url(rapporttyp.pk, ar))


@login_required
def frist(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one period's deadline, with the reason (the calendar's forms post here; a
    refused change is shown on this page with the text kept)."""
    _check_controller(request)
    rapportperiod = get_object_or_404(Rapportperiod.objects.select_related("rapporttyp"), pk=pk)
    prefix = f"p{rapportperiod.pk}"
    if request.method == "POST":
        form = FristForm(request.POST, prefix=prefix)
        if form.is_valid():
            try:
                andrad = kalender.andra_frist(
                    rapportperiod=rapportperiod,
                    sista_dag=form.cleaned_data["sista_dag"],
                    justering=form.cleaned_data["justering"],
                    user=request.user,
                    andringsmarke=form.cleaned_data["andringsmarke"],
                )
            except locking.Konflikt as exc:
                form.add_conflict(exc)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                text = f"Sista dag för {andrad.period.label} är {andrad.sista_dag:%Y-%m-%d}."
                if andrad.sista_dag != form.cleaned_data["sista_dag"]:
                    text += " Den valda dagen var ingen arbetsdag och flyttades."
                messages.success(request, text)
                varning = kalender.delarsvarning(andrad.rapporttyp, andrad.period, andrad.sista_dag)
                if varning:
                    messages.warning(request, varning)
                return redirect(_ar_url(andrad.rapporttyp_id, andrad.ar, f"#period-{andrad.pk}"))
        status = 400
    else:
        form = FristForm(
            prefix=prefix, initial={"sista_dag": rapportperiod.sista_dag}, current=rapportperiod
        )
        status = 200
    return render(
        request,
        "uppfoljning/kalender/frist.html",
        {"rapportperiod": rapportperiod, "form": form},
        status=status,
    )


@login_required
@require_POST
def stang(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a period (no more submissions), or open it again."""
    _check_controller(request)
    rapportperiod = get_object_or_404(Rapportperiod, pk=pk)
    stangd = request.POST.get("stangd") == "1"
    kalender.stang_period(rapportperiod=rapportperiod, user=request.user, stangd=stangd)
    messages.success(
        request,
        f"Perioden {rapportperiod.period.label} är {'stängd' if stangd else 'öppen igen'}.",
    )
    return redirect(_ar_url(rapportperiod.rapporttyp_id, rapportperiod.ar, f"#period-{pk}"))


def _filter_param(request, options: list[Organisation]) -> Organisation | None:
    try:
        pk = int(request.GET.get("under", ""))
    except ValueError:
        return None
    return next((o for o in options if o.pk == pk), None)


@login_required
def organisationer(request: HttpRequest, pk: int, ar: int) -> HttpResponse:
    """Choose the organisations that report a kind of chosen organisations in a year: the
    candidates (active organisations on the kind's levels) grouped by their parent, narrowed
    to one förvaltning's or nämnd's subtree and paginated for a large tree."""
    _check_controller(request)
    rapporttyp = get_object_or_404(Rapporttyp, pk=pk)
    tree = organisation_tree()
    start, slut = datetime.date(ar, 1, 1), datetime.date(ar, 12, 31)
    nivaer = set(rapporttyp.rapporterande_nivaer or [])
    kandidater = [
        org
        for org, _ in tree.walk()
        if (not nivaer or org.typ in nivaer)
        and (org.aktiv_fran is None or org.aktiv_fran <= slut)
        and (org.aktiv_till is None or org.aktiv_till >= start)
    ]
    filter_ids: set[int] = set()
    for org in kandidater:
        filter_ids |= {a.pk for a in tree.ancestors(org.pk) if a.typ in FILTERNIVAER}
    alternativ = [tree.nodes[i] for i in filter_ids]
    alternativ.sort(key=lambda o: (o.namn.casefold(), o.pk))
    under = _filter_param(request, alternativ)
    if under is not None:
        inom = tree.descendant_ids(under.pk)
        kandidater = [org for org in kandidater if org.pk in inom]
    page = paginate(request, kandidater, ORGANISATIONER_PER_SIDA)
    visade = list(page.object_list)
    valda = set(
        Rapporteringsval.objects.filter(rapporttyp=rapporttyp, ar=ar).values_list(
            "organisation_id", flat=True
        )
    )
    form = OrganisationsvalForm(
        request.POST if request.method == "POST" else None,
        visade=visade,
        initial={"organisationer": [str(o.pk) for o in visade if o.pk in valda]},
    )
    status = 200
    if request.method == "POST":
        if not rapporttyp.endast_valda:
            raise PermissionDenied("Rapporttypen rapporteras av alla på de rapporterande nivåerna.")
        status = 400
        if form.is_valid():
            visade_ids = {o.pk for o in visade}
            nya = (valda - visade_ids) | form.cleaned_data["organisationer"]
            try:
                resultat = kalender.valj_organisationer(
                    rapporttyp=rapporttyp, ar=ar, organisationer=nya, user=request.user
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Valet är sparat: {len(resultat['tillagda'])} tillagda, "
                    f"{len(resultat['borttagna'])} borttagna.",
                )
                return redirect(request.get_full_path())
    if form.is_bound:
        valda_nu = {int(v) for v in form.data.getlist("organisationer") if v.isdigit()}
    else:
        valda_nu = valda
    grupper: list[dict] = []
    for org in visade:
        parent = tree.nodes.get(org.overordnad_id)
        if not grupper or grupper[-1]["overordnad"] != parent:
            grupper.append({"overordnad": parent, "organisationer": []})
        grupper[-1]["organisationer"].append({"org": org, "vald": org.pk in valda_nu})
    return render(
        request,
        "uppfoljning/kalender/organisationer.html",
        {
            "rapporttyp": rapporttyp,
            "ar": ar,
            "form": form,
            "grupper": grupper,
            "page": page,
            "alternativ": alternativ,
            "under": under,
            "valda_antal": len(valda),
        },
        status=status,
    )
