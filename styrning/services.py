"""Writes with rules on the organisation tree."""

import csv
import datetime
import graphlib
import io
from dataclasses import dataclass, field

from django.db import transaction

from styrning.models import Organisation

# --- Import of the organisation tree from CSV ---------------------------------------------

IMPORT_COLUMNS = [
    "kod",
    "namn",
    "kortnamn",
    "forkortning",
    "typ",
    "overordnad",
    "aktiv_fran",
    "aktiv_till",
]
REQUIRED_COLUMNS = {"kod", "namn", "typ"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _parse_date(value: str, line: int, column: str, errors: list[str]):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors.append(f"Rad {line}: {column} '{value}' är inget datum (skriv ÅÅÅÅ-MM-DD).")
        return None


def _parse_typ(value: str, line: int, errors: list[str]) -> str | None:
    wanted = value.strip().lower()
    for choice, label in Organisation.Typ.choices:
        if wanted in (choice, label.lower()):
            return choice
    errors.append(
        f"Rad {line}: okänd typ '{value}'. Tillåtna typer: "
        + ", ".join(label.lower() for _, label in Organisation.Typ.choices)
        + "."
    )
    return None


def read_organisation_csv(text: str) -> tuple[list[tuple[int, dict]], list[str]]:
    """Parse CSV text (comma or semicolon separated, header row first) into (line, row) pairs."""
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        return [], [f"Rad 1: kolumnerna {', '.join(sorted(missing))} saknas i rubrikraden."]
    unknown = set(header) - set(IMPORT_COLUMNS)
    if unknown:
        return [], [f"Rad 1: okända kolumner: {', '.join(sorted(unknown))}."]
    rows = []
    for index, raw in enumerate(reader, start=2):
        row = {
            (k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None
        }
        if any(row.values()):
            rows.append((index, row))
    return rows, []


@transaction.atomic
def import_organisation(*, text: str, dry_run: bool = False) -> ImportResult:
    """Create or update organisations keyed on `kod`. Nothing is written when any row is bad."""
    result = ImportResult()
    rows, errors = read_organisation_csv(text)
    if errors:
        result.errors = errors
        return result
    existing = {o.kod: o for o in Organisation.objects.all()}
    parsed: dict[str, dict] = {}
    lines: dict[str, int] = {}
    for line, row in rows:
        kod = row.get("kod", "")
        if not kod:
            errors.append(f"Rad {line}: kod saknas.")
            continue
        if kod in parsed:
            errors.append(f"Rad {line}: koden '{kod}' finns redan på rad {lines[kod]}.")
            continue
        if not row.get("namn"):
            errors.append(f"Rad {line}: namn saknas.")
        typ = _parse_typ(row.get("typ", ""), line, errors)
        fran = _parse_date(row.get("aktiv_fran", ""), line, "aktiv_fran", errors)
        till = _parse_date(row.get("aktiv_till", ""), line, "aktiv_till", errors)
        if fran and till and till < fran:
            errors.append(f"Rad {line}: aktiv_till ({till}) är före aktiv_fran ({fran}).")
        parsed[kod] = {
            "namn": row.get("namn", ""),
            "kortnamn": row.get("kortnamn", ""),
            "forkortning": row.get("forkortning", ""),
            "typ": typ,
            "parent_kod": row.get("overordnad", ""),
            "aktiv_fran": fran,
            "aktiv_till": till,
        }
        lines[kod] = line
    known = set(existing) | set(parsed)
    for kod, values in parsed.items():
        parent = values["parent_kod"]
        if parent and parent not in known:
            errors.append(
                f"Rad {lines[kod]}: överordnad '{parent}' finns varken i filen eller i "
                "organisationsträdet."
            )
        if parent == kod:
            errors.append(f"Rad {lines[kod]}: '{kod}' kan inte vara överordnad sig själv.")
    # Abbreviations must stay unique in the tree as it will be after the import.
    final_short = {o.kod: o.forkortning for o in existing.values()}
    final_short.update({kod: v["forkortning"] for kod, v in parsed.items()})
    holders: dict[str, list[str]] = {}
    for kod, short in final_short.items():
        if short:
            holders.setdefault(short, []).append(kod)
    for short, kods in holders.items():
        for kod in kods:
            if kod in parsed and len(kods) > 1:
                other = next(k for k in kods if k != kod)
                errors.append(
                    f"Rad {lines[kod]}: förkortningen '{short}' används redan av '{other}'."
                )
    # The tree after the import must have no cycle; parents are written before children.
    parent_of = {
        kod: (o.overordnad.kod if o.overordnad_id else "")
        for kod, o in ((o.kod, o) for o in Organisation.objects.select_related("overordnad"))
    }
    parent_of.update({kod: v["parent_kod"] for kod, v in parsed.items()})
    sorter = graphlib.TopologicalSorter(
        {kod: [parent] if parent else [] for kod, parent in parent_of.items()}
    )
    try:
        order = [kod for kod in sorter.static_order() if kod in parsed]
    except graphlib.CycleError as cycle:
        for kod in set(cycle.args[1]) & set(parsed):
            errors.append(
                f"Rad {lines[kod]}: överordnad '{parsed[kod]['parent_kod']}' ger en cykel i trädet."
            )
    if errors:
        result.errors = sorted(set(errors), key=lambda e: (int(e.split(":")[0].split()[1]), e))
        return result

    saved = dict(existing)
    for kod in order:
        values = dict(parsed[kod])
        parent_kod = values.pop("parent_kod")
        values["overordnad"] = saved[parent_kod] if parent_kod else None
        org = existing.get(kod)
        if org is None:
            org = Organisation.objects.create(kod=kod, **values)
            result.created += 1
        elif any(getattr(org, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(org, key, value)
            org.save()
            result.updated += 1
        else:
            result.unchanged += 1
        saved[kod] = org
    if dry_run:
        transaction.set_rollback(True)
    return result
