import csv
import json
from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dokument.queries import dokument_for_user
from mal import charts, services
from mal.filters import JamforelseForm, TradFilterForm
from mal.forms import (
    AktivitetForm,
    BedomningForm,
    IndikatorForm,
    MalForm,
    MalvardeForm,
    UppdragForm,
    UppdragskommentarForm,
    VardeForm,
)
from mal.fulfilment import status_label, status_shape
from mal.models import (
    Aktivitet,
    Bedomning,
    Indikator,
    Mal,
    Malomrade,
    Malvarde,
    Uppdrag,
    Utfall,
    Varde,
    Vision,
)
from mal.queries import (
    goal_history,
    is_value_public,
    load_chain,
    mal_for_user,
    related_goal_ids,
    uppdrag_for_user,
)
from styrning import permissions
from styrning.models import Budgetar, Organisation
from styrning.periods import Period, Periodtyp, tertials
from styrning.queries import OrganisationTree


def _get_mal_for_user(user, pk: int) -> Mal:
    mal = mal_for_user(user).filter(pk=pk).first()
    if mal is None:
        raise Http404("Målet finns inte.")
    return mal


def _default_period() -> Period:
    return Period.year(timezone.localdate().year - 1)


def _period_param(request) -> Period:
    """The period asked for in ?period=, else the latest whole year."""
    try:
        return Period.parse(request.GET["period"])
    except (KeyError, ValidationError):
        return _default_period()


def _tree_items(chain, results, roots, keep, open_all):
    """A flat list of (open node, leaf, close) items, so the template nests <details> without
    recursion."""
    items = []

    def visit(pk, depth, path):
        kids = [c for c in chain.children.get(pk, []) if keep[c] and c not in path]
        items.append(
            {
                "r": results[pk],
                "depth": depth,
                "has_children": bool(kids),
                "n_children": len(kids),
                "open": open_all or depth == 0,
            }
        )
        for child in kids:
            visit(child, depth + 1, path | {pk})
        if kids:
            items.append({"end": True})

    for pk in roots:
        visit(pk, 0, frozenset())
    return items


def trad(request: HttpRequest) -> HttpResponse:
    """The goal chain as a tree from the vision down to the units."""
    org_tree = OrganisationTree.load(Organisation.objects.only("pk", "overordnad_id", "namn"))
    period = _period_param(request)
    years = sorted({*Budgetar.objects.values_list("ar", flat=True), period.ar})
    periods = [p for ar in years for p in (Period.year(ar), *tertials(ar))]
    in_term = Q(mandatperiod__start_ar__lte=period.ar, mandatperiod__slut_ar__gte=period.ar)
    areas = list(Malomrade.objects.filter(in_term))
    vision = Vision.objects.filter(in_term).first()
    form = TradFilterForm(request.GET or None, periods=periods, org_tree=org_tree, areas=areas)
    filters = form.cleaned_data if form.is_valid() else {}
    period = filters.get("period") or period
    chain = load_chain(request.user, [period])
    results = chain.rollup(period)

    area = filters.get("malomrade")
    organ = filters.get("organ")
    status = filters.get("status")
    avvikelser = filters.get("avvikelser")
    organ_ids = org_tree.descendant_ids(organ.pk) if organ else None

    def matches(pk):
        r = results[pk]
        return (
            (area is None or r.mal.malomrade_id == area.pk)
            and (organ_ids is None or r.mal.agare_id in organ_ids)
            and (not status or r.status == status)
            and (not avvikelser or r.is_deviation)
        )

    keep = {}
    for pk in chain.postorder():
        keep[pk] = matches(pk) or any(keep[c] for c in chain.children.get(pk, []))
    filtered = bool(area or organ or status or avvikelser)

    roots_by_area = defaultdict(list)
    for pk in chain.roots():
        if keep[pk]:
            roots_by_area[chain.goals[pk].malomrade_id].append(pk)
    sort_key = lambda pk: (  # noqa: E731
        chain.goals[pk].agare.ordning,
        chain.goals[pk].ordning,
        chain.goals[pk].nummer,
        chain.goals[pk].titel,
    )
    groups = []
    for a in [*areas, None]:
        roots = sorted(roots_by_area.get(a.pk if a else None, []), key=sort_key)
        if roots or (a is not None and not filtered):
            groups.append(
                {
                    "area": a,
                    "items": _tree_items(chain, results, roots, keep, filtered),
                    "counts": _counts(
                        results[pk]
                        for pk in chain.goals
                        if keep[pk] and chain.goals[pk].malomrade_id == (a.pk if a else None)
                    ),
                }
            )
    return render(
        request,
        "mal/trad.html",
        {
            "form": form,
            "period": period,
            "groups": groups,
            "vision": vision,
            "filtered": filtered,
            "antal": sum(1 for pk in chain.goals if keep[pk]),
            "is_staff": permissions.is_staff_member(request.user),
            "can_add": bool(permissions.goal_editor_ids(request.user)),
        },
    )


def _counts(results) -> list[dict]:
    counter = Counter(r.status for r in results)
    return [
        {"status": s, "label": status_label(s), "shape": status_shape(s), "count": counter[s]}
        for s in (Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT)
        if counter[s]
    ]


def detalj(request: HttpRequest, pk: int) -> HttpResponse:
    """A goal: description, requirement, indicators with charts, the chain up and down, the
    assessments over time and the documents it rests on."""
    mal = _get_mal_for_user(request.user, pk)
    user = request.user
    internal = permissions.can_view_internal(user, mal.agare_id)
    today = timezone.localdate()
    years = list(range(mal.forsta_ar, mal.sista_ar + 1))
    periods = [Period.year(ar) for ar in years] + [t for ar in years for t in tertials(ar)]
    above, below = related_goal_ids(mal.pk)
    chain = load_chain(
        user, periods, goals=mal_for_user(user).filter(pk__in=[mal.pk, *above, *below])
    )
    shown = _default_period() if mal.covers_year(_default_period().ar) else Period.year(years[-1])
    results = chain.rollup(shown)
    mine = results[mal.pk]

    over_time = []
    for p in periods:
        r = chain.rollup(p)[mal.pk]
        if p.typ == Periodtyp.AR or r.assessed or r.suggestion.status not in ("saknas",):
            over_time.append({"period": p, "r": r})
    year_rows = [row for row in over_time if row["period"].typ == Periodtyp.AR]
    tertial_rows = [row for row in over_time if row["period"].typ == Periodtyp.TERTIAL]

    indikatorer = chain.indicators.get(mal.pk, [])
    targets = defaultdict(dict)
    for ind_id, ar, varde in Malvarde.objects.filter(indikator__mal=mal).values_list(
        "indikator_id", "ar", "varde"
    ):
        targets[ind_id][ar] = varde
    values = defaultdict(dict)
    others = defaultdict(list)
    for v in (
        Varde.objects.filter(indikator__mal=mal, periodtyp=Periodtyp.AR)
        .select_related("organisation")
        .order_by("ar", "organisation__namn")
    ):
        if not internal and not is_value_public(v, today):
            continue
        ind = next((i for i in indikatorer if i.pk == v.indikator_id), None)
        if ind and v.organisation_id == ind.matt_for_id:
            values[v.indikator_id][v.ar] = v
        else:
            others[v.indikator_id].append(v)
    ind_blocks = []
    by_result = {r.indikator.pk: r for r in mine.indicators}
    for ind in indikatorer:
        chart_years = sorted(
            {*years, *([ind.utgangsar] if ind.utgangsar else [])} | set(values[ind.pk])
        )
        rows = {
            "target": [targets[ind.pk].get(ar) for ar in chart_years],
            "totalt": [
                values[ind.pk][ar].totalt if ar in values[ind.pk] else None for ar in chart_years
            ],
        }
        if ind.utgangsar in chart_years and ind.utgangsvarde is not None:
            i = chart_years.index(ind.utgangsar)
            if rows["totalt"][i] is None:
                rows["totalt"][i] = ind.utgangsvarde
        split = {}
        if ind.konsuppdelad:
            for key in ("kvinnor", "man"):
                split[key] = [
                    getattr(values[ind.pk][ar], key) if ar in values[ind.pk] else None
                    for ar in chart_years
                ]
        if not ind.summerbar:
            rows.update(split)  # shares and averages share the total's scale
        table = [
            {
                "ar": ar,
                "target": targets[ind.pk].get(ar),
                "varde": values[ind.pk].get(ar),
                "baseline": ar == ind.utgangsar and ind.utgangsvarde is not None,
            }
            for ar in chart_years
        ]
        ind_blocks.append(
            {
                "ind": ind,
                "result": by_result.get(ind.pk),
                "chart": charts.indicator_chart(
                    title=f"{ind.namn}: utfall mot målvärde",
                    enhet=ind.enhet,
                    decimals=ind.decimaler,
                    labels=[str(ar) for ar in chart_years],
                    rows=rows,
                    chart_id=str(ind.pk),
                ),
                "split_chart": charts.indicator_chart(
                    title=f"{ind.namn}: kvinnor och män",
                    enhet=ind.enhet,
                    decimals=ind.decimaler,
                    labels=[str(ar) for ar in chart_years],
                    rows=split,
                    chart_id=f"{ind.pk}-kon",
                )
                if ind.summerbar and split
                else None,
                "table": table,
                "others": others[ind.pk],
                "can_report": permissions.can_report(user, ind.matt_for_id)
                or any(permissions.can_report(user, v.organisation_id) for v in others[ind.pk]),
            }
        )

    assessments = list(
        Bedomning.objects.filter(mal=mal)
        .select_related("bedomd_av")
        .order_by("-ar", "-periodnummer")
    )
    if not permissions.is_staff_member(user):
        assessments = [b for b in assessments if b.utfall != Utfall.EJ_BEDOMT]
    return render(
        request,
        "mal/detalj.html",
        {
            "mal": mal,
            "r": mine,
            "shown": shown,
            "above": [chain.goals[pk] for pk in above if pk in chain.goals],
            "children": [results[c] for c in chain.children_in(mal.pk, shown)],
            "further": [
                results[pk]
                for pk in sorted(
                    (pk for pk in below if pk in chain.goals),
                    key=lambda pk: (chain.goals[pk].agare.ordning, chain.goals[pk].titel),
                )
                if chain.goals[pk].covers_year(shown.ar)
                and pk not in chain.children.get(mal.pk, [])
            ],
            "indikatorer": ind_blocks,
            "year_rows": year_rows,
            "tertial_rows": tertial_rows,
            "assessments": assessments,
            "dokument": list(dokument_for_user(user).filter(mal=mal)),
            "aktiviteter": list(mal.aktiviteter.select_related("ansvarig")),
            "uppdrag": list(mal.uppdrag.select_related("givet_av", "givet_till")),
            "can_report": permissions.can_report(user, mal.agare_id),
            "can_edit": permissions.can_edit_goals(user, mal.agare_id),
            "internal": internal,
            "historik": goal_history(mal) if internal else None,
        },
    )


def organ(request: HttpRequest, pk: int) -> HttpResponse:
    """A body's page: its goals, its assignments and their status, a count per goal area."""
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise Http404("Organisationen finns inte.")
    period = _period_param(request)
    chain = load_chain(request.user, [period])
    results = chain.rollup(period)
    own = sorted(
        (r for r in results.values() if r.mal.agare_id == org.pk),
        key=lambda r: (r.mal.ordning, r.mal.nummer, r.mal.titel),
    )
    by_area = defaultdict(list)
    for r in own:
        by_area[r.mal.malomrade].append(r)
    summary = [
        {"area": area, "counts": _counts(rs), "antal": len(rs)}
        for area, rs in sorted(
            by_area.items(), key=lambda kv: (kv[0] is None, kv[0].ordning if kv[0] else 0)
        )
    ]
    uppdrag = list(
        uppdrag_for_user(request.user)
        .filter(Q(givet_till=org) | Q(givet_av=org))
        .prefetch_related("kommentarer")
    )
    return render(
        request,
        "mal/organ.html",
        {
            "org": org,
            "period": period,
            "goals": own,
            "summary": summary,
            "uppdrag_till": [u for u in uppdrag if u.givet_till_id == org.pk],
            "uppdrag_av": [u for u in uppdrag if u.givet_av_id == org.pk],
        },
    )


def jamforelse(request: HttpRequest) -> HttpResponse:
    """The same goals' fulfilment per year or per tertial, side by side, for any organisation."""
    today = timezone.localdate()
    org_tree = OrganisationTree.load(
        Organisation.objects.only("pk", "overordnad_id", "namn", "typ", "ordning")
    )
    kf = next(
        (o for o in org_tree.nodes.values() if o.typ == Organisation.Typ.KOMMUNFULLMAKTIGE), None
    )
    data = request.GET.copy()
    data.setdefault("organ", str(kf.pk) if kf else "")
    data.setdefault("per", "ar")
    data.setdefault("ar", str(today.year))
    form = JamforelseForm(data, org_tree=org_tree)
    form.is_valid()  # a bad field is shown by the field; the valid ones still count
    choices = form.cleaned_data
    per_tertial = choices.get("per") == "tertial"
    if per_tertial:
        ar = choices.get("ar") or today.year
        periods = tertials(ar)
    else:
        periods = [Period.year(ar) for ar in range(today.year - 3, today.year + 1)]
    goals = mal_for_user(request.user).filter(
        Q(
            budgetar__ar__gte=periods[0].ar,
            budgetar__ar__lte=periods[-1].ar,
        )
        | Q(mandatperiod__slut_ar__gte=periods[0].ar, mandatperiod__start_ar__lte=periods[-1].ar)
    )
    chosen = choices.get("organ") or kf
    if chosen:
        goals = goals.filter(agare=chosen)
    chain = load_chain(request.user, periods, goals=goals)
    rollups = [chain.rollup(p) for p in periods]
    rows = [
        {
            "mal": chain.goals[pk],
            "cells": [
                r[pk] if chain.goals[pk].covers_year(p.ar) else None
                for p, r in zip(periods, rollups, strict=True)
            ],
        }
        for pk in sorted(
            chain.goals, key=lambda pk: (chain.goals[pk].nummer, chain.goals[pk].titel)
        )
    ]
    return render(
        request,
        "mal/jamforelse.html",
        {
            "periods": periods,
            "rows": rows,
            "per_tertial": per_tertial,
            "form": form,
            "chosen": chosen,
        },
    )


def uppdrag_lista(request: HttpRequest) -> HttpResponse:
    """Every assignment with its status, filtered by status."""
    rows = uppdrag_for_user(request.user).prefetch_related("kommentarer")
    status = request.GET.get("status", "")
    if status in Uppdrag.Status.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "mal/uppdrag_lista.html",
        {
            "rows": list(rows),
            "status": status,
            "statuses": Uppdrag.Status.choices,
            "can_add": bool(permissions.goal_editor_ids(request.user)),
        },
    )


@login_required
def uppdrag_nytt(request: HttpRequest) -> HttpResponse:
    """Register an assignment given by a body whose goals the user maintains."""
    editable = permissions.goal_editor_ids(request.user)
    if not editable:
        raise PermissionDenied("Du kan inte registrera uppdrag.")
    form = UppdragForm(request.POST or None)
    form.fields["givet_av"].queryset = Organisation.objects.filter(
        pk__in=editable, typ__in=Organisation.POLITISKA_TYPER
    )
    form.fields["mal"].queryset = mal_for_user(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            uppdrag = services.ge_uppdrag(uppdrag=form.save(commit=False), user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Uppdraget är registrerat.")
            return redirect(uppdrag)
    return render(
        request, "mal/uppdrag_form.html", {"form": form}, status=400 if form.is_bound else 200
    )


def _visible_goal(user, uppdrag: Uppdrag) -> Mal | None:
    """The goal an assignment belongs to, if the user may see it (a draft goal's title is not
    public)."""
    if uppdrag.mal_id is None:
        return None
    return mal_for_user(user).filter(pk=uppdrag.mal_id).first()


def uppdrag_detalj(request: HttpRequest, pk: int) -> HttpResponse:
    uppdrag = uppdrag_for_user(request.user).filter(pk=pk).first()
    if uppdrag is None:
        raise Http404("Uppdraget finns inte.")
    can_report = permissions.can_report(request.user, uppdrag.givet_till_id)
    form = None
    if can_report:
        form = UppdragskommentarForm(
            initial={"period": Period.year(timezone.localdate().year), "status": uppdrag.status}
        )
    return render(
        request,
        "mal/uppdrag.html",
        {
            "uppdrag": uppdrag,
            "mal": _visible_goal(request.user, uppdrag),
            "kommentarer": list(
                uppdrag.kommentarer.select_related("skriven_av").order_by("-ar", "-periodnummer")
            ),
            "can_report": can_report,
            "form": form,
        },
    )


@login_required
@require_POST
def uppdrag_kommentera(request: HttpRequest, pk: int) -> HttpResponse:
    uppdrag = uppdrag_for_user(request.user).filter(pk=pk).first()
    if uppdrag is None:
        raise Http404("Uppdraget finns inte.")
    if not permissions.can_report(request.user, uppdrag.givet_till_id):
        raise PermissionDenied("Du kan inte rapportera för uppdraget.")
    form = UppdragskommentarForm(request.POST)
    if form.is_valid():
        try:
            services.kommentera_uppdrag(
                uppdrag=uppdrag,
                period=form.cleaned_data["period"],
                status=form.cleaned_data["status"],
                kommentar=form.cleaned_data["kommentar"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Kommentaren är sparad.")
            return redirect(uppdrag)
    return render(
        request,
        "mal/uppdrag.html",
        {
            "uppdrag": uppdrag,
            "mal": _visible_goal(request.user, uppdrag),
            "kommentarer": list(uppdrag.kommentarer.all()),
            "can_report": True,
            "form": form,
        },
        status=400,
    )


@login_required
def bedomning(request: HttpRequest, pk: int) -> HttpResponse:
    """The responsible chef's or controller's assessment of a goal for a period."""
    mal = _get_mal_for_user(request.user, pk)
    if not permissions.can_report(request.user, mal.agare_id):
        raise PermissionDenied("Du kan inte bedöma det här målet.")
    period = (
        _default_period() if mal.covers_year(_default_period().ar) else Period.year(mal.sista_ar)
    )
    replaces = None
    if request.method == "POST":
        form = BedomningForm(request.POST)
        if form.is_valid():
            try:
                services.bedom_mal(
                    mal=mal,
                    period=form.cleaned_data["period"],
                    utfall=form.cleaned_data["utfall"],
                    analys=form.cleaned_data["analys"],
                    version=form.cleaned_data["version"],
                    user=request.user,
                )
            except services.VersionConflict as exc:
                form.add_error(None, exc)
                form.carry_version(exc.current)
                replaces = exc.current and services.describe_bedomning(exc.current)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Bedömningen är sparad.")
                return redirect(mal)
    else:
        existing = (
            Bedomning.objects.filter(
                mal=mal, ar=period.ar, periodtyp=period.typ, periodnummer=period.nummer
            )
            .select_related("bedomd_av")
            .first()
        )
        form = BedomningForm(
            initial={
                "period": period,
                "utfall": existing.utfall if existing else Utfall.EJ_BEDOMT,
                "analys": existing.analys if existing else "",
                "version": existing.version if existing else "",
            }
        )
        replaces = existing and services.describe_bedomning(existing)
    chain = load_chain(
        request.user,
        [period],
        goals=mal_for_user(request.user).filter(pk__in=[mal.pk, *related_goal_ids(mal.pk)[1]]),
    )
    return render(
        request,
        "mal/bedomning.html",
        {
            "mal": mal,
            "form": form,
            "r": chain.rollup(period)[mal.pk],
            "period": period,
            "replaces": replaces,
        },
        status=400 if form.is_bound else 200,
    )


def _indikator_for_user(user, pk: int) -> Indikator:
    ind = (
        Indikator.objects.filter(pk=pk, mal__in=mal_for_user(user).values("pk"))
        .select_related("mal__agare", "mal__budgetar", "mal__mandatperiod", "matt_for")
        .first()
    )
    if ind is None:
        raise Http404("Indikatorn finns inte.")
    return ind


@login_required
def varde(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a value of an indicator for an organisation the user reports for. A value already
    there is replaced only after the form has shown it (and carries its version)."""
    ind = _indikator_for_user(request.user, pk)
    tree = OrganisationTree.load(Organisation.objects.only("pk", "overordnad_id"))
    allowed = tree.descendant_ids(ind.matt_for_id) & permissions.reporter_ids(request.user)
    if not allowed:
        raise PermissionDenied("Du kan inte rapportera värden för indikatorn.")
    organisations = Organisation.objects.filter(pk__in=allowed)
    replaces = None
    if request.method == "POST":
        form = VardeForm(request.POST, indikator=ind, organisations=organisations)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.registrera_varde(
                    indikator=ind,
                    organisation=data["organisation"],
                    period=data["period"],
                    totalt=data.get("totalt"),
                    kvinnor=data.get("kvinnor"),
                    man=data.get("man"),
                    preliminar=data["preliminar"],
                    kommentar=data["kommentar"],
                    version=data["version"],
                    user=request.user,
                )
            except services.VersionConflict as exc:
                form.add_error(None, exc)
                form.carry_version(exc.current)
                replaces = exc.current and services.describe_varde(exc.current)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Värdet är sparat.")
                return redirect(ind.get_absolute_url())
    else:
        organisation = ind.matt_for_id if ind.matt_for_id in allowed else None
        period = Period.year(timezone.localdate().year)
        existing = (
            Varde.objects.filter(
                indikator=ind,
                organisation_id=organisation,
                ar=period.ar,
                periodtyp=period.typ,
                periodnummer=period.nummer,
            )
            .select_related("registrerad_av")
            .first()
        )
        form = VardeForm(
            indikator=ind,
            organisations=organisations,
            initial={
                "organisation": organisation,
                "period": period,
                "version": existing.version if existing else "",
            },
        )
        replaces = existing and services.describe_varde(existing)
    return render(
        request,
        "mal/varde.html",
        {"ind": ind, "mal": ind.mal, "form": form, "replaces": replaces},
        status=400 if form.is_bound else 200,
    )


@login_required
def malvarde(request: HttpRequest, pk: int) -> HttpResponse:
    """Set an indicator's target for a year; a target already set is replaced only after the
    form has shown it."""
    ind = _indikator_for_user(request.user, pk)
    if not permissions.can_edit_goals(request.user, ind.mal.agare_id):
        raise PermissionDenied("Du kan inte ändra indikatorns målvärden.")
    replaces = None
    if request.method == "POST":
        form = MalvardeForm(request.POST)
        if form.is_valid():
            try:
                services.satt_malvarde(
                    indikator=ind,
                    ar=form.cleaned_data["ar"],
                    varde=form.cleaned_data["varde"],
                    version=form.cleaned_data["version"],
                    user=request.user,
                )
            except services.VersionConflict as exc:
                form.add_error(None, exc)
                form.carry_version(exc.current)
                replaces = exc.current and services.describe_malvarde(exc.current)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Målvärdet är sparat.")
                return redirect(ind.get_absolute_url())
    else:
        existing = ind.malvarden.filter(ar=ind.mal.sista_ar).select_related("andrad_av").first()
        form = MalvardeForm(
            initial={"ar": ind.mal.sista_ar, "version": existing.version if existing else ""}
        )
        replaces = existing and services.describe_malvarde(existing)
    return render(
        request,
        "mal/malvarde.html",
        {
            "ind": ind,
            "mal": ind.mal,
            "form": form,
            "malvarden": list(ind.malvarden.all()),
            "replaces": replaces,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def mal_andra(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a goal (also possible in the admin)."""
    mal = _get_mal_for_user(request.user, pk) if pk else None
    editable = permissions.goal_editor_ids(request.user)
    if mal is not None and mal.agare_id not in editable:
        raise PermissionDenied("Du kan inte ändra det här målet.")
    if mal is None and not editable:
        raise PermissionDenied("Du kan inte lägga till mål.")
    form = MalForm(request.POST or None, instance=mal)
    form.fields["agare"].queryset = Organisation.objects.filter(pk__in=editable)
    form.fields["overordnade"].queryset = mal_for_user(request.user).exclude(pk=pk)
    form.fields["dokument"].queryset = dokument_for_user(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.spara_mal(
                mal=form.save(commit=False),
                overordnade=form.cleaned_data["overordnade"],
                dokument=form.cleaned_data["dokument"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Målet är sparat.")
            return redirect(saved)
    return render(
        request,
        "mal/mal_form.html",
        {"mal": mal, "form": form},
        status=400 if form.is_bound else 200,
    )


def _editable_mal(user, pk: int) -> Mal:
    mal = _get_mal_for_user(user, pk)
    if not permissions.can_edit_goals(user, mal.agare_id):
        raise PermissionDenied("Du kan inte ändra det här målet.")
    return mal


def _save_form(request, form, mal, template, message):
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, message)
        return redirect(mal)
    return render(
        request,
        template,
        {"mal": mal, "form": form, "object": form.instance if form.instance.pk else None},
        status=400 if form.is_bound else 200,
    )


@login_required
def indikator_andra(request: HttpRequest, pk: int | None = None, mal_pk: int | None = None):
    """Add an indicator to a goal, or change one (also possible in the admin)."""
    if pk is not None:
        ind = _indikator_for_user(request.user, pk)
        mal = _editable_mal(request.user, ind.mal_id)
    else:
        mal = _editable_mal(request.user, mal_pk)
        ind = Indikator(mal=mal, matt_for=mal.agare)
    form = IndikatorForm(request.POST or None, instance=ind)
    tree = OrganisationTree.load(Organisation.objects.only("pk", "overordnad_id"))
    nearby = tree.descendant_ids(mal.agare_id) | {a.pk for a in tree.ancestors(mal.agare_id)}
    form.fields["matt_for"].queryset = Organisation.objects.filter(pk__in=nearby)
    return _save_form(request, form, mal, "mal/indikator_form.html", "Indikatorn är sparad.")


@login_required
def aktivitet_andra(request: HttpRequest, pk: int | None = None, mal_pk: int | None = None):
    """The unit's own activities under a goal: added and followed up by the unit."""
    if pk is not None:
        aktivitet = Aktivitet.objects.filter(
            pk=pk, mal__in=mal_for_user(request.user).values("pk")
        ).first()
        if aktivitet is None:
            raise Http404("Aktiviteten finns inte.")
        mal = _editable_mal(request.user, aktivitet.mal_id)
    else:
        mal = _editable_mal(request.user, mal_pk)
        aktivitet = Aktivitet(mal=mal)
    form = AktivitetForm(request.POST or None, instance=aktivitet)
    return _save_form(request, form, mal, "mal/aktivitet_form.html", "Aktiviteten är sparad.")


EXPORT_FIELDS = {
    "mal": [
        "id",
        "nummer",
        "titel",
        "agare",
        "typ",
        "status",
        "period",
        "malomrade",
        "bidrar_till",
        "krav_uppfyllt",
        "uppfoljning",
        "regel",
    ],
    "indikatorer": [
        "id",
        "mal_id",
        "namn",
        "enhet",
        "riktning",
        "decimaler",
        "kalla",
        "kpi_id",
        "konsuppdelad",
        "utgangsvarde",
        "utgangsar",
        "tolerans",
        "malvarden",
    ],
    "varden": [
        "indikator_id",
        "kpi_id",
        "organisation",
        "period",
        "totalt",
        "kvinnor",
        "man",
        "preliminar",
        "kommentar",
    ],
}


def _num(value):
    return None if value is None else str(value.normalize())


def _export_rows(user, kind: str) -> list[dict]:
    goals = mal_for_user(user)
    internal = permissions.internal_ids(user)
    today = timezone.localdate()
    if kind == "mal":
        links = defaultdict(list)
        for child, parent in Mal.overordnade.through.objects.filter(
            from_mal__in=goals.values("pk")
        ).values_list("from_mal_id", "to_mal_id"):
            links[child].append(parent)
        return [
            {
                "id": m.pk,
                "nummer": m.nummer,
                "titel": m.titel,
                "agare": m.agare.namn,
                "typ": m.get_typ_display(),
                "status": m.get_status_display(),
                "period": m.budgetar.ar if m.budgetar_id else str(m.mandatperiod),
                "malomrade": m.malomrade.namn if m.malomrade_id else "",
                "bidrar_till": " ".join(str(p) for p in links[m.pk]),
                "krav_uppfyllt": m.krav_uppfyllt,
                "uppfoljning": m.uppfoljning,
                "regel": m.get_regel_display(),
            }
            for m in goals.order_by("pk")
        ]
    indicators = Indikator.objects.filter(mal__in=goals.values("pk"))
    if kind == "indikatorer":
        targets = defaultdict(dict)
        for ind_id, ar, v in Malvarde.objects.filter(indikator__in=indicators).values_list(
            "indikator_id", "ar", "varde"
        ):
            targets[ind_id][str(ar)] = _num(v)
        return [
            {
                "id": i.pk,
                "mal_id": i.mal_id,
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
                "malvarden": targets[i.pk],
            }
            for i in indicators.order_by("pk")
        ]
    rows = []
    for v in (
        Varde.objects.filter(indikator__in=indicators)
        .select_related("indikator__mal", "organisation")
        .order_by("indikator_id", "organisation_id", "ar", "periodtyp", "periodnummer")
    ):
        if v.indikator.mal.agare_id not in internal and not is_value_public(v, today):
            continue
        rows.append(
            {
                "indikator_id": v.indikator_id,
                "kpi_id": v.indikator.kpi_id,
                "organisation": v.organisation.kod,
                "period": v.period.kod,
                "totalt": _num(v.totalt),
                "kvinnor": _num(v.kvinnor),
                "man": _num(v.man),
                "preliminar": v.preliminar,
                "kommentar": v.kommentar,
            }
        )
    return rows


def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """Goals, indicators or values as CSV or JSON: what the user may see."""
    if kind not in EXPORT_FIELDS or fmt not in ("csv", "json"):
        raise Http404("Okänd export.")
    rows = _export_rows(request.user, kind)
    filename = f"{kind}.{fmt}"
    if fmt == "json":
        response = JsonResponse({kind: rows}, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        writer = csv.DictWriter(response, fieldnames=EXPORT_FIELDS[kind], delimiter=";")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: json.dumps(v) if isinstance(v, dict) else v for k, v in row.items()}
            )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
