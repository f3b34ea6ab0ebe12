"""Import of indicator values from a file in Kolada's JSON format, offline.

Accepted shapes: Kolada's API answer `{"values": [{"kpi", "municipality", "period",
"values": [{"gender", "value"}, ...]}]}`, or a flat list of records `{"kpi", "municipality",
"period", "gender", "value"}` (bare or under "values"). Every record is checked first; one bad
record and nothing is written. Running the same file twice changes nothing the second time.
"""

import json
import json.decoder
import json.scanner
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from mal import rollup
from mal.models import Indikator, Varde
from mal.services import (
    check_konsuppdelning,
    check_may_report,
    check_period_in_goal,
    describe_varde,
)
from styrning.actionlog import Handling, log_action
from styrning.models import Organisation
from styrning.periods import Period

LINE = "__rad__"
POST = "__post__"
VALUE = "__varde__"
GENDERS = {"T": "totalt", "K": "kvinnor", "M": "man"}


class _LineDecoder(json.JSONDecoder):
    """A JSON decoder that notes on every object the line where it starts."""

    def __init__(self):
        super().__init__()

        def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
            s, end = s_and_end
            obj, new_end = json.decoder.JSONObject(
                s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo
            )
            obj[LINE] = s.count("\n", 0, end) + 1
            return obj, new_end

        self.parse_object = parse_object
        self.scan_once = json.scanner.py_make_scanner(self)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    dry_run: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        prefix = "Provkörning: skulle ha " if self.dry_run else ""
        verb = ("lagt till", "ändrat") if self.dry_run else ("Lade till", "ändrade")
        return (
            f"{prefix}{verb[0]} {self.created} värden, {verb[1]} {self.updated}, "
            f"{self.unchanged} var redan aktuella, {self.skipped} poster utan värde hoppades över."
        )


def _records(data) -> list[dict]:
    items = data.get("values") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValidationError(
            'Filen ska innehålla en lista med poster, direkt eller under "values".', code="form"
        )
    flat = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict) and isinstance(item.get("values"), list):
            for inner_number, inner in enumerate(item["values"], start=1):
                where = {POST: number, VALUE: inner_number}
                if isinstance(inner, dict):
                    flat.append({**item, **inner, "values": None, LINE: inner.get(LINE), **where})
                else:
                    flat.append({LINE: item.get(LINE), "fel": True, **where})
        elif isinstance(item, dict):
            flat.append({**item, POST: number})
        else:
            flat.append({LINE: None, "fel": True, POST: number})
    return flat


def _where(record: dict, inner: bool = True) -> str:
    """ "Rad 11 (post 3, värde 2)": the line in the file, the record in the list and, in Kolada's
    nested form, the value in the record's list of values."""
    where = f"Rad {record.get(LINE) or '?'} (post {record[POST]}"
    if inner and record.get(VALUE):
        where += f", värde {record[VALUE]}"
    return where + ")"


def _decimal(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidOperation
    number = Decimal(str(value).replace(",", "."))
    if not number.is_finite():
        raise InvalidOperation
    return number.quantize(Decimal("0.0001"))


def parse(text: str) -> list[dict]:
    try:
        data = _LineDecoder().decode(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"Filen är inte giltig JSON: rad {exc.lineno}, kolumn {exc.colno}.",
            code="json",
        ) from None
    return _records(data)


@transaction.atomic
def import_kpi(
    *, text: str, dry_run: bool = False, ersatt: bool = False, user=None
) -> ImportResult:
    """Check every record, then write the values (unless `dry_run`). Raises a ValidationError
    listing every bad record by line when anything is wrong; then nothing is written. A value
    entered by hand is replaced only with `ersatt`.

    `user` is the person who imports (None: the command line, run by the system's operator);
    a person must report for every organisation the file has values for. The import is one
    act in the log of acts, with its counts."""
    records = parse(text)
    indicators: dict[str, list[Indikator]] = defaultdict(list)
    for ind in Indikator.objects.exclude(kpi_id="").select_related(
        "mal__budgetar", "mal__mandatperiod"
    ):
        indicators[ind.kpi_id.upper()].append(ind)
    organisations = {org.kod: org for org in Organisation.objects.all()}

    result = ImportResult(dry_run=dry_run)
    errors = result.errors
    grouped: dict[tuple[str, str, Period], dict] = {}
    for record in records:
        where = _where(record)
        if record.get("fel"):
            errors.append(f"{where}: posten är inte ett objekt.")
            continue
        kpi = str(record.get("kpi") or "").strip().upper()
        kommun = str(record.get("municipality") or "").strip()
        gender = str(record.get("gender") or "T").strip().upper()
        problems = []
        if not kpi:
            problems.append("nyckeltal (kpi) saknas")
        elif kpi not in indicators:
            problems.append(f"okänt nyckeltal {kpi}: ingen indikator har det id:t")
        if not kommun:
            problems.append("kommun (municipality) saknas")
        elif kommun not in organisations:
            problems.append(f"okänd kommun {kommun}: ingen organisation har den koden")
        try:
            period = Period.parse(str(record.get("period", "")))
        except ValidationError:
            period = None
            problems.append(f"perioden {record.get('period')!r} är inte ett år")
        if gender not in GENDERS:
            problems.append(f"okänt kön {gender!r}: ange T, K eller M")
        value = record.get("value")
        if value is not None:
            try:
                value = _decimal(value)
            except InvalidOperation:
                problems.append(f"värdet {record.get('value')!r} är inte ett tal")
        if problems:
            errors.append(f"{where}: {'; '.join(problems)}.")
            continue
        if value is None:
            result.skipped += 1
            continue
        slot = grouped.setdefault((kpi, kommun, period), {"rad": _where(record, inner=False)})
        slot[GENDERS[gender]] = value

    writes = []
    for (kpi, kommun, period), split in grouped.items():
        for ind in indicators[kpi]:
            totalt = split.get("totalt")
            kvinnor = split.get("kvinnor") if ind.konsuppdelad else None
            man = split.get("man") if ind.konsuppdelad else None
            if totalt is None and kvinnor is None and man is None:
                continue
            try:
                check_period_in_goal(ind.mal, period)
                check_konsuppdelning(ind, totalt, kvinnor, man)
            except ValidationError as exc:
                messages = [m for msgs in exc.message_dict.values() for m in msgs]
                errors.append(f"{split['rad']}: {kpi} för {kommun}, {period}: {' '.join(messages)}")
                continue
            writes.append((split["rad"], ind, organisations[kommun], period, totalt, kvinnor, man))

    existing = {
        (v.indikator_id, v.organisation_id, v.period): v
        for v in Varde.objects.filter(indikator__kpi_id__in=[k for k, _, _ in grouped])
        .select_related("registrerad_av")
        .order_by("pk")
    }

    def changes(current, new) -> bool:
        return any(getattr(current, k) != v for k, v in new.items()) or current.preliminar

    if not ersatt:
        for where, ind, org, period, totalt, kvinnor, man in writes:
            current = existing.get((ind.pk, org.pk, period))
            new = {"totalt": totalt, "kvinnor": kvinnor, "man": man}
            if current is not None and not current.importerad and changes(current, new):
                errors.append(
                    f"{where}: {ind.kpi_id} för {org.kod}, {period}: ”{ind}” har ett värde som "
                    f"matats in för hand, {describe_varde(current)}. Importen ersätter det bara "
                    "med --ersatt."
                )
    if errors:
        raise ValidationError(errors, code="import")
    if user is not None:
        for org in {org.pk: org for _, _, org, *_ in writes}.values():
            check_may_report(user, org.pk)

    for _, ind, org, period, totalt, kvinnor, man in writes:
        current = existing.get((ind.pk, org.pk, period))
        new = {"totalt": totalt, "kvinnor": kvinnor, "man": man}
        if current is None:
            result.created += 1
            if not dry_run:
                varde = Varde(
                    indikator=ind,
                    organisation=org,
                    importerad=True,
                    registrerad_av=user,
                    **Varde.period_lookup(period),
                    **new,
                )
                varde._history_user = user
                varde.save()
        elif changes(current, new):
            result.updated += 1
            if not dry_run:
                for key, value in new.items():
                    setattr(current, key, value)
                current.preliminar = False
                current.importerad = True
                current._history_user = user
                current.save(update_fields=[*new, "preliminar", "importerad", "andrad"])
        else:
            result.unchanged += 1
    if not dry_run and (result.created or result.updated):
        # The roll-up of every goal an imported value counts for, in the same transaction.
        by_period = defaultdict(set)
        for _, ind, org, period, *_ in writes:
            if org.pk == ind.matt_for_id:
                by_period[period].add(ind.mal_id)
        for period, goals in by_period.items():
            rollup.refresh(goals, [period])
        _log_import(user, result, writes)
    return result


def _log_import(user, result: ImportResult, writes: list) -> None:
    """The import as one act, on the organisation the values are for (the municipality, in
    Kolada's figures; the first by code if the file holds several)."""
    kpis, codes, periods = set(), {}, set()
    for _, ind, org, period, *_ in writes:
        kpis.add(ind.kpi_id)
        codes[org.kod] = org
        periods.add(period.kod)
    first = codes[min(codes)]
    log_action(
        user=user,
        handling=Handling.VARDEN_IMPORTERADE,
        objekt=first,
        organisation=first,
        data={
            "kalla": "kolada",
            "skapade": result.created,
            "andrade": result.updated,
            "oforandrade": result.unchanged,
            "overhoppade": result.skipped,
            "nyckeltal": sorted(kpis),
            "organisationer": sorted(codes),
            "perioder": sorted(periods),
        },
    )
