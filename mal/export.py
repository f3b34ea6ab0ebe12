"""Open data: goals, indicators and values as rows for CSV and JSON, holding only what the user
may see (adopted goals and public values for everybody; drafts and preliminary values for those
who read the owner's internal material)."""

import json
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from mal.models import Indikator, Mal, Malvarde, Varde
from mal.queries import is_value_public, mal_for_user
from styrning import csvsafe, permissions

FIELDS = {
    "mal": [
        "id",
        "nummer",
        "titel",
        "agare",
        "typ",
        "status",
        "period",
        "malomrade",
        "bidrar_till",
        "krav_uppfyllt",
        "uppfoljning",
        "regel",
    ],
    "indikatorer": [
        "id",
        "mal_id",
        "namn",
        "enhet",
        "riktning",
        "decimaler",
        "kalla",
        "kpi_id",
        "konsuppdelad",
        "utgangsvarde",
        "utgangsar",
        "tolerans",
        "malvarden",
    ],
    "varden": [
        "indikator_id",
        "kpi_id",
        "organisation",
        "period",
        "totalt",
        "kvinnor",
        "man",
        "preliminar",
        "kommentar",
    ],
}


def _num(value: Decimal | None) -> str | None:
    """A number as data: exact, with a decimal point, without trailing zeros."""
    return None if value is None else f"{value.normalize():f}"


def _goal_rows(goals) -> list[dict]:
    links = defaultdict(list)
    for child, parent in Mal.overordnade.through.objects.filter(
        from_mal__in=goals.values("pk")
    ).values_list("from_mal_id", "to_mal_id"):
        links[child].append(parent)
    return [
        {
            "id": m.pk,
            "nummer": m.nummer,
            "titel": m.titel,
            "agare": m.agare.namn,
            "typ": m.get_typ_display(),
            "status": m.get_status_display(),
            "period": m.budgetar.ar if m.budgetar_id else str(m.mandatperiod),
            "malomrade": m.malomrade.namn if m.malomrade_id else "",
            "bidrar_till": " ".join(str(p) for p in links[m.pk]),
            "krav_uppfyllt": m.krav_uppfyllt,
            "uppfoljning": m.uppfoljning,
            "regel": m.get_regel_display(),
        }
        for m in goals.order_by("pk")
    ]


def _indicator_rows(indicators) -> list[dict]:
    targets = defaultdict(dict)
    for ind_id, ar, v in Malvarde.objects.filter(indikator__in=indicators).values_list(
        "indikator_id", "ar", "varde"
    ):
        targets[ind_id][str(ar)] = _num(v)
    return [
        {
            "id": i.pk,
            "mal_id": i.mal_id,
            "namn": i.namn,
            "enhet": i.enhet,
            "riktning": i.riktning,
            "decimaler": i.decimaler,
            "kalla": i.kalla,
            "kpi_id": i.kpi_id,
            "konsuppdelad": i.konsuppdelad,
            "utgangsvarde": _num(i.utgangsvarde),
            "utgangsar": i.utgangsar,
            "tolerans": _num(i.tolerans),
            "malvarden": targets[i.pk],
        }
        for i in indicators.order_by("pk")
    ]


def _value_rows(user, indicators) -> list[dict]:
    internal = permissions.internal_ids(user)
    today = timezone.localdate()
    rows = []
    for v in (
        Varde.objects.filter(indikator__in=indicators)
        .select_related("indikator__mal", "organisation")
        .order_by("indikator_id", "organisation_id", "ar", "periodtyp", "periodnummer")
    ):
        if v.indikator.mal.agare_id not in internal and not is_value_public(v, today):
            continue
        rows.append(
            {
                "indikator_id": v.indikator_id,
                "kpi_id": v.indikator.kpi_id,
                "organisation": v.organisation.kod,
                "period": v.period.kod,
                "totalt": _num(v.totalt),
                "kvinnor": _num(v.kvinnor),
                "man": _num(v.man),
                "preliminar": v.preliminar,
                "kommentar": v.kommentar,
            }
        )
    return rows


def export_rows(user, kind: str) -> list[dict]:
    """The rows of one kind (`FIELDS`' keys) that the user may see."""
    goals = mal_for_user(user)
    if kind == "mal":
        return _goal_rows(goals)
    indicators = Indikator.objects.filter(mal__in=goals.values("pk"))
    if kind == "indikatorer":
        return _indicator_rows(indicators)
    return _value_rows(user, indicators)


def write_csv(out, kind: str, rows: list[dict]) -> None:
    """Semicolon-separated with a byte order mark, as Excel in Swedish opens it; a nested value
    (an indicator's targets per year) as JSON in its cell; text a spreadsheet would run as a
    formula neutralised (`styrning.csvsafe`)."""
    out.write("\ufeff")
    writer = csvsafe.DictWriter(out, fieldnames=FIELDS[kind], delimiter=";")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v) if isinstance(v, dict) else v for k, v in row.items()})
