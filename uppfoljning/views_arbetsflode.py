"""The report's workflow actions (`uppfoljning.arbetsflode`) as small POST-only views: submit,
send back, approve, reopen. Each answers POST → redirect → GET to the report page with a
message; a refused submission or approval goes back there with its reasons as messages, and a
refused sending back or reopening (which carry a text) shows its form again with the text kept
and the errors at the field.

Access: a report the user may not see is a 404, one they may see but not act on a 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from styrning import locking, permissions
from uppfoljning import arbetsflode
from uppfoljning.forms_arbetsflode import (
    GodkannForm,
    LamnaInForm,
    OppnaIgenForm,
    SkickaTillbakaForm,
)
from uppfoljning.models import Rapport

Status = Rapport.Status


def _get_rapport_for_user(request: HttpRequest, pk: int) -> Rapport:
    """A report the user may see (404 otherwise), with what the workflow reads."""
    rapport = get_object_or_404(
        Rapport.objects.select_related(
            "rapportperiod__rapporttyp", "organisation", "inlamnad_av", "granskad_av"
        ),
        pk=pk,
    )
    if not permissions.can_view_report(
        request.user,
        organisation_id=rapport.organisation_id,
        adopted=rapport.status == Status.ANTAGEN,
        submitted=rapport.status in arbetsflode.INLAMNADE,
    ):
        raise Http404("Rapporten finns inte.")
    return rapport


def _back(rapport: Rapport):
    return redirect(f"{rapport.get_absolute_url()}#arbetsflode")


def _last_changed_by(rapport: Rapport):
    latest = Rapport.history.filter(id=rapport.pk).order_by("-history_id").first()
    return latest.history_user_id if latest else None


def _already_done(request: HttpRequest, rapport: Rapport, statuses, text: str) -> bool:
    """A refused action whose effect the user's own last act already had (the button pressed
    twice): say so instead of showing a conflict."""
    rapport.refresh_from_db(fields=["status", "version"])
    if rapport.status in statuses and _last_changed_by(rapport) == request.user.pk:
        messages.info(request, text)
        return True
    return False


def _refused(request: HttpRequest, rubrik: str, error: ValidationError) -> None:
    """A refusal as messages: the heading, then each reason as its own line."""
    messages.error(request, rubrik)
    for reason in error.messages:
        messages.error(request, reason)


def _form_page(request, rapport, form, *, name: str, rubrik: str) -> HttpResponse:
    """A refused action with a text: the workflow panel (the report as it is now) with this
    action's form as it was sent, the text kept, the errors at the field and summed up."""
    return render(
        request,
        "uppfoljning/arbetsflode/atgard.html",
        {
            "rapport": rapport,
            "form": form,
            "rubrik": rubrik,
            "arbetsflode": arbetsflode.panel(rapport, request.user, forms={name: form}),
        },
        status=400,
    )


@login_required
@require_POST
def lamna_in(request: HttpRequest, pk: int) -> HttpResponse:
    rapport = _get_rapport_for_user(request, pk)
    if not arbetsflode.may_submit(request.user, rapport):
        raise PermissionDenied("Du får inte lämna in den här rapporten.")
    form = LamnaInForm(request.POST)
    form.is_valid()
    try:
        version = arbetsflode.lamna_in(
            rapport=rapport,
            user=request.user,
            andringsmarke=form.cleaned_data.get("andringsmarke", ""),
        )
    except locking.Konflikt as conflict:
        if not _already_done(
            request, rapport, arbetsflode.INLAMNADE, "Rapporten är redan inlämnad."
        ):
            _refused(request, "Rapporten kunde inte lämnas in.", conflict)
    except ValidationError as error:
        _refused(request, "Rapporten kunde inte lämnas in:", error)
    else:
        text = f"Rapporten är inlämnad som version {version.nummer}."
        if rapport.status == Status.GODKAND:
            text = f"Rapporten är inlämnad som version {version.nummer} och godkänd."
        if arbetsflode.inlamnad_sent(rapport):
            text += (
                f" Inlämningen är försenad: sista dag var "
                f"{rapport.rapportperiod.sista_dag:%Y-%m-%d}."
            )
        messages.success(request, text)
    return _back(rapport)


@login_required
@require_POST
def godkann(request: HttpRequest, pk: int) -> HttpResponse:
    rapport = _get_rapport_for_user(request, pk)
    if not arbetsflode.may_review(request.user, rapport):
        raise PermissionDenied("Du får inte granska den här rapporten.")
    form = GodkannForm(request.POST)
    form.is_valid()
    try:
        arbetsflode.godkann(
            rapport=rapport,
            user=request.user,
            andringsmarke=form.cleaned_data.get("andringsmarke", ""),
        )
    except locking.Konflikt as conflict:
        if not _already_done(request, rapport, {Status.GODKAND}, "Rapporten är redan godkänd."):
            _refused(request, "Rapporten kunde inte godkännas.", conflict)
    except ValidationError as error:
        _refused(request, "Rapporten kunde inte godkännas:", error)
    else:
        messages.success(request, "Rapporten är godkänd.")
    return _back(rapport)


def _text_action(
    request, rapport, form, service, *, name, field, rubrik, done, already, already_text
):
    """Send back or reopen: a form with one required text."""
    if form.is_valid():
        try:
            service(
                rapport=rapport,
                user=request.user,
                andringsmarke=form.cleaned_data["andringsmarke"],
                **{field: form.cleaned_data[field]},
            )
        except locking.Konflikt as conflict:
            if _already_done(request, rapport, already, already_text):
                return _back(rapport)
            form.add_conflict(conflict)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return _back(rapport)
    rapport.refresh_from_db()
    return _form_page(request, rapport, form, name=name, rubrik=rubrik)


@login_required
@require_POST
def skicka_tillbaka(request: HttpRequest, pk: int) -> HttpResponse:
    rapport = _get_rapport_for_user(request, pk)
    if not arbetsflode.may_review(request.user, rapport):
        raise PermissionDenied("Du får inte granska den här rapporten.")
    return _text_action(
        request,
        rapport,
        SkickaTillbakaForm(request.POST),
        arbetsflode.skicka_tillbaka,
        name="skicka_tillbaka",
        field="kommentar",
        rubrik="Rapporten kunde inte skickas tillbaka",
        done="Rapporten är skickad tillbaka med din kommentar.",
        already={Status.ATERSKICKAD},
        already_text="Rapporten är redan skickad tillbaka.",
    )


@login_required
@require_POST
def oppna_igen(request: HttpRequest, pk: int) -> HttpResponse:
    rapport = _get_rapport_for_user(request, pk)
    if not arbetsflode.may_reopen(request.user, rapport):
        raise PermissionDenied("Du får inte öppna den här rapporten igen.")
    return _text_action(
        request,
        rapport,
        OppnaIgenForm(request.POST),
        arbetsflode.oppna_igen,
        name="oppna_igen",
        field="anledning",
        rubrik="Rapporten kunde inte öppnas igen",
        done="Rapporten är öppnad igen som en ny version. Den inlämnade versionen finns kvar.",
        already={Status.UTKAST},
        already_text="Rapporten är redan öppnad igen.",
    )
