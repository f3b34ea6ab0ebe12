"""Reads of the goal chain used in more than one place.

The chain is loaded in a fixed number of queries (goals, links, indicators, targets, values,
assessments), whatever the number of goals, and assembled in Python; the fulfilment roll-up
then runs once over the loaded graph, children before parents.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from mal import fulfilment
from mal.fulfilment import SAKNAS, Input, Suggestion
from mal.models import Bedomning, Indikator, Mal, Malvarde, Uppdrag, Utfall, Varde
from styrning import permissions
from styrning.history import Andring, Kalla, history
from styrning.periods import Period

Link = Mal.overordnade.through


def mal_for_user(user) -> QuerySet[Mal]:
    """Goals the user may see: adopted goals are public; drafts only for those who read the
    owner's internal material."""
    internal = permissions.internal_ids(user)
    return Mal.objects.filter(
        Q(status=Mal.Status.ANTAGET) | Q(agare_id__in=internal)
    ).select_related("agare", "budgetar", "mandatperiod", "malomrade")


def uppdrag_for_user(user) -> QuerySet[Uppdrag]:
    """Assignments are decided in public budgets: everyone may read them."""
    return Uppdrag.objects.select_related("givet_av", "givet_till", "budgetar", "mal")


def covering_year(ar: int) -> Q:
    return Q(budgetar__ar=ar) | Q(mandatperiod__start_ar__lte=ar, mandatperiod__slut_ar__gte=ar)


def is_value_public(varde: Varde, today: datetime.date) -> bool:
    """The public sees final values of periods that have ended; preliminary and current-period
    values only reach signed-in staff who read the owner's internal material."""
    return not varde.preliminar and varde.period.is_ended(today)


def trend(current: Decimal | None, previous: Decimal | None, riktning: str) -> dict | None:
    if current is None or previous is None:
        return None
    if current == previous:
        return {"arrow": "→", "text": "oförändrat", "good": None}
    up = current > previous
    good = None
    if riktning == Indikator.Riktning.HOGRE:
        good = up
    elif riktning == Indikator.Riktning.LAGRE:
        good = not up
    return {"arrow": "↑" if up else "↓", "text": "ökar" if up else "minskar", "good": good}


@dataclass
class IndicatorResult:
    indikator: Indikator
    target: Decimal | None
    value: Varde | None
    previous: Varde | None
    result: str
    trend: dict | None

    @property
    def label(self) -> str:
        return fulfilment.status_label(self.result)

    @property
    def shape(self) -> str:
        return fulfilment.status_shape(self.result)

    @property
    def outside_band(self) -> bool:
        return self.result == Utfall.EJ_UPPFYLLT


@dataclass
class GoalResult:
    mal: Mal
    indicators: list[IndicatorResult]
    suggestion: Suggestion
    bedomning: Bedomning | None
    status: str

    @property
    def assessed(self) -> bool:
        return self.bedomning is not None and self.bedomning.utfall != Utfall.EJ_BEDOMT

    @property
    def differs(self) -> bool:
        return self.assessed and self.suggestion.status not in (
            self.bedomning.utfall,
            SAKNAS,
            fulfilment.MANUELL,
        )

    @property
    def is_deviation(self) -> bool:
        return self.status in (Utfall.DELVIS, Utfall.EJ_UPPFYLLT) or any(
            i.outside_band for i in self.indicators
        )

    @property
    def label(self) -> str:
        return fulfilment.status_label(self.status)

    @property
    def shape(self) -> str:
        return fulfilment.status_shape(self.status)


@dataclass
class Chain:
    """Goals with their links, indicators, targets, values and assessments, loaded once."""

    goals: dict[int, Mal]
    parents: dict[int, list[int]]
    children: dict[int, list[int]]
    indicators: dict[int, list[Indikator]]
    targets: dict[tuple[int, int], Decimal]
    values: dict[tuple[int, Period], Varde]
    assessments: dict[tuple[int, Period], Bedomning]
    internal: frozenset[int]
    today: datetime.date
    _rollups: dict[Period, dict[int, GoalResult]] = field(default_factory=dict)

    def roots(self) -> list[int]:
        return [pk for pk in self.goals if not self.parents.get(pk)]

    def postorder(self) -> list[int]:
        """Every goal once, each after all the goals that contribute to it."""
        order: list[int] = []
        seen: set[int] = set()
        for start in self.goals:
            if start in seen:
                continue
            stack = [(start, False)]
            while stack:
                pk, done = stack.pop()
                if done:
                    order.append(pk)
                    continue
                if pk in seen:
                    continue
                seen.add(pk)
                stack.append((pk, True))
                stack.extend((c, False) for c in self.children.get(pk, []) if c not in seen)
        return order

    def children_in(self, pk: int, period: Period) -> list[int]:
        """The goals contributing to a goal that cover the period's year (a goal of another
        budget year says nothing about this one)."""
        return [c for c in self.children.get(pk, []) if self.goals[c].covers_year(period.ar)]

    def _visible_value(self, mal: Mal, varde: Varde | None) -> Varde | None:
        if varde is None or mal.agare_id in self.internal:
            return varde
        return varde if is_value_public(varde, self.today) else None

    def indicator_results(self, mal: Mal, period: Period) -> list[IndicatorResult]:
        rows = []
        for ind in self.indicators.get(mal.pk, []):
            target = self.targets.get((ind.pk, period.ar))
            value = self._visible_value(mal, self.values.get((ind.pk, period)))
            previous = self._visible_value(mal, self.values.get((ind.pk, period.previous())))
            total = value.totalt if value else None
            rows.append(
                IndicatorResult(
                    indikator=ind,
                    target=target,
                    value=value,
                    previous=previous,
                    result=fulfilment.indicator_result(ind.riktning, target, ind.tolerans, total),
                    trend=trend(total, previous.totalt if previous else None, ind.riktning),
                )
            )
        return rows

    def rollup(self, period: Period) -> dict[int, GoalResult]:
        """Every goal's result for the period, computed in one pass, children first."""
        if period in self._rollups:
            return self._rollups[period]
        results: dict[int, GoalResult] = {}
        for pk in self.postorder():
            mal = self.goals[pk]
            indicators = self.indicator_results(mal, period)
            inputs = [Input("indikator", i.result, i.indikator.vikt) for i in indicators]
            inputs += [
                Input("delmal", results[c].status, self.goals[c].vikt)
                for c in self.children_in(pk, period)
            ]
            suggestion = fulfilment.suggest(mal.regel, inputs)
            bedomning = self.assessments.get((pk, period))
            results[pk] = GoalResult(
                mal=mal,
                indicators=indicators,
                suggestion=suggestion,
                bedomning=bedomning,
                status=fulfilment.effective(bedomning.utfall if bedomning else None, suggestion),
            )
        self._rollups[period] = results
        return results


def _value_periods(periods: list[Period]) -> set[Period]:
    return set(periods) | {p.previous() for p in periods}


def load_chain(
    user,
    periods: list[Period],
    goals: QuerySet[Mal] | None = None,
    today: datetime.date | None = None,
) -> Chain:
    """Load the goals (default: every goal the user may see that covers one of the periods'
    years) with what their roll-up needs, in a fixed number of queries."""
    if goals is None:
        years = Q()
        for ar in sorted({p.ar for p in periods}):
            years |= covering_year(ar)
        goals = mal_for_user(user).filter(years)
    goal_map = {m.pk: m for m in goals}
    ids = goal_map.keys()
    goal_qs = goals.values("pk")

    parents: dict[int, list[int]] = defaultdict(list)
    children: dict[int, list[int]] = defaultdict(list)
    for child, parent in Link.objects.filter(from_mal__in=goal_qs).values_list(
        "from_mal_id", "to_mal_id"
    ):
        if child in ids and parent in ids:
            parents[child].append(parent)
            children[parent].append(child)
    for kids in children.values():
        kids.sort(key=lambda pk: (goal_map[pk].ordning, goal_map[pk].nummer, goal_map[pk].titel))

    indicators: dict[int, list[Indikator]] = defaultdict(list)
    for ind in Indikator.objects.filter(mal__in=goal_qs).order_by("ordning", "namn", "pk"):
        indicators[ind.mal_id].append(ind)

    value_periods = _value_periods(periods)
    years = {p.ar for p in value_periods}
    targets = {
        (ind_id, ar): varde
        for ind_id, ar, varde in Malvarde.objects.filter(
            indikator__mal__in=goal_qs, ar__in=years
        ).values_list("indikator_id", "ar", "varde")
    }
    period_q = Q(pk__in=[])
    for p in value_periods:
        period_q |= Q(ar=p.ar, periodtyp=p.typ, periodnummer=p.nummer)
    matt_for = {ind.pk: ind.matt_for_id for rows in indicators.values() for ind in rows}
    values = {}
    for varde in Varde.objects.filter(period_q, indikator__mal__in=goal_qs):
        if matt_for.get(varde.indikator_id) == varde.organisation_id:
            values[(varde.indikator_id, varde.period)] = varde

    assessment_q = Q(pk__in=[])
    for p in periods:
        assessment_q |= Q(ar=p.ar, periodtyp=p.typ, periodnummer=p.nummer)
    assessments = {
        (b.mal_id, b.period): b for b in Bedomning.objects.filter(assessment_q, mal__in=goal_qs)
    }
    return Chain(
        goals=goal_map,
        parents=dict(parents),
        children=dict(children),
        indicators=dict(indicators),
        targets=targets,
        values=values,
        assessments=assessments,
        internal=permissions.internal_ids(user),
        today=today or timezone.localdate(),
    )


MAX_CHAIN_DEPTH = 50  # far deeper than any real chain; stops the walk should a cycle slip in

_RELATED_SQL = """
WITH RECURSIVE
  up(id, depth) AS (
    SELECT to_mal_id, 1 FROM {table} WHERE from_mal_id = %(mal)s
    UNION
    SELECT link.to_mal_id, up.depth + 1 FROM {table} link
      JOIN up ON link.from_mal_id = up.id
      WHERE up.depth < %(depth)s
  ),
  down(id, depth) AS (
    SELECT from_mal_id, 1 FROM {table} WHERE to_mal_id = %(mal)s
    UNION
    SELECT link.from_mal_id, down.depth + 1 FROM {table} link
      JOIN down ON link.to_mal_id = down.id
      WHERE down.depth < %(depth)s
  )
SELECT 'up', id, MIN(depth) FROM up WHERE id <> %(mal)s GROUP BY id
UNION ALL
SELECT 'down', id, MIN(depth) FROM down WHERE id <> %(mal)s GROUP BY id
"""


def related_goal_ids(mal_id: int) -> tuple[list[int], set[int]]:
    """The goals above (nearest first) and every goal below a goal: one recursive query over
    the link table that reads only the goal's own chain."""
    sql = _RELATED_SQL.format(table=connection.ops.quote_name(Link._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"mal": mal_id, "depth": MAX_CHAIN_DEPTH})
        rows = cursor.fetchall()
    above = [pk for _, pk, _ in sorted((d, pk, k) for k, pk, d in rows if k == "up")]
    return above, {pk for kind, pk, _ in rows if kind == "down"}


def goal_history(mal: Mal) -> list[Andring]:
    """A goal's changes (links to higher goals and documents included) and the acts on it,
    newest first, in a fixed number of queries whatever the number of changes."""
    return history(
        Kalla(
            Mal,
            Mal.history.filter(id=mal.pk),
            lambda r: "Målet",
            m2m={"overordnade": "to_mal_id", "dokument": "dokument_id"},
        ),
        acts_on=(mal,),
    )
