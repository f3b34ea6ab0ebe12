"""The chef's report page: one page per organisation and period with its parts (workflow,
economy, goals and indicators, assignments, sections, action plan, follow-up of earlier
actions), each part its own small form posting to its own view (POST → redirect → GET with
the part's anchor). A refused form is shown again on the page, with its Swedish errors by its
fields and the typed text kept (status 400, as the goal chain's forms do).

Access: anonymous → login; a report the user may not read is a 404; one they may read but
not report for is shown read-only, and its forms answer 403."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mal.models import Bedomning, Indikator, Uppdrag, Uppdragskommentar, Utfall, Varde
from styrning import locking, permissions, submission
from styrning.formatting import format_number
from uppfoljning import arbetsflode, rapportering
from uppfoljning.forms_ekonomi import PrognosForm
from uppfoljning.forms_rapport import (
    AtgardForm,
    AvsnittForm,
    BedomningForm,
    UppdragForm,
    UppfoljningForm,
    VardeForm,
)
from uppfoljning.models import Atgard, Atgardsuppfoljning, Avsnittstext, Rapport
from uppfoljning.views_ekonomi import prognos_context

INLAMNADE = frozenset({Rapport.Status.INLAMNAD, Rapport.Status.GODKAND, Rapport.Status.ANTAGEN})
ALREADY_SUBMITTED = "Formuläret var redan skickat. Här är det som skapades."


def _rapport_for_user(user, pk: int) -> Rapport:
    """A report the user may read (404 otherwise)."""
    rapport = rapportering.rapporter().filter(pk=pk).first()
    if rapport is None or not permissions.can_view_report(
        user,
        organisation_id=rapport.organisation_id,
        adopted=rapport.status == Rapport.Status.ANTAGEN,
        submitted=rapport.status in INLAMNADE,
    ):
        raise Http404("Rapporten finns inte.")
    return rapport


def _rapport_to_report(user, pk: int) -> Rapport:
    """A report the user may write (404 if unseen, 403 if only read)."""
    rapport = _rapport_for_user(user, pk)
    if not permissions.can_report(user, rapport.organisation_id):
        raise PermissionDenied("Du kan inte rapportera för den här organisationen.")
    return rapport


def _is_open(rapport: Rapport) -> bool:
    return rapport.tar_emot_andringar


# --- The page ------------------------------------------------------------------------------------


def _tal(value) -> str | None:
    """A stored number as the form shows it: Swedish, without trailing zeros ("1 234,5")."""
    return None if value is None else format_number(value)


def _locked(form, token: str):
    """An unbound edit form carrying a token read in bulk (`rapportering.andringsmarken`),
    instead of a query per form."""
    if not form.is_bound:
        form.initial["andringsmarke"] = token
    return form


def page_context(
    rapport: Rapport, user, bound: dict, *, prognos: PrognosForm | None = None
) -> dict:
    """Everything the page shows, in a fixed number of queries: the report's rows
    (`rapportering.las_rapport`), the change tokens of each kind of row in one query each, the
    workflow panel and the economy partials. `bound`: refused forms of the page's parts by
    prefix; `prognos`: a refused forecast form (`views_ekonomi.prognos`), shown in place."""
    data = rapportering.las_rapport(rapport)
    can_report = permissions.can_report(user, rapport.organisation_id)
    can_edit = can_report and _is_open(rapport)
    done, total = rapportering.delar_klara(rapport, data)

    def form(prefix: str, make: Callable):
        if prefix in bound:
            return bound[prefix]
        return make(prefix) if can_edit else None

    tokens = {}
    if can_edit:
        tokens = {
            "bedomning": rapportering.andringsmarken(
                Bedomning, [r.bedomning.pk for r in data.mal if r.bedomning]
            ),
            "varde": rapportering.andringsmarken(
                Varde,
                [
                    i.varde.pk
                    for r in data.mal
                    for i in r.indikatorer
                    if i.varde and not i.importerad
                ],
            ),
            "uppdrag": rapportering.andringsmarken(
                Uppdragskommentar, [u.kommentar.pk for u in data.uppdrag if u.kommentar]
            ),
            "avsnitt": rapportering.andringsmarken(
                Avsnittstext, [a.rad.pk for a in data.avsnitt if a.rad]
            ),
            "atgard": rapportering.andringsmarken(Atgard, [a.pk for a in data.atgarder]),
            "uppfoljning": rapportering.andringsmarken(
                Atgardsuppfoljning,
                [r.uppfoljning.pk for r in data.atgardsuppfoljning if r.uppfoljning],
            ),
        }

    def token(kind: str, row) -> str:
        return tokens[kind].get(row.pk, "") if row is not None else ""

    mal = []
    for r in data.mal:
        b = r.bedomning
        mal.append(
            {
                "row": r,
                "form": form(
                    f"mal-{r.mal.pk}",
                    lambda p, r=r, b=b: _locked(
                        BedomningForm(
                            prefix=p,
                            initial={
                                "utfall": b.utfall if b else Utfall.EJ_BEDOMT,
                                "analys": b.analys if b else "",
                            },
                        ),
                        token("bedomning", b),
                    ),
                ),
                "indikatorer": [
                    {
                        "row": i,
                        "form": None
                        if i.importerad
                        else form(
                            f"varde-{i.indikator.pk}",
                            lambda p, i=i: _locked(
                                VardeForm(
                                    prefix=p,
                                    indikator=i.indikator,
                                    period_label=data.period.label,
                                    initial={
                                        "totalt": _tal(i.varde.totalt) if i.varde else None,
                                        "kvinnor": _tal(i.varde.kvinnor) if i.varde else None,
                                        "man": _tal(i.varde.man) if i.varde else None,
                                        "kommentar": i.varde.kommentar if i.varde else "",
                                    },
                                ),
                                token("varde", i.varde),
                            ),
                        ),
                    }
                    for i in r.indikatorer
                ],
            }
        )
    uppdrag = [
        {
            "row": u,
            "form": form(
                f"uppdrag-{u.uppdrag.pk}",
                lambda p, u=u: _locked(
                    UppdragForm(
                        prefix=p,
                        initial={
                            "status": u.status,
                            "kommentar": u.kommentar.kommentar if u.kommentar else "",
                        },
                    ),
                    token("uppdrag", u.kommentar),
                ),
            ),
        }
        for u in data.uppdrag
    ]
    avsnitt = [
        {
            "row": a,
            "form": form(
                f"avsnitt-{a.kod}",
                lambda p, a=a: _locked(
                    AvsnittForm(
                        prefix=p,
                        rubrik=a.rubrik,
                        hjalptext=a.hjalptext,
                        initial={"text": a.text, "klar": a.klar},
                    ),
                    token("avsnitt", a.rad),
                ),
            )
            if a.slag == "text"
            else None,
        }
        for a in data.avsnitt
    ]
    indikatorer = list(data.indikatorer.values())
    atgarder = [
        {
            "atgard": a,
            "form": form(
                f"atgard-{a.pk}",
                lambda p, a=a: _locked(
                    AtgardForm(
                        prefix=p,
                        indikatorer=indikatorer,
                        initial={
                            "beskrivning": a.beskrivning,
                            "ansvarig": a.ansvarig,
                            "datum": a.datum,
                            "effekt_kronor": _tal(a.effekt_kronor),
                            "indikator": a.indikator_id,
                            "effekt_varde": _tal(a.effekt_varde),
                            "status": a.status,
                        },
                    ),
                    token("atgard", a),
                ),
            ),
        }
        for a in data.atgarder
    ]
    uppfoljning = [
        {
            "row": r,
            "form": form(
                f"uppfoljning-{r.atgard.pk}",
                lambda p, r=r: _locked(
                    UppfoljningForm(
                        prefix=p,
                        initial={
                            "status": r.uppfoljning.status if r.uppfoljning else r.atgard.status,
                            "kommentar": r.uppfoljning.kommentar if r.uppfoljning else "",
                        },
                    ),
                    token("uppfoljning", r.uppfoljning),
                ),
            ),
        }
        for r in data.atgardsuppfoljning
    ]
    return {
        "rapport": rapport,
        "typ": rapport.rapportperiod.rapporttyp,
        "period": data.period,
        "data": data,
        "andel": done * 100 // total if total else 0,
        "klara": done,
        "delar_totalt": total,
        "delar_inlamnade": sum(1 for d in data.delar if d.get("inlamnad")),
        "can_report": can_report,
        "can_edit": can_edit,
        "mal": mal,
        "uppdrag": uppdrag,
        "avsnitt": avsnitt,
        "atgarder": atgarder,
        "ny_atgard": form(
            "atgard-ny",
            lambda p: AtgardForm(
                prefix=p, indikatorer=indikatorer, initial={"status": Atgard.Status.PLANERAD}
            ),
        ),
        "uppfoljning": uppfoljning,
        "arbetsflode": arbetsflode.panel(rapport, user),
        **prognos_context(rapport, user, bound=prognos),
    }


def render_page(
    request, rapport: Rapport, bound: dict | None = None, *, prognos: PrognosForm | None = None
) -> HttpResponse:
    """The report page; with a refused form (`bound` or `prognos`) as a 400 that shows it."""
    return render(
        request,
        "uppfoljning/rapport/sida.html",
        page_context(rapport, request.user, bound or {}, prognos=prognos),
        status=400 if bound or prognos is not None else 200,
    )


@login_required
def rapport(request: HttpRequest, pk: int) -> HttpResponse:
    """The chef's report page: the parts to fill in, or for a reader the same read-only."""
    return render_page(request, _rapport_for_user(request.user, pk))


# --- The parts' forms ----------------------------------------------------------------------------


def _add_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: each message by its field, the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _post(
    request,
    rapport: Rapport,
    form,
    save: Callable,
    *,
    success: str,
    creates: bool = False,
) -> HttpResponse:
    """The one flow of a part's form: valid and saved → a message and back to the part on the
    page; refused → the page again with the form's errors and the typed text."""
    if form.is_valid():
        try:
            if creates:
                _, made = submission.once(
                    request.user, form.cleaned_data.get("inskick"), lambda: save(form)
                )
            else:
                save(form)
                made = True
        except locking.Konflikt as exc:
            form.add_conflict(exc)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if made:
                messages.success(request, success)
            else:
                messages.info(request, ALREADY_SUBMITTED)
            return redirect(f"{rapport.get_absolute_url()}#{form.prefix}")
    return render_page(request, rapport, {form.prefix: form})


@login_required
@require_POST
def avsnitt(request: HttpRequest, pk: int, kod: str) -> HttpResponse:
    rapport = _rapport_to_report(request.user, pk)
    section = next(
        (a for a in rapport.rapportperiod.rapporttyp.avsnitt or [] if a.get("kod") == kod), None
    )
    if section is None or section.get("slag", "text") != "text":
        raise Http404("Rapporten har inget sådant avsnitt.")
    form = AvsnittForm(
        request.POST,
        prefix=f"avsnitt-{kod}",
        rubrik=section.get("rubrik", kod),
        hjalptext=section.get("hjalptext", ""),
    )
    return _post(
        request,
        rapport,
        form,
        lambda f: rapportering.spara_avsnitt(
            rapport=rapport,
            kod=kod,
            text=f.cleaned_data["text"],
            klar=f.cleaned_data["klar"],
            andringsmarke=f.cleaned_data["andringsmarke"],
            user=request.user,
        ),
        success=f"Avsnittet ”{section.get('rubrik', kod)}” är sparat.",
    )


@login_required
@require_POST
def bedomning(request: HttpRequest, pk: int, mal_id: int) -> HttpResponse:
    rapport = _rapport_to_report(request.user, pk)
    # the goals the report follows up: its organisation's, and KF's in the law's reports
    mal = rapportering.rapportens_mal(rapport).filter(pk=mal_id).first()
    if mal is None:
        raise Http404("Målet finns inte i rapporten.")
    form = BedomningForm(request.POST, prefix=f"mal-{mal.pk}")
    return _post(
        request,
        rapport,
        form,
        lambda f: rapportering.bedom(
            rapport=rapport,
            mal=mal,
            utfall=f.cleaned_data["utfall"],
            analys=f.cleaned_data["analys"],
            andringsmarke=f.cleaned_data["andringsmarke"],
            user=request.user,
        ),
        success=f"Bedömningen av ”{mal}” är sparad.",
    )


@login_required
@require_POST
def varde(request: HttpRequest, pk: int, indikator_id: int) -> HttpResponse:
    rapport = _rapport_to_report(request.user, pk)
    ind = (
        Indikator.objects.filter(pk=indikator_id, mal__agare=rapport.organisation_id)
        .select_related("mal__budgetar", "mal__mandatperiod", "matt_for")
        .first()
    )
    if ind is None:
        raise Http404("Indikatorn finns inte i rapporten.")
    form = VardeForm(
        request.POST, prefix=f"varde-{ind.pk}", indikator=ind, period_label=rapport.period.label
    )
    return _post(
        request,
        rapport,
        form,
        lambda f: rapportering.registrera_varde(
            rapport=rapport,
            indikator=ind,
            totalt=f.cleaned_data["totalt"],
            kvinnor=f.cleaned_data.get("kvinnor"),
            man=f.cleaned_data.get("man"),
            kommentar=f.cleaned_data["kommentar"],
            andringsmarke=f.cleaned_data["andringsmarke"],
            user=request.user,
        ),
        success=f"Värdet för ”{ind}” är sparat.",
    )


@login_required
@require_POST
def uppdrag(request: HttpRequest, pk: int, uppdrag_id: int) -> HttpResponse:
    rapport = _rapport_to_report(request.user, pk)
    row = Uppdrag.objects.filter(pk=uppdrag_id, givet_till=rapport.organisation_id).first()
    if row is None:
        raise Http404("Uppdraget finns inte i rapporten.")
    form = UppdragForm(request.POST, prefix=f"uppdrag-{row.pk}")
    return _post(
        request,
        rapport,
        form,
        lambda f: rapportering.kommentera_uppdrag(
            rapport=rapport,
            uppdrag=row,
            status=f.cleaned_data["status"],
            kommentar=f.cleaned_data["kommentar"],
            andringsmarke=f.cleaned_data["andringsmarke"],
            user=request.user,
        ),
        success=f"Kommentaren till ”{row}” är sparad.",
    )


def _spara_atgard(request, rapport: Rapport, form, indikatorer, atgard: Atgard | None):
    chosen = form.cleaned_data["indikator"]
    return rapportering.spara_atgard(
        rapport=rapport,
        beskrivning=form.cleaned_data["beskrivning"],
        ansvarig=form.cleaned_data["ansvarig"],
        datum=form.cleaned_data["datum"],
        effekt_kronor=form.cleaned_data["effekt_kronor"],
        indikator=indikatorer.get(chosen) if chosen else None,
        effekt_varde=form.cleaned_data["effekt_varde"],
        status=form.cleaned_data["status"],
        atgard=atgard,
        andringsmarke=form.cleaned_data["andringsmarke"] if atgard else None,
        user=request.user,
    )


@login_required
@require_POST
def atgard_ny(request: HttpRequest, pk: int) -> HttpResponse:
    rapport = _rapport_to_report(request.user, pk)
    indikatorer = {i.pk: i for i in rapportering.egna_indikatorer(rapport)}
    form = AtgardForm(request.POST, prefix="atgard-ny", indikatorer=indikatorer.values())
    return _post(
        request,
        rapport,
        form,
        lambda f: _spara_atgard(request, rapport, f, indikatorer, None),
        success="Åtgärden är tillagd i åtgärdsplanen.",
        creates=True,
    )


@login_required
@require_POST
def atgard(request: HttpRequest, pk: int, atgard_id: int) -> HttpResponse:
    rapport = _rapport_to_report(request.user, pk)
    row = Atgard.objects.filter(pk=atgard_id, rapport=rapport).first()
    if row is None:
        raise Http404("Åtgärden finns inte i rapporten.")
    indikatorer = {i.pk: i for i in rapportering.egna_indikatorer(rapport)}
    form = AtgardForm(request.POST, prefix=f"atgard-{row.pk}", indikatorer=indikatorer.values())
    return _post(
        request,
        rapport,
        form,
        lambda f: _spara_atgard(request, rapport, f, indikatorer, row),
        success="Åtgärden är sparad.",
    )


@login_required
@require_POST
def uppfoljning(request: HttpRequest, pk: int, atgard_id: int) -> HttpResponse:
    rapport = _rapport_to_report(request.user, pk)
    row = Atgard.objects.filter(pk=atgard_id, rapport__organisation=rapport.organisation_id).first()
    if row is None:
        raise Http404("Åtgärden finns inte.")
    form = UppfoljningForm(request.POST, prefix=f"uppfoljning-{row.pk}")
    return _post(
        request,
        rapport,
        form,
        lambda f: rapportering.folj_upp_atgard(
            rapport=rapport,
            atgard=row,
            status=f.cleaned_data["status"],
            kommentar=f.cleaned_data["kommentar"],
            andringsmarke=f.cleaned_data["andringsmarke"],
            user=request.user,
        ),
        success="Uppföljningen av åtgärden är sparad.",
    )
