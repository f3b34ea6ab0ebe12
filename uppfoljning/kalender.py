"""The reporting calendar: deadlines from a kind's rule, the year's periods of a kind, the
organisations that report it, and Borås' kinds of report as data.

A deadline falls in the month `frist_manader` months after the period's last month, on day
`frist_dag` (clamped to the month's length: 31 is the last day of February). A deadline on a
non-workday moves to the nearest workday before or after, as the kind's `helgregel` says.

Services are keyword-only, take the acting user, run in a transaction and log their act.
"""

import calendar
import datetime
from functools import cache

import holidays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from styrning import locking
from styrning.actionlog import Handling, log_action
from styrning.models import Organisation
from styrning.periods import Period, Periodtyp
from uppfoljning.models import (
    Paminnelse,
    Rapport,
    Rapporteringsval,
    Rapportperiod,
    Rapporttyp,
)

T = Organisation.Typ

# A delårsrapport covers half to two thirds of the year (lagen om kommunal bokföring och
# redovisning 13 kap. 1 §) and reaches fullmäktige within two months of the period's end.
DELAR_MANADER = range(6, 9)
DELAR_FRIST_MANADER = 2


@cache
def _helgdagar(ar: int) -> frozenset[datetime.date]:
    days = set(holidays.Sweden(years=ar, include_sundays=False))
    # Midsommarafton (the Friday 19–25 June), julafton and nyårsafton are not public holidays
    # by law, but nobody works on them: they count as non-workdays.
    midsommarafton = next(
        datetime.date(ar, 6, day)
        for day in range(19, 26)
        if datetime.date(ar, 6, day).weekday() == 4
    )
    days |= {midsommarafton, datetime.date(ar, 12, 24), datetime.date(ar, 12, 31)}
    return frozenset(days)


def ar_arbetsdag(dag: datetime.date) -> bool:
    """Whether `dag` is a workday: not a Saturday or Sunday, not a Swedish public holiday
    (python-holidays), and not midsommarafton, julafton or nyårsafton, which are treated as
    non-workdays although the law does not make them holidays."""
    return dag.weekday() < 5 and dag not in _helgdagar(dag.year)


def flytta_till_arbetsdag(dag: datetime.date, helgregel: str) -> datetime.date:
    """`dag`, or the nearest workday before (`fore`) or after (`efter`) it."""
    steg = datetime.timedelta(days=-1 if helgregel == Rapporttyp.Helgregel.FORE else 1)
    while not ar_arbetsdag(dag):
        dag += steg
    return dag


def _manad_plus(ar: int, manad: int, antal: int) -> tuple[int, int]:
    index = ar * 12 + (manad - 1) + antal
    return index // 12, index % 12 + 1


def frist(rapporttyp: Rapporttyp, period: Period) -> datetime.date:
    """The deadline of a period by the kind's rule, moved off weekends and holidays (see the
    module docstring and `ar_arbetsdag`)."""
    ar, manad = _manad_plus(period.ar, period.slut.month, rapporttyp.frist_manader)
    dag = min(rapporttyp.frist_dag, calendar.monthrange(ar, manad)[1])
    return flytta_till_arbetsdag(datetime.date(ar, manad, dag), rapporttyp.helgregel)


def kontrollera_delarsperiod(rapporttyp: Rapporttyp, period: Period) -> None:
    """Refuse a delårsrapport period that does not cover half to two thirds of the year."""
    if rapporttyp.lagkrav != Rapporttyp.Lagkrav.DELARSRAPPORT:
        return
    if period.typ == Periodtyp.AR or period.manader not in DELAR_MANADER:
        raise ValidationError(
            f"En delårsrapport ska omfatta hälften till två tredjedelar av året (januari–juni "
            f"till januari–augusti); {period.ackumulerad_label} går inte.",
            code="delarsperiod",
        )


def delarsvarning(rapporttyp: Rapporttyp, period: Period, sista_dag: datetime.date) -> str:
    """A warning (not a refusal) when a delårsrapport's deadline is later than two months
    after the period's end: the law wants it before fullmäktige within two months. "" if fine."""
    if rapporttyp.lagkrav != Rapporttyp.Lagkrav.DELARSRAPPORT:
        return ""
    ar, manad = _manad_plus(period.ar, period.slut.month, DELAR_FRIST_MANADER)
    grans = datetime.date(ar, manad, calendar.monthrange(ar, manad)[1])
    if sista_dag <= grans:
        return ""
    return (
        f"Sista dagen {sista_dag:%Y-%m-%d} ligger mer än två månader efter periodens slut "
        f"({period.slut:%Y-%m-%d}): delårsrapporten ska behandlas av fullmäktige inom två "
        f"månader, senast {grans:%Y-%m-%d}."
    )


def perioder_for(rapporttyp: Rapporttyp, ar: int) -> list[Period]:
    """The periods of a kind in a year, from its period type and numbers (a year kind: the
    year). A delårsrapport's periods are checked against the law's span."""
    if rapporttyp.periodtyp == Periodtyp.AR:
        perioder = [Period.year(ar)]
    else:
        highest = 3 if rapporttyp.periodtyp == Periodtyp.TERTIAL else 12
        nummer = sorted({int(n) for n in rapporttyp.periodnummer or range(1, highest + 1)})
        perioder = [Period(ar, rapporttyp.periodtyp, n) for n in nummer]
    for period in perioder:
        kontrollera_delarsperiod(rapporttyp, period)
    return perioder


def rapporterande_organisationer(rapporttyp: Rapporttyp, ar: int, period: Period | None = None):
    """The organisations that report a kind in a year (and, given a period, that exist during
    it): the year's choices for a kind of chosen organisations, else every organisation on the
    reporting levels. A queryset."""
    if rapporttyp.endast_valda:
        qs = Organisation.objects.filter(
            rapporteringsval__rapporttyp=rapporttyp, rapporteringsval__ar=ar
        )
    else:
        qs = Organisation.objects.filter(typ__in=rapporttyp.rapporterande_nivaer or [])
    start = period.start if period else datetime.date(ar, 1, 1)
    slut = period.slut if period else datetime.date(ar, 12, 31)
    return qs.filter(
        Q(aktiv_fran__isnull=True) | Q(aktiv_fran__lte=slut),
        Q(aktiv_till__isnull=True) | Q(aktiv_till__gte=start),
    )


def _skapa_rapporter(rapportperioder: list[Rapportperiod], organisationer_per_period) -> int:
    """Make the missing Rapport rows of the periods, in bulk; the number made."""
    ids = [rp.pk for rp in rapportperioder]
    finns = set(
        Rapport.objects.filter(rapportperiod_id__in=ids).values_list(
            "rapportperiod_id", "organisation_id"
        )
    )
    nya = [
        Rapport(rapportperiod=rp, organisation_id=org_id)
        for rp in rapportperioder
        for org_id in organisationer_per_period(rp)
        if (rp.pk, org_id) not in finns
    ]
    if nya:
        bulk_create_with_history(nya, Rapport, batch_size=500)
    return len(nya)


@transaction.atomic
def spara_rapporttyp(
    *, rapporttyp: Rapporttyp, user, andringsmarke: str | None = None
) -> Rapporttyp:
    """Save a kind of report as the controller set it up. A delårsrapport's periods must
    cover half to two thirds of the year. With `andringsmarke` (the change token the form
    showed) a change made meanwhile by somebody else is not overwritten."""
    if rapporttyp.pk is not None:
        current = Rapporttyp.objects.select_for_update().filter(pk=rapporttyp.pk).first()
        locking.check_unchanged(current, andringsmarke)
    rapporttyp.full_clean()
    perioder_for(rapporttyp, 2000)  # the delårsrapport rule, whatever the year
    rapporttyp._history_user = user
    ny = rapporttyp.pk is None
    rapporttyp.save()
    log_action(
        user=user,
        handling=Handling.RAPPORTTYP_SPARAD,
        objekt=rapporttyp,
        data={"ny": ny},
    )
    return rapporttyp


@transaction.atomic
def skapa_perioder(*, rapporttyp: Rapporttyp, ar: int, user) -> list[Rapportperiod]:
    """Make the year's reporting periods of a kind with their deadlines, and a report (not
    started) for every organisation that reports it. Idempotent: periods and reports that
    exist are kept as they are (a changed deadline stays changed)."""
    perioder = perioder_for(rapporttyp, ar)
    befintliga = {
        rp.period: rp for rp in Rapportperiod.objects.filter(rapporttyp=rapporttyp, ar=ar)
    }
    nya = []
    for period in perioder:
        if period in befintliga:
            continue
        sista_dag = frist(rapporttyp, period)
        nya.append(
            Rapportperiod(
                rapporttyp=rapporttyp,
                **Rapportperiod.period_lookup(period),
                sista_dag=sista_dag,
                beraknad_sista_dag=sista_dag,
            )
        )
    if nya:
        bulk_create_with_history(nya, Rapportperiod)
    rapportperioder = list(
        Rapportperiod.objects.filter(rapporttyp=rapporttyp, ar=ar).select_related("rapporttyp")
    )
    rapportperioder.sort(key=lambda rp: rp.period)
    organisationer = list(
        rapporterande_organisationer(rapporttyp, ar).values_list("pk", "aktiv_fran", "aktiv_till")
    )

    def per_period(rp: Rapportperiod):
        period = rp.period
        return [
            pk
            for pk, fran, till in organisationer
            if (fran is None or fran <= period.slut) and (till is None or till >= period.start)
        ]

    antal_rapporter = _skapa_rapporter(rapportperioder, per_period)
    if nya or antal_rapporter:
        log_action(
            user=user,
            handling=Handling.RAPPORTPERIODER_SKAPADE,
            objekt=rapporttyp,
            data={"ar": ar, "perioder": len(nya), "rapporter": antal_rapporter},
        )
    return rapportperioder


@transaction.atomic
def andra_frist(
    *,
    rapportperiod: Rapportperiod,
    sista_dag: datetime.date,
    justering: str,
    user,
    andringsmarke: str | None = None,
) -> Rapportperiod:
    """Set one period's deadline by hand, with the reason. A date on a non-workday moves as the
    kind's `helgregel` says. Refused when somebody else changed the period since the form was
    opened (`andringsmarke`, the change token)."""
    justering = (justering or "").strip()
    if not justering:
        raise ValidationError({"justering": "Ange skälet till att fristen ändras."})
    current = (
        Rapportperiod.objects.select_for_update()
        .select_related("rapporttyp")
        .get(pk=rapportperiod.pk)
    )
    locking.check_unchanged(current, andringsmarke)
    if current.stangd:
        raise ValidationError("Perioden är stängd; fristen kan inte ändras.")
    ny = flytta_till_arbetsdag(sista_dag, current.rapporttyp.helgregel)
    forra = current.sista_dag
    current.sista_dag = ny
    current.justering = justering
    current._change_reason = justering
    current.save(update_fields=["sista_dag", "justering"])
    log_action(
        user=user,
        handling=Handling.FRIST_ANDRAD,
        objekt=current,
        data={"fran": forra.isoformat(), "till": ny.isoformat(), "skal": justering},
    )
    return current


@transaction.atomic
def valj_organisationer(*, rapporttyp: Rapporttyp, ar: int, organisationer, user) -> dict:
    """Set which organisations report a kind of chosen organisations in a year. Reports are
    added for the periods already made; an organisation taken away loses its reports that
    were never started, and one whose report has been started cannot be taken away (refused
    by name). Returns {"tillagda": [...], "borttagna": [...]} (organisation ids)."""
    if not rapporttyp.endast_valda:
        raise ValidationError(
            f"{rapporttyp} rapporteras av alla på de rapporterande nivåerna; det finns inget "
            "att välja."
        )
    valda = {org.pk if isinstance(org, Organisation) else int(org) for org in organisationer}
    befintliga = dict(
        Rapporteringsval.objects.select_for_update()
        .filter(rapporttyp=rapporttyp, ar=ar)
        .values_list("organisation_id", "pk")
    )
    borttagna = set(befintliga) - valda
    tillagda = valda - set(befintliga)
    if borttagna:
        rapporter = Rapport.objects.filter(
            rapportperiod__rapporttyp=rapporttyp,
            rapportperiod__ar=ar,
            organisation_id__in=borttagna,
        )
        paborjade = sorted(
            set(
                rapporter.filter(~Q(status=Rapport.Status.EJ_PABORJAD) | Q(andel_klar__gt=0))
                .values_list("organisation__namn", flat=True)
                .distinct()
            )
        )
        if paborjade:
            raise ValidationError(
                "Rapporteringen är redan påbörjad och kan inte tas bort för: "
                + ", ".join(paborjade)
                + "."
            )
        Paminnelse.objects.filter(rapport__in=rapporter).delete()
        rapporter.delete()
        Rapporteringsval.objects.filter(pk__in=[befintliga[o] for o in borttagna]).delete()
    if tillagda:
        bulk_create_with_history(
            [Rapporteringsval(rapporttyp=rapporttyp, organisation_id=o, ar=ar) for o in tillagda],
            Rapporteringsval,
        )
        rapportperioder = list(Rapportperiod.objects.filter(rapporttyp=rapporttyp, ar=ar))
        aktiva = list(
            rapporterande_organisationer(rapporttyp, ar)
            .filter(pk__in=tillagda)
            .values_list("pk", "aktiv_fran", "aktiv_till")
        )

        def per_period(rp):
            period = rp.period
            return [
                pk
                for pk, fran, till in aktiva
                if (fran is None or fran <= period.slut) and (till is None or till >= period.start)
            ]

        _skapa_rapporter(rapportperioder, per_period)
    if tillagda or borttagna:
        log_action(
            user=user,
            handling=Handling.RAPPORTERINGSVAL_ANDRAT,
            objekt=rapporttyp,
            data={"ar": ar, "tillagda": sorted(tillagda), "borttagna": sorted(borttagna)},
        )
    return {"tillagda": sorted(tillagda), "borttagna": sorted(borttagna)}


@transaction.atomic
def stang_period(*, rapportperiod: Rapportperiod, user, stangd: bool = True) -> Rapportperiod:
    """Close a period (no more submissions) or open it again."""
    current = Rapportperiod.objects.select_for_update().get(pk=rapportperiod.pk)
    if current.stangd == stangd:
        return current
    current.stangd = stangd
    current.save(update_fields=["stangd"])
    log_action(
        user=user,
        handling=Handling.RAPPORTPERIOD_STANGD,
        objekt=current,
        data={"stangd": stangd},
    )
    return current


def _avsnitt(kod, rubrik, slag="text", obligatorisk=True, hjalptext=""):
    return {
        "kod": kod,
        "rubrik": rubrik,
        "slag": slag,
        "obligatorisk": obligatorisk,
        "hjalptext": hjalptext,
    }


def _boras() -> list[dict]:
    forvaltningsberattelse = [
        _avsnitt(
            "oversikt",
            "Översikt över verksamhetens utveckling",
            hjalptext="Förvaltningsberättelsen: det viktigaste under perioden för kommunen "
            "som helhet.",
        ),
        _avsnitt("viktiga_forhallanden", "Viktiga förhållanden för resultat och ställning"),
        _avsnitt("handelser", "Händelser av väsentlig betydelse"),
        _avsnitt("styrning", "Styrning och uppföljning av den kommunala verksamheten"),
        _avsnitt("ekonomi", "Ekonomisk analys av kommunens ekonomi"),
    ]
    mal = [
        _avsnitt(
            "maluppfyllelse_kf",
            "Måluppfyllelse för Kommunfullmäktiges mål",
            hjalptext="Hur nämnderna och bolagen följt Kommunfullmäktiges inriktning och "
            "vilka mål och uppdrag som uppnåtts.",
        ),
        _avsnitt(
            "god_ekonomisk_hushallning",
            "God ekonomisk hushållning",
            hjalptext="Bedömning av de finansiella och verksamhetsmässiga målen för god "
            "ekonomisk hushållning.",
        ),
        _avsnitt("balanskrav", "Balanskravsresultat", slag="balanskrav"),
    ]
    return [
        {
            "kod": "tiodagars",
            "namn": "10-dagarsuppföljning",
            "beskrivning": "Förvaltningarna som kommunledningskansliet valt för året "
            "rapporterar ekonomi med årsprognos och några verksamhetsmått senast 10 dagar in "
            "på ny månad (inte per januari, juni och december).",
            "periodtyp": Periodtyp.MANAD,
            "periodnummer": [2, 3, 4, 5, 7, 8, 9, 10, 11],
            "rapporterande_nivaer": [T.FORVALTNING],
            "endast_valda": True,
            "avsnitt": [
                _avsnitt(
                    "ekonomi_kommentar",
                    "Kommentar till ekonomi och årsprognos",
                ),
                _avsnitt(
                    "verksamhetsmatt",
                    "Verksamhetsmått",
                    obligatorisk=False,
                    hjalptext="T.ex. placerade barn i barnomsorgen, timmar i hemtjänsten, "
                    "hushåll med försörjningsstöd.",
                ),
            ],
            "frist_manader": 1,
            "frist_dag": 10,
            "helgregel": Rapporttyp.Helgregel.FORE,
            "granskas": False,
            "antas_av": "",
            "ordning": 10,
        },
        {
            "kod": "manad",
            "namn": "Månadsuppföljning",
            "beskrivning": "Förvaltningens rapport till nämnden om ekonomi och verksamhet: "
            "verksamhetsmått, förklaringar och analyser, årsprognos och uppföljning av "
            "nämndens och verksamheternas mål; en åtgärdsplan vid befarade avvikelser.",
            "periodtyp": Periodtyp.MANAD,
            "periodnummer": [2, 3, 4, 5, 6, 8, 9, 10, 11],
            "rapporterande_nivaer": [T.FORVALTNING, T.AVDELNING, T.VERKSAMHET, T.ENHET],
            "endast_valda": False,
            "avsnitt": [
                _avsnitt("handelser", "Viktiga händelser"),
                _avsnitt("utveckling", "Verksamhetens utveckling"),
                _avsnitt("personal", "Personal", obligatorisk=False),
                _avsnitt("framtid", "Framtid", obligatorisk=False),
            ],
            "frist_manader": 1,
            "frist_dag": 10,
            "helgregel": Rapporttyp.Helgregel.FORE,
            "granskas": True,
            "antas_av": "",
            "ordning": 20,
        },
        {
            "kod": "tertial",
            "namn": "Tertialuppföljning",
            "beskrivning": "Månadsuppföljningarna per april och augusti: nämndernas och "
            "bolagens rapporter till Kommunstyrelsen, med en djupare analys av ekonomi och "
            "måluppfyllelse inom några verksamhetsområden.",
            "periodtyp": Periodtyp.TERTIAL,
            "periodnummer": [1, 2],
            "rapporterande_nivaer": [T.NAMND, T.BOLAGSSTYRELSE],
            "endast_valda": False,
            "avsnitt": [
                _avsnitt("handelser", "Viktiga händelser"),
                _avsnitt("utveckling", "Verksamhetens utveckling"),
                _avsnitt(
                    "analys_ekonomi",
                    "Fördjupad analys av ekonomin",
                    hjalptext="Orsaker till avvikelser och vad som görs åt dem.",
                ),
                _avsnitt(
                    "analys_maluppfyllelse",
                    "Fördjupad analys av måluppfyllelsen",
                    hjalptext="De verksamhetsområden Kommunfullmäktige valt för djupare analys.",
                ),
                _avsnitt("personal", "Personal", obligatorisk=False),
                _avsnitt("framtid", "Framtid"),
            ],
            "frist_manader": 1,
            "frist_dag": 15,
            "helgregel": Rapporttyp.Helgregel.FORE,
            "granskas": True,
            "antas_av": T.KOMMUNSTYRELSE,
            "ordning": 30,
        },
        {
            "kod": "delarsrapport",
            "namn": "Delårsrapport",
            "beskrivning": "Kommunstyrelsens sammanställning av tertialuppföljningen per "
            "augusti med en analys av kommunens ekonomi och ett delårsbokslut för hela "
            "kommunen, till Kommunfullmäktige inom två månader.",
            "periodtyp": Periodtyp.MANAD,
            "periodnummer": [8],
            "rapporterande_nivaer": [T.KOMMUNSTYRELSE],
            "endast_valda": False,
            "avsnitt": [
                _avsnitt("resultatrakning", "Resultaträkning", slag="fil"),
                _avsnitt("balansrakning", "Balansräkning", slag="fil"),
                *forvaltningsberattelse,
                *mal,
            ],
            "frist_manader": 1,
            "frist_dag": 30,
            "helgregel": Rapporttyp.Helgregel.FORE,
            "granskas": False,
            "antas_av": T.KOMMUNFULLMAKTIGE,
            "lagkrav": Rapporttyp.Lagkrav.DELARSRAPPORT,
            "ordning": 40,
        },
        {
            "kod": "arsrapport",
            "namn": "Årsrapport",
            "beskrivning": "Nämndernas och bolagens redovisning av det gångna året till "
            "Kommunstyrelsen: hur de följt Kommunfullmäktiges inriktning, om målen och "
            "uppdragen i budgeten uppnåtts och genomförts och hur resurserna använts. "
            "Nämnden antar sin egen; bolagets årsredovisning godkänns av årsstämman. "
            "Kommunstyrelsen sammanställer dem i kommunens årsredovisning.",
            "periodtyp": Periodtyp.AR,
            "periodnummer": [],
            "rapporterande_nivaer": [T.NAMND, T.BOLAGSSTYRELSE],
            "endast_valda": False,
            "avsnitt": [
                _avsnitt("handelser", "Viktiga händelser under året"),
                _avsnitt("utveckling", "Verksamhetens utveckling"),
                _avsnitt(
                    "analys_ekonomi",
                    "Analys av årets ekonomiska resultat",
                    hjalptext="Resultatet mot budget, orsakerna till avvikelserna och hur "
                    "anvisade resurser använts.",
                ),
                _avsnitt(
                    "analys_maluppfyllelse",
                    "Måluppfyllelse och uppdrag",
                    hjalptext="Hur nämnden följt Kommunfullmäktiges inriktning och vilka mål "
                    "och uppdrag i budgeten som uppnåtts och genomförts.",
                ),
                _avsnitt(
                    "djupanalys",
                    "Djupanalys",
                    obligatorisk=False,
                    hjalptext="De perspektiv Kommunfullmäktige valt i budgeten, t.ex. barn och "
                    "unga, äldre, funktionsnedsättning, integration eller miljö.",
                ),
                _avsnitt("personal", "Personal", obligatorisk=False),
                _avsnitt("framtid", "Framtid"),
            ],
            "frist_manader": 2,
            "frist_dag": 15,
            "helgregel": Rapporttyp.Helgregel.FORE,
            "granskas": True,
            "antas_av": T.NAMND,
            "ordning": 45,
        },
        {
            "kod": "arsredovisning",
            "namn": "Årsredovisning",
            "beskrivning": "Kommunens årsredovisning: ett analyserande beslutsunderlag för "
            "Kommunfullmäktige och grunden för prövningen av ansvarsfrihet.",
            "periodtyp": Periodtyp.AR,
            "periodnummer": [],
            "rapporterande_nivaer": [T.KOMMUNSTYRELSE],
            "endast_valda": False,
            "avsnitt": [
                _avsnitt("resultatrakning", "Resultaträkning", slag="fil"),
                _avsnitt("balansrakning", "Balansräkning", slag="fil"),
                _avsnitt("kassaflodesanalys", "Kassaflödesanalys", slag="fil"),
                _avsnitt("driftredovisning", "Driftredovisning", slag="tabell"),
                _avsnitt("investeringsredovisning", "Investeringsredovisning", slag="tabell"),
                *forvaltningsberattelse,
                *mal,
                _avsnitt(
                    "djupanalyser",
                    "Djupanalyser",
                    obligatorisk=False,
                    hjalptext="Utvalda perspektiv: barn och unga, äldre, funktionsnedsättning, "
                    "integration, miljö.",
                ),
            ],
            "frist_manader": 3,
            "frist_dag": 15,
            "helgregel": Rapporttyp.Helgregel.FORE,
            "granskas": False,
            "antas_av": T.KOMMUNFULLMAKTIGE,
            "lagkrav": Rapporttyp.Lagkrav.ARSREDOVISNING,
            "ordning": 50,
        },
    ]


@transaction.atomic
def boras_rapporttyper() -> list[Rapporttyp]:
    """Borås Stad's kinds of report (Styr- och ledningssystem, "Uppföljningsprocessen") as
    data. Idempotent: a kind that exists (by `kod`) is kept as the controller has set it."""
    typer = {}
    for data in _boras():
        data = dict(data)
        kod = data.pop("kod")
        typer[kod], _ = Rapporttyp.objects.get_or_create(kod=kod, defaults=data)
    # What KS compiles for KF: the nämnder's and bolagens tertial reports per August into the
    # delårsrapport, their årsrapporter into the årsredovisning.
    for kod, delar in (("delarsrapport", "tertial"), ("arsredovisning", "arsrapport")):
        if typer[kod].sammanstaller_id is None:
            typer[kod].sammanstaller = typer[delar]
            typer[kod].save(update_fields=["sammanstaller"])
    return list(typer.values())
