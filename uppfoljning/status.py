"""The status board's read model: for one reporting period, every organisation that should
report, with where its report stands (not started, draft with the share ready, submitted,
sent back, approved, adopted) and whether it is late.

Who sees what: controllers every report; a chef the reports of the organisations they report
for or review (their node and below). Everybody else has no board (the view says 403).
A page costs what it shows: the reports of one period, one page at a time, in a fixed number
of queries whatever the number of organisations.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from styrning import permissions
from uppfoljning.arbetsflode import ar_sen
from uppfoljning.models import Rapport, Rapportperiod

# How many days after a deadline its period is still the board's default ("the deadline is
# near"): a period stays in view a week after its deadline, for the late ones.
DAGAR_EFTER_FRIST = 7


def synliga_ids(user) -> frozenset[int] | None:
    """The organisations whose reports the user sees on the board; None: all (controllers);
    an empty set: no board."""
    if permissions.is_controller(user):
        return None
    return permissions.reporter_ids(user) | permissions.report_reviewer_ids(user)


def har_statustavla(user) -> bool:
    return permissions.has_status_board(user)


def _rapporter(ids: frozenset[int] | None) -> QuerySet[Rapport]:
    qs = Rapport.objects.all()
    if ids is not None:
        qs = qs.filter(organisation_id__in=ids)
    return qs


def perioder(user, *, fran_ar: int) -> list[Rapportperiod]:
    """The periods the user may choose (those with a report the user sees), from `fran_ar`,
    latest deadline first."""
    ids = synliga_ids(user)
    qs = Rapportperiod.objects.filter(ar__gte=fran_ar).select_related("rapporttyp")
    if ids is not None:
        qs = qs.filter(pk__in=_rapporter(ids).values("rapportperiod_id"))
    return list(qs.order_by("-sista_dag", "rapporttyp__ordning", "pk"))


def standard_period(valbara: list[Rapportperiod], today: datetime.date) -> Rapportperiod | None:
    """The period shown when none is asked for: the one whose deadline is nearest ahead (or
    passed at most `DAGAR_EFTER_FRIST` days ago), else the latest."""
    grans = today - datetime.timedelta(days=DAGAR_EFTER_FRIST)
    kommande = [rp for rp in valbara if rp.sista_dag >= grans]
    if kommande:
        return min(kommande, key=lambda rp: (rp.sista_dag, rp.rapporttyp.ordning, rp.pk))
    return valbara[0] if valbara else None


@dataclass
class Rad:
    rapport: Rapport
    sen: bool

    @property
    def status_text(self) -> str:
        if self.rapport.status == Rapport.Status.UTKAST:
            return f"Utkast, {self.rapport.andel_klar} % klart"
        return self.rapport.get_status_display()


def rapporter_for_period(user, rapportperiod: Rapportperiod, *, bara_ej_klara: bool = False):
    """The period's reports the user sees, in tree order, as a queryset (to paginate)."""
    qs = _rapporter(synliga_ids(user)).filter(rapportperiod=rapportperiod)
    if bara_ej_klara:
        qs = qs.filter(status__in=Rapport.OPPNA)
    return qs.select_related("organisation__overordnad", "rapportperiod").order_by(
        "organisation__ordning", "organisation__namn", "pk"
    )


def rader(rapporter, today: datetime.date) -> list[Rad]:
    return [Rad(rapport=r, sen=ar_sen(r, today)) for r in rapporter]


def sammanfattning(user, rapportperiod: Rapportperiod, today: datetime.date) -> dict:
    """The number of reports per status and the number late, in one query."""
    oppna = list(Rapport.OPPNA)
    agg = (
        _rapporter(synliga_ids(user))
        .filter(rapportperiod=rapportperiod)
        .aggregate(
            totalt=Count("pk"),
            ej_klara=Count("pk", filter=Q(status__in=oppna)),
            # As `ar_sen`: a report submitted once by when it first came in (also when it was
            # sent back or reopened since), any other by today.
            sena=Count(
                "pk",
                filter=Q(inlamnad__isnull=True, rapportperiod__sista_dag__lt=today)
                | Q(inlamnad__date__gt=rapportperiod.sista_dag),
            ),
            **{
                status.value: Count("pk", filter=Q(status=status.value))
                for status in Rapport.Status
            },
        )
    )
    agg["per_status"] = [
        {"status": status, "label": status.label, "antal": agg[status.value]}
        for status in Rapport.Status
    ]
    return agg
