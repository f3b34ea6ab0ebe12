"""HTTP of the goal chain: parse the request, check the permission, call a read model in
`mal.queries` or a service in `mal.services`, render or redirect."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dokument.models import Dokument
from dokument.queries import dokument_for_user
from mal import export as open_data
from mal import queries, services
from mal.filters import Jamforelse, TradFilterForm, UppdragFilter
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
from mal.models import (
    Aktivitet,
    Bedomning,
    Indikator,
    Mal,
    Uppdrag,
    Uppdragskommentar,
    Utfall,
    Varde,
)
from mal.queries import mal_for_user, uppdrag_for_user
from styrning import csvsafe, locking, permissions, submission
from styrning.models import Organisation
from styrning.pagecache import public_page
from styrning.periods import Period
from styrning.queries import organisation_tree


def _get_mal_for_user(user, pk: int) -> Mal:
    mal = mal_for_user(user).filter(pk=pk).first()
    if mal is None:
        raise Http404("Målet finns inte.")
    return mal


def _editable_mal(user, pk: int) -> Mal:
    mal = _get_mal_for_user(user, pk)
    if not permissions.can_edit_goals(user, mal.agare_id):
        raise PermissionDenied("Du kan inte ändra det här målet.")
    return mal


def _indikator_for_user(user, pk: int) -> Indikator:
    ind = (
        Indikator.objects.filter(pk=pk, mal__in=mal_for_user(user).values("pk"))
        .select_related("mal__agare", "mal__budgetar", "mal__mandatperiod", "matt_for")
        .first()
    )
    if ind is None:
        raise Http404("Indikatorn finns inte.")
    return ind


def _period_param(request) -> Period:
    """The period asked for in ?period=, else the latest whole year."""
    try:
        return Period.parse(request.GET["period"])
    except (KeyError, ValidationError):
        return queries.default_period()


def _add_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: each message by its field, the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


ALREADY_SUBMITTED = "Formuläret var redan skickat. Här är det som skapades."


def _submit(
    request,
    make_form: Callable,
    *,
    save: Callable,
    success: str,
    current=None,
    initial: dict | None = None,
    describe: Callable | None = None,
    creates: type[Model] | None = None,
):
    """The one flow of a form that a service saves, with optimistic locking, and once only when
    it creates something.

    GET: the form shows `initial` and carries the change token of `current`, the row it will
    change. POST: a valid form is saved by `save(form)` and `success` is said; a refusal puts
    the service's messages on the form's fields; a refusal because the row changed since the
    form was opened also carries the row's new token, so that saving again, having read it,
    replaces it. A form that `creates` a new record (an `OnceForm`) saves once: a second POST of
    the same form returns what the first made, and says so.

    Returns the form, what was saved (None unless saved) and, with `describe`, the text of the
    saved row the form replaces ("totalt 83 (registrerat av …)")."""
    if request.method != "POST":
        form = make_form(None, initial=initial or {}, current=current)
        return form, None, describe(current) if describe and current else None
    form = make_form(request.POST)
    if form.is_valid():
        try:
            if creates is None:
                saved, made = save(form), True
            else:
                saved, made = submission.once(
                    request.user, form.cleaned_data.get("inskick"), lambda: save(form)
                )
        except locking.Konflikt as exc:
            form.add_conflict(exc)
            return form, None, describe(exc.current) if describe and exc.current else None
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if creates is not None and not isinstance(saved, creates):
                # The key of another kind of form, sent back by hand: nothing to show for it.
                form.add_error(
                    None, "Formuläret kunde inte skickas. Ladda om sidan och försök igen."
                )
                return form, None, None
            if made:
                messages.success(request, success)
            else:
                messages.info(request, ALREADY_SUBMITTED)
            return form, saved, None
    return form, None, None


# Public pages ------------------------------------------------------------------------------------


def _prefix(name: str) -> str:
    """The start of a URL that ends in an object's id ("/mal/" of "/mal/<id>/"): a template
    appends the id and the slash, so a page of many goals reverses the pattern once."""
    return reverse(name, args=[0]).removesuffix("0/")


def _under_param(request) -> Mal | None:
    """The goal asked for in ?under= (the level of the tree below it), 404 if the user may not
    see it."""
    value = request.GET.get("under", "")
    if not value:
        return None
    if not value.isdecimal() or len(value) > 18:
        raise Http404("Målet finns inte.")
    return _get_mal_for_user(request.user, int(value))


class _TreeFilters:
    """The goal tree's filters from the query string, as the tree page and its files read them:
    the period, the goal whose level is shown (`?under=`), and the filter form's choices (a
    refused choice is shown on the form and does not filter)."""

    def __init__(self, request: HttpRequest):
        period = _period_param(request)
        self.under = _under_param(request)
        self.areas = queries.areas_in_term(period.ar)
        self.form = TradFilterForm(
            request.GET or None,
            periods=queries.tree_periods(period),
            org_tree=organisation_tree(),
            areas=self.areas,
        )
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        self.period = filters.get("period") or period
        self.kwargs = {
            "malomrade": filters.get("malomrade"),
            "organ": filters.get("organ"),
            "status": filters.get("status") or "",
            "avvikelser": bool(filters.get("avvikelser")),
        }


def _export_query(request: HttpRequest, period: Period) -> str:
    """The tree's query string for its files: its filters and the shown period, without the
    page number."""
    query = request.GET.copy()
    query.pop("sida", None)
    query["period"] = period.kod
    return query.urlencode()


@public_page("mal")
def trad(request: HttpRequest) -> HttpResponse:
    """The goal chain as a tree from the vision down to the units, one level a page: the top
    goals, or (?under=) the goals contributing to one goal."""
    f = _TreeFilters(request)
    page = queries.tree_page(
        request.user,
        f.period,
        areas=f.areas,
        under=f.under,
        **f.kwargs,
        sida=request.GET.get("sida"),
    )
    # links to a level keep the filters: built once here, not reversed per goal
    query = request.GET.copy()
    for key in ("under", "sida"):
        query.pop(key, None)
    query = query.urlencode()
    tree_url = reverse("mal:trad")
    return render(
        request,
        "mal/trad.html",
        {
            **vars(page),
            "form": f.form,
            "export_query": _export_query(request, page.period),
            "top_url": f"{tree_url}?{query}" if query else tree_url,
            "under_prefix": f"{tree_url}?{query}&under=" if query else f"{tree_url}?under=",
            "mal_prefix": _prefix("mal:detalj"),
            "organ_prefix": _prefix("mal:organ"),
            "is_staff": permissions.is_staff_member(request.user),
            "can_add": bool(permissions.goal_editor_ids(request.user)),
        },
    )


@public_page("mal")
def detalj(request: HttpRequest, pk: int) -> HttpResponse:
    """A goal: description, requirement, indicators with charts, the chain up and down, the
    assessments over time and the documents it rests on."""
    mal = _get_mal_for_user(request.user, pk)
    page = queries.goal_page(request.user, mal)
    return render(
        request,
        "mal/detalj.html",
        {**vars(page), "mal_prefix": _prefix("mal:detalj")},
    )


@public_page("mal")
def organ(request: HttpRequest, pk: int) -> HttpResponse:
    """A body's page: its goals, its assignments and their status, a count per goal area."""
    org = organisation_tree().nodes.get(pk)
    if org is None:
        raise Http404("Organisationen finns inte.")
    page = queries.organisation_page(request.user, org, _period_param(request))
    return render(
        request,
        "mal/organ.html",
        {**vars(page), "mal_prefix": _prefix("mal:detalj")},
    )


@public_page("mal")
def jamforelse(request: HttpRequest) -> HttpResponse:
    """The same goals' fulfilment per year or per tertial, side by side, for any organisation."""
    j = Jamforelse.from_query(request.GET)
    return render(
        request,
        "mal/jamforelse.html",
        {
            "periods": j.periods,
            "rows": queries.comparison_rows(request.user, j.chosen, j.periods),
            "per_tertial": j.per_tertial,
            "form": j.form,
            "chosen": j.chosen,
        },
    )


@public_page("mal")
def uppdrag_lista(request: HttpRequest) -> HttpResponse:
    """Every assignment with its status, filtered by status."""
    filterset = UppdragFilter(
        request.GET or None, queryset=uppdrag_for_user(request.user).prefetch_related("kommentarer")
    )
    return render(
        request,
        "mal/uppdrag_lista.html",
        {
            "filter": filterset,
            "rows": list(filterset.qs),
            "can_add": bool(_assignment_giver_ids(request.user)),
        },
    )


def _visible_goal(user, uppdrag: Uppdrag) -> Mal | None:
    """The goal an assignment belongs to, if the user may see it (a draft goal's title is not
    public)."""
    if uppdrag.mal_id is None:
        return None
    return mal_for_user(user).filter(pk=uppdrag.mal_id).first()


def _uppdrag_for_user(user, pk: int) -> Uppdrag:
    uppdrag = uppdrag_for_user(user).filter(pk=pk).first()
    if uppdrag is None:
        raise Http404("Uppdraget finns inte.")
    return uppdrag


@public_page("mal")
def uppdrag_detalj(request: HttpRequest, pk: int) -> HttpResponse:
    uppdrag = _uppdrag_for_user(request.user, pk)
    can_report = permissions.can_report(request.user, uppdrag.givet_till_id)
    form = None
    if can_report:
        period = Period.year(timezone.localdate().year)
        form = UppdragskommentarForm(
            initial={"period": period, "status": uppdrag.status},
            current=uppdrag.kommentarer.filter(**Uppdragskommentar.period_lookup(period)).first(),
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


@public_page("mal")
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """Goals, indicators or values as CSV (streamed) or JSON: what the user may see, of every
    goal, or with the goal tree's filters in the query string of the goals the tree keeps
    (`mal.export`). A filter the tree would refuse is a 400 naming it: a file of other goals
    than the reader asked for would be worse than none."""
    if kind not in open_data.KOLUMNER or fmt not in ("csv", "json"):
        raise Http404("Okänd export.")
    urval = None
    if request.GET:
        f = _TreeFilters(request)
        if f.form.errors:
            return csvsafe.filter_refused(f.form)
        tree = queries.filtered_tree(request.user, f.period, **f.kwargs)
        urval = open_data.Urval(
            period=f.period,
            tree=tree,
            order=tree.walk([a.pk for a in f.areas], f.under),
            whole=not tree.filtered and f.under is None,
        )
    base_url = request.build_absolute_uri("/").removesuffix("/")
    rows = open_data.export_rows(request.user, kind, urval, base_url)
    if fmt == "csv":
        return csvsafe.csv_response(
            open_data.FILNAMN[kind], open_data.KOLUMNER[kind], open_data.csv_cells(rows)
        )
    response = JsonResponse({kind: list(rows)}, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{open_data.FILNAMN[kind]}.json"'
    return response


# Follow-up: assessments, values, targets, comments -----------------------------------------------


@login_required
def bedomning(request: HttpRequest, pk: int) -> HttpResponse:
    """The responsible chef's or controller's assessment of a goal for a period."""
    mal = _get_mal_for_user(request.user, pk)
    if not permissions.can_report(request.user, mal.agare_id):
        raise PermissionDenied("Du kan inte bedöma det här målet.")
    asked = _period_param(request)  # the start page's panel asks for the year to assess
    period = asked if mal.covers_year(asked.ar) else Period.year(mal.sista_ar)
    existing = (
        Bedomning.objects.filter(mal=mal, **Bedomning.period_lookup(period))
        .select_related("bedomd_av")
        .first()
    )
    form, saved, replaces = _submit(
        request,
        lambda data, **kwargs: BedomningForm(data, **kwargs),
        current=existing,
        initial={
            "period": period,
            "utfall": existing.utfall if existing else Utfall.EJ_BEDOMT,
            "analys": existing.analys if existing else "",
        },
        save=lambda form: services.bedom_mal(
            mal=mal,
            period=form.cleaned_data["period"],
            utfall=form.cleaned_data["utfall"],
            analys=form.cleaned_data["analys"],
            andringsmarke=form.cleaned_data["andringsmarke"],
            user=request.user,
        ),
        describe=services.describe_bedomning,
        success="Bedömningen är sparad.",
    )
    if saved:
        return redirect(mal)
    return render(
        request,
        "mal/bedomning.html",
        {
            "mal": mal,
            "form": form,
            "r": queries.goal_result(request.user, mal, period),
            "period": period,
            "replaces": replaces,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def varde(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a value of an indicator for an organisation the user reports for. A value already
    there is replaced only after the form has shown it (and carries its change token)."""
    ind = _indikator_for_user(request.user, pk)
    allowed = organisation_tree().descendant_ids(ind.matt_for_id) & permissions.reporter_ids(
        request.user
    )
    if not allowed:
        raise PermissionDenied("Du kan inte rapportera värden för indikatorn.")
    organisations = Organisation.objects.filter(pk__in=allowed)
    organisation = ind.matt_for_id if ind.matt_for_id in allowed else None
    period = Period.year(timezone.localdate().year)
    existing = (
        Varde.objects.filter(
            indikator=ind, organisation_id=organisation, **Varde.period_lookup(period)
        )
        .select_related("registrerad_av")
        .first()
    )
    form, saved, replaces = _submit(
        request,
        lambda data, **kwargs: VardeForm(
            data, indikator=ind, organisations=organisations, **kwargs
        ),
        current=existing,
        initial={"organisation": organisation, "period": period},
        save=lambda form: services.registrera_varde(
            indikator=ind,
            organisation=form.cleaned_data["organisation"],
            period=form.cleaned_data["period"],
            totalt=form.cleaned_data.get("totalt"),
            kvinnor=form.cleaned_data.get("kvinnor"),
            man=form.cleaned_data.get("man"),
            preliminar=form.cleaned_data["preliminar"],
            kommentar=form.cleaned_data["kommentar"],
            andringsmarke=form.cleaned_data["andringsmarke"],
            user=request.user,
        ),
        describe=services.describe_varde,
        success="Värdet är sparat.",
    )
    if saved:
        return redirect(ind.get_absolute_url())
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
    existing = ind.malvarden.filter(ar=ind.mal.sista_ar).select_related("andrad_av").first()
    form, saved, replaces = _submit(
        request,
        lambda data, **kwargs: MalvardeForm(data, **kwargs),
        current=existing,
        initial={"ar": ind.mal.sista_ar},
        save=lambda form: services.satt_malvarde(
            indikator=ind,
            ar=form.cleaned_data["ar"],
            varde=form.cleaned_data["varde"],
            andringsmarke=form.cleaned_data["andringsmarke"],
            user=request.user,
        ),
        describe=services.describe_malvarde,
        success="Målvärdet är sparat.",
    )
    if saved:
        return redirect(ind.get_absolute_url())
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
@require_POST
def uppdrag_kommentera(request: HttpRequest, pk: int) -> HttpResponse:
    uppdrag = _uppdrag_for_user(request.user, pk)
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
                andringsmarke=form.cleaned_data["andringsmarke"],
            )
        except locking.Konflikt as exc:
            form.add_conflict(exc)
        except ValidationError as exc:
            _add_errors(form, exc)
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


# The chain itself: goals, indicators, activities, assignments ------------------------------------


@login_required
def mal_andra(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a goal."""
    mal = _get_mal_for_user(request.user, pk) if pk else None
    editable = permissions.goal_editor_ids(request.user)
    if mal is not None and mal.agare_id not in editable:
        raise PermissionDenied("Du kan inte ändra det här målet.")
    if mal is None and not editable:
        raise PermissionDenied("Du kan inte lägga till mål.")

    def make_form(data, **kwargs):
        form = MalForm(data, instance=mal, **kwargs)
        form.fields["agare"].queryset = Organisation.objects.filter(pk__in=editable)
        form.fields["overordnade"].queryset = mal_for_user(request.user).exclude(pk=pk)
        # A withdrawn registration is offered no more (a goal already linked to it keeps it).
        withdrawn = Q(status=Dokument.Status.MAKULERAD)
        if mal is not None:
            withdrawn &= ~Q(pk__in=mal.dokument.values("pk"))
        form.fields["dokument"].queryset = dokument_for_user(request.user).exclude(withdrawn)
        return form

    form, saved, _ = _submit(
        request,
        make_form,
        current=mal,
        save=lambda form: services.spara_mal(
            mal=form.save(commit=False),
            overordnade=form.cleaned_data["overordnade"],
            dokument=form.cleaned_data["dokument"],
            andringsmarke=form.cleaned_data["andringsmarke"],
            user=request.user,
        ),
        success="Målet är sparat.",
        creates=Mal if mal is None else None,
    )
    if saved:
        return redirect(saved)
    return render(
        request,
        "mal/mal_form.html",
        {"mal": mal, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def indikator_andra(request: HttpRequest, pk: int | None = None, mal_pk: int | None = None):
    """Add an indicator to a goal, or change one."""
    if pk is not None:
        ind = _indikator_for_user(request.user, pk)
        mal = _editable_mal(request.user, ind.mal_id)
    else:
        mal = _editable_mal(request.user, mal_pk)
        ind = Indikator(mal=mal, matt_for=mal.agare)
    tree = organisation_tree()
    nearby = tree.descendant_ids(mal.agare_id) | {a.pk for a in tree.ancestors(mal.agare_id)}

    def make_form(data, **kwargs):
        form = IndikatorForm(data, instance=ind, **kwargs)
        form.fields["matt_for"].queryset = Organisation.objects.filter(pk__in=nearby)
        return form

    form, saved, _ = _submit(
        request,
        make_form,
        current=ind,
        save=lambda form: services.spara_indikator(
            indikator=form.save(commit=False),
            andringsmarke=form.cleaned_data["andringsmarke"],
            user=request.user,
        ),
        success="Indikatorn är sparad.",
        creates=Indikator if ind.pk is None else None,
    )
    if saved:
        return redirect(saved.mal)
    return render(
        request,
        "mal/indikator_form.html",
        {"mal": mal, "form": form, "object": ind if ind.pk else None},
        status=400 if form.is_bound else 200,
    )


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
    form, saved, _ = _submit(
        request,
        lambda data, **kwargs: AktivitetForm(data, instance=aktivitet, **kwargs),
        current=aktivitet,
        save=lambda form: services.spara_aktivitet(
            aktivitet=form.save(commit=False),
            andringsmarke=form.cleaned_data["andringsmarke"],
            user=request.user,
        ),
        success="Aktiviteten är sparad.",
        creates=Aktivitet if aktivitet.pk is None else None,
    )
    if saved:
        return redirect(saved.mal)
    return render(
        request,
        "mal/aktivitet_form.html",
        {"mal": mal, "form": form, "object": aktivitet if aktivitet.pk else None},
        status=400 if form.is_bound else 200,
    )


def _assignment_giver_ids(user) -> set[int]:
    """The political bodies whose assignments the user registers: an assignment is given by
    KF, KS or a nämnd, so a chef who maintains a unit's goals registers none."""
    editable = permissions.goal_editor_ids(user)
    if not editable:
        return set()
    tree = organisation_tree()
    return {pk for pk in editable if pk in tree.nodes and tree.nodes[pk].is_political}


@login_required
def uppdrag_nytt(request: HttpRequest) -> HttpResponse:
    """Register an assignment given by a political body whose goals the user maintains."""
    givers = _assignment_giver_ids(request.user)
    if not givers:
        raise PermissionDenied(
            "Uppdrag ges av kommunfullmäktige, kommunstyrelsen eller en nämnd, och du "
            "registrerar inte uppdrag för något av dem."
        )
    form, saved, _ = _submit(
        request,
        lambda data, current=None, **kwargs: UppdragForm(
            data,
            givers=Organisation.objects.filter(pk__in=givers),
            goals=mal_for_user(request.user),
            **kwargs,
        ),
        save=lambda form: services.ge_uppdrag(uppdrag=form.save(commit=False), user=request.user),
        success="Uppdraget är registrerat.",
        creates=Uppdrag,
    )
    if saved:
        return redirect(saved)
    return render(
        request, "mal/uppdrag_form.html", {"form": form}, status=400 if form.is_bound else 200
    )
