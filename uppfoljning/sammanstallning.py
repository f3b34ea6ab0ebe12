"""Compilation upwards and adoption.

A förvaltning's report is compiled from its units' reports, a nämnd's from its förvaltning's,
KS's delårsrapport and årsredovisning from the nämnder's and bolagens reports: `delar` lists,
for a report, the reports it compiles (the nearest reporting organisations below, the same
kind or the kind it names as `sammanstaller`, whose period ends on the same day), each read
from its latest frozen (submitted) version, never from the live data. `summerad_ekonomi` sums
their economy per organisation. `saknade_delar` says what adoption still needs, `anta`
records the adopting body's decision, and `skillnader` lists what changed after adoption.

Queries: the organisation tree (once per request), the reports compiled (one query) and their
latest frozen versions (one query), whatever the number of parts.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import OuterRef, Q, Subquery

from mal.models import Utfall
from styrning.models import Organisation
from styrning.periods import Period, Periodtyp
from styrning.queries import organisation_tree
from uppfoljning.models import Rapport, Rapportversion

# A compiled report counts as at hand once it is frozen: submitted, approved or adopted.
FRUSNA = frozenset({Rapport.Status.INLAMNAD, Rapport.Status.GODKAND, Rapport.Status.ANTAGEN})
GODKANDA = frozenset({Rapport.Status.GODKAND, Rapport.Status.ANTAGEN})

# The order goal statuses are counted and shown in.
MALSTATUS = [Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT, Utfall.EJ_BEDOMT]

EKONOMI_BELOPP = (
    "budget_ar",
    "budget_hittills",
    "utfall_hittills",
    "utfall_hittills_fg",
    "prognos",
    "foregaende_prognos",
    "avvikelse",
)


def sammanstalld_typ(rapport: Rapport):
    """The kind of report a report compiles: the kind's `sammanstaller`, else its own kind."""
    typ = rapport.rapportperiod.rapporttyp
    return typ.sammanstaller if typ.sammanstaller_id else typ


def _perioder_med_slut(slut) -> Q:
    """The periods (any period type) of slut's year that end on the day `slut`."""
    ar = slut.year
    candidates = [Period(ar, Periodtyp.MANAD, slut.month)]
    if slut.month % 4 == 0:
        candidates.append(Period(ar, Periodtyp.TERTIAL, slut.month // 4))
    if slut.month == 12:
        candidates.append(Period.year(ar))
    condition = Q(pk__in=[])
    for period in candidates:
        if period.slut == slut:
            condition |= Q(
                rapportperiod__ar=period.ar,
                rapportperiod__periodtyp=period.typ,
                rapportperiod__periodnummer=period.nummer,
            )
    return condition


def _omfang(organisation: Organisation) -> int | None:
    """The node whose subtree a report compiles: its own organisation, but for kommunstyrelsen
    the whole municipality (the nämnder and bolag are not below KS in the tree). None: the
    whole tree."""
    if organisation.typ == Organisation.Typ.KOMMUNSTYRELSE:
        return None
    return organisation.pk


def _narmaste(tree, scope: int | None, candidates: set[int]) -> set[int]:
    """The candidates with no other candidate between them and the scope's node: a förvaltning
    compiles its units, not the units below a unit that reports itself."""
    nearest = set()
    for pk in candidates:
        chain = tree.ancestors(pk)
        if scope is not None:
            ids = [a.pk for a in chain]
            chain = chain[ids.index(scope) + 1 :] if scope in ids else []
        if not any(a.pk in candidates for a in chain):
            nearest.add(pk)
    return nearest


def delrapporter(rapport: Rapport) -> list[Rapport]:
    """The reports `rapport` compiles, in the tree's order (one query, plus the tree)."""
    typ = sammanstalld_typ(rapport)
    tree = organisation_tree()
    scope = _omfang(rapport.organisation)
    qs = (
        Rapport.objects.filter(
            _perioder_med_slut(rapport.period.slut), rapportperiod__rapporttyp=typ
        )
        .exclude(pk=rapport.pk)
        .select_related("organisation", "rapportperiod__rapporttyp")
    )
    if scope is not None:
        below = tree.descendant_ids(scope, include_self=False)
        if not below:
            return []
        qs = qs.filter(organisation_id__in=below)
    reports = {r.organisation_id: r for r in qs}
    nearest = _narmaste(tree, scope, set(reports))
    order = {node.pk: i for i, (node, _) in enumerate(tree.walk(scope))}
    return sorted(
        (reports[pk] for pk in nearest), key=lambda r: (order.get(r.organisation_id, 0), r.pk)
    )


def senaste_versioner(rapport_ids) -> dict[int, Rapportversion]:
    """The latest submitted (frozen) version of each report, in one query."""
    latest = (
        Rapportversion.objects.filter(
            rapport_id=OuterRef("rapport_id"), slag=Rapportversion.Slag.INLAMNAD
        )
        .order_by("-nummer")
        .values("nummer")[:1]
    )
    versions = Rapportversion.objects.filter(
        rapport_id__in=list(rapport_ids),
        slag=Rapportversion.Slag.INLAMNAD,
        nummer=Subquery(latest),
    )
    return {v.rapport_id: v for v in versions}


def _status_of_goal(mal: dict) -> str:
    status = mal.get("utfall") or mal.get("forslag") or Utfall.EJ_BEDOMT
    return status if status in Utfall.values else Utfall.EJ_BEDOMT


def _malstatus(mal: list[dict]) -> list[dict]:
    """The goals' statuses counted per goal area, in the order the areas first appear:
    [{"malomrade", "antal": [{"status", "label", "antal"}], "totalt"}]."""
    areas: dict[str, dict[str, int]] = {}
    for item in mal:
        counts = areas.setdefault(item.get("malomrade") or "Utan målområde", {})
        status = _status_of_goal(item)
        counts[status] = counts.get(status, 0) + 1
    return [
        {
            "malomrade": area,
            "antal": [
                {"status": s, "label": Utfall(s).label, "antal": counts.get(s, 0)}
                for s in MALSTATUS
            ],
            "totalt": sum(counts.values()),
        }
        for area, counts in areas.items()
    ]


def _sammanfattning(innehall: dict) -> dict:
    """What the compilation takes from a part's frozen content."""
    mal = innehall.get("mal") or []
    uppdrag: dict[str, dict] = {}
    for item in innehall.get("uppdrag") or []:
        entry = uppdrag.setdefault(
            item.get("status", ""),
            {"status": item.get("status", ""), "label": item.get("status_label", ""), "antal": 0},
        )
        entry["antal"] += 1
    return {
        "ekonomi": (innehall.get("ekonomi") or {}).get("total") or {},
        "malstatus": _malstatus(mal),
        "analyser": [
            {
                "mal_id": item.get("id"),
                "nummer": item.get("nummer", ""),
                "titel": item.get("titel", ""),
                "malomrade": item.get("malomrade", ""),
                "status": _status_of_goal(item),
                "status_label": Utfall(_status_of_goal(item)).label,
                "analys": item.get("analys", ""),
            }
            for item in mal
            if (item.get("analys") or "").strip()
        ],
        "atgarder": list(innehall.get("atgarder") or []),
        "uppdrag": list(uppdrag.values()),
    }


def delar(rapport: Rapport) -> list[dict]:
    """The schema's "delar": one entry per report compiled, from its latest frozen version.
    A part not yet submitted (or reopened and not submitted again) has `inlamnad` False and
    no summary."""
    parts = delrapporter(rapport)
    versions = senaste_versioner(p.pk for p in parts)
    result = []
    for part in parts:
        version = versions.get(part.pk) if part.status in FRUSNA else None
        org = part.organisation
        result.append(
            {
                "rapport_id": part.pk,
                "organisation": {"id": org.pk, "namn": org.namn, "kod": org.kod, "typ": org.typ},
                "typ_namn": part.rapportperiod.rapporttyp.namn,
                "period_label": part.period.ackumulerad_label,
                "status": part.status,
                "status_label": part.get_status_display(),
                "inlamnad": version is not None,
                "godkand": part.status in GODKANDA,
                "version": version.nummer if version else None,
                "kontrollsumma": version.kontrollsumma if version else "",
                "sammanfattning": _sammanfattning(version.innehall) if version else None,
            }
        )
    return result


# --- Economy -------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _forbrukat(utfall: Decimal | None, budget: Decimal | None) -> str:
    if utfall is None or not budget:
        return ""
    return str((Decimal(100) * utfall / budget).quantize(Decimal("0.1"), ROUND_HALF_UP))


def summerad_ekonomi(rapport: Rapport, parts: list[dict] | None = None) -> dict:
    """The parts' economy in the schema's "ekonomi" shape: one row per compiled organisation
    (its frozen total; a part not submitted has a row with empty amounts) and the total of the
    rows. `parts`: the result of `delar(rapport)` when the caller has it already."""
    if parts is None:
        parts = delar(rapport)
    rows = []
    sums: dict[str, Decimal | None] = dict.fromkeys(EKONOMI_BELOPP)
    for part in parts:
        total = (part["sammanfattning"] or {}).get("ekonomi") or {}
        row = {
            "organisation_id": part["organisation"]["id"],
            "kod": part["organisation"]["kod"],
            "namn": part["organisation"]["namn"],
        }
        for key in EKONOMI_BELOPP:
            value = _decimal(total.get(key))
            row[key] = _text(value)
            if value is not None:
                sums[key] = (sums[key] or Decimal(0)) + value
        row["forbrukat_procent"] = _forbrukat(
            _decimal(total.get("utfall_hittills")), _decimal(total.get("budget_ar"))
        )
        rows.append(row)
    total_row = {key: _text(sums[key]) for key in EKONOMI_BELOPP}
    total_row["forbrukat_procent"] = _forbrukat(sums["utfall_hittills"], sums["budget_ar"])
    return {"rader": rows, "total": total_row, "prognos_motivering": "", "prognos_forslag": ""}


def malstatus_per_omrade(parts: list[dict]) -> list[dict]:
    """The parts' goal statuses counted together per goal area (the compilation's table)."""
    areas: dict[str, dict[str, int]] = {}
    for part in parts:
        for area in (part["sammanfattning"] or {}).get("malstatus") or []:
            counts = areas.setdefault(area["malomrade"], {})
            for count in area["antal"]:
                counts[count["status"]] = counts.get(count["status"], 0) + count["antal"]
    return [
        {
            "malomrade": area,
            "antal": [
                {"status": s, "label": Utfall(s).label, "antal": counts.get(s, 0)}
                for s in MALSTATUS
            ],
            "totalt": sum(counts.values()),
        }
        for area, counts in areas.items()
    ]
