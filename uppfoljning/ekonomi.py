"""The economy of a report: the table every monthly report has (budget, outcome, forecast,
deviation, the share of the budget used beside the riktpunkt), the system's forecast proposal,
the chef's forecast, the import of budget and outcome from the economy system and the hand
entry where there is no import.

Amounts are kronor, net cost positive (costs minus income). In the content dict (the schema's
"ekonomi", `uppfoljning.innehall`) every amount is a string with two decimals ("1234500.00"),
"" when missing; the pages show them in the kind's beloppsenhet (`templatetags/belopp.py`).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum

from styrning.formatting import format_number
from styrning.models import Organisation
from styrning.periods import Period
from styrning.queries import organisation_tree
from uppfoljning.models import Ekonomirad, Prognos, Rapport, Rapporttyp

ORE = Decimal("0.01")
HUNDRA = Decimal(100)

# The organisations a report shows one row each for (its verksamheter), when they hold economy.
RAD_TYPER = frozenset(
    {Organisation.Typ.VERKSAMHET, Organisation.Typ.AVDELNING, Organisation.Typ.ENHET}
)

# Kronor per unit and decimals shown per beloppsenhet.
FAKTOR = {
    Rapporttyp.Beloppsenhet.KR: Decimal(1),
    Rapporttyp.Beloppsenhet.TKR: Decimal(1000),
    Rapporttyp.Beloppsenhet.MNKR: Decimal(1_000_000),
}
DECIMALER = {
    Rapporttyp.Beloppsenhet.KR: 0,
    Rapporttyp.Beloppsenhet.TKR: 0,
    Rapporttyp.Beloppsenhet.MNKR: 1,
}

# A forecast outside this share of the year's budget (or below zero) asks to be confirmed.
RIMLIG_LAG = Decimal("0.5")
RIMLIG_HOG = Decimal("1.5")

FORSLAG_REGEL = "utfallet hittills uppräknat till helår"
FORSLAG_REGEL_BUDGET = "årsbudgeten, eftersom det ännu inte finns något utfall"


def _text(value: Decimal | None) -> str:
    """An amount for the content dict: kronor with two decimals as a string, "" for none."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(ORE, ROUND_HALF_UP):f}"


def _procent(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return ""
    return f"{(HUNDRA * part / whole).quantize(Decimal('0.1'), ROUND_HALF_UP):f}"


def in_unit(kronor: Decimal, enhet: str) -> Decimal:
    """Kronor in the beloppsenhet, rounded as the pages show it (tkr whole, mnkr one decimal)."""
    step = Decimal(1).scaleb(-DECIMALER.get(enhet, 0))
    return (Decimal(kronor) / FAKTOR.get(enhet, Decimal(1))).quantize(step, ROUND_HALF_UP)


def format_belopp(kronor: Decimal | str | None, enhet: str, *, med_enhet: bool = True) -> str:
    """ "12 345 tkr", "1 234,5 mnkr", "−350 tkr": an amount in kronor written in the unit, with
    a typographic minus; "–" for a missing amount."""
    if kronor in (None, ""):
        return "–"
    value = in_unit(Decimal(kronor), enhet)
    text = format_number(abs(value), DECIMALER.get(enhet, 0))
    if value < 0:
        text = f"\u2212{text}"
    return f"{text}\u00a0{enhet}" if med_enhet else text


# --- The table ------------------------------------------------------------------------------


@dataclass
class _Summa:
    budget_ar: Decimal = Decimal(0)
    budget_hittills: Decimal = Decimal(0)
    utfall_hittills: Decimal = Decimal(0)
    utfall_hittills_fg: Decimal = Decimal(0)
    har_rader: bool = False

    def add(self, other: "_Summa") -> None:
        self.budget_ar += other.budget_ar
        self.budget_hittills += other.budget_hittills
        self.utfall_hittills += other.utfall_hittills
        self.utfall_hittills_fg += other.utfall_hittills_fg
        self.har_rader = self.har_rader or other.har_rader


def _summor(organisation_ids, period: Period) -> dict[int, _Summa]:
    """Budget and outcome per organisation for the period's year and the year before: one
    aggregate query."""
    ar, manader = period.ar, period.manader
    rows = (
        Ekonomirad.objects.filter(organisation_id__in=organisation_ids, ar__in=[ar, ar - 1])
        .values("organisation_id")
        .annotate(
            budget_ar=Sum("budget", filter=Q(ar=ar)),
            budget_hittills=Sum("budget", filter=Q(ar=ar, manad__lte=manader)),
            utfall_hittills=Sum("utfall", filter=Q(ar=ar, manad__lte=manader)),
            utfall_hittills_fg=Sum("utfall", filter=Q(ar=ar - 1, manad__lte=manader)),
        )
        .order_by()
    )
    return {
        row["organisation_id"]: _Summa(
            budget_ar=Decimal(row["budget_ar"] or 0),
            budget_hittills=Decimal(row["budget_hittills"] or 0),
            utfall_hittills=Decimal(row["utfall_hittills"] or 0),
            utfall_hittills_fg=Decimal(row["utfall_hittills_fg"] or 0),
            har_rader=True,
        )
        for row in rows
    }


def _prognoser(organisation_ids, period: Period) -> tuple[dict[int, Prognos], dict[int, Prognos]]:
    """The forecast of each organisation for the period, and its previous one: the latest
    forecast of the same year for a period that ends earlier. One query."""
    current: dict[int, Prognos] = {}
    previous: dict[int, Prognos] = {}
    end = period.slut
    for prognos in Prognos.objects.filter(
        organisation_id__in=organisation_ids, ar=period.ar
    ).order_by("andrad", "pk"):
        other = prognos.period
        if other == period:
            current[prognos.organisation_id] = prognos
        elif other.slut < end:
            held = previous.get(prognos.organisation_id)
            if held is None or held.period.slut <= other.slut:
                previous[prognos.organisation_id] = prognos
    return current, previous


def foresla_prognos(*, budget_ar: Decimal, utfall_hittills: Decimal, manader: int) -> Decimal:
    """The system's proposal of the annual forecast, by one plain rule: the outcome to date
    scaled to the year (outcome ÷ months elapsed × 12). Before there is any outcome (nothing
    booked yet) the proposal is the year's budget. Kronor, two decimals."""
    if not utfall_hittills or manader <= 0:
        return Decimal(budget_ar).quantize(ORE, ROUND_HALF_UP)
    return (Decimal(utfall_hittills) / manader * 12).quantize(ORE, ROUND_HALF_UP)


def forslag_regel(*, utfall_hittills: Decimal) -> str:
    """The rule behind the proposal, in words for the chef."""
    return FORSLAG_REGEL if utfall_hittills else FORSLAG_REGEL_BUDGET


def forslag_mening(forslag: Decimal | str, regel: str, enhet: str) -> str:
    """ "Förslag: 12 340 tkr (utfallet hittills uppräknat till helår)"."""
    return f"Förslag: {format_belopp(forslag, enhet)} ({regel})"


def _rad(summa: _Summa, prognos: Decimal | None, foregaende: Decimal | None, manader: int):
    forslag = foresla_prognos(
        budget_ar=summa.budget_ar, utfall_hittills=summa.utfall_hittills, manader=manader
    )
    return {
        "budget_ar": _text(summa.budget_ar),
        "budget_hittills": _text(summa.budget_hittills),
        "utfall_hittills": _text(summa.utfall_hittills),
        "utfall_hittills_fg": _text(summa.utfall_hittills_fg),
        "prognos": _text(prognos),
        "foregaende_prognos": _text(foregaende),
        "avvikelse": _text(None if prognos is None else summa.budget_ar - prognos),
        "forbrukat_procent": _procent(summa.utfall_hittills, summa.budget_ar),
        "forslag": _text(forslag),
        "forslag_regel": forslag_regel(utfall_hittills=summa.utfall_hittills),
    }


def _total_prognos(own: Prognos | None, rows: list[Decimal | None]) -> Decimal | None:
    """The organisation's own forecast if given, else the rows' sum when every row has one."""
    if own is not None:
        return own.arsprognos
    if rows and all(value is not None for value in rows):
        return sum(rows, Decimal(0))
    return None


def rad_organisationer(organisation: Organisation, tree=None) -> tuple[list[Organisation], set]:
    """The organisation's children a report shows a row each for (verksamhet, avdelning,
    enhet), and the ids of the whole subtree."""
    tree = tree or organisation_tree()
    subtree = tree.descendant_ids(organisation.pk)
    children = [c for c in tree.children_of(organisation.pk) if c.typ in RAD_TYPER]
    return children, subtree


def ekonomi_for_rapport(rapport: Rapport) -> dict:
    """The schema's "ekonomi" of a report: one row per verksamhet of the organisation (its
    child organisations of type verksamhet, avdelning or enhet with economy rows in their
    subtree; what is booked elsewhere in the subtree, e.g. on the förvaltning itself, is a row
    of its own named after the organisation) or else one row for the organisation itself, and
    the total of the whole subtree.

    Per row: budget for the year, budget to date (months 1 to the period's end), outcome to
    date, outcome to date the year before (the same months), the annual forecast of the row's
    organisation for the period and its previous one, deviation = budget − forecast (negative:
    a deficit), the share of the year's budget used (%). The total's forecast is the
    organisation's own if given, else the sum of the rows' when every row has one.

    Reads: the organisation tree (once per request), one aggregate over the subtree, one query
    for the forecasts; whatever the size of the subtree."""
    organisation = rapport.organisation
    period = rapport.period
    tree = organisation_tree()
    children, subtree = rad_organisationer(organisation, tree)
    summor = _summor(subtree, period)

    groups: list[tuple[Organisation, _Summa]] = []
    covered: set[int] = set()
    for child in children:
        ids = tree.descendant_ids(child.pk)
        summa = _Summa()
        for pk in ids & summor.keys():
            summa.add(summor[pk])
        if summa.har_rader:
            groups.append((child, summa))
            covered |= ids
    rest = _Summa()
    for pk in summor.keys() - covered:
        rest.add(summor[pk])
    if not groups or rest.har_rader:
        groups.append((organisation, rest))

    row_ids = {org.pk for org, _ in groups} | {organisation.pk}
    current, previous = _prognoser(row_ids, period)

    def amount(held: dict, pk: int) -> Decimal | None:
        return held[pk].arsprognos if pk in held else None

    rader = []
    total = _Summa()
    row_forecasts, row_previous = [], []
    for org, summa in groups:
        total.add(summa)
        prognos = amount(current, org.pk)
        foregaende = amount(previous, org.pk)
        if org.pk == organisation.pk and len(groups) > 1:
            # The rest of a förvaltning with verksamheter: the own forecast is the total's.
            prognos = foregaende = None
        row_forecasts.append(prognos)
        row_previous.append(foregaende)
        rader.append(
            {
                "organisation_id": org.pk,
                "kod": org.kod,
                "namn": org.namn,
                **_rad(summa, prognos, foregaende, period.manader),
            }
        )
    if len(groups) == 1 and groups[0][0].pk == organisation.pk:
        row_forecasts = row_previous = []
    own = current.get(organisation.pk)
    total_prognos = _total_prognos(own, row_forecasts)
    total_foregaende = _total_prognos(previous.get(organisation.pk), row_previous)
    total_rad = _rad(total, total_prognos, total_foregaende, period.manader)
    return {
        "rader": rader,
        "total": total_rad,
        "prognos_motivering": own.motivering if own else "",
        "prognos_forslag": total_rad["forslag"],
        "riktpunkt": f"{period.riktpunkt:f}",
        "ackumulerad_label": period.ackumulerad_label,
    }
