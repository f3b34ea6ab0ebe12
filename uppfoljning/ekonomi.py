"""The economy of a report: the table every monthly report has (budget, outcome, forecast,
deviation, the share of the budget used beside the riktpunkt), the system's forecast proposal,
the chef's forecast, the import of budget and outcome from the economy system and the hand
entry where there is no import.

Amounts are kronor, net cost positive (costs minus income). In the content dict (the schema's
"ekonomi", `uppfoljning.innehall`) every amount is a string with two decimals ("1234500.00"),
"" when missing; the pages show them in the kind's beloppsenhet (`templatetags/belopp.py`).
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from styrning import locking, permissions
from styrning.actionlog import Handling, log_action
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


def ekonomi_for_rapport(rapport: Rapport, parts: list[dict] | None = None) -> dict:
    """The schema's "ekonomi" of a report. For kommunstyrelsen's report of the whole
    municipality (the delårsrapport, the årsredovisning: `sammanstallning.omfattar_kommunen`)
    the municipality's, one row per organisation (`sammanstallning.summerad_ekonomi`; `parts`:
    `sammanstallning.delar(rapport)` when the caller has it); else the organisation's own
    (`egen_ekonomi`)."""
    from uppfoljning import sammanstallning  # which compiles, and imports this module

    if sammanstallning.omfattar_kommunen(rapport):
        return sammanstallning.summerad_ekonomi(rapport, parts)
    return egen_ekonomi(rapport)


def egen_ekonomi(rapport: Rapport) -> dict:
    """The economy of the report's organisation and its subtree: one row per verksamhet of the
    organisation (its child organisations of type verksamhet, avdelning or enhet with economy
    rows in their subtree; what is booked elsewhere in the subtree, e.g. on the förvaltning
    itself, is a row of its own named after the organisation) or else one row for the
    organisation itself, and the total of the whole subtree. Without any economy or forecast,
    no rows (`rader` is empty; the total is zeros).

    Per row: budget for the year, budget to date (months 1 to the period's end), outcome to
    date, outcome to date the year before (the same months), the annual forecast of the row's
    organisation for the period and its previous one, deviation = budget − forecast (negative:
    a deficit), the share of the year's budget used (%). The total's forecast is the
    organisation's own if given, else the sum of the rows' when every row has one; the total's
    "forslag" is the system's proposal for it.

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
    if not summor and own is None:
        # Nothing booked in the subtree, this year or the last, and no forecast: no rows.
        rader = []
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


# --- The chef's forecast ----------------------------------------------------------------------


def summa_for(organisation: Organisation, period: Period, tree=None) -> _Summa:
    """Budget and outcome of the organisation's whole subtree for the period: one query."""
    tree = tree or organisation_tree()
    summa = _Summa()
    for part in _summor(tree.descendant_ids(organisation.pk), period).values():
        summa.add(part)
    return summa


def prognos_organisation_ids(rapport: Rapport, ekonomi: dict) -> list[int]:
    """The organisations a report gives a forecast for, from its economy table: each
    verksamhet with a row, and the report's organisation itself (the total) last. Only its own
    subtree: in kommunstyrelsen's report of the whole municipality the nämnder's and bolagens
    rows are their own reports' forecasts, and kommunstyrelsen gives its own."""
    own = rapport.organisation_id
    subtree = organisation_tree().descendant_ids(own)
    ids = [
        r["organisation_id"]
        for r in ekonomi["rader"]
        if r["organisation_id"] != own and r["organisation_id"] in subtree
    ]
    return [*ids, own]


def prognoser_for(organisation_ids, period: Period) -> dict[int, tuple[Prognos, str]]:
    """The forecast of each organisation for the period with its change token: two queries."""
    current, _ = _prognoser(organisation_ids, period)
    tokens = dict(
        Prognos.history.filter(id__in=[p.pk for p in current.values()])
        .values("id")
        .annotate(senaste=Max("history_id"))
        .values_list("id", "senaste")
        .order_by()
    )
    return {pk: (p, str(tokens.get(p.pk, ""))) for pk, p in current.items()}


def _differs(a: Decimal, b: Decimal, enhet: str) -> bool:
    """True when two amounts differ as the kind's unit shows them."""
    return in_unit(a, enhet) != in_unit(b, enhet)


def rimlighet(arsprognos: Decimal, budget_ar: Decimal, enhet: str) -> str:
    """Why a forecast looks implausible ("" when it does not): below zero, or outside 50–150 %
    of the year's budget (when there is a budget)."""
    if arsprognos < 0 <= budget_ar:
        return (
            f"Prognosen {format_belopp(arsprognos, enhet)} är negativ, det vill säga en "
            "nettointäkt för året."
        )
    if budget_ar > 0 and not RIMLIG_LAG * budget_ar <= arsprognos <= RIMLIG_HOG * budget_ar:
        andel = (HUNDRA * arsprognos / budget_ar).quantize(Decimal(1), ROUND_HALF_UP)
        return (
            f"Prognosen {format_belopp(arsprognos, enhet)} är {format_number(andel)} % av "
            f"årsbudgeten {format_belopp(budget_ar, enhet)}, långt från det rimliga "
            f"({format_number(RIMLIG_LAG * HUNDRA)}–{format_number(RIMLIG_HOG * HUNDRA)} %)."
        )
    return ""


def describe_prognos(prognos: Prognos, enhet: str = "tkr") -> str:
    """ "1 320 tkr (Anna Andersson, 3 maj 2026 14:05)": what a save would replace."""
    who = str(prognos.registrerad_av) if prognos.registrerad_av_id else "okänd"
    when = timezone.localtime(prognos.andrad).strftime("%Y-%m-%d %H:%M")
    return f"{format_belopp(prognos.arsprognos, enhet)} ({who}, {when})"


def _check_report_open(rapport: Rapport, user, organisation: Organisation) -> Rapport:
    locked = (
        Rapport.objects.select_for_update(of=("self",))
        .select_related("rapportperiod__rapporttyp", "organisation")
        .get(pk=rapport.pk)
    )
    if not permissions.can_report(user, organisation.pk):
        raise PermissionDenied(f"Du får inte rapportera för {organisation}.")
    if organisation.pk not in organisation_tree().descendant_ids(locked.organisation_id):
        raise ValidationError(
            f"{organisation} hör inte till {locked.organisation}.", code="fel_organisation"
        )
    if locked.status not in Rapport.OPPNA:
        raise ValidationError(
            f"Rapporten är {locked.get_status_display().lower()}; prognosen kan inte ändras "
            "förrän rapporten öppnas igen.",
            code="inte_oppen",
        )
    if not locked.tar_emot_andringar:
        raise ValidationError(
            f"Perioden {locked.period.ackumulerad_label} är stängd; prognosen kan inte ändras.",
            code="period_stangd",
        )
    return locked


@transaction.atomic
def spara_prognos(
    *,
    rapport: Rapport,
    organisation: Organisation,
    arsprognos: Decimal,
    motivering: str,
    user,
    andringsmarke: str | None,
    bekraftad: bool = False,
) -> Prognos:
    """Save the chef's annual forecast (kronor, net cost) of `organisation` (the report's
    organisation or one of its verksamheter) for the report's period.

    The system's proposal (`foresla_prognos`) is stored beside it; a forecast that differs
    from the proposal as the kind's unit shows it needs a reason (`motivering`). A forecast
    below zero or outside 50–150 % of the year's budget is not refused but must be confirmed
    (`bekraftad`): until then a ValidationError with code "orimlig" says why. Only an open
    report of an open period, by those who report for the organisation; a forecast saved by
    someone else since the form was opened (`andringsmarke`, `styrning.locking`) is refused."""
    locked = _check_report_open(rapport, user, organisation)
    period = locked.period
    enhet = locked.rapportperiod.rapporttyp.beloppsenhet
    summa = summa_for(organisation, period)
    forslag = foresla_prognos(
        budget_ar=summa.budget_ar, utfall_hittills=summa.utfall_hittills, manader=period.manader
    )
    arsprognos = Decimal(arsprognos).quantize(ORE, ROUND_HALF_UP)
    motivering = (motivering or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if _differs(arsprognos, forslag, enhet) and not motivering:
        errors["motivering"] = [
            ValidationError(
                f"Prognosen skiljer sig från systemets förslag ({format_belopp(forslag, enhet)}"
                f", {forslag_regel(utfall_hittills=summa.utfall_hittills)}). Skriv varför.",
                code="motivering_saknas",
            )
        ]
    orimlig = rimlighet(arsprognos, summa.budget_ar, enhet)
    if orimlig and not bekraftad:
        errors["arsprognos"] = [
            ValidationError(
                f"{orimlig} Kontrollera prognosen och kryssa i ”Jag har kontrollerat "
                "prognosen” om den stämmer.",
                code="orimlig",
            )
        ]
    if errors:
        raise ValidationError(errors)

    key = {"organisation": organisation, **Prognos.period_lookup(period)}
    current = (
        Prognos.objects.select_for_update(of=("self",))
        .select_related("registrerad_av")
        .filter(**key)
        .first()
    )
    locking.check_unchanged(
        current,
        andringsmarke,
        detail=(
            f"Prognosen för {organisation} är nu {describe_prognos(current, enhet)}; sparar du "
            "igen ersätter din prognos den."
            if current is not None
            else ""
        ),
    )
    fields = {
        "arsprognos": arsprognos,
        "forslag": forslag,
        "motivering": motivering,
        "registrerad_av": user,
    }
    if current is None:
        current = Prognos(**key, **fields)
        current._history_user = user
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            # Someone saved the first forecast meanwhile: refused like any other conflict.
            locking.check_unchanged(Prognos.objects.filter(**key).first(), "")
            raise
    else:
        for name, value in fields.items():
            setattr(current, name, value)
        current._history_user = user
        current.save(update_fields=[*fields, "andrad"])
    log_action(
        user=user,
        handling=Handling.PROGNOS_SPARAD,
        objekt=locked,
        organisation=organisation,
        data={
            "period": period.kod,
            "organisation": organisation.kod,
            "arsprognos": _text(arsprognos),
            "forslag": _text(forslag),
            "bekraftad": bool(orimlig and bekraftad),
        },
    )
    # Every write of the report page ends by updating how much of the report is ready (and
    # starts a draft). Imported here: `rapportering` reads this module for the content.
    from uppfoljning.rapportering import uppdatera_andel_klar

    uppdatera_andel_klar(rapport=locked, user=user)
    return current


# --- Import from the economy system -----------------------------------------------------------

IMPORT_KOLUMNER = ["organisationskod", "kontogrupp", "år", "månad", "budget", "utfall"]
# Column names as a file may spell them without å/ä/ö.
_ALIAS = {"ar": "år", "manad": "månad"}
MAX_IMPORT_SIZE = 5 * 1024 * 1024
_MAX_BELOPP = Decimal("1e14")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    organisationer: int = 0
    ar: list[int] = field(default_factory=list)

    @property
    def summary(self) -> str:
        counts = f"{self.created} nya rader, {self.updated} ändrade, {self.unchanged} oförändrade"
        if self.dry_run:
            return f"Provläsning, ingenting är sparat: {counts}."
        if not self.created and not self.updated:
            return f"Inga ändringar: alla {self.unchanged} rader fanns redan med samma belopp."
        return f"Inläst: {counts}."


def _belopp(value: str) -> Decimal:
    """ "1 234,5", "-350", "−1 000,00" as Swedes write them; InvalidOperation otherwise."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", value).replace("\u2212", "-").replace(",", ".")
    number = Decimal(cleaned)
    if not number.is_finite() or abs(number) >= _MAX_BELOPP:
        raise InvalidOperation
    return number.quantize(ORE, ROUND_HALF_UP)


def _heltal(value: str, low: int, high: int) -> int | None:
    value = value.strip()
    if not value.isdigit() or not low <= int(value) <= high:
        return None
    return int(value)


def las_ekonomi_csv(text: str) -> tuple[list[tuple[int, dict]], list[str]]:
    """The rows of the file as (line, {column: text}), or the header's errors."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    try:
        header = next(reader)
    except StopIteration:
        return [], ["Rad 1: filen är tom; rubrikraden saknas."]
    columns = [_ALIAS.get(h.strip().lower(), h.strip().lower()) for h in header]
    if len(columns) == 1 and "," in columns[0]:
        return [], ["Rad 1: kolumnerna ska skiljas med semikolon (;), inte med komma."]
    errors = []
    missing = [c for c in IMPORT_KOLUMNER if c not in columns]
    if missing:
        errors.append(f"Rad 1: kolumnen {', '.join(missing)} saknas i rubrikraden.")
    unknown = [c for c in columns if c not in IMPORT_KOLUMNER]
    if unknown:
        errors.append(
            f"Rad 1: okänd kolumn {', '.join(repr(c) for c in unknown)}. Rubrikraden ska vara "
            f"{';'.join(IMPORT_KOLUMNER)}."
        )
    doubles = sorted({c for c in columns if columns.count(c) > 1})
    if doubles:
        errors.append(f"Rad 1: kolumnen {', '.join(doubles)} står två gånger.")
    if errors:
        return [], errors
    rows = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(columns):
            errors.append(
                f"Rad {line}: raden har {len(values)} fält men rubrikraden {len(columns)}."
            )
            continue
        rows.append((line, {c: v.strip() for c, v in zip(columns, values, strict=True)}))
    return rows, errors


# The changed amounts, 500 rows a statement (PostgreSQL and SQLite from 3.33). Django's
# bulk_update builds a CASE expression per row and field in Python, and a query per row costs
# a round trip each: a year's file of revised budgets (12,000 rows) took 47 s and 35 s.
_UPDATE_SQL = """
UPDATE {table} SET {budget} = v.budget, {utfall} = v.utfall
FROM (SELECT column1 AS id, column2 AS budget, column3 AS utfall FROM (VALUES {rows}) AS x) AS v
WHERE {table}.{id} = v.id
"""
_BATCH = 500


def _update_amounts(changed: list[Ekonomirad]) -> None:
    quote = connection.ops.quote_name
    meta = Ekonomirad._meta
    with connection.cursor() as cursor:
        for start in range(0, len(changed), _BATCH):
            batch = changed[start : start + _BATCH]
            sql = _UPDATE_SQL.format(
                table=quote(meta.db_table),
                budget=quote(meta.get_field("budget").column),
                utfall=quote(meta.get_field("utfall").column),
                id=quote(meta.pk.column),
                rows=", ".join(["(%s, %s, %s)"] * len(batch)),
            )
            cursor.execute(sql, [v for rad in batch for v in (rad.pk, rad.budget, rad.utfall)])


@transaction.atomic
def import_ekonomi(*, text: str, user=None, dry_run: bool = False) -> ImportResult:
    """Read budget and outcome per organisation code, account group and month from the economy
    system's CSV file (`IMPORT_KOLUMNER`, semicolon separated, decimal comma and spaces
    allowed, UTF-8 with or without BOM) and upsert them on organisation + account group +
    year + month.

    All or nothing: every line is checked first, and any error raises a ValidationError
    listing every bad line; then nothing is saved. Idempotent: the same file twice changes
    nothing the second time (the counts say new / changed / unchanged). A month entered by
    hand is replaced by the imported one. `user` is the controller who uploads (None: the
    command line); with `dry_run` everything is checked and counted but nothing saved."""
    if user is not None and not permissions.is_controller(user):
        raise PermissionDenied("Bara controller kan läsa in ekonomi från ekonomisystemet.")
    rows, errors = las_ekonomi_csv(text)
    organisations = {o.kod: o for o in Organisation.objects.only("pk", "kod", "namn")}
    parsed: dict[tuple[int, str, int, int], tuple[Decimal, Decimal]] = {}
    seen: dict[tuple, int] = {}
    for line, row in rows:
        problems = []
        kod = row["organisationskod"]
        org = organisations.get(kod)
        if not kod:
            problems.append("organisationskod saknas")
        elif org is None:
            problems.append(f"okänd organisationskod '{kod}'")
        kontogrupp = row["kontogrupp"]
        if not kontogrupp:
            problems.append("kontogrupp saknas")
        elif len(kontogrupp) > 60:
            problems.append("kontogruppen är längre än 60 tecken")
        ar = _heltal(row["år"], 2000, 2100)
        if ar is None:
            problems.append(f"år '{row['år']}' är inget år (skriv t.ex. 2026)")
        manad = _heltal(row["månad"], 1, 12)
        if manad is None:
            problems.append(f"månad '{row['månad']}' ska vara ett tal 1–12")
        amounts = []
        for column in ("budget", "utfall"):
            try:
                amounts.append(_belopp(row[column]))
            except (InvalidOperation, ValueError):
                problems.append(
                    f"{column} saknas (skriv 0)"
                    if not row[column]
                    else f"{column} '{row[column]}' är inget tal"
                )
        if problems:
            errors.append(f"Rad {line}: {'; '.join(problems)}.")
            continue
        key = (org.pk, kontogrupp, ar, manad)
        if key in seen:
            errors.append(
                f"Rad {line}: {kod}, {kontogrupp}, {ar}-{manad:02d} står redan på rad {seen[key]}."
            )
            continue
        seen[key] = line
        parsed[key] = (amounts[0], amounts[1])
    if not rows and not errors:
        errors.append("Rad 2: filen har inga rader efter rubrikraden.")
    if errors:
        raise ValidationError(
            sorted(errors, key=lambda e: int(e.split(":")[0].split()[1])), code="import"
        )

    org_ids = {key[0] for key in parsed}
    years = {key[2] for key in parsed}
    existing = {
        (r.organisation_id, r.kontogrupp, r.ar, r.manad): r
        for r in Ekonomirad.objects.filter(organisation_id__in=org_ids, ar__in=years)
    }
    result = ImportResult(dry_run=dry_run, organisationer=len(org_ids), ar=sorted(years))
    now = timezone.now()
    new, changed = [], []
    for (org_id, kontogrupp, ar, manad), (budget, utfall) in parsed.items():
        current = existing.get((org_id, kontogrupp, ar, manad))
        if current is None:
            new.append(
                Ekonomirad(
                    organisation_id=org_id,
                    kontogrupp=kontogrupp,
                    ar=ar,
                    manad=manad,
                    budget=budget,
                    utfall=utfall,
                    importerad=True,
                    andrad_av=user,
                    andrad=now,
                )
            )
        elif current.budget != budget or current.utfall != utfall or not current.importerad:
            current.budget, current.utfall, current.importerad = budget, utfall, True
            current.andrad_av, current.andrad = user, now
            changed.append(current)
        else:
            result.unchanged += 1
    result.created, result.updated = len(new), len(changed)
    if dry_run or not (new or changed):
        return result
    history_user = user if user is not None and user.is_authenticated else None
    bulk_create_with_history(new, Ekonomirad, batch_size=500, default_user=history_user)
    _update_amounts(changed)
    for start in range(0, len(changed), _BATCH):
        Ekonomirad.objects.filter(pk__in=[r.pk for r in changed[start : start + _BATCH]]).update(
            importerad=True, andrad_av=history_user, andrad=now
        )
    # The audit trail of the changed rows (fields=[]: history only, the rows are written).
    bulk_update_with_history(changed, Ekonomirad, [], batch_size=500, default_user=history_user)
    by_pk = {o.pk: o for o in organisations.values()}
    first = min((by_pk[pk] for pk in org_ids), key=lambda o: o.kod)
    log_action(
        user=user,
        handling=Handling.EKONOMI_IMPORTERAD,
        objekt=first,
        organisation=first,
        data={
            "nya": result.created,
            "andrade": result.updated,
            "oforandrade": result.unchanged,
            "organisationer": len(org_ids),
            "ar": sorted(years),
        },
        objekt_text=f"Ekonomi från ekonomisystemet ({len(org_ids)} organisationer)",
    )
    return result


# --- Entry by hand ----------------------------------------------------------------------------


def describe_ekonomirad(rad: Ekonomirad) -> str:
    who = str(rad.andrad_av) if rad.andrad_av_id else "okänd"
    when = timezone.localtime(rad.andrad).strftime("%Y-%m-%d %H:%M")
    return (
        f"budget {format_belopp(rad.budget, 'kr')}, utfall {format_belopp(rad.utfall, 'kr')} "
        f"({who}, {when})"
    )


@transaction.atomic
def registrera_ekonomi(
    *,
    organisation: Organisation,
    kontogrupp: str,
    ar: int,
    manad: int,
    budget: Decimal,
    utfall: Decimal,
    user,
    andringsmarke: str | None,
) -> Ekonomirad:
    """Enter budget and outcome of one account group and month by hand, where the economy
    system sends nothing: by those who report for the organisation. A month the economy
    system has sent for the organisation is refused (the import owns it); a row saved by
    someone else since the form was opened is refused (`styrning.locking`)."""
    if not permissions.can_report(user, organisation.pk):
        raise PermissionDenied(f"Du får inte rapportera ekonomi för {organisation}.")
    kontogrupp = kontogrupp.strip()
    if not kontogrupp:
        raise ValidationError({"kontogrupp": "Ange kontogruppen."}, code="kontogrupp_saknas")
    if not 1 <= manad <= 12:
        raise ValidationError({"manad": "Månaden ska vara 1–12."}, code="manad")
    if Ekonomirad.objects.filter(
        organisation=organisation, ar=ar, manad=manad, importerad=True
    ).exists():
        raise ValidationError(
            {
                "manad": f"Månaden är importerad från ekonomisystemet ({ar}-{manad:02d} för "
                f"{organisation}); ändra i ekonomisystemet och läs in filen igen."
            },
            code="importerad",
        )
    key = {"organisation": organisation, "kontogrupp": kontogrupp, "ar": ar, "manad": manad}
    current = (
        Ekonomirad.objects.select_for_update(of=("self",))
        .select_related("andrad_av")
        .filter(**key)
        .first()
    )
    locking.check_unchanged(
        current,
        andringsmarke,
        detail=(
            f"Raden är nu {describe_ekonomirad(current)}; sparar du igen ersätter dina belopp den."
            if current is not None
            else ""
        ),
    )
    fields = {
        "budget": Decimal(budget).quantize(ORE, ROUND_HALF_UP),
        "utfall": Decimal(utfall).quantize(ORE, ROUND_HALF_UP),
        "importerad": False,
        "andrad_av": user,
    }
    if current is None:
        current = Ekonomirad(**key, **fields)
        current._history_user = user
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            locking.check_unchanged(Ekonomirad.objects.filter(**key).first(), "")
            raise
    else:
        for name, value in fields.items():
            setattr(current, name, value)
        current._history_user = user
        current.save(update_fields=[*fields, "andrad"])
    log_action(
        user=user,
        handling=Handling.EKONOMI_REGISTRERAD,
        objekt=current,
        organisation=organisation,
        data={
            "kontogrupp": kontogrupp,
            "ar": ar,
            "manad": manad,
            "budget": _text(current.budget),
            "utfall": _text(current.utfall),
        },
    )
    return current
