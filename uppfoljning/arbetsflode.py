"""A report's workflow: the chef submits it, the förvaltning's controller or chef sends it back
with a comment or approves it, and a submitted, approved or adopted report can be reopened
with a reason. Each submission freezes the report's content (`uppfoljning.innehall`) as a
`Rapportversion` with its checksum; a version is made once and never changed, and a reopened
or sent-back report is worked on as the next version number, so the submitted version stays
readable exactly as it was.

Every action carries the change token of the report (`styrning.locking`): an action taken on
a page that is out of date (somebody else acted meanwhile, or the same button was pressed
twice) is refused with who changed the report when, and nothing changes.

`panel(rapport, user)` is what the report page shows of this: status, deadline, the comment
of a sending back, the actions the user may take (with their forms) and the versions.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from mal.models import Utfall
from styrning import locking, permissions
from styrning.actionlog import Handling, log_action
from styrning.formatting import format_number
from styrning.models import Handelse
from uppfoljning import innehall as innehall_schema
from uppfoljning import utdata
from uppfoljning.forms_arbetsflode import (
    GodkannForm,
    LamnaInForm,
    OppnaIgenForm,
    SkickaTillbakaForm,
)
from uppfoljning.models import Rapport, Rapportversion

Status = Rapport.Status

# The states a report can be sent back from, approved from and reopened from.
KAN_SKICKAS_TILLBAKA = frozenset({Status.INLAMNAD, Status.GODKAND})
KAN_GODKANNAS = frozenset({Status.INLAMNAD})
KAN_OPPNAS_IGEN = frozenset({Status.INLAMNAD, Status.GODKAND, Status.ANTAGEN})
INLAMNADE = frozenset({Status.INLAMNAD, Status.GODKAND})


# --- Who may do what ------------------------------------------------------------------------


def may_submit(user, rapport: Rapport) -> bool:
    """The role part of submitting: those who write the organisation's report."""
    return permissions.can_report(user, rapport.organisation_id)


def may_review(user, rapport: Rapport) -> bool:
    """Send back or approve: the förvaltning's controller or a chef above the organisation."""
    return permissions.can_review_report(user, rapport.organisation_id)


def may_reopen(user, rapport: Rapport) -> bool:
    """Reopen: an adopted report only by a reviewer (controllers among them); a submitted or
    approved one also by those who write it."""
    if rapport.status == Status.ANTAGEN:
        return may_review(user, rapport)
    return may_submit(user, rapport) or may_review(user, rapport)


# --- Lateness and the closed period -------------------------------------------------------------
#
# `Rapport.inlamnad` is when the report first came in for its period. A report sent back (or
# reopened) and submitted again keeps it: the on-time judgement belongs to the first
# submission, and a correction the reviewer asked for is not a late submission, whenever it
# comes. Each submission's own time is its frozen version's (`Rapportversion.skapad`).


def inlamnad_sent(rapport: Rapport) -> bool:
    """Whether the report first came in after the period's last day."""
    if rapport.inlamnad is None:
        return False
    return timezone.localdate(rapport.inlamnad) > rapport.rapportperiod.sista_dag


def ar_sen(rapport: Rapport, today: datetime.date) -> bool:
    """Late: first submitted after the last day, or never submitted and the last day has
    passed. A report sent back or reopened after an on-time submission is not late."""
    if rapport.inlamnad is not None:
        return inlamnad_sent(rapport)
    return today > rapport.rapportperiod.sista_dag


# --- The rules a submission must meet ---------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _procent(value: Decimal) -> str:
    """ "−1,2 %" with a typographic minus."""
    return f"{format_number(value, 1).replace('-', '\u2212')} %"


def saknade_avsnitt(rapport: Rapport, innehall: dict) -> list[str]:
    """The required sections of the kind (`obligatorisk`) that are not written and marked
    ready in `innehall`: a text section needs its text and `klar`; a file or table section
    its attachment; the balanskrav section its block. Returns the sections' headings."""
    texter = {a.get("kod"): a for a in innehall.get("avsnitt") or []}
    bilagor = {b.get("kod"): b for b in innehall.get("bilagor") or []}
    saknas = []
    for avsnitt in rapport.rapportperiod.rapporttyp.avsnitt or []:
        if not avsnitt.get("obligatorisk"):
            continue
        kod, slag = avsnitt.get("kod"), avsnitt.get("slag", "text")
        if slag in ("fil", "tabell"):
            bilaga = bilagor.get(kod) or {}
            klart = bool(bilaga.get("filnamn") or bilaga.get("tabell"))
        elif slag == "balanskrav":
            klart = bool(innehall.get("balanskrav"))
        else:
            text = texter.get(kod) or {}
            klart = bool((text.get("text") or "").strip()) and bool(text.get("klar"))
        if not klart:
            saknas.append(avsnitt.get("rubrik") or kod)
    return saknas


def atgardsplan_kravs(rapport: Rapport, innehall: dict) -> list[str]:
    """Why the report needs an åtgärdsplan, one Swedish reason per cause (empty: it needs
    none): the annual forecast deviates below the kind's threshold (the deviation as a share
    of the year's budget, e.g. −1,2 % against −0,5 %), or a goal is assessed as not met."""
    skal = []
    total = (innehall.get("ekonomi") or {}).get("total") or {}
    avvikelse, budget = _decimal(total.get("avvikelse")), _decimal(total.get("budget_ar"))
    if avvikelse is not None and budget:
        andel = avvikelse / abs(budget) * 100
        grans = Decimal(str(rapport.rapportperiod.rapporttyp.avvikelsegrans))
        if andel < grans:
            skal.append(
                f"Prognosen avviker med {_procent(andel)} av budgeten (gränsen är "
                f"{_procent(grans)}): lägg till en åtgärd i åtgärdsplanen."
            )
    ej_uppfyllda = [
        " ".join(str(part) for part in (mal.get("nummer"), mal.get("titel")) if part)
        for mal in innehall.get("mal") or []
        if mal.get("utfall") == Utfall.EJ_UPPFYLLT
    ]
    if len(ej_uppfyllda) == 1:
        skal.append(
            f"Målet ”{ej_uppfyllda[0]}” är bedömt som ej uppfyllt: lägg till en åtgärd i "
            "åtgärdsplanen."
        )
    elif ej_uppfyllda:
        namn = "; ".join(f"”{m}”" for m in ej_uppfyllda)
        skal.append(
            f"Målen {namn} är bedömda som ej uppfyllda: lägg till en åtgärd i åtgärdsplanen."
        )
    return skal


# --- Freezing ---------------------------------------------------------------------------------


@transaction.atomic
def frys(
    *,
    rapport: Rapport,
    slag: str,
    user,
    anledning: str = "",
    innehall: dict | None = None,
) -> Rapportversion:
    """Freeze the report's content as it is now as version `rapport.version` of `slag`
    (inlämnad, antagen), with the SHA-256 of its canonical form. `innehall` is the content
    the caller has just read and checked (read here when not given), so what was checked is
    what is frozen. The caller logs the act (submitting, adopting). Once the transaction
    commits, the version's PDF is enqueued for the worker (`utdata.enqueue_pdf`), so the stored
    file is there when a reader asks for it."""
    if slag not in Rapportversion.Slag.values:
        raise ValueError(f"Okänt slag av version: {slag}")
    if Rapportversion.objects.filter(rapport=rapport, nummer=rapport.version, slag=slag).exists():
        raise ValidationError(
            f"Version {rapport.version} av rapporten är redan fryst; en fryst version ändras "
            "aldrig. Öppna rapporten igen för att göra en ny version."
        )
    if innehall is None:
        from uppfoljning.rapportering import rapport_innehall

        innehall = rapport_innehall(rapport)
    version = Rapportversion.objects.create(
        rapport=rapport,
        nummer=rapport.version,
        slag=slag,
        innehall=innehall,
        kontrollsumma=innehall_schema.checksum(innehall),
        skapad=timezone.now(),
        skapad_av=user if user is not None and user.is_authenticated else None,
        anledning=anledning,
    )
    # After the commit: a version rolled back is never rendered, and the mark that it was
    # enqueued (kept against a second enqueue from the PDF link) is set only for one that is.
    transaction.on_commit(lambda: utdata.enqueue_pdf(version))
    return version


# --- The actions ------------------------------------------------------------------------------


def _locked(rapport: Rapport, andringsmarke: str | None) -> Rapport:
    """The report locked for the action, refused (`Konflikt`) when it changed since the page
    with the action's form was made."""
    current = (
        Rapport.objects.select_for_update(of=("self",))
        .select_related("rapportperiod__rapporttyp", "organisation")
        .get(pk=rapport.pk)
    )
    locking.check_unchanged(current, andringsmarke, detail="Läs rapporten igen och försök på nytt.")
    return current


def _refresh(rapport: Rapport, current: Rapport) -> None:
    """Bring the caller's instance up to date with the saved one."""
    for field in (
        "status",
        "version",
        "inlamnad",
        "inlamnad_av_id",
        "granskad",
        "granskad_av_id",
        "aterskickad_kommentar",
        "andrad",
    ):
        setattr(rapport, field, getattr(current, field))


def senaste_oppning(rapport: Rapport) -> Handelse | None:
    """The act that opened the version now worked on (a sending back or a reopening), if the
    report's version was opened that way."""
    if rapport.version <= 1:
        return None
    return (
        Handelse.objects.filter(
            objekttyp=ContentType.objects.get_for_model(Rapport),
            objekt_id=rapport.pk,
            handling__in=[Handling.RAPPORT_ATERSKICKAD, Handling.RAPPORT_ATEROPPNAD],
            data__version=rapport.version,
        )
        .select_related("anvandare")
        .order_by("-tid", "-id")
        .first()
    )


def _anledning(oppning: Handelse | None) -> str:
    """The reason a version was made, from the act that opened it."""
    if oppning is None:
        return ""
    if oppning.handling == Handling.RAPPORT_ATERSKICKAD:
        return f"Återskickad: {oppning.data.get('kommentar', '')}".strip()
    return oppning.data.get("anledning", "")


@transaction.atomic
def lamna_in(*, rapport: Rapport, user, andringsmarke: str | None = None) -> Rapportversion:
    """Submit the report: freeze its content as the version worked on and mark it submitted
    (approved at once when the kind is not reviewed). Refused, with every reason, when the
    report is not open, the period is closed to it (`Rapport.tar_emot_andringar`: a report submitted
    before may come in again), a required section is not ready, or the åtgärdsplan the
    forecast or a goal calls for has no action. A late first submission is taken and marked
    late; a later one keeps the first one's time and judgement (`ar_sen`). `andringsmarke`:
    the change token of the page's form (None: no check)."""
    if not may_submit(user, rapport):
        raise PermissionDenied("Du får inte lämna in den här rapporten.")
    current = _locked(rapport, andringsmarke)
    if current.status not in Rapport.OPPNA:
        raise ValidationError(
            f"Rapporten är redan {current.get_status_display().lower()} och kan inte lämnas in "
            "igen. Öppna den igen om den behöver ändras."
        )
    if not current.tar_emot_andringar:
        raise ValidationError(
            "Perioden är stängd och tar inte emot fler inlämningar. Be controllern öppna "
            "perioden om rapporten behöver lämnas in."
        )
    from uppfoljning.rapportering import rapport_innehall

    # The status it is submitted with is part of what is frozen (and read back unchanged).
    current.status = (
        Status.INLAMNAD if current.rapportperiod.rapporttyp.granskas else Status.GODKAND
    )
    innehall = rapport_innehall(current)
    fel = []
    saknas = saknade_avsnitt(current, innehall)
    if saknas:
        fel.append("Avsnitt som ska vara skrivna och markerade klara: " + ", ".join(saknas) + ".")
    if not innehall.get("atgarder"):
        fel.extend(atgardsplan_kravs(current, innehall))
    if fel:
        raise ValidationError(fel)

    version = frys(
        rapport=current,
        slag=Rapportversion.Slag.INLAMNAD,
        user=user,
        anledning=_anledning(senaste_oppning(current)),
        innehall=innehall,
    )
    if current.inlamnad is None:  # the first submission; a later one keeps its time
        current.inlamnad = version.skapad
        current.inlamnad_av = user
    current._history_user = user
    current.save(update_fields=["status", "inlamnad", "inlamnad_av", "andrad"])
    log_action(
        user=user,
        handling=Handling.RAPPORT_INLAMNAD,
        objekt=current,
        organisation=current.organisation_id,
        data={
            "version": version.nummer,
            "kontrollsumma": version.kontrollsumma,
            "sen": inlamnad_sent(current),
            "status": current.status,
        },
    )
    _refresh(rapport, current)
    return version


@transaction.atomic
def skicka_tillbaka(
    *, rapport: Rapport, user, kommentar: str, andringsmarke: str | None = None
) -> Rapport:
    """Send a submitted (or approved) report back to the chef with a comment: the chef works
    on the next version; the submitted one stays as it was."""
    if not may_review(user, rapport):
        raise PermissionDenied("Du får inte granska den här rapporten.")
    kommentar = (kommentar or "").strip()
    if not kommentar:
        raise ValidationError(
            {"kommentar": "Skriv varför rapporten skickas tillbaka: chefen läser det."}
        )
    current = _locked(rapport, andringsmarke)
    if current.status not in KAN_SKICKAS_TILLBAKA:
        raise ValidationError(
            f"Rapporten är {current.get_status_display().lower()}: bara en inlämnad eller "
            "godkänd rapport kan skickas tillbaka."
        )
    current.status = Status.ATERSKICKAD
    current.version += 1
    current.granskad = timezone.now()
    current.granskad_av = user
    current.aterskickad_kommentar = kommentar
    current._history_user = user
    current.save(
        update_fields=[
            "status",
            "version",
            "granskad",
            "granskad_av",
            "aterskickad_kommentar",
            "andrad",
        ]
    )
    log_action(
        user=user,
        handling=Handling.RAPPORT_ATERSKICKAD,
        objekt=current,
        organisation=current.organisation_id,
        data={"version": current.version, "kommentar": kommentar},
    )
    _refresh(rapport, current)
    return current


@transaction.atomic
def godkann(*, rapport: Rapport, user, andringsmarke: str | None = None) -> Rapport:
    """Approve a submitted report."""
    if not may_review(user, rapport):
        raise PermissionDenied("Du får inte granska den här rapporten.")
    current = _locked(rapport, andringsmarke)
    if current.status not in KAN_GODKANNAS:
        raise ValidationError(
            f"Rapporten är {current.get_status_display().lower()}: bara en inlämnad rapport "
            "kan godkännas."
        )
    current.status = Status.GODKAND
    current.granskad = timezone.now()
    current.granskad_av = user
    current._history_user = user
    current.save(update_fields=["status", "granskad", "granskad_av", "andrad"])
    log_action(
        user=user,
        handling=Handling.RAPPORT_GODKAND,
        objekt=current,
        organisation=current.organisation_id,
        data={"version": current.version},
    )
    _refresh(rapport, current)
    return current


@transaction.atomic
def oppna_igen(
    *, rapport: Rapport, user, anledning: str, andringsmarke: str | None = None
) -> Rapport:
    """Reopen a submitted, approved or adopted report with a reason: it becomes a draft of the
    next version; every earlier version stays as it was frozen."""
    if not may_reopen(user, rapport):
        raise PermissionDenied("Du får inte öppna den här rapporten igen.")
    anledning = (anledning or "").strip()
    if not anledning:
        raise ValidationError(
            {"anledning": "Skriv varför rapporten öppnas igen: det står vid den nya versionen."}
        )
    current = _locked(rapport, andringsmarke)
    if current.status not in KAN_OPPNAS_IGEN:
        raise ValidationError(
            f"Rapporten är {current.get_status_display().lower()} och är redan öppen för ändringar."
        )
    if current.status == Status.ANTAGEN and not may_review(user, current):
        raise PermissionDenied("En antagen rapport öppnas igen av controllern.")
    tidigare = current.status
    current.status = Status.UTKAST
    current.version += 1
    current._history_user = user
    current.save(update_fields=["status", "version", "andrad"])
    log_action(
        user=user,
        handling=Handling.RAPPORT_ATEROPPNAD,
        objekt=current,
        organisation=current.organisation_id,
        data={"version": current.version, "anledning": anledning, "fran": tidigare},
    )
    _refresh(rapport, current)
    return current


# --- The panel on the report page -----------------------------------------------------------


def _url(name: str, *args) -> str | None:
    try:
        return reverse(f"uppfoljning:{name}", args=args)
    except NoReverseMatch:  # the part that serves it is not there yet
        return None


def _forms(rapport: Rapport, token: str, **flags) -> dict:
    """The unbound forms of the actions the user may take, each carrying the report's token."""
    forms = {}
    for name, form_class, flag in (
        ("lamna_in", LamnaInForm, "can_submit"),
        ("skicka_tillbaka", SkickaTillbakaForm, "can_send_back"),
        ("godkann", GodkannForm, "can_approve"),
        ("oppna_igen", OppnaIgenForm, "can_reopen"),
    ):
        if flags[flag]:
            form = form_class(current=None)
            form.initial["andringsmarke"] = token
            forms[name] = form
    return forms


def panel(rapport: Rapport, user, *, today: datetime.date | None = None, forms=None) -> dict:
    """What the report page shows of the workflow (template
    `uppfoljning/arbetsflode/_panel.html`, context name `arbetsflode`). `rapport` with its
    period and kind loaded (`select_related("rapportperiod__rapporttyp")`). `forms`: bound
    forms to show instead of fresh ones (a refused action shown again with its text)."""
    today = today or timezone.localdate()
    period = rapport.rapportperiod
    typ = period.rapporttyp
    status = rapport.status
    reviewer = may_review(user, rapport)
    flags = {
        "can_submit": rapport.tar_emot_andringar and may_submit(user, rapport),
        "can_send_back": status in KAN_SKICKAS_TILLBAKA and reviewer,
        "can_approve": status in KAN_GODKANNAS and typ.granskas and reviewer,
        "can_reopen": status in KAN_OPPNAS_IGEN and may_reopen(user, rapport),
    }
    any_action = any(flags.values())
    token = locking.token(rapport) if any_action else ""
    action_forms = _forms(rapport, token, **flags)
    action_forms.update(forms or {})

    oppning = senaste_oppning(rapport) if status in Rapport.OPPNA else None
    versioner = [
        {
            "nummer": v.nummer,
            "slag": v.slag,
            "slag_text": v.get_slag_display(),
            "skapad": v.skapad,
            "skapad_av": v.skapad_av,
            "anledning": v.anledning,
            "kontrollsumma": v.kontrollsumma,
            "url": _url("version", rapport.pk, v.nummer),
        }
        for v in rapport.versioner.select_related("skapad_av").order_by("nummer", "skapad")
    ]
    # The latest submission, when it is not the first (a report sent back or reopened and
    # submitted again): the facts say when the report first came in and when this version did.
    senaste = next(
        (v for v in reversed(versioner) if v["slag"] == Rapportversion.Slag.INLAMNAD), None
    )
    if status in Rapport.OPPNA or senaste is None or senaste["skapad"] == rapport.inlamnad:
        senaste = None
    return {
        "rapport": rapport,
        "status": status,
        "status_text": rapport.get_status_display(),
        "version": rapport.version,
        "sista_dag": period.sista_dag,
        "forsenad": ar_sen(rapport, today),
        "inlamnad": rapport.inlamnad if status not in Rapport.OPPNA else None,
        "inlamnad_av": rapport.inlamnad_av if status not in Rapport.OPPNA else None,
        "inlamnad_sent": inlamnad_sent(rapport),
        "senast_inlamnad": senaste,
        "granskad": rapport.granskad,
        "granskad_av": rapport.granskad_av if rapport.granskad_av_id else None,
        "granskas": typ.granskas,
        "stangd": period.stangd,
        "stangd_for_inlamning": status in Rapport.OPPNA and not rapport.tar_emot_andringar,
        "aterskickad_kommentar": (
            rapport.aterskickad_kommentar if status == Status.ATERSKICKAD else ""
        ),
        "oppnad_igen": (
            {"tid": oppning.tid, "av": oppning.anvandare, "anledning": _anledning(oppning)}
            if oppning is not None and oppning.handling == Handling.RAPPORT_ATEROPPNAD
            else None
        ),
        **flags,
        "forms": action_forms,
        "urls": {name: reverse(f"uppfoljning:{name}", args=[rapport.pk]) for name in action_forms},
        "versioner": versioner,
    }
