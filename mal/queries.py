"""Reads of the goal chain used in more than one place.

The chain is loaded in a fixed number of queries (goals, links, indicators, targets, values,
assessments), whatever the number of goals, and assembled in Python; the fulfilment roll-up
then runs once over the loaded graph, children before parents.
"""

import datetime
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dokument.queries import dokument_for_user
from mal import charts, fulfilment
from mal.cache_scopes import MAL as MAL_SCOPE
from mal.fulfilment import SAKNAS, Input, Suggestion
from mal.models import (
    Aktivitet,
    Bedomning,
    Indikator,
    Mal,
    Malomrade,
    Maluppfyllelse,
    Malvarde,
    Uppdrag,
    Utfall,
    Varde,
    Vision,
)
from mal.rollup import is_stored, postorder, rebuild_period, refresh
from styrning import pagecache, permissions
from styrning.history import Andring, Kalla, history
from styrning.models import Budgetar, Organisation
from styrning.periods import Period, Periodtyp, tertials
from styrning.queries import organisation_tree

Link = Mal.overordnade.through


def mal_for_user(user) -> QuerySet[Mal]:
    """Goals the user may see: adopted goals are public; drafts only for those who read the
    owner's internal material (`permissions.internal_ids`: a politician reads the drafts of
    the bodies they sit in, which are what those bodies are to decide, not those below)."""
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


def public_value_filter(today: datetime.date) -> Q:
    """`is_value_public` as a filter of values: final values of a period that ended before
    `today` (`Period.is_ended`: a year before this one, or a tertial or month of this year whose
    last month is before this month)."""
    month = today.month
    return Q(preliminar=False) & (
        Q(ar__lt=today.year)
        | Q(ar=today.year, periodtyp=Periodtyp.MANAD, periodnummer__lt=month)
        | Q(ar=today.year, periodtyp=Periodtyp.TERTIAL, periodnummer__lte=(month - 1) // 4)
    )


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


@dataclass
class Chain:
    """Goals with their links, indicators, targets, values and assessments, loaded once."""

    goals: dict[int, Mal]
    parents: dict[int, list[int]]
    children: dict[int, list[int]]
    indicators: dict[int, list[Indikator]]
    targets: dict[tuple[int, int], Decimal]
    values: dict[tuple[int, Period], Varde]
    others: dict[int, list[Varde]]  # an indicator's values for organisations below its own
    assessments: dict[tuple[int, Period], Bedomning]
    internal: frozenset[int]
    today: datetime.date
    periods: list[Period] = field(default_factory=list)
    goal_qs: QuerySet | list[int] | None = None  # the loaded goals' ids, or their subquery
    _rollups: dict[Period, dict[int, GoalResult]] = field(default_factory=dict)
    _stored: dict[Period, dict[int, tuple]] = field(default_factory=dict)
    _results: dict[Period, dict[int, GoalResult]] = field(default_factory=dict)

    def roots(self) -> list[int]:
        return [pk for pk in self.goals if not self.parents.get(pk)]

    def postorder(self) -> list[int]:
        """Every goal once, each after all the goals that contribute to it."""
        return postorder(self.goals, self.children, sort=False)

    def children_in(self, pk: int, period: Period) -> list[int]:
        """The goals contributing to a goal that cover the period's year (a goal of another
        budget year says nothing about this one)."""
        return [c for c in self.children.get(pk, []) if self.goals[c].covers_year(period.ar)]

    def visible_value(self, mal: Mal, varde: Varde | None) -> Varde | None:
        """The value if the reader may see it: staff who read the goal owner's internal
        material see every value, others only public ones (`is_value_public`)."""
        if varde is None or mal.agare_id in self.internal:
            return varde
        return varde if is_value_public(varde, self.today) else None

    def indicator_results(self, mal: Mal, period: Period) -> list[IndicatorResult]:
        rows = []
        for ind in self.indicators.get(mal.pk, []):
            target = self.targets.get((ind.pk, period.ar))
            value = self.visible_value(mal, self.values.get((ind.pk, period)))
            previous = self.visible_value(mal, self.values.get((ind.pk, period.previous())))
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

    def results(self, period: Period) -> dict[int, GoalResult]:
        """The result of every loaded goal that covers the period's year: what rolls up from
        below is read from the stored roll-up (`mal.rollup`), the goal's own indicators and
        assessment from the chain. Months are not stored: computed over the chain (`rollup`).

        A reader who reads the internal material of the owner and of every organisation below
        it gets the insiders' reading; everybody else the public one."""
        if not is_stored(period):
            return self.rollup(period)
        if period not in self._results:
            rows = self._stored_rows(period)
            insider = _insider_test(self.internal)
            results = {}
            for pk, mal in self.goals.items():
                row = rows.get(pk)
                if row is None:
                    continue  # the goal does not cover the period's year
                forslag, forklaring, status = row[:3] if insider(mal.agare_id) else row[3:6]
                bedomning = self.assessments.get((pk, period))
                results[pk] = GoalResult(
                    mal=mal,
                    indicators=self.indicator_results(mal, period),
                    suggestion=Suggestion(forslag, mal.regel, forklaring),
                    bedomning=bedomning,
                    status=status,
                )
            self._results[period] = results
        return self._results[period]

    def _stored_rows(self, period: Period) -> dict[int, tuple]:
        """The stored rows of the loaded goals, for every stored period of the chain at once;
        a row missing (never computed) or a public reading made while its period ran (and the
        period has ended since) is computed here first."""
        if period not in self._stored:
            self._read_stored([p for p in {*self.periods, period} if is_stored(p)])
        rows = self._stored[period]
        missing = [
            pk for pk, m in self.goals.items() if pk not in rows and m.covers_year(period.ar)
        ]
        stale = period.is_ended(self.today) and any(row[6] for row in rows.values())
        if missing or stale:
            with transaction.atomic():
                if stale or len(missing) > MAX_REFRESH:
                    rebuild_period(period)
                else:
                    refresh(missing, [period])
            self._read_stored([period])
        return self._stored[period]

    def _read_stored(self, periods: list[Period]) -> None:
        where = Q(pk__in=[])
        for p in periods:
            where |= Q(**Maluppfyllelse.period_lookup(p))
            self._stored[p] = {}
        goals = self.goal_qs if self.goal_qs is not None else list(self.goals)
        for pk, ar, typ, nummer, *row in (
            Maluppfyllelse.objects.filter(where, mal__in=goals)
            .order_by()
            .values_list(
                "mal_id",
                "ar",
                "periodtyp",
                "periodnummer",
                "forslag",
                "forklaring",
                "resultat",
                "offentligt_forslag",
                "offentlig_forklaring",
                "offentligt_resultat",
                "pagaende",
            )
        ):
            self._stored[Period(ar, typ, nummer)][pk] = tuple(row)


MAX_REFRESH = 500  # more goals without a stored roll-up than this: rebuild the period at once
ID_LIST_LIMIT = 1000  # a chain of at most this many goals is read by their ids (`load_chain`)


def _insider_test(internal: frozenset[int]):
    """Whether the reader reads the internal material of an owner and of every organisation
    below it (the owners of every goal that can contribute to the owner's goals)."""
    if not internal:
        return lambda org_id: False
    tree = organisation_tree()
    memo: dict[int, bool] = {}

    def insider(org_id: int) -> bool:
        if org_id not in memo:
            memo[org_id] = org_id in internal and tree.descendant_ids(org_id) <= internal
        return memo[org_id]

    return insider


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
    # A few goals (a page's) are named by their ids: every read is an index look-up by goal.
    # Many (a whole chain) by the goals' own query as a subquery, not thousands of parameters.
    goal_qs = list(ids) if len(ids) <= ID_LIST_LIMIT else goals.values("pk")

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
        for ind_id, ar, varde in Malvarde.objects.filter(indikator__mal__in=goal_qs, ar__in=years)
        .order_by()
        .values_list("indikator_id", "ar", "varde")
    }
    period_q = Q(pk__in=[])
    for p in value_periods:
        period_q |= Q(ar=p.ar, periodtyp=p.typ, periodnummer=p.nummer)
    matt_for = {ind.pk: ind.matt_for_id for rows in indicators.values() for ind in rows}
    values = {}
    others: dict[int, list[Varde]] = defaultdict(list)
    # unordered: read into dicts (the model's ordering would join the goals to sort by them)
    for varde in (
        Varde.objects.filter(period_q, indikator__mal__in=goal_qs)
        .select_related("organisation")
        .order_by()
    ):
        if matt_for.get(varde.indikator_id) == varde.organisation_id:
            values[(varde.indikator_id, varde.period)] = varde
        else:
            others[varde.indikator_id].append(varde)

    assessment_q = Q(pk__in=[])
    for p in periods:
        assessment_q |= Q(ar=p.ar, periodtyp=p.typ, periodnummer=p.nummer)
    assessments = {
        (b.mal_id, b.period): b
        for b in Bedomning.objects.filter(assessment_q, mal__in=goal_qs).order_by()
    }
    return Chain(
        goals=goal_map,
        parents=dict(parents),
        children=dict(children),
        indicators=dict(indicators),
        targets=targets,
        values=values,
        others=dict(others),
        assessments=assessments,
        internal=permissions.internal_ids(user),
        today=today or timezone.localdate(),
        periods=list(periods),
        goal_qs=goal_qs,
    )


MAX_CHAIN_DEPTH = 50  # far deeper than any real chain; stops the walk should a cycle slip in

_CHAIN_SQL = """
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
      WHERE down.depth < %(down)s
  )
SELECT 'up', id, MIN(depth) FROM up WHERE id <> %(mal)s GROUP BY id
UNION ALL
SELECT 'down', id, MIN(depth) FROM down WHERE id <> %(mal)s GROUP BY id
"""


def _chain_ids(mal_id: int, down: int) -> tuple[list[int], list[int]]:
    """The goals above a goal (nearest first) and the goals at most `down` levels below it:
    one recursive query over the link table that reads only the goal's own chain (with
    `down=1` the walk down stops at the first level)."""
    sql = _CHAIN_SQL.format(table=connection.ops.quote_name(Link._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"mal": mal_id, "depth": MAX_CHAIN_DEPTH, "down": down})
        rows = cursor.fetchall()
    above = [pk for _, pk, _ in sorted((d, pk, k) for k, pk, d in rows if k == "up")]
    return above, [pk for kind, pk, _ in rows if kind == "down"]


def related_goal_ids(mal_id: int) -> tuple[list[int], set[int]]:
    """The goals above (nearest first) and every goal below a goal."""
    above, below = _chain_ids(mal_id, MAX_CHAIN_DEPTH)
    return above, set(below)


def goal_ids_around(mal_id: int) -> tuple[list[int], list[int]]:
    """The goals above a goal (nearest first) and the goals one level below it (nothing
    further down the chain is read)."""
    return _chain_ids(mal_id, 1)


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


# --- Page read models -----------------------------------------------------------------------------
# What a page shows, assembled from the one `Chain` read; the page, a print and the follow-up
# report read the same goals, values and fulfilment through these.


def default_period(today: datetime.date | None = None) -> Period:
    """The latest whole year: what the pages show when no period is asked for."""
    return Period.year((today or timezone.localdate()).year - 1)


def status_counts(results) -> list[dict]:
    """How many of the results are met, partly met and not met (the states that occur)."""
    counter = Counter(r.status for r in results)
    return [
        {"status": s, "count": counter[s]}
        for s in (Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT)
        if counter[s]
    ]


def goal_results(user, organisation: Organisation, period: Period) -> list[GoalResult]:
    """An organisation's own goals for a period with their fulfilment: only those goals are read,
    what rolls up from goals of other bodies is stored (months: the chain around them is read)."""
    if is_stored(period):
        own = mal_for_user(user).filter(covering_year(period.ar), agare=organisation)
        results = load_chain(user, [period], goals=own).results(period)
    else:
        results = load_chain(user, [period]).rollup(period)
    return sorted(
        (r for r in results.values() if r.mal.agare_id == organisation.pk),
        key=lambda r: (r.mal.ordning, r.mal.nummer, r.mal.titel),
    )


def goal_result(user, mal: Mal, period: Period) -> GoalResult:
    """One goal's fulfilment for a period, rolled up from the goals below it (stored; a month
    reads the goals below)."""
    if is_stored(period) and mal.covers_year(period.ar):
        chain = load_chain(user, [period], goals=mal_for_user(user).filter(pk=mal.pk))
        return chain.results(period)[mal.pk]
    _, below = related_goal_ids(mal.pk)
    chain = load_chain(user, [period], goals=mal_for_user(user).filter(pk__in=[mal.pk, *below]))
    return chain.rollup(period)[mal.pk]


# The tree ----------------------------------------------------------------------------------------


def tree_periods(period: Period) -> list[Period]:
    """The periods the tree offers: every budget year (and the one shown), each with its
    tertials."""
    years = sorted({*Budgetar.objects.values_list("ar", flat=True), period.ar})
    return [p for ar in years for p in (Period.year(ar), *tertials(ar))]


def _in_term(ar: int) -> Q:
    return Q(mandatperiod__start_ar__lte=ar, mandatperiod__slut_ar__gte=ar)


def areas_in_term(ar: int) -> list[Malomrade]:
    return list(Malomrade.objects.filter(_in_term(ar)))


TREE_PAGE_SIZE = 100  # goals of one level on one page of the tree


@dataclass
class TreeShape:
    """The shape of a period's goal chain as the user sees it: ids, owners, goal areas, order
    and links only, no model objects (what the tree needs to find a level, count the goals below
    each goal and walk a breadcrumb)."""

    rows: dict[int, tuple]  # pk -> (agare_id, malomrade_id, titel, root order, child order)
    parents: dict[int, list[int]]
    children: dict[int, list[int]]

    def roots(self) -> list[int]:
        return sorted((pk for pk in self.rows if not self.parents.get(pk)), key=self.root_order)

    def root_order(self, pk: int):
        return self.rows[pk][3]

    def child_order(self, pk: int):
        return self.rows[pk][4]

    def postorder(self) -> list[int]:
        """Every goal once, each after the goals that contribute to it."""
        order: list[int] = []
        seen: set[int] = set()
        for start in self.rows:
            stack = [(start, False)]
            while stack:
                pk, done = stack.pop()
                if done:
                    order.append(pk)
                elif pk not in seen:
                    seen.add(pk)
                    stack.append((pk, True))
                    stack.extend((c, False) for c in self.children.get(pk, []) if c not in seen)
        return order

    def path_to(self, pk: int) -> list[int]:
        """The goals above a goal, from the top down, by its first higher goal at each step."""
        path, seen = [], {pk}
        while ups := [p for p in self.parents.get(pk, []) if p not in seen]:
            pk = min(ups, key=self.child_order)
            path.append(pk)
            seen.add(pk)
        return path[::-1]


def tree_shape(visible: QuerySet[Mal]) -> TreeShape:
    """The shape of the `visible` goals (those the user may see that cover a year): two
    queries of numbers and titles."""
    rows = {
        pk: (agare, area, titel, (agare_ordning, ordning, nummer, titel), (ordning, nummer, titel))
        for pk, agare, area, agare_ordning, ordning, nummer, titel in visible.values_list(
            "pk", "agare_id", "malomrade_id", "agare__ordning", "ordning", "nummer", "titel"
        )
    }
    parents: dict[int, list[int]] = defaultdict(list)
    children: dict[int, list[int]] = defaultdict(list)
    for child, parent in Link.objects.filter(from_mal__in=visible.values("pk")).values_list(
        "from_mal_id", "to_mal_id"
    ):
        if child in rows and parent in rows and child != parent:
            parents[child].append(parent)
            children[parent].append(child)
    for kids in children.values():
        kids.sort(key=lambda pk: rows[pk][4])
    return TreeShape(rows=rows, parents=dict(parents), children=dict(children))


def _tree_statuses(user, period: Period, shape: TreeShape) -> dict[int, tuple[str, bool]] | None:
    """Each goal's status and whether it deviates (partly or not met, or an indicator outside
    its band), read from the stored roll-up in one query, in the reading the user gets (as
    `Chain.results`); None if the period is not stored or a row is missing or out of date."""
    if not is_stored(period):
        return None
    insider = _insider_test(permissions.internal_ids(user))
    ended = period.is_ended(timezone.localdate())
    statuses = {}
    for pk, resultat, avvikelse, offentligt, offentlig_avvikelse, pagaende in (
        Maluppfyllelse.objects.filter(**Maluppfyllelse.period_lookup(period))
        .order_by()
        .values_list(
            "mal_id",
            "resultat",
            "avvikelse",
            "offentligt_resultat",
            "offentlig_avvikelse",
            "pagaende",
        )
    ):
        if pk not in shape.rows:
            continue
        if ended and pagaende:
            return None
        if insider(shape.rows[pk][0]):
            statuses[pk] = (resultat, avvikelse or resultat in DEVIATING)
        else:
            statuses[pk] = (offentligt, offentlig_avvikelse or offentligt in DEVIATING)
    return statuses if len(statuses) == len(shape.rows) else None


DEVIATING = (Utfall.DELVIS, Utfall.EJ_UPPFYLLT)


def _status_counts(statuses) -> list[dict]:
    """How many of the statuses are met, partly met and not met (as `status_counts`)."""
    counter = Counter(statuses)
    return [
        {"status": s, "count": counter[s]}
        for s in (Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT)
        if counter[s]
    ]


# The shape and the statuses of the tree, as this process last read them for a period and a
# reading (the organisations whose internal material the reader reads): 20,000 goals and their
# links at a large municipality, read again only when the goal chain or the organisation tree
# has changed since (their generations in styrning.pagecache: every save of a goal, link,
# indicator, value, assessment or organisation bumps them, at once and on commit) or the day
# has turned; with them what the unfiltered tree computes over all of them (`tree_page`'s
# `once`). Never kept from inside a transaction (it may hold what is rolled back). Read only,
# never changed once made: the requests share them.
_kept_trees: OrderedDict[tuple, tuple[TreeShape, dict, dict]] = OrderedDict()
KEPT_TREES = 4  # readings kept per process (the public one and a few bodies')


def _kept_tree_key(user, period: Period) -> tuple | None:
    if transaction.get_connection().in_atomic_block:
        return None
    current = pagecache.generations(MAL_SCOPE, pagecache.ORGANISATION)
    if current is None:
        return None
    return (*current, period, timezone.localdate(), permissions.internal_ids(user))


def _keep_tree(key: tuple | None, shape: TreeShape, statuses: dict, memo: dict) -> None:
    if key is None:
        return
    _kept_trees[key] = (shape, statuses, memo)
    _kept_trees.move_to_end(key)
    while len(_kept_trees) > KEPT_TREES:
        _kept_trees.popitem(last=False)


@dataclass
class TreePage:
    period: Period
    vision: Vision | None
    groups: list[dict]
    filtered: bool
    antal: int  # the goals the tree keeps
    matchande: int  # of them, those the filters ask for (the others lead down to them)
    under_mal: Mal | None  # the goal whose contributing goals are shown; None: the top
    under: GoalResult | None  # its result (None if it does not cover the period's year)
    path: list[dict]  # the goals above `under`, from the top down (the breadcrumb)
    page: Page  # the shown level, TREE_PAGE_SIZE goals a page


def _counts_by_area(shape: TreeShape, statuses: dict, keep: dict) -> dict:
    """How many of the kept goals of each goal area are met, partly met and not met."""
    by_area = defaultdict(list)
    for pk, row in shape.rows.items():
        if keep[pk]:
            by_area[row[1]].append(statuses[pk][0])
    return {area_id: _status_counts(found) for area_id, found in by_area.items()}


def _tree_card(pk: int, results, kept_children) -> dict:
    """One goal of the shown level: its result and how many goals below it the tree keeps."""
    return {"r": results[pk], "n_children": len(kept_children(pk))}


@dataclass
class FilteredTree:
    """A period's goal chain as the user sees it with the tree's filters applied: its shape,
    each goal's status and deviation, and which goals the filters keep (those that match and
    the path down to them)."""

    visible: QuerySet[Mal]  # the goals the user may see that cover the period's year
    shape: TreeShape
    statuses: dict[int, tuple[str, bool]]
    memo: dict  # what the unfiltered tree computes once per kept tree
    keep: dict[int, bool]
    matching: set[int] | None  # the goals the filters ask for; None: every goal
    filtered: bool

    def kept_children(self, pk: int) -> list[int]:
        return [c for c in self.shape.children.get(pk, []) if self.keep[c]]

    def top_order(self, area_ids: list[int]):
        """The order of the top level: by goal area as `area_ids` lists them, then by owner
        and number."""
        rank = {area_id: i for i, area_id in enumerate([*area_ids, None])}
        return lambda pk: (rank.get(self.shape.rows[pk][1], len(rank)), self.shape.root_order(pk))

    def walk(self, area_ids: list[int], under: Mal | None = None) -> list[tuple[int, int]]:
        """The goals the tree keeps (those the filters ask for and the goals above them), depth
        first in the tree's order (each once, where it first appears), with their depth from 1
        at the top level; below `under` only."""
        if under is None:
            start = sorted(
                (pk for pk in self.shape.roots() if self.keep[pk]), key=self.top_order(area_ids)
            )
        else:
            start = self.kept_children(under.pk) if under.pk in self.shape.rows else []
        order: list[tuple[int, int]] = []
        seen: set[int] = set()
        stack = [(pk, 1) for pk in reversed(start)]
        while stack:
            pk, depth = stack.pop()
            if pk in seen:
                continue
            seen.add(pk)
            order.append((pk, depth))
            stack.extend((c, depth + 1) for c in reversed(self.kept_children(pk)))
        return order


def filtered_tree(
    user,
    period: Period,
    *,
    malomrade: Malomrade | None = None,
    organ: Organisation | None = None,
    status: str = "",
    avvikelser: bool = False,
) -> FilteredTree:
    """The tree of `period` for `user` with the filters of the tree page (goal area, owner
    and the organisations below it, fulfilment, only deviations). The unfiltered shape and
    statuses are kept per process (`_kept_trees`) until the chain changes."""
    visible = mal_for_user(user).filter(covering_year(period.ar))
    key = _kept_tree_key(user, period)
    kept = _kept_trees.get(key) if key else None
    if kept is not None:
        shape, statuses, memo = kept
    else:
        shape = tree_shape(visible)
        statuses = _tree_statuses(user, period, shape)
        if statuses is None:  # not stored (or out of date): every goal's result from the chain
            statuses = {
                pk: (r.status, r.is_deviation)
                for pk, r in load_chain(user, [period], goals=visible).results(period).items()
            }
        memo = {}
        _keep_tree(key, shape, statuses, memo)
    organ_ids = organisation_tree().descendant_ids(organ.pk) if organ else None
    filtered = bool(malomrade or organ or status or avvikelser)
    if not filtered:
        if "keep" not in memo:
            memo["keep"] = dict.fromkeys(shape.rows, True)
        return FilteredTree(visible, shape, statuses, memo, memo["keep"], None, False)

    def matches(pk):
        agare, area = shape.rows[pk][:2]
        return (
            (malomrade is None or area == malomrade.pk)
            and (organ_ids is None or agare in organ_ids)
            and (not status or statuses[pk][0] == status)
            and (not avvikelser or statuses[pk][1])
        )

    matching = {pk for pk in shape.rows if matches(pk)}
    keep: dict[int, bool] = {}
    for pk in shape.postorder():
        keep[pk] = pk in matching or any(keep[c] for c in shape.children.get(pk, []))
    return FilteredTree(visible, shape, statuses, memo, keep, matching, True)


def tree_page(
    user,
    period: Period,
    *,
    areas: list[Malomrade],
    under: Mal | None = None,
    malomrade: Malomrade | None = None,
    organ: Organisation | None = None,
    status: str = "",
    avvikelser: bool = False,
    sida=None,
) -> TreePage:
    """One level of the goal chain of a period: the top goals grouped by goal area, or the goals
    contributing to `under`, each with its fulfilment and the number of goals below it (their
    own level is a link away). A filter keeps the goals that match and the path down to them."""
    tree = filtered_tree(
        user, period, malomrade=malomrade, organ=organ, status=status, avvikelser=avvikelser
    )
    visible, shape, statuses, memo = tree.visible, tree.shape, tree.statuses, tree.memo
    filtered, keep, kept_children = tree.filtered, tree.keep, tree.kept_children

    def once(name, compute):
        """Unfiltered, what is computed over every goal of the period (the top level, the
        counts per goal area, the number of goals) once per kept tree, not per request."""
        if filtered:
            return compute()
        if name not in memo:
            memo[name] = compute()
        return memo[name]

    area_ids = [a.pk for a in areas]
    if under is None:
        shown_areas = {*area_ids, None}
        level = once(
            ("top", tuple(area_ids)),
            lambda: sorted(
                (pk for pk in shape.roots() if keep[pk] and shape.rows[pk][1] in shown_areas),
                key=tree.top_order(area_ids),
            ),
        )
    else:
        level = kept_children(under.pk) if under.pk in shape.rows else []
    page = Paginator(level, TREE_PAGE_SIZE).get_page(sida)
    shown = [*page.object_list, *([under.pk] if under else [])]
    # the shown goals' results with their indicators: only those goals are read
    results = load_chain(user, [period], goals=visible.filter(pk__in=shown)).results(period)
    cards = [_tree_card(pk, results, kept_children) for pk in page.object_list]

    if under is None:
        with_roots = {shape.rows[pk][1] for pk in level}
        counts = once("counts", lambda: _counts_by_area(shape, statuses, keep))
        groups = []
        for area in [*areas, None]:
            area_id = area.pk if area else None
            items = [c for c in cards if c["r"].mal.malomrade_id == area_id]
            empty_area = area is not None and not filtered and area_id not in with_roots
            if items or (empty_area and page.number == 1):
                groups.append(
                    {
                        "area": area,
                        "items": items,
                        "counts": counts.get(area_id, []),
                    }
                )
    elif under.pk in shape.rows:
        groups = [{"area": None, "items": cards, "counts": status_counts(c["r"] for c in cards)}]
    else:  # the goal does not cover the period's year
        groups = []
    return TreePage(
        period=period,
        vision=None if under else Vision.objects.filter(_in_term(period.ar)).first(),
        groups=groups,
        filtered=filtered,
        antal=once("antal", lambda: sum(keep.values())),
        matchande=len(tree.matching) if filtered else 0,
        under_mal=under,
        under=results.get(under.pk) if under else None,
        path=[
            {"pk": pk, "titel": shape.rows[pk][2]}
            for pk in (shape.path_to(under.pk) if under and under.pk in shape.rows else [])
        ],
        page=page,
    )


# The goal page -----------------------------------------------------------------------------------


@dataclass
class IndicatorBlock:
    """An indicator on the goal page: its result, its values against its targets per year as a
    chart and a table, and the values of the units below the organisation it is measured for."""

    ind: Indikator
    result: IndicatorResult | None
    chart: dict | None
    split_chart: dict | None
    table: list[dict]
    others: list[Varde]
    can_report: bool


@dataclass
class GoalPage:
    mal: Mal
    r: GoalResult
    shown: Period
    above: list[Mal]
    children: list[dict]  # each contributing goal's result and the number of goals below it
    indikatorer: list[IndicatorBlock]
    year_rows: list[dict]
    tertial_rows: list[dict]
    assessments: list[Bedomning]
    dokument: list
    aktiviteter: list[Aktivitet]
    uppdrag: list[Uppdrag]
    can_report: bool
    can_edit: bool
    internal: bool
    historik: list[Andring] | None


def _indicator_block(user, chain: Chain, mal: Mal, ind: Indikator, result, years) -> IndicatorBlock:
    """One indicator's block, from the values and targets the chain read (with its visibility
    rule): no second read of the values."""
    values = {}
    for ar in range(mal.forsta_ar - 1, mal.sista_ar + 1):
        varde = chain.visible_value(mal, chain.values.get((ind.pk, Period.year(ar))))
        if varde is not None:
            values[ar] = varde
    others = sorted(
        (
            v
            for v in chain.others.get(ind.pk, [])
            if v.periodtyp == Periodtyp.AR and chain.visible_value(mal, v) is not None
        ),
        key=lambda v: (v.ar, v.organisation.namn),
    )
    chart_years = sorted({*years, *([ind.utgangsar] if ind.utgangsar else [])} | set(values))
    targets = [chain.targets.get((ind.pk, ar)) for ar in chart_years]
    rows = {
        "target": targets,
        "totalt": [values[ar].totalt if ar in values else None for ar in chart_years],
    }
    if ind.utgangsar in chart_years and ind.utgangsvarde is not None:
        i = chart_years.index(ind.utgangsar)
        if rows["totalt"][i] is None:
            rows["totalt"][i] = ind.utgangsvarde
    split = {}
    if ind.konsuppdelad:
        for key in ("kvinnor", "man"):
            split[key] = [getattr(values[ar], key) if ar in values else None for ar in chart_years]
    if not ind.summerbar:
        rows.update(split)  # shares and averages share the total's scale
    labels = [str(ar) for ar in chart_years]
    return IndicatorBlock(
        ind=ind,
        result=result,
        chart=charts.indicator_chart(
            title=f"{ind.namn}: utfall mot målvärde",
            enhet=ind.enhet,
            decimals=ind.decimaler,
            labels=labels,
            rows=rows,
            chart_id=str(ind.pk),
        ),
        split_chart=charts.indicator_chart(
            title=f"{ind.namn}: kvinnor och män",
            enhet=ind.enhet,
            decimals=ind.decimaler,
            labels=labels,
            rows=split,
            chart_id=f"{ind.pk}-kon",
        )
        if ind.summerbar and split
        else None,
        table=[
            {
                "ar": ar,
                "target": target,
                "varde": values.get(ar),
                "baseline": ar == ind.utgangsar and ind.utgangsvarde is not None,
            }
            for ar, target in zip(chart_years, targets, strict=True)
        ],
        others=others,
        can_report=permissions.can_report(user, ind.matt_for_id)
        or any(permissions.can_report(user, v.organisation_id) for v in others),
    )


def _children_counts(user, ids: list[int], period: Period) -> list[int]:
    """How many goals the user sees contribute to each of the goals (those that cover the
    period's year), in one query."""
    if not ids:
        return []
    below = mal_for_user(user).filter(covering_year(period.ar)).values("pk")
    counts = dict(
        Link.objects.filter(to_mal__in=ids, from_mal__in=below)
        .order_by()
        .values_list("to_mal")
        .annotate(n=Count("from_mal"))
    )
    return [counts.get(pk, 0) for pk in ids]


def goal_page(user, mal: Mal, today: datetime.date | None = None) -> GoalPage:
    """A goal: its fulfilment, its indicators with charts, the chain up and down, the
    assessments over time and what it rests on, read from its own chain only."""
    today = today or timezone.localdate()
    internal = permissions.can_view_internal(user, mal.agare_id)
    years = list(range(mal.forsta_ar, mal.sista_ar + 1))
    periods = [Period.year(ar) for ar in years] + [t for ar in years for t in tertials(ar)]
    above, below = goal_ids_around(mal.pk)
    # its own goal, the chain up and one level down: what rolls up from further down is stored
    chain = load_chain(
        user,
        periods,
        goals=mal_for_user(user).filter(pk__in=[mal.pk, *above, *below]),
        today=today,
    )
    latest = default_period(today)
    shown = latest if mal.covers_year(latest.ar) else Period.year(years[-1])
    results = chain.results(shown)
    mine = results[mal.pk]

    over_time = []
    for p in periods:
        r = chain.results(p)[mal.pk]
        if p.typ == Periodtyp.AR or r.assessed or r.suggestion.status != SAKNAS:
            over_time.append({"period": p, "r": r})

    by_result = {r.indikator.pk: r for r in mine.indicators}
    blocks = [
        _indicator_block(user, chain, mal, ind, by_result.get(ind.pk), years)
        for ind in chain.indicators.get(mal.pk, [])
    ]
    assessments = list(
        Bedomning.objects.filter(mal=mal)
        .select_related("bedomd_av")
        .order_by("-ar", "-periodnummer")
    )
    if not permissions.is_staff_member(user):
        assessments = [b for b in assessments if b.utfall != Utfall.EJ_BEDOMT]
    children = chain.children_in(mal.pk, shown)
    return GoalPage(
        mal=mal,
        r=mine,
        shown=shown,
        above=[chain.goals[pk] for pk in above if pk in chain.goals],
        children=[
            {"r": results[c], "n_children": n}
            for c, n in zip(children, _children_counts(user, children, shown), strict=True)
        ],
        indikatorer=blocks,
        year_rows=[row for row in over_time if row["period"].typ == Periodtyp.AR],
        tertial_rows=[row for row in over_time if row["period"].typ == Periodtyp.TERTIAL],
        assessments=assessments,
        dokument=list(dokument_for_user(user).filter(mal=mal)),
        aktiviteter=list(mal.aktiviteter.select_related("ansvarig")),
        uppdrag=list(mal.uppdrag.select_related("givet_av", "givet_till")),
        can_report=permissions.can_report(user, mal.agare_id),
        can_edit=permissions.can_edit_goals(user, mal.agare_id),
        internal=internal,
        historik=goal_history(mal) if internal else None,
    )


# A body's page and the comparison ----------------------------------------------------------------


@dataclass
class OrganisationPage:
    org: Organisation
    period: Period
    goals: list[GoalResult]
    summary: list[dict]
    uppdrag_till: list[Uppdrag]
    uppdrag_av: list[Uppdrag]


def organisation_page(user, org: Organisation, period: Period) -> OrganisationPage:
    """A body's goals with their fulfilment, a count per goal area, and its assignments."""
    own = goal_results(user, org, period)
    by_area = defaultdict(list)
    for r in own:
        by_area[r.mal.malomrade].append(r)
    summary = [
        {"area": area, "counts": status_counts(rs), "antal": len(rs)}
        for area, rs in sorted(
            by_area.items(), key=lambda kv: (kv[0] is None, kv[0].ordning if kv[0] else 0)
        )
    ]
    uppdrag = list(
        uppdrag_for_user(user)
        .filter(Q(givet_till=org) | Q(givet_av=org))
        .prefetch_related("kommentarer")
    )
    return OrganisationPage(
        org=org,
        period=period,
        goals=own,
        summary=summary,
        uppdrag_till=[u for u in uppdrag if u.givet_till_id == org.pk],
        uppdrag_av=[u for u in uppdrag if u.givet_av_id == org.pk],
    )


def comparison_rows(user, organisation: Organisation | None, periods: list[Period]) -> list[dict]:
    """An organisation's goals with their result in each period (None where the goal does not
    cover the period's year)."""
    goals = mal_for_user(user).filter(
        Q(budgetar__ar__gte=periods[0].ar, budgetar__ar__lte=periods[-1].ar)
        | Q(mandatperiod__slut_ar__gte=periods[0].ar, mandatperiod__start_ar__lte=periods[-1].ar)
    )
    if organisation:
        goals = goals.filter(agare=organisation)
    chain = load_chain(user, periods, goals=goals)
    rollups = [chain.results(p) for p in periods]
    return [
        {
            "mal": chain.goals[pk],
            "cells": [
                r[pk] if chain.goals[pk].covers_year(p.ar) else None
                for p, r in zip(periods, rollups, strict=True)
            ],
        }
        for pk in sorted(
            chain.goals, key=lambda pk: (chain.goals[pk].nummer, chain.goals[pk].titel)
        )
    ]
