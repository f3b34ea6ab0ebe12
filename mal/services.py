"""Writes with rules in the goal chain. Each takes the acting user, checks that the user may act
(`PermissionDenied` otherwise), runs in a transaction, refuses bad input with a Swedish message
keyed to the field at fault and writes the act in the log of acts."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format

from mal import rollup
from mal.models import (
    Aktivitet,
    Bedomning,
    Indikator,
    Mal,
    Malvarde,
    Uppdrag,
    Uppdragskommentar,
    Utfall,
    Varde,
)
from mal.queries import related_goal_ids
from styrning import locking, permissions
from styrning.actionlog import Handling, log_action
from styrning.formatting import format_number
from styrning.models import Organisation
from styrning.periods import Period
from styrning.queries import OrganisationTree, organisation_tree

# --- Who may act ---------------------------------------------------------------------------------


def check_may_edit_goals(user, organisation_id: int) -> None:
    """Goals, indicators, targets, activities and assignments of the organisation."""
    if not permissions.can_edit_goals(user, organisation_id):
        raise PermissionDenied("Du får inte ändra mål för den här organisationen.")


def check_may_report(user, organisation_id: int) -> None:
    """Values, assessments and comments on assignments of the organisation."""
    if not permissions.can_report(user, organisation_id):
        raise PermissionDenied("Du får inte rapportera uppföljning för den här organisationen.")


# --- How a saved row is named -------------------------------------------------------------------


def _text(value: Decimal | None) -> str | None:
    """A number for the log's data: exact, as a string."""
    return None if value is None else f"{value.normalize():f}"


def _who_when(user, changed) -> str:
    name = str(user) if user else "okänd"
    when = date_format(timezone.localtime(changed), "j F Y H:i") if changed else "okänt datum"
    return f"{name}, {when}"


def describe_varde(varde: Varde) -> str:
    """ "totalt 83 (registrerat av Anna Andersson, 3 mars 2026 14:05)": what a new value
    replaces."""
    parts = [f"totalt {format_number(varde.totalt)}" if varde.totalt is not None else ""]
    if varde.kvinnor is not None:
        parts.append(f"kvinnor {format_number(varde.kvinnor)}")
    if varde.man is not None:
        parts.append(f"män {format_number(varde.man)}")
    text = ", ".join(p for p in parts if p)
    return f"{text} (registrerat av {_who_when(varde.registrerad_av, varde.andrad)})"


def describe_malvarde(malvarde: Malvarde) -> str:
    return (
        f"{format_number(malvarde.varde)} "
        f"(satt av {_who_when(malvarde.andrad_av, malvarde.andrad)})"
    )


def describe_bedomning(bedomning: Bedomning) -> str:
    return (
        f"{bedomning.get_utfall_display().lower()} "
        f"(bedömt av {_who_when(bedomning.bedomd_av, bedomning.andrad)})"
    )


def _check_unchanged(current, andringsmarke: str | None, what: str, describe) -> None:
    """Optimistic locking of the row for a key: refuse to save over a row the form did not show
    (an empty token) or over a newer save than it showed, saying what the row holds now."""
    detail = (
        f"{what} är nu {describe(current)}; sparar du igen ersätter dina uppgifter det sparade."
        if current is not None
        else ""
    )
    locking.check_unchanged(current, andringsmarke, detail=detail)


def _create_once(model, key: dict, fields: dict, user, what: str, describe):
    """Create the row for a key; if someone created it in the meantime, refuse like a conflict."""
    row = model(**key, **fields)
    row._history_user = user
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        current = model.objects.filter(**key).first()
        _check_unchanged(current, "", what, describe)
        raise
    return row


def _reread(what: str) -> str:
    """What to do after a conflict on a whole record ("målet som det")."""
    return f"Läs {what} är nu; sparar du igen ersätter dina uppgifter ändringen."


def _changed_fields(obj: Model, saved: Model | None) -> list[str]:
    if saved is None:
        return []
    return [
        f.name
        for f in obj._meta.concrete_fields
        if not f.primary_key and getattr(obj, f.attname) != getattr(saved, f.attname)
    ]


def _lock(model, obj: Model) -> Model | None:
    """The saved row of `obj`, locked until the transaction ends (None for a new row)."""
    if obj.pk is None:
        return None
    return model.objects.select_for_update().filter(pk=obj.pk).first()


# --- Goals ----------------------------------------------------------------------------------------


def check_overordnade(mal: Mal, overordnade, tree: OrganisationTree | None = None) -> None:
    """A goal may only contribute to a goal of a body at or above its owner, and never to
    itself or to a goal below it (a cycle)."""
    overordnade = list(overordnade)
    if not overordnade:
        return
    tree = tree or organisation_tree()
    errors = []
    for parent in overordnade:
        if mal.pk is not None and parent.pk == mal.pk:
            errors.append("Ett mål kan inte bidra till sig självt.")
        elif not tree.is_at_or_above(parent.agare_id, mal.agare_id):
            errors.append(
                f"”{parent}” hör till {parent.agare}, som inte ligger på samma nivå som eller "
                f"över {mal.agare}. Ett mål kan bara bidra till mål hos samma eller ett högre "
                "organ."
            )
    if mal.pk is not None:
        _, below = related_goal_ids(mal.pk)
        for parent in overordnade:
            if parent.pk in below:
                errors.append(
                    f"”{parent}” bidrar redan, direkt eller via andra mål, till ”{mal}”. "
                    "Att låta målet bidra dit skulle bli en cykel."
                )
    if errors:
        raise ValidationError({"overordnade": errors}, code="overordnade")


def check_agare(mal: Mal, tree: OrganisationTree | None = None) -> None:
    """A goal's owner stays at or above the owners of the goals that contribute to it."""
    if mal.pk is None:
        return
    tree = tree or organisation_tree()
    lower = [
        str(d)
        for d in mal.delmal.select_related("agare")
        if not tree.is_at_or_above(mal.agare_id, d.agare_id)
    ]
    if lower:
        raise ValidationError(
            {
                "agare": f"Delmålen {', '.join(lower)} hör till organ som inte ligger under "
                f"{mal.agare}: flytta dem först."
            },
            code="agare",
        )


@transaction.atomic
def spara_mal(*, mal: Mal, overordnade, dokument, user, andringsmarke: str | None = None) -> Mal:
    """Save a goal with the goals it contributes to and the documents it rests on. An adopted
    goal stays adopted: it is changed in place (the history keeps every change), never turned
    back into a draft. With `andringsmarke` (the change token the form showed) a change made
    meanwhile by somebody else is not overwritten. Saving a goal as adopted is its adoption,
    the one act of the goal the public may learn of."""
    check_may_edit_goals(user, mal.agare_id)
    saved = _lock(Mal, mal)
    if saved is not None:
        check_may_edit_goals(user, saved.agare_id)
        locking.check_unchanged(saved, andringsmarke, detail=_reread("målet som det"))
    overordnade, dokument = list(overordnade), list(dokument)
    tree = organisation_tree()
    check_overordnade(mal, overordnade, tree)
    if saved is not None and saved.agare_id != mal.agare_id:
        check_agare(mal, tree)
    if saved is not None and saved.status == Mal.Status.ANTAGET and mal.status == Mal.Status.UTKAST:
        raise ValidationError(
            {
                "status": "Målet är antaget och kan inte göras till ett utkast igen. "
                "Ändra det antagna målet, eller lägg till ett nytt utkast."
            },
            code="antaget",
        )
    mal.full_clean(exclude=["overordnade", "dokument"])
    changed = _changed_fields(mal, saved)
    before = list(saved.overordnade.values_list("pk", flat=True)) if saved else []
    if saved is not None:
        if set(saved.overordnade.values_list("pk", flat=True)) != {p.pk for p in overordnade}:
            changed.append("overordnade")
        if set(saved.dokument.values_list("pk", flat=True)) != {d.pk for d in dokument}:
            changed.append("dokument")
    mal._history_user = user
    mal.save()
    mal.overordnade.set(overordnade)
    mal.dokument.set(dokument)
    # Links, status, rule, weight and years all enter the roll-up of the goal and those above.
    periods = rollup.goal_periods(mal) + (rollup.goal_periods(saved) if saved else [])
    rollup.refresh({mal.pk, *before}, periods)
    adopted = mal.status == Mal.Status.ANTAGET and (
        saved is None or saved.status != Mal.Status.ANTAGET
    )
    log_action(
        user=user,
        handling=Handling.MAL_ANTAGET if adopted else Handling.MAL_SPARAT,
        objekt=mal,
        organisation=mal.agare_id,
        data={"ny": saved is None, "status": mal.status, "falt": changed},
        publik=adopted,
    )
    return mal


def check_period_in_goal(mal: Mal, period: Period, field: str = "period") -> None:
    if not mal.covers_year(period.ar):
        raise ValidationError(
            {
                field: f"Perioden {period.label} ligger utanför målets period "
                f"({mal.period_label}): ange en period {mal.forsta_ar}"
                + (f"–{mal.sista_ar}." if mal.sista_ar != mal.forsta_ar else ".")
            },
            code="period_utanfor",
        )


# --- Indicators and activities ------------------------------------------------------------------


def check_matt_for(indikator: Indikator, tree: OrganisationTree | None = None) -> None:
    """An indicator is measured for the goal's owner, a unit below it or a body above it (the
    municipality, for Kolada's figures)."""
    tree = tree or organisation_tree()
    owner, measured = indikator.mal.agare_id, indikator.matt_for_id
    if not (tree.is_at_or_above(owner, measured) or tree.is_at_or_above(measured, owner)):
        raise ValidationError(
            {
                "matt_for": f"{indikator.matt_for} ligger varken över eller under "
                f"{indikator.mal.agare}: en indikator mäts för målets ägare, en enhet under den "
                "eller ett organ över den."
            },
            code="matt_for",
        )


@transaction.atomic
def spara_indikator(*, indikator: Indikator, user, andringsmarke: str | None = None) -> Indikator:
    """Add an indicator to a goal, or change one."""
    check_may_edit_goals(user, indikator.mal.agare_id)
    saved = _lock(Indikator, indikator)
    if saved is not None:
        check_may_edit_goals(user, saved.mal.agare_id)
        locking.check_unchanged(saved, andringsmarke, detail=_reread("indikatorn som den"))
    check_matt_for(indikator)
    indikator.full_clean()
    changed = _changed_fields(indikator, saved)
    indikator._history_user = user
    indikator.save()
    goals = {indikator.mal_id, saved.mal_id if saved else None}
    rollup.refresh(goals, rollup.goal_periods(indikator.mal))
    log_action(
        user=user,
        handling=Handling.INDIKATOR_SPARAD,
        objekt=indikator.mal,
        organisation=indikator.mal.agare_id,
        data={
            "indikator": indikator.pk,
            "namn": indikator.namn,
            "ny": saved is None,
            "falt": changed,
        },
    )
    return indikator


@transaction.atomic
def spara_aktivitet(*, aktivitet: Aktivitet, user, andringsmarke: str | None = None) -> Aktivitet:
    """Add one of the unit's own activities to a goal, or follow one up."""
    check_may_edit_goals(user, aktivitet.mal.agare_id)
    saved = _lock(Aktivitet, aktivitet)
    if saved is not None:
        check_may_edit_goals(user, saved.mal.agare_id)
        locking.check_unchanged(saved, andringsmarke, detail=_reread("aktiviteten som den"))
    aktivitet.full_clean()
    changed = _changed_fields(aktivitet, saved)
    aktivitet._history_user = user
    aktivitet.save()
    log_action(
        user=user,
        handling=Handling.AKTIVITET_SPARAD,
        objekt=aktivitet.mal,
        organisation=aktivitet.mal.agare_id,
        data={
            "aktivitet": aktivitet.pk,
            "titel": aktivitet.titel,
            "status": aktivitet.status,
            "ny": saved is None,
            "falt": changed,
        },
    )
    return aktivitet


# --- Values, targets and assessments ------------------------------------------------------------


def check_konsuppdelning(
    indikator: Indikator,
    totalt: Decimal | None,
    kvinnor: Decimal | None,
    man: Decimal | None,
) -> None:
    """When the split and the total are both given they must agree: counts add up, shares and
    averages put the total between women's and men's values."""
    if (kvinnor is not None or man is not None) and not indikator.konsuppdelad:
        raise ValidationError(
            {"kvinnor": f"Indikatorn ”{indikator}” är inte uppdelad på kön: ange bara totalt."},
            code="inte_konsuppdelad",
        )
    if totalt is None or kvinnor is None or man is None:
        return
    fmt = format_number
    if indikator.summerbar:
        tolerance = Decimal(1).scaleb(-indikator.decimaler) / 2
        if abs(kvinnor + man - totalt) > tolerance:
            raise ValidationError(
                {
                    "totalt": f"Kvinnor ({fmt(kvinnor)}) och män ({fmt(man)}) blir "
                    f"{fmt(kvinnor + man)}, inte totalt {fmt(totalt)}."
                },
                code="summa",
            )
    elif not min(kvinnor, man) <= totalt <= max(kvinnor, man):
        raise ValidationError(
            {
                "totalt": f"Totalt ({fmt(totalt)}) ligger utanför kvinnors ({fmt(kvinnor)}) "
                f"och mäns ({fmt(man)}) värden; totalen måste ligga mellan dem."
            },
            code="mellan",
        )


def _check_value_input(indikator, organisation, period, totalt, kvinnor, man) -> None:
    if totalt is None and kvinnor is None and man is None:
        raise ValidationError({"totalt": "Ange ett värde."}, code="tomt")
    if not organisation_tree().is_at_or_above(indikator.matt_for_id, organisation.pk):
        raise ValidationError(
            {
                "organisation": f"Indikatorn mäts för {indikator.matt_for}; värden kan bara "
                f"anges för {indikator.matt_for} och enheterna under."
            },
            code="organisation",
        )
    check_period_in_goal(indikator.mal, period)
    check_konsuppdelning(indikator, totalt, kvinnor, man)


@transaction.atomic
def registrera_varde(
    *,
    indikator: Indikator,
    organisation: Organisation,
    period: Period,
    totalt: Decimal | None,
    kvinnor: Decimal | None = None,
    man: Decimal | None = None,
    preliminar: bool = False,
    kommentar: str = "",
    andringsmarke: str = "",
    user,
) -> Varde:
    """Enter a value of an indicator for an organisation and a period, or correct one: a value
    that is already there is replaced only by a form that carries its change token."""
    check_may_report(user, organisation.pk)
    _check_value_input(indikator, organisation, period, totalt, kvinnor, man)
    key = {"indikator": indikator, "organisation": organisation, **Varde.period_lookup(period)}
    current = (
        Varde.objects.select_for_update(of=("self",))
        .select_related("registrerad_av")
        .filter(**key)
        .first()
    )
    what = f"Värdet för {organisation} {period.label}"
    _check_unchanged(current, andringsmarke, what, describe_varde)
    fields = {
        "totalt": totalt,
        "kvinnor": kvinnor,
        "man": man,
        "preliminar": preliminar,
        "kommentar": kommentar,
        "registrerad_av": user,
        "importerad": False,
    }
    if current is None:
        current = _create_once(Varde, key, fields, user, what, describe_varde)
        created = True
    else:
        for name, value in fields.items():
            setattr(current, name, value)
        current._history_user = user
        current.save(update_fields=[*fields, "andrad"])
        created = False
    if organisation.pk == indikator.matt_for_id:  # values below it do not count for the goal
        rollup.refresh([indikator.mal_id], [period])
    log_action(
        user=user,
        handling=Handling.VARDE_REGISTRERAT,
        objekt=indikator.mal,
        organisation=organisation,
        data={
            "indikator": indikator.pk,
            "period": period.kod,
            "totalt": _text(totalt),
            "kvinnor": _text(kvinnor),
            "man": _text(man),
            "preliminar": preliminar,
            "ny": created,
        },
    )
    return current


@transaction.atomic
def satt_malvarde(
    *, indikator: Indikator, ar: int, varde: Decimal, andringsmarke: str = "", user
) -> Malvarde:
    """Set an indicator's target for a year inside the goal's period; a target that is already
    set is replaced only by a form that carries its change token."""
    check_may_edit_goals(user, indikator.mal.agare_id)
    check_period_in_goal(indikator.mal, Period.year(ar), field="ar")
    key = {"indikator": indikator, "ar": ar}
    current = (
        Malvarde.objects.select_for_update(of=("self",))
        .select_related("andrad_av")
        .filter(**key)
        .first()
    )
    what = f"Målvärdet för {ar}"
    _check_unchanged(current, andringsmarke, what, describe_malvarde)
    if current is None:
        fields = {"varde": varde, "andrad_av": user}
        current = _create_once(Malvarde, key, fields, user, what, describe_malvarde)
    else:
        current.varde = varde
        current.andrad_av = user
        current._history_user = user
        current.save(update_fields=["varde", "andrad_av", "andrad"])
    rollup.refresh([indikator.mal_id], rollup.periods_of_years([ar]))
    log_action(
        user=user,
        handling=Handling.MALVARDE_SATT,
        objekt=indikator.mal,
        organisation=indikator.mal.agare_id,
        data={"indikator": indikator.pk, "ar": ar, "varde": _text(varde)},
    )
    return current


@transaction.atomic
def bedom_mal(
    *, mal: Mal, period: Period, utfall: str, analys: str, andringsmarke: str = "", user
) -> Bedomning:
    """Record the responsible person's assessment, with the analysis it rests on. An existing
    assessment is changed only by a form that carries its change token."""
    check_may_report(user, mal.agare_id)
    check_period_in_goal(mal, period)
    if utfall != Utfall.EJ_BEDOMT and not analys.strip():
        raise ValidationError(
            {"analys": "Skriv en analys som förklarar bedömningen."}, code="analys_saknas"
        )
    key = {"mal": mal, **Bedomning.period_lookup(period)}
    current = (
        Bedomning.objects.select_for_update(of=("self",))
        .select_related("bedomd_av")
        .filter(**key)
        .first()
    )
    what = f"Bedömningen för {period.label}"
    _check_unchanged(current, andringsmarke, what, describe_bedomning)
    fields = {"utfall": utfall, "analys": analys.strip(), "bedomd_av": user}
    if current is None:
        current = _create_once(Bedomning, key, fields, user, what, describe_bedomning)
    else:
        for name, value in fields.items():
            setattr(current, name, value)
        current._history_user = user
        current.save(update_fields=[*fields, "andrad"])
    rollup.refresh([mal.pk], [period])
    log_action(
        user=user,
        handling=Handling.BEDOMD,
        objekt=mal,
        organisation=mal.agare_id,
        data={"period": period.kod, "utfall": utfall},
    )
    return current


# --- Assignments ----------------------------------------------------------------------------------


@transaction.atomic
def kommentera_uppdrag(
    *,
    uppdrag: Uppdrag,
    period: Period,
    status: str,
    kommentar: str,
    user,
    andringsmarke: str | None = None,
) -> Uppdragskommentar:
    """Report an assignment's state for a period; the assignment takes the reported status.
    A comment already written for the period is replaced only by a form that showed it
    (`andringsmarke`, see `styrning.locking`; None: no check)."""
    check_may_report(user, uppdrag.givet_till_id)
    if not kommentar.strip():
        raise ValidationError({"kommentar": "Skriv en kommentar."}, code="kommentar_saknas")
    current = (
        Uppdragskommentar.objects.select_for_update(of=("self",))
        .filter(uppdrag=uppdrag, **Uppdragskommentar.period_lookup(period))
        .select_related("skriven_av")
        .first()
    )
    locking.check_unchanged(
        current,
        andringsmarke,
        detail=f"Kommentaren för {period.label} lyder nu: ”{current.kommentar}”."
        if current
        else "",
    )
    rad = current or Uppdragskommentar(uppdrag=uppdrag, **Uppdragskommentar.period_lookup(period))
    rad.status = status
    rad.kommentar = kommentar.strip()
    rad.skriven_av = user
    rad._history_user = user
    rad.save()
    if uppdrag.status != status:
        uppdrag.status = status
        uppdrag._history_user = user
        uppdrag.save(update_fields=["status"])
    log_action(
        user=user,
        handling=Handling.UPPDRAG_KOMMENTERAT,
        objekt=uppdrag,
        organisation=uppdrag.givet_till_id,
        data={"period": period.kod, "status": status},
    )
    return rad


def check_uppdrag(uppdrag: Uppdrag, tree: OrganisationTree | None = None) -> None:
    """An assignment goes from KF or a nämnd (a political body) to a body at or below it."""
    tree = tree or organisation_tree()
    errors = {}
    if uppdrag.givet_av_id and not uppdrag.givet_av.is_political:
        errors["givet_av"] = "Uppdrag ges av kommunfullmäktige, kommunstyrelsen eller en nämnd."
    elif (
        uppdrag.givet_av_id
        and uppdrag.givet_till_id
        and not tree.is_at_or_above(uppdrag.givet_av_id, uppdrag.givet_till_id)
    ):
        errors["givet_till"] = (
            f"{uppdrag.givet_till} ligger inte under {uppdrag.givet_av}: ett uppdrag ges till "
            "ett organ under den som ger det."
        )
    if errors:
        raise ValidationError(errors, code="uppdrag")


@transaction.atomic
def ge_uppdrag(*, uppdrag: Uppdrag, user) -> Uppdrag:
    """Register an assignment from a political body to a body at or below it."""
    check_may_edit_goals(user, uppdrag.givet_av_id)
    check_uppdrag(uppdrag)
    uppdrag.full_clean()
    uppdrag._history_user = user
    uppdrag.save()
    log_action(
        user=user,
        handling=Handling.UPPDRAG_GIVET,
        objekt=uppdrag,
        organisation=uppdrag.givet_av_id,
        data={
            "givet_till": uppdrag.givet_till_id,
            "budgetar": uppdrag.budgetar.ar,
            "mal": uppdrag.mal_id,
        },
    )
    return uppdrag
