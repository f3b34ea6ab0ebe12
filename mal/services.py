"""Writes with rules in the goal chain. Each takes the acting user, runs in a transaction and
refuses bad input with a Swedish message keyed to the field at fault."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from mal.models import (
    Bedomning,
    Indikator,
    Mal,
    Malvarde,
    Uppdrag,
    Uppdragskommentar,
    Utfall,
    Varde,
)
from styrning.models import Organisation
from styrning.periods import Period
from styrning.queries import OrganisationTree


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():,f}".replace(",", "\u00a0").replace(".", ",")


class VersionConflict(ValidationError):
    """Someone else saved the row after the form was opened (or there is a row the form did not
    know of): nothing is saved; `current` is the row as it is now."""

    def __init__(self, message: str, current):
        super().__init__(message, code="konflikt")
        self.current = current


def _who_when(user, changed) -> str:
    name = str(user) if user else "okänd"
    when = date_format(timezone.localtime(changed), "j F Y H:i") if changed else "okänt datum"
    return f"{name}, {when}"


def describe_varde(varde: Varde) -> str:
    """ "83 % (registrerat av Anna Andersson, 3 mars 2026 14:05)": what a new value replaces."""
    parts = [f"totalt {_fmt(varde.totalt)}" if varde.totalt is not None else ""]
    if varde.kvinnor is not None:
        parts.append(f"kvinnor {_fmt(varde.kvinnor)}")
    if varde.man is not None:
        parts.append(f"män {_fmt(varde.man)}")
    text = ", ".join(p for p in parts if p)
    return f"{text} (registrerat av {_who_when(varde.registrerad_av, varde.andrad)})"


def describe_malvarde(malvarde: Malvarde) -> str:
    return f"{_fmt(malvarde.varde)} (satt av {_who_when(malvarde.andrad_av, malvarde.andrad)})"


def describe_bedomning(bedomning: Bedomning) -> str:
    return (
        f"{bedomning.get_utfall_display().lower()} "
        f"(bedömt av {_who_when(bedomning.bedomd_av, bedomning.andrad)})"
    )


def _check_version(current, version: str, what: str, describe) -> None:
    """Refuse to save over a row the form did not show, or over a newer save than it showed
    (no row: nothing to lose, a new one is created)."""
    if current is not None and current.version != version:
        raise VersionConflict(
            f"{what} har redan sparats: {describe(current)}. Ingenting har sparats. "
            "Läs det sparade och spara igen om du vill ersätta det.",
            current,
        )


def check_overordnade(mal: Mal, overordnade, tree: OrganisationTree | None = None) -> None:
    """A goal may only contribute to a goal of a body at or above its owner, and never to
    itself or to a goal below it (a cycle)."""
    overordnade = list(overordnade)
    if not overordnade:
        return
    tree = tree or OrganisationTree.load(Organisation.objects.only("pk", "overordnad_id", "typ"))
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
        down: dict[int, list[int]] = defaultdict(list)
        for child, parent in Mal.overordnade.through.objects.values_list(
            "from_mal_id", "to_mal_id"
        ):
            down[parent].append(child)
        below: set[int] = set()
        queue = list(down.get(mal.pk, []))
        while queue:
            pk = queue.pop()
            if pk not in below:
                below.add(pk)
                queue.extend(down.get(pk, []))
        for parent in overordnade:
            if parent.pk in below:
                errors.append(
                    f"”{parent}” bidrar redan, direkt eller via andra mål, till ”{mal}”. "
                    "Att låta målet bidra dit skulle bli en cykel."
                )
    if errors:
        raise ValidationError({"overordnade": errors}, code="overordnade")


@transaction.atomic
def spara_mal(*, mal: Mal, overordnade, dokument, user) -> Mal:
    """Save a goal with the goals it contributes to and the documents it rests on. An adopted
    goal stays adopted: it is changed in place (the history keeps every change), never turned
    back into a draft."""
    if mal.pk is not None and mal.status == Mal.Status.UTKAST:
        saved = Mal.objects.filter(pk=mal.pk).values_list("status", flat=True).first()
        if saved == Mal.Status.ANTAGET:
            raise ValidationError(
                {
                    "status": "Målet är antaget och kan inte göras till ett utkast igen. "
                    "Ändra det antagna målet, eller lägg till ett nytt utkast."
                },
                code="antaget",
            )
    check_overordnade(mal, overordnade)
    mal.full_clean(exclude=["overordnade", "dokument"])
    mal._history_user = user
    mal.save()
    mal.overordnade.set(overordnade)
    mal.dokument.set(dokument)
    return mal


@transaction.atomic
def set_overordnade(*, mal: Mal, overordnade, user) -> Mal:
    """Re-link a goal to the goals it contributes to (the history keeps the old links)."""
    check_overordnade(mal, overordnade)
    mal._history_user = user
    mal.overordnade.set(overordnade)
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
    if indikator.summerbar:
        tolerance = Decimal(1).scaleb(-indikator.decimaler) / 2
        if abs(kvinnor + man - totalt) > tolerance:
            raise ValidationError(
                {
                    "totalt": f"Kvinnor ({_fmt(kvinnor)}) och män ({_fmt(man)}) blir "
                    f"{_fmt(kvinnor + man)}, inte totalt {_fmt(totalt)}."
                },
                code="summa",
            )
    elif not min(kvinnor, man) <= totalt <= max(kvinnor, man):
        raise ValidationError(
            {
                "totalt": f"Totalt ({_fmt(totalt)}) ligger utanför kvinnors ({_fmt(kvinnor)}) "
                f"och mäns ({_fmt(man)}) värden; totalen måste ligga mellan dem."
            },
            code="mellan",
        )


def _check_value_input(indikator, organisation, period, totalt, kvinnor, man) -> None:
    if totalt is None and kvinnor is None and man is None:
        raise ValidationError({"totalt": "Ange ett värde."}, code="tomt")
    tree = OrganisationTree.load(Organisation.objects.only("pk", "overordnad_id", "typ"))
    if not tree.is_at_or_above(indikator.matt_for_id, organisation.pk):
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
    version: str = "",
    user,
) -> Varde:
    """Enter a value of an indicator for an organisation and a period, or correct one: a value
    that is already there is replaced only by a form that carries its version."""
    _check_value_input(indikator, organisation, period, totalt, kvinnor, man)
    key = {
        "indikator": indikator,
        "organisation": organisation,
        "ar": period.ar,
        "periodtyp": period.typ,
        "periodnummer": period.nummer,
    }
    current = (
        Varde.objects.select_for_update(of=("self",)).select_related("registrerad_av").filter(**key)
    )
    current = current.first()
    _check_version(
        current,
        version,
        f"Ett värde för {organisation} {period.label}",
        describe_varde,
    )
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
        return _create_once(Varde, key, fields, f"Ett värde för {organisation} {period.label}")
    for name, value in fields.items():
        setattr(current, name, value)
    current.save(update_fields=[*fields, "andrad"])
    return current


def _create_once(model, key: dict, fields: dict, what: str):
    """Create a row; if someone created it in the meantime, refuse like a version conflict."""
    try:
        with transaction.atomic():
            return model.objects.create(**key, **fields)
    except IntegrityError:
        raise VersionConflict(
            f"{what} sparades av någon annan samtidigt. Ingenting har sparats. "
            "Läs det sparade och spara igen om du vill ersätta det.",
            model.objects.filter(**key).first(),
        ) from None


@transaction.atomic
def satt_malvarde(
    *, indikator: Indikator, ar: int, varde: Decimal, version: str = "", user
) -> Malvarde:
    """Set an indicator's target for a year inside the goal's period; a target that is already
    set is replaced only by a form that carries its version."""
    check_period_in_goal(indikator.mal, Period.year(ar), field="ar")
    key = {"indikator": indikator, "ar": ar}
    current = (
        Malvarde.objects.select_for_update(of=("self",)).select_related("andrad_av").filter(**key)
    )
    current = current.first()
    what = f"Målvärdet för {ar}"
    _check_version(current, version, what, describe_malvarde)
    if current is None:
        return _create_once(Malvarde, key, {"varde": varde, "andrad_av": user}, what)
    current.varde = varde
    current.andrad_av = user
    current.save(update_fields=["varde", "andrad_av", "andrad"])
    return current


@transaction.atomic
def bedom_mal(
    *, mal: Mal, period: Period, utfall: str, analys: str, version: str = "", user
) -> Bedomning:
    """Record the responsible person's assessment, with the analysis it rests on. An existing
    assessment is changed only by a form that carries its version (optimistic locking)."""
    check_period_in_goal(mal, period)
    if utfall != Utfall.EJ_BEDOMT and not analys.strip():
        raise ValidationError(
            {"analys": "Skriv en analys som förklarar bedömningen."}, code="analys_saknas"
        )
    key = {"mal": mal, "ar": period.ar, "periodtyp": period.typ, "periodnummer": period.nummer}
    current = (
        Bedomning.objects.select_for_update(of=("self",)).select_related("bedomd_av").filter(**key)
    )
    current = current.first()
    what = f"En bedömning för {period.label}"
    _check_version(current, version, what, describe_bedomning)
    fields = {"utfall": utfall, "analys": analys.strip(), "bedomd_av": user}
    if current is None:
        return _create_once(Bedomning, key, fields, what)
    for name, value in fields.items():
        setattr(current, name, value)
    current.save(update_fields=[*fields, "andrad"])
    return current


@transaction.atomic
def kommentera_uppdrag(
    *, uppdrag: Uppdrag, period: Period, status: str, kommentar: str, user
) -> Uppdragskommentar:
    """Report an assignment's state for a period; the assignment takes the reported status."""
    if not kommentar.strip():
        raise ValidationError({"kommentar": "Skriv en kommentar."}, code="kommentar_saknas")
    rad, _ = Uppdragskommentar.objects.update_or_create(
        uppdrag=uppdrag,
        ar=period.ar,
        periodtyp=period.typ,
        periodnummer=period.nummer,
        defaults={"status": status, "kommentar": kommentar.strip(), "skriven_av": user},
    )
    if uppdrag.status != status:
        uppdrag.status = status
        uppdrag.save(update_fields=["status"])
    return rad


@transaction.atomic
def ge_uppdrag(*, uppdrag: Uppdrag, user) -> Uppdrag:
    """Register an assignment from a political body to a body at or below it."""
    check_uppdrag(uppdrag)
    uppdrag.full_clean()
    uppdrag.save()
    return uppdrag


def check_uppdrag(uppdrag: Uppdrag, tree: OrganisationTree | None = None) -> None:
    """An assignment goes from KF or a nämnd (a political body) to a body at or below it."""
    tree = tree or OrganisationTree.load(Organisation.objects.only("pk", "overordnad_id", "typ"))
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
