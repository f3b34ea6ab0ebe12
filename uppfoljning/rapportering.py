"""The chef's report: its content read live from the data (`rapport_innehall`, the schema of
`uppfoljning.innehall`), how much of it is ready (`beraknad_andel_klar`), and the writes the
report page makes.

A report gathers and writes through what already exists: the assessments, indicator values
and comments on assignments are the goal chain's own rows (`mal.services` writes them), so a
goal page and the report show the same assessment. What the report adds of its own are the
free-text sections, the action plan and the follow-up of earlier actions.

Every read here costs a fixed number of queries whatever the number of goals, indicators,
assignments, sections and actions (`las_rapport`); the page and the content dict share it.
"""

import datetime
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Max, Q, QuerySet, When

from mal import fulfilment
from mal import services as mal_services
from mal.fulfilment import SAKNAS
from mal.models import (
    Bedomning,
    Indikator,
    Mal,
    Maluppfyllelse,
    Malvarde,
    Uppdrag,
    Uppdragskommentar,
    Utfall,
    Varde,
)
from mal.queries import covering_year
from styrning import locking, permissions
from styrning.actionlog import Handling, log_action
from styrning.models import Organisation
from styrning.periods import Period, Periodtyp
from uppfoljning.ekonomi import ekonomi_for_rapport
from uppfoljning.innehall import SCHEMA
from uppfoljning.models import (
    Atgard,
    Atgardsuppfoljning,
    Avsnittstext,
    Balanskrav,
    Bilaga,
    Rapport,
)
from uppfoljning.sammanstallning import delar, omfattar_kommunen

OPPNA_UPPDRAG = (Uppdrag.Status.EJ_PABORJAT, Uppdrag.Status.PAGAR)
AVSLUTADE_ATGARDER = (Atgard.Status.KLAR, Atgard.Status.STRUKEN)


def rapporter() -> QuerySet[Rapport]:
    """Reports with what their heading and content need in the same query."""
    return Rapport.objects.select_related("rapportperiod__rapporttyp", "organisation")


def _text(value: Decimal | None) -> str:
    """A decimal as the schema writes it: exact, without trailing zeros; "" when missing."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def _datum(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


# --- The read ---------------------------------------------------------------------------------


@dataclass
class Indikatorrad:
    indikator: Indikator
    varde: Varde | None
    malvarde: Decimal | None
    organisation_id: int

    @property
    def importerad(self) -> bool:
        """A value imported (Kolada) or measured for another organisation (the indicator's own,
        e.g. the municipality): shown, not entered here."""
        return self.varde is not None and (
            self.varde.importerad or self.varde.organisation_id != self.organisation_id
        )


@dataclass
class Malrad:
    mal: Mal
    forslag: str
    forklaring: str
    bedomning: Bedomning | None
    indikatorer: list[Indikatorrad]

    @property
    def bedomd(self) -> bool:
        return self.bedomning is not None and self.bedomning.utfall != Utfall.EJ_BEDOMT


@dataclass
class Uppdragsrad:
    uppdrag: Uppdrag
    kommentar: Uppdragskommentar | None

    @property
    def status(self) -> str:
        return self.kommentar.status if self.kommentar else self.uppdrag.status


@dataclass
class Avsnittsrad:
    kod: str
    rubrik: str
    slag: str
    obligatorisk: bool
    hjalptext: str
    rad: Avsnittstext | None

    @property
    def text(self) -> str:
        return self.rad.text if self.rad else ""

    @property
    def klar(self) -> bool:
        return bool(self.rad and self.rad.klar)


@dataclass
class Uppfoljningsrad:
    atgard: Atgard
    uppfoljning: Atgardsuppfoljning | None


@dataclass
class Rapportdata:
    """A report's parts as rows, read in a fixed number of queries."""

    rapport: Rapport
    period: Period
    mal: list[Malrad]
    uppdrag: list[Uppdragsrad]
    avsnitt: list[Avsnittsrad]
    atgarder: list[Atgard]
    atgardsuppfoljning: list[Uppfoljningsrad]
    bilagor: list[Bilaga]
    balanskrav: Balanskrav | None
    ekonomi: dict
    delar: list
    indikatorer: dict[int, Indikator] = field(default_factory=dict)


def forslagsperiod(period: Period) -> Period:
    """The period whose stored roll-up gives a report's computed suggestion. The roll-up
    (`mal.rollup`) stores years and tertials: a report of such a period reads its own row; a
    month, which is not stored, reads the tertial the month falls in (the smallest stored
    period that holds it, kept in step with every value and assessment of that tertial, and
    the same row the goal pages show for it; "per april" is exactly T1)."""
    if period.typ == Periodtyp.MANAD:
        return Period(period.ar, Periodtyp.TERTIAL, (period.nummer - 1) // 4 + 1)
    return period


def _med_kf(rapport: Rapport) -> bool:
    """A report with the law's requirements (the delårsrapport, the årsredovisning) assesses
    kommunfullmäktige's goals, those for god ekonomisk hushållning among them, besides the
    organisation's own."""
    return bool(rapport.rapportperiod.rapporttyp.lagkrav)


def rapportens_mal(rapport: Rapport, period: Period | None = None) -> QuerySet[Mal]:
    """The adopted goals in force in the period's year that the report follows up: those the
    organisation owns, and in a report with the law's requirements kommunfullmäktige's too
    (first, as the law's assessment of KF's goals comes first)."""
    period = period or rapport.period
    agare = Q(agare=rapport.organisation_id)
    if _med_kf(rapport):
        agare |= Q(agare__typ=Organisation.Typ.KOMMUNFULLMAKTIGE)
    return (
        Mal.objects.filter(covering_year(period.ar), agare)
        .filter(status=Mal.Status.ANTAGET)
        .select_related("malomrade", "budgetar", "mandatperiod")
        .annotate(
            kf_forst=Case(
                When(agare__typ=Organisation.Typ.KOMMUNFULLMAKTIGE, then=0),
                default=1,
                output_field=IntegerField(),
            )
        )
        .order_by("kf_forst", "ordning", "nummer", "titel", "pk")
    )


def i_rapporten(rapport: Rapport, mal: Mal) -> bool:
    """Whether the report follows up the goal (`rapportens_mal`)."""
    if not mal.covers_year(rapport.period.ar) or mal.status != Mal.Status.ANTAGET:
        return False
    if mal.agare_id == rapport.organisation_id:
        return True
    return _med_kf(rapport) and mal.agare.typ == Organisation.Typ.KOMMUNFULLMAKTIGE


def _las_mal(rapport: Rapport, period: Period) -> tuple[list[Malrad], dict[int, Indikator]]:
    """Goals with their suggestion, assessment and indicators: six queries in all."""
    goals = list(rapportens_mal(rapport, period))
    ids = [m.pk for m in goals]
    org_id = rapport.organisation_id
    indicators: dict[int, list[Indikator]] = {}
    by_id: dict[int, Indikator] = {}
    for ind in Indikator.objects.filter(mal__in=ids).order_by("ordning", "namn", "pk"):
        indicators.setdefault(ind.mal_id, []).append(ind)
        by_id[ind.pk] = ind
    targets = dict(
        Malvarde.objects.filter(indikator__in=by_id, ar=period.ar).values_list(
            "indikator_id", "varde"
        )
    )
    # the organisation's own value; else the one of the organisation the indicator is measured
    # for (a municipality's Kolada figure on a unit's goal), shown read-only
    values: dict[tuple[int, int], Varde] = {
        (v.indikator_id, v.organisation_id): v
        for v in Varde.objects.filter(
            indikator__in=by_id,
            organisation_id__in={org_id, *(i.matt_for_id for i in by_id.values())},
            **Varde.period_lookup(period),
        ).select_related("registrerad_av", "organisation")
    }
    assessments = {
        b.mal_id: b
        for b in Bedomning.objects.filter(
            mal__in=ids, **Bedomning.period_lookup(period)
        ).select_related("bedomd_av")
    }
    stored = {
        pk: (forslag, forklaring)
        for pk, forslag, forklaring in Maluppfyllelse.objects.filter(
            mal__in=ids, **Maluppfyllelse.period_lookup(forslagsperiod(period))
        ).values_list("mal_id", "forslag", "forklaring")
    }
    rows = []
    for mal in goals:
        forslag, forklaring = stored.get(mal.pk, (SAKNAS, ""))
        rows.append(
            Malrad(
                mal=mal,
                forslag=forslag,
                forklaring=forklaring,
                bedomning=assessments.get(mal.pk),
                indikatorer=[
                    Indikatorrad(
                        indikator=ind,
                        varde=values.get((ind.pk, org_id)) or values.get((ind.pk, ind.matt_for_id)),
                        malvarde=targets.get(ind.pk),
                        organisation_id=org_id,
                    )
                    for ind in indicators.get(mal.pk, [])
                ],
            )
        )
    return rows, by_id


def _las_uppdrag(rapport: Rapport, period: Period) -> list[Uppdragsrad]:
    """Assignments given to the organisation that are open in the period's year or were given
    or reported on in it, with the period's comment: two queries."""
    ar = period.ar
    uppdrag = list(
        Uppdrag.objects.filter(givet_till=rapport.organisation_id, budgetar__ar__lte=ar)
        .filter(
            Q(budgetar__ar=ar)
            | Q(status__in=OPPNA_UPPDRAG)
            | Q(pk__in=Uppdragskommentar.objects.filter(ar=ar).values("uppdrag_id"))
        )
        .select_related("givet_av", "budgetar", "mal")
        .order_by("budgetar__ar", "givet_av__ordning", "titel", "pk")
    )
    comments = {
        k.uppdrag_id: k
        for k in Uppdragskommentar.objects.filter(
            uppdrag__in=[u.pk for u in uppdrag], **Uppdragskommentar.period_lookup(period)
        ).select_related("skriven_av")
    }
    return [Uppdragsrad(uppdrag=u, kommentar=comments.get(u.pk)) for u in uppdrag]


def _las_avsnitt(rapport: Rapport) -> list[Avsnittsrad]:
    texts = {a.kod: a for a in Avsnittstext.objects.filter(rapport=rapport)}
    return [
        Avsnittsrad(
            kod=a["kod"],
            rubrik=a.get("rubrik", a["kod"]),
            slag=a.get("slag", "text"),
            obligatorisk=bool(a.get("obligatorisk")),
            hjalptext=a.get("hjalptext", ""),
            rad=texts.get(a["kod"]),
        )
        for a in rapport.rapportperiod.rapporttyp.avsnitt or []
        if a.get("kod")
    ]


def tidigare_rapport_ids(rapport: Rapport) -> list[int]:
    """The organisation's reports (of any kind) whose period ended before this report's:
    one query over the organisation's own reports."""
    end = rapport.period.slut
    return [
        pk
        for pk, ar, typ, nummer in Rapport.objects.filter(
            organisation=rapport.organisation_id, rapportperiod__ar__lte=rapport.period.ar
        )
        .exclude(pk=rapport.pk)
        .values_list(
            "pk", "rapportperiod__ar", "rapportperiod__periodtyp", "rapportperiod__periodnummer"
        )
        if Period(ar, typ, nummer).slut < end
    ]


def _las_uppfoljning(rapport: Rapport) -> list[Uppfoljningsrad]:
    """The earlier reports' actions to follow up: those not done or dropped, and those this
    report has followed up (whatever their status now)."""
    followed = {
        u.atgard_id: u for u in Atgardsuppfoljning.objects.filter(rapport=rapport).order_by()
    }
    actions = (
        Atgard.objects.filter(rapport__in=tidigare_rapport_ids(rapport))
        .filter(~Q(status__in=AVSLUTADE_ATGARDER) | Q(pk__in=list(followed)))
        .select_related("indikator", "rapport__rapportperiod")
        .order_by("datum", "pk")
    )
    return [Uppfoljningsrad(atgard=a, uppfoljning=followed.get(a.pk)) for a in actions]


def las_rapport(rapport: Rapport) -> Rapportdata:
    """Every part of a report, in a fixed number of queries (about fifteen; the economy's
    table is `uppfoljning.ekonomi.ekonomi_for_rapport`, the compiled reports below
    `uppfoljning.sammanstallning.delar`)."""
    period = rapport.period
    mal, indikatorer = _las_mal(rapport, period)
    parts = delar(rapport)
    return Rapportdata(
        rapport=rapport,
        period=period,
        mal=mal,
        uppdrag=_las_uppdrag(rapport, period),
        avsnitt=_las_avsnitt(rapport),
        atgarder=list(rapport.atgarder.select_related("indikator").order_by("datum", "pk")),
        atgardsuppfoljning=_las_uppfoljning(rapport),
        bilagor=list(Bilaga.objects.filter(rapport=rapport)),
        balanskrav=Balanskrav.objects.filter(rapport=rapport).first(),
        ekonomi=ekonomi_for_rapport(rapport, parts),
        delar=parts,
        indikatorer=indikatorer,
    )


def andringsmarken(model, ids) -> dict[int, str]:
    """The change tokens (`styrning.locking.token`) of many rows of a model in one query."""
    ids = [pk for pk in ids if pk is not None]
    if not ids:
        return {}
    return {
        pk: str(latest)
        for pk, latest in model.history.filter(id__in=ids)
        .order_by()
        .values("id")
        .annotate(latest=Max("history_id"))
        .values_list("id", "latest")
    }


def egna_indikatorer(rapport: Rapport) -> list[Indikator]:
    """The indicators of the goals the report shows (an action's effect is measured in one)."""
    return list(
        Indikator.objects.filter(mal__in=rapportens_mal(rapport).values("pk"))
        .select_related("mal")
        .order_by("mal__ordning", "mal__nummer", "ordning", "namn", "pk")
    )


# --- The content dict ---------------------------------------------------------------------------


def _rapport_dict(rapport: Rapport, period: Period) -> dict:
    typ = rapport.rapportperiod.rapporttyp
    org = rapport.organisation
    return {
        "id": rapport.pk,
        "typ": typ.pk,
        "typ_kod": typ.kod,
        "typ_namn": typ.namn,
        "beloppsenhet": typ.beloppsenhet,
        "organisation": {"id": org.pk, "namn": org.namn, "kod": org.kod, "typ": org.typ},
        "period": period.kod,
        "period_label": period.label,
        "ackumulerad_label": period.ackumulerad_label,
        "riktpunkt": _text(period.riktpunkt),
        "status": rapport.status,
        "version": rapport.version,
    }


def _mal_dict(row: Malrad) -> dict:
    b = row.bedomning
    utfall = b.utfall if b else Utfall.EJ_BEDOMT
    return {
        "id": row.mal.pk,
        "nummer": row.mal.nummer,
        "titel": row.mal.titel,
        "malomrade": row.mal.malomrade.namn if row.mal.malomrade_id else "",
        "forslag": row.forslag,
        "forslag_label": fulfilment.status_label(row.forslag),
        "utfall": utfall,
        "utfall_label": fulfilment.status_label(utfall),
        "analys": b.analys if b else "",
        "indikatorer": [
            {
                "id": i.indikator.pk,
                "namn": i.indikator.namn,
                "enhet": i.indikator.enhet,
                "varde": _text(i.varde.totalt) if i.varde else "",
                "malvarde": _text(i.malvarde),
            }
            for i in row.indikatorer
        ],
    }


def _uppdrag_dict(row: Uppdragsrad) -> dict:
    return {
        "id": row.uppdrag.pk,
        "titel": row.uppdrag.titel,
        "status": row.status,
        "status_label": Uppdrag.Status(row.status).label,
        "kommentar": row.kommentar.kommentar if row.kommentar else "",
    }


def _atgard_dict(a: Atgard) -> dict:
    return {
        "id": a.pk,
        "beskrivning": a.beskrivning,
        "ansvarig": a.ansvarig,
        "datum": _datum(a.datum),
        "effekt_kronor": _text(a.effekt_kronor),
        "indikator": a.indikator.namn if a.indikator_id else "",
        "enhet": a.indikator.enhet if a.indikator_id else "",
        "effekt_varde": _text(a.effekt_varde),
        "status": a.status,
        "status_label": a.get_status_display(),
    }


def _uppfoljning_dict(row: Uppfoljningsrad) -> dict:
    u = row.uppfoljning
    status = u.status if u else row.atgard.status
    return {
        "atgard_id": row.atgard.pk,
        "beskrivning": row.atgard.beskrivning,
        "status": status,
        "status_label": Atgard.Status(status).label,
        "kommentar": u.kommentar if u else "",
    }


def _balanskrav_dict(b: Balanskrav | None) -> dict | None:
    if b is None:
        return None
    return {
        "arets_resultat": _text(b.arets_resultat),
        "realisationsvinster": _text(b.realisationsvinster),
        "realisationsforluster_undantag": _text(b.realisationsforluster_undantag),
        "orealiserade_vardepapper": _text(b.orealiserade_vardepapper),
        "resultatutjamningsreserv": _text(b.resultatutjamningsreserv),
        "balanskravsresultat": _text(b.balanskravsresultat),
        "prognos": b.prognos,
        "kommentar": b.kommentar,
    }


def _bilagor_dict(data: Rapportdata, rubriker: dict[str, str]) -> list[dict]:
    """Every file or table part the kind asks for, in the kind's order, with its attachment
    or without one (the page and the PDF then say "Saknas"), then any attachment whose part
    the kind no longer has."""
    attached = {b.kod: b for b in data.bilagor}
    slots = [a.kod for a in data.avsnitt if a.slag in ("fil", "tabell")]
    koder = slots + [kod for kod in attached if kod not in slots]
    return [
        {
            "kod": kod,
            "rubrik": rubriker.get(kod, kod),
            "filnamn": attached[kod].filnamn if kod in attached else "",
            "tabell": attached[kod].tabell if kod in attached else None,
        }
        for kod in koder
    ]


def innehall_av(data: Rapportdata) -> dict:
    """The content dict of rows already read."""
    rapport, period = data.rapport, data.period
    rubriker = {a.kod: a.rubrik for a in data.avsnitt}
    return {
        "schema": SCHEMA,
        "rapport": _rapport_dict(rapport, period),
        "ekonomi": data.ekonomi,
        "mal": [_mal_dict(row) for row in data.mal],
        "uppdrag": [_uppdrag_dict(row) for row in data.uppdrag],
        "avsnitt": [
            {
                "kod": a.kod,
                "rubrik": a.rubrik,
                "slag": a.slag,
                "obligatorisk": a.obligatorisk,
                "text": a.text,
                "klar": a.klar,
            }
            for a in data.avsnitt
        ],
        "atgarder": [_atgard_dict(a) for a in data.atgarder],
        "atgardsuppfoljning": [_uppfoljning_dict(row) for row in data.atgardsuppfoljning],
        "delar": data.delar,
        "bilagor": _bilagor_dict(data, rubriker),
        "balanskrav": _balanskrav_dict(data.balanskrav),
    }


def rapport_innehall(rapport: Rapport) -> dict:
    """A report's content (`uppfoljning.innehall`, schema 1), live from the data.

    "mal": the adopted goals the organisation owns that are in force in the period's year (in
    the delårsrapport and the årsredovisning kommunfullmäktige's first: `rapportens_mal`),
    each with the stored computed suggestion (`Maluppfyllelse.forslag`, the insiders' reading:
    a report is written by those who read the organisation's internal material, preliminary
    values included) of the period, or for a month of the tertial it falls in
    (`forslagsperiod`), the assessment of the period, and each indicator's value for the
    organisation and period (else for the organisation it is measured for) and its target for
    the year. Actions carry their indicator's name and unit ("indikator", "enhet")."""
    return innehall_av(las_rapport(rapport))


# --- How much is ready ---------------------------------------------------------------------------


def delar_klara(rapport: Rapport, data: Rapportdata | None = None) -> tuple[int, int]:
    """(parts done, parts in all). The parts: each section of the kind (a text section when
    marked ready, a file or table section when its attachment is there, the balanskrav block
    when entered), each goal (when assessed, not "ej bedömt"), the forecast (when the economy
    table has rows: when the total has a forecast, the organisation's own or the sum of its
    verksamheters'; in kommunstyrelsen's report of the whole municipality its own row's) and
    each earlier action to follow up (when followed up in this report)."""
    data = data or las_rapport(rapport)
    bilagor = {b.kod for b in data.bilagor}
    done = total = 0
    for a in data.avsnitt:
        total += 1
        if a.slag == "text":
            done += a.klar
        elif a.slag == "balanskrav":
            done += data.balanskrav is not None
        else:
            done += a.kod in bilagor
    for row in data.mal:
        total += 1
        done += row.bedomd
    if omfattar_kommunen(rapport):
        # the nämnder's and bolagens forecasts are their own reports'; kommunstyrelsen gives
        # its own (its row, when it holds economy)
        own = [r for r in data.ekonomi["rader"] if r["organisation_id"] == rapport.organisation_id]
        total += len(own)
        done += sum(r["prognos"] != "" for r in own)
    elif data.ekonomi["rader"]:
        total += 1
        done += data.ekonomi["total"]["prognos"] != ""
    for row in data.atgardsuppfoljning:
        total += 1
        done += row.uppfoljning is not None
    return done, total


def beraknad_andel_klar(rapport: Rapport, data: Rapportdata | None = None) -> int:
    """The share of the report's parts that are done (`delar_klara`), in whole per cent,
    rounded down (100 only when everything is done); 0 for a report with no parts."""
    done, total = delar_klara(rapport, data)
    return done * 100 // total if total else 0


# --- Writes --------------------------------------------------------------------------------------

STANGD = "Rapporten är inlämnad; öppna den igen för att ändra"


def _oppen_rapport(rapport: Rapport, user) -> Rapport:
    """The report locked for the write, refused unless it is open, its period is open and the
    user may report for its organisation."""
    locked = (
        Rapport.objects.select_for_update(of=("self",))
        .select_related("rapportperiod__rapporttyp", "organisation")
        .get(pk=rapport.pk)
    )
    if not permissions.can_report(user, locked.organisation_id):
        raise ValidationError(
            f"Du får inte rapportera för {locked.organisation}.", code="ej_behorig"
        )
    if locked.status not in Rapport.OPPNA:
        raise ValidationError(f"{STANGD}.", code="inte_oppen")
    if not locked.tar_emot_andringar:
        raise ValidationError(
            f"Perioden {locked.period.ackumulerad_label} är stängd; rapporten kan inte ändras.",
            code="period_stangd",
        )
    return locked


@transaction.atomic
def uppdatera_andel_klar(*, rapport: Rapport, user) -> Rapport:
    """Store how much of the report is ready, and mark a report not yet started as a draft
    (the first save of any part starts it). Every write of the report page ends here."""
    locked = Rapport.objects.select_for_update(of=("self",)).get(pk=rapport.pk)
    locked.rapportperiod = rapport.rapportperiod
    locked.organisation = rapport.organisation
    andel = beraknad_andel_klar(locked)
    status = Rapport.Status.UTKAST if locked.status == Rapport.Status.EJ_PABORJAD else None
    if andel != locked.andel_klar or status:
        locked.andel_klar = andel
        if status:
            locked.status = status
        locked._history_user = user
        locked.save(update_fields=["andel_klar", "status", "andrad"])
    rapport.andel_klar, rapport.status = locked.andel_klar, locked.status
    return locked


# The reports written within `en_omrakning`, by id: their share is computed once, at its end.
_uppskjutna: ContextVar[dict[int, tuple[Rapport, object]] | None] = ContextVar(
    "uppskjutna_omrakningar", default=None
)


@contextmanager
def en_omrakning():
    """Writes of reports within count each report's share ready (`uppdatera_andel_klar`) once,
    at the end, instead of after every write: for a batch that writes a report's parts one after
    another (the demo's chefs; each count reads the whole report). Nothing is counted if the
    batch fails; a read within sees the share as it was before the batch."""
    pending: dict[int, tuple[Rapport, object]] = {}
    token = _uppskjutna.set(pending)
    try:
        yield
    finally:
        _uppskjutna.reset(token)
    for rapport, user in pending.values():
        uppdatera_andel_klar(rapport=rapport, user=user)


def _rakna_om(rapport: Rapport, user) -> None:
    pending = _uppskjutna.get()
    if pending is None:
        uppdatera_andel_klar(rapport=rapport, user=user)
    else:
        pending[rapport.pk] = (rapport, user)


def _eget_mal(rapport: Rapport, mal: Mal) -> None:
    """The organisation's own goal in the report's year (its indicators take its values)."""
    if mal.agare_id != rapport.organisation_id or not mal.covers_year(rapport.period.ar):
        raise ValidationError(
            f"Målet ”{mal}” hör inte till {rapport.organisation} {rapport.period.ar}.",
            code="annat_mal",
        )


@transaction.atomic
def spara_avsnitt(
    *,
    rapport: Rapport,
    kod: str,
    text: str,
    klar: bool,
    andringsmarke: str | None = "",
    user,
) -> Avsnittstext:
    """Save the text of one free-text section of the report, marked ready or not. The form
    carries the change token of the text it showed: a text saved by somebody else meanwhile is
    not overwritten (`styrning.locking.Konflikt`, saying who saved when)."""
    rapport = _oppen_rapport(rapport, user)
    sections = {a.get("kod"): a for a in rapport.rapportperiod.rapporttyp.avsnitt or []}
    section = sections.get(kod)
    if section is None or section.get("slag", "text") != "text":
        raise ValidationError("Rapporten har inget sådant textavsnitt.", code="okant_avsnitt")
    text = text.strip()
    if klar and not text:
        raise ValidationError(
            {"text": "Skriv texten innan du markerar avsnittet som klart."}, code="tom_klar"
        )
    current = Avsnittstext.objects.select_for_update().filter(rapport=rapport, kod=kod).first()
    locking.check_unchanged(current, andringsmarke)
    if current is None:
        current = Avsnittstext(rapport=rapport, kod=kod)
        current.text, current.klar, current.andrad_av = text, klar, user
        current._history_user = user
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            # saved by somebody else at the same moment: refused like any later save
            locking.check_unchanged(
                Avsnittstext.objects.filter(rapport=rapport, kod=kod).first(), ""
            )
            raise
    else:
        current.text, current.klar, current.andrad_av = text, klar, user
        current._history_user = user
        current.save(update_fields=["text", "klar", "andrad_av", "andrad"])
    log_action(
        user=user,
        handling=Handling.AVSNITT_SPARAT,
        objekt=rapport,
        organisation=rapport.organisation_id,
        data={"avsnitt": kod, "klar": klar},
    )
    _rakna_om(rapport, user)
    return current


@transaction.atomic
def bedom(
    *, rapport: Rapport, mal: Mal, utfall: str, analys: str, andringsmarke: str = "", user
) -> Bedomning:
    """The chef's assessment of one of the report's goals (`rapportens_mal`: the
    organisation's own; in the delårsrapport and the årsredovisning kommunfullmäktige's too)
    for the report's period: written through the goal chain's own service
    (`mal.services.bedom_mal`, which checks who may assess the goal's owner), so the goal's
    pages show the same assessment."""
    rapport = _oppen_rapport(rapport, user)
    if not i_rapporten(rapport, mal):
        raise ValidationError(
            f"Målet ”{mal}” följs inte upp i rapporten för {rapport.organisation} "
            f"{rapport.period.ar}.",
            code="annat_mal",
        )
    bedomning = mal_services.bedom_mal(
        mal=mal,
        period=rapport.period,
        utfall=utfall,
        analys=analys,
        andringsmarke=andringsmarke,
        user=user,
    )
    _rakna_om(rapport, user)
    return bedomning


@transaction.atomic
def registrera_varde(
    *,
    rapport: Rapport,
    indikator: Indikator,
    totalt: Decimal | None,
    kvinnor: Decimal | None = None,
    man: Decimal | None = None,
    kommentar: str = "",
    andringsmarke: str = "",
    user,
) -> Varde:
    """A value of one of the organisation's goals' indicators for the organisation and the
    report's period (`mal.services.registrera_varde`). An imported value is not replaced
    here: it comes from its source."""
    rapport = _oppen_rapport(rapport, user)
    _eget_mal(rapport, indikator.mal)
    imported = Varde.objects.filter(
        indikator=indikator,
        organisation=rapport.organisation_id,
        importerad=True,
        **Varde.period_lookup(rapport.period),
    ).exists()
    if imported:
        raise ValidationError(
            {"totalt": "Värdet är importerat och ändras i sin källa, inte här."},
            code="importerat",
        )
    varde = mal_services.registrera_varde(
        indikator=indikator,
        organisation=rapport.organisation,
        period=rapport.period,
        totalt=totalt,
        kvinnor=kvinnor,
        man=man,
        kommentar=kommentar,
        andringsmarke=andringsmarke,
        user=user,
    )
    _rakna_om(rapport, user)
    return varde


@transaction.atomic
def kommentera_uppdrag(
    *,
    rapport: Rapport,
    uppdrag: Uppdrag,
    status: str,
    kommentar: str,
    andringsmarke: str | None = "",
    user,
) -> Uppdragskommentar:
    """The state of an assignment given to the organisation, for the report's period
    (`mal.services.kommentera_uppdrag`)."""
    rapport = _oppen_rapport(rapport, user)
    if uppdrag.givet_till_id != rapport.organisation_id:
        raise ValidationError(
            f"Uppdraget ”{uppdrag}” är inte givet till {rapport.organisation}.",
            code="annat_uppdrag",
        )
    rad = mal_services.kommentera_uppdrag(
        uppdrag=uppdrag,
        period=rapport.period,
        status=status,
        kommentar=kommentar,
        andringsmarke=andringsmarke,
        user=user,
    )
    _rakna_om(rapport, user)
    return rad


def _check_atgard(beskrivning, ansvarig, indikator, effekt_varde, rapport) -> None:
    errors = {}
    if not beskrivning.strip():
        errors["beskrivning"] = "Beskriv åtgärden: en åtgärdsplan utan åtgärd kan inte sparas."
    if not ansvarig.strip():
        errors["ansvarig"] = "Ange vem som ansvarar för åtgärden."
    if effekt_varde is not None and indikator is None:
        errors["indikator"] = "Välj den indikator vars enhet effekten anges i."
    if indikator is not None and not i_rapporten(rapport, indikator.mal):
        errors["indikator"] = "Välj en indikator för ett av rapportens mål."
    if errors:
        raise ValidationError(errors, code="atgard")


@transaction.atomic
def spara_atgard(
    *,
    rapport: Rapport,
    beskrivning: str,
    ansvarig: str,
    datum: datetime.date,
    effekt_kronor: Decimal | None = None,
    indikator: Indikator | None = None,
    effekt_varde: Decimal | None = None,
    status: str = Atgard.Status.PLANERAD,
    atgard: Atgard | None = None,
    andringsmarke: str | None = "",
    user,
) -> Atgard:
    """Add an action to the report's åtgärdsplan (`atgard` None; the page's form is answered
    once, `styrning.submission`) or change one (with the change token the form showed). The
    expected effect is given in kronor, in the unit of one of the organisation's indicators,
    or both."""
    rapport = _oppen_rapport(rapport, user)
    _check_atgard(beskrivning, ansvarig, indikator, effekt_varde, rapport)
    if atgard is not None:
        saved = Atgard.objects.select_for_update().filter(pk=atgard.pk, rapport=rapport).first()
        if saved is None:
            raise ValidationError("Åtgärden hör inte till rapporten.", code="annan_atgard")
        locking.check_unchanged(saved, andringsmarke)
        atgard = saved
    else:
        atgard = Atgard(rapport=rapport)
    atgard.beskrivning = beskrivning.strip()
    atgard.ansvarig = ansvarig.strip()
    atgard.datum = datum
    atgard.effekt_kronor = effekt_kronor
    atgard.indikator = indikator
    atgard.effekt_varde = effekt_varde
    atgard.status = status
    ny = atgard.pk is None
    atgard.full_clean(exclude=["rapport"])
    atgard._history_user = user
    atgard.save()
    log_action(
        user=user,
        handling=Handling.ATGARD_SPARAD,
        objekt=rapport,
        organisation=rapport.organisation_id,
        data={
            "atgard": atgard.pk,
            "ny": ny,
            "status": atgard.status,
            "effekt_kronor": _text(effekt_kronor),
            "indikator": indikator.pk if indikator else None,
            "effekt_varde": _text(effekt_varde),
        },
    )
    _rakna_om(rapport, user)
    return atgard


@transaction.atomic
def folj_upp_atgard(
    *,
    rapport: Rapport,
    atgard: Atgard,
    status: str,
    kommentar: str,
    andringsmarke: str | None = "",
    user,
) -> Atgardsuppfoljning:
    """Follow up an action of one of the organisation's earlier reports in this report: its
    state now (done, in progress, dropped) with a comment. The action takes the state, so the
    next report lists it only while it is not done or dropped."""
    rapport = _oppen_rapport(rapport, user)
    if atgard.pk not in set(
        Atgard.objects.filter(rapport__in=tidigare_rapport_ids(rapport)).values_list(
            "pk", flat=True
        )
    ):
        raise ValidationError(
            "Åtgärden hör inte till någon av organisationens tidigare rapporter.",
            code="annan_atgard",
        )
    if status == Atgard.Status.STRUKEN and not kommentar.strip():
        raise ValidationError(
            {"kommentar": "Skriv varför åtgärden stryks."}, code="kommentar_saknas"
        )
    current = (
        Atgardsuppfoljning.objects.select_for_update()
        .filter(atgard=atgard, rapport=rapport)
        .first()
    )
    locking.check_unchanged(current, andringsmarke)
    rad = current or Atgardsuppfoljning(atgard=atgard, rapport=rapport)
    rad.status = status
    rad.kommentar = kommentar.strip()
    rad._history_user = user
    try:
        with transaction.atomic():
            rad.save()
    except IntegrityError:
        locking.check_unchanged(
            Atgardsuppfoljning.objects.filter(atgard=atgard, rapport=rapport).first(), ""
        )
        raise
    locked = Atgard.objects.select_for_update().get(pk=atgard.pk)
    if locked.status != status:
        locked.status = status
        locked._history_user = user
        locked.save(update_fields=["status", "andrad"])
    log_action(
        user=user,
        handling=Handling.ATGARD_FOLJD_UPP,
        objekt=rapport,
        organisation=rapport.organisation_id,
        data={"atgard": atgard.pk, "status": status},
    )
    _rakna_om(rapport, user)
    return rad
