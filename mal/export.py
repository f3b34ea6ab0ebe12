"""Open data: goals, indicators and values as rows for CSV and JSON, holding only what the user
may see (adopted goals and public values for everybody; drafts and preliminary values for those
who read the owner's internal material).

Without a filter a file holds the whole chain, every period (the open dataset of
`oppnadata.dcat`). With the goal tree's filters (`?period=`, `malomrade`, `organ`, `status`,
`avvikelser`, `under`: the tree page's link carries them) it holds the goals the tree keeps
(`mal.queries.FilteredTree.walk`: those the filters ask for, marked, and the goals above them
that lead down to them), depth first in the tree's order, with their level and fulfilment for
the period; and the indicators and values of those goals.
"""

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from mal.fulfilment import status_label
from mal.models import Indikator, Mal, Malvarde, Varde
from mal.queries import FilteredTree, mal_for_user, public_value_filter
from styrning import permissions
from styrning.periods import Period

# the columns of each file: the key of a row (and of the JSON), the CSV file's Swedish header
KOLUMNER = {
    "mal": [
        ("id", "Id"),
        ("nummer", "Nummer"),
        ("titel", "Titel"),
        ("agare", "Ägare"),
        ("typ", "Typ"),
        ("status", "Status"),
        ("period", "Budgetår eller mandatperiod"),
        ("malomrade", "Målområde"),
        ("bidrar_till", "Bidrar till (id)"),
        ("krav_uppfyllt", "När målet är uppfyllt"),
        ("uppfoljning", "Hur målet följs upp"),
        ("regel", "Regel för beräknad måluppfyllelse"),
        ("niva", "Nivå i målträdet"),
        ("uppfoljningsperiod", "Uppföljningsperiod"),
        ("maluppfyllelse", "Måluppfyllelse"),
        ("avvikelse", "Avvikelse"),
        ("matchar", "Matchar filtret"),
        ("adress", "Adress"),
    ],
    "indikatorer": [
        ("id", "Id"),
        ("mal_id", "Mål (id)"),
        ("namn", "Namn"),
        ("enhet", "Enhet"),
        ("riktning", "Riktning"),
        ("decimaler", "Antal decimaler"),
        ("kalla", "Källa"),
        ("kpi_id", "Kolada-id"),
        ("konsuppdelad", "Könsuppdelad"),
        ("utgangsvarde", "Utgångsvärde"),
        ("utgangsar", "Utgångsår"),
        ("tolerans", "Tolerans"),
        ("malvarden", "Målvärden per år"),
    ],
    "varden": [
        ("indikator_id", "Indikator (id)"),
        ("kpi_id", "Kolada-id"),
        ("organisation", "Organisation (kod)"),
        ("period", "Period"),
        ("totalt", "Totalt"),
        ("kvinnor", "Kvinnor"),
        ("man", "Män"),
        ("preliminar", "Preliminärt"),
        ("kommentar", "Kommentar"),
    ],
}

FILNAMN = {"mal": "mal", "indikatorer": "indikatorer", "varden": "indikatorvarden"}


@dataclass
class Urval:
    """The goals of the filtered tree of one period, in its order, with their level."""

    period: Period
    tree: FilteredTree
    order: list[tuple[int, int]]  # (goal, level from 1 at the top)
    whole: bool  # every goal of the period: no filter and from the top

    def matches(self, pk: int) -> bool:
        return self.tree.matching is None or pk in self.tree.matching

    @property
    def goals(self) -> QuerySet[Mal]:
        if self.whole:
            return self.tree.visible
        return self.tree.visible.filter(pk__in=[pk for pk, _ in self.order])


def _num(value: Decimal | None) -> str | None:
    """A number as data: exact, with a decimal point, without trailing zeros."""
    return None if value is None else f"{value.normalize():f}"


def _goal_rows(goals: QuerySet[Mal], urval: Urval | None, base_url: str) -> Iterator[dict]:
    links = defaultdict(list)
    for child, parent in Mal.overordnade.through.objects.filter(
        from_mal__in=goals.values("pk")
    ).values_list("from_mal_id", "to_mal_id"):
        links[child].append(parent)
    prefix = base_url + reverse("mal:detalj", args=[0]).removesuffix("0/")
    if urval is None:
        ordered = ((m, None) for m in goals.order_by("pk").iterator(chunk_size=1000))
    else:
        by_pk = {m.pk: m for m in goals}
        ordered = ((by_pk[pk], level) for pk, level in urval.order if pk in by_pk)
    for m, level in ordered:
        status, deviation = urval.tree.statuses[m.pk] if urval else (None, None)
        yield {
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
            "niva": level,
            "uppfoljningsperiod": urval.period.kod if urval else None,
            "maluppfyllelse": status_label(status) if status else None,
            "avvikelse": deviation,
            "matchar": urval.matches(m.pk) if urval and urval.tree.filtered else None,
            "adress": f"{prefix}{m.pk}/",
        }


def _indicator_rows(indicators: QuerySet[Indikator]) -> Iterator[dict]:
    targets = defaultdict(dict)
    for ind_id, ar, v in Malvarde.objects.filter(indikator__in=indicators).values_list(
        "indikator_id", "ar", "varde"
    ):
        targets[ind_id][str(ar)] = _num(v)
    for i in indicators.order_by("pk").iterator(chunk_size=1000):
        yield {
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


def _value_rows(user, indicators: QuerySet[Indikator]) -> Iterator[dict]:
    today = timezone.localdate()
    values = (
        Varde.objects.filter(indikator__in=indicators)
        .filter(
            Q(indikator__mal__agare_id__in=permissions.internal_ids(user))
            | public_value_filter(today)
        )
        .select_related("indikator", "organisation")
        .order_by("indikator_id", "organisation_id", "ar", "periodtyp", "periodnummer")
    )
    for v in values.iterator(chunk_size=2000):
        yield {
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


def export_rows(user, kind: str, urval: Urval | None, base_url: str) -> Iterator[dict]:
    """The rows of one kind (`KOLUMNER`' keys) that the user may see: of the goals `urval`
    holds, or of every goal."""
    goals = urval.goals if urval else mal_for_user(user)
    if kind == "mal":
        return _goal_rows(goals, urval, base_url)
    indicators = Indikator.objects.filter(mal__in=goals.values("pk"))
    if kind == "indikatorer":
        return _indicator_rows(indicators)
    return _value_rows(user, indicators)


def csv_cells(rows: Iterator[dict]) -> Iterator[dict]:
    """The rows as a Swedish spreadsheet shows them: yes and no in words, a nested value (an
    indicator's targets per year) as JSON in its cell."""
    for row in rows:
        yield {
            key: ("ja" if value else "nej")
            if isinstance(value, bool)
            else json.dumps(value)
            if isinstance(value, dict)
            else value
            for key, value in row.items()
        }
