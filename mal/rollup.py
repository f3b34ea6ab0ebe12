"""The stored roll-up of goal fulfilment (`Maluppfyllelse`), kept in step with what it rests on.

A goal's suggestion rolls up from its indicators and from the goals contributing to it, so a
change of a value, a target, an assessment, an indicator or a goal (its links, status, rule,
weight or years) changes the stored result of that goal and of every goal above it. Every
service that makes such a change calls `refresh` inside its own transaction, so the stored
roll-up is never behind the committed data; `rebuild` (`manage.py mal_rollup`) recomputes it
all, after a bulk load or to repair.

Which periods: years and tertials, what the pages offer. A value counts only for its own period
(`Varde` rows are per year, tertial or month, and a goal's roll-up of a period reads the values
of exactly that period), so a monthly value changes no stored roll-up; months are computed when
asked for (`mal.queries`). A target is per year: it changes the year and its three tertials.

Two readings per row: as the owner's insiders see it (drafts and preliminary values count) and
as the public sees it (adopted goals, final values of periods that have ended). A public reading
made while its period was still running (`pagaende`) counts no values and is computed again when
the period has ended (by the first reader, or by `mal_rollup`).

Concurrency: `refresh` locks the changed goals and every goal above them (in id order, so two
transactions never wait on each other in a circle) before it reads anything. On PostgreSQL
(READ COMMITTED) a second transaction touching the same ancestor waits for the first to commit
and then reads its committed data, so no update is lost; SQLite runs one writer at a time.

The rules themselves are `mal.fulfilment`'s; `mal.queries.Chain.rollup` is the same computation
over a loaded chain, and the tests hold the two equal.
"""

import contextlib
import datetime
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from mal import fulfilment
from mal.fulfilment import SAKNAS, Input
from mal.models import Bedomning, Indikator, Mal, Maluppfyllelse, Malvarde, Utfall, Varde
from styrning.periods import Period, Periodtyp, tertials

Link = Mal.overordnade.through
STORED_TYPES = (Periodtyp.AR, Periodtyp.TERTIAL)

_state = threading.local()


def is_stored(period: Period) -> bool:
    return period.typ in STORED_TYPES


def periods_of_years(years: Iterable[int]) -> list[Period]:
    """The stored periods of some years: each year and its tertials."""
    return [p for ar in sorted(set(years)) for p in (Period.year(ar), *tertials(ar))]


def goal_periods(mal: Mal) -> list[Period]:
    """The stored periods a goal has a roll-up for: its years and their tertials."""
    return periods_of_years(range(mal.forsta_ar, mal.sista_ar + 1))


@contextlib.contextmanager
def suspended():
    """Skip the refreshes inside (a bulk load); the caller runs `rebuild` afterwards."""
    before = getattr(_state, "suspended", False)
    _state.suspended = True
    try:
        yield
    finally:
        _state.suspended = before


# --- Reading what a roll-up rests on --------------------------------------------------------------


@dataclass(frozen=True)
class _Goal:
    pk: int
    antagen: bool
    regel: str
    vikt: Decimal
    forsta_ar: int
    sista_ar: int

    def covers(self, ar: int) -> bool:
        return self.forsta_ar <= ar <= self.sista_ar


def _goals(q: Q) -> dict[int, _Goal]:
    rows = Mal.objects.filter(q).values_list(
        "pk",
        "status",
        "regel",
        "vikt",
        "budgetar__ar",
        "mandatperiod__start_ar",
        "mandatperiod__slut_ar",
    )
    return {
        pk: _Goal(pk, status == Mal.Status.ANTAGET, regel, vikt, ar or start, ar or slut)
        for pk, status, regel, vikt, ar, start, slut in rows
    }


def _covering(ar: int) -> Q:
    return Q(budgetar__ar=ar) | Q(mandatperiod__start_ar__lte=ar, mandatperiod__slut_ar__gte=ar)


def postorder(
    ids: Iterable[int], children: dict[int, list[int]], *, sort: bool = True
) -> list[int]:
    """Every goal once, each after the goals contributing to it (a cycle is cut where met),
    starting from the goals in id order (or in the order given, `sort=False`)."""
    starts = sorted(ids) if sort else list(ids)
    ids = set(starts)
    order: list[int] = []
    seen: set[int] = set()
    for start in starts:
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
            stack.extend((c, False) for c in children.get(pk, ()) if c in ids and c not in seen)
    return order


def _compute(
    period: Period,
    scope: Q,
    goals: dict[int, _Goal],
    children: dict[int, list[int]],
    known: dict[int, tuple[_Goal, str, str]],
    today: datetime.date,
) -> dict[int, tuple]:
    """The rows of `goals` (all covering the period's year) for the period. `scope` selects the
    same goals in the database; `children` lists each goal's contributing goals that cover the
    year; `known` holds the stored (insider, public) results of contributing goals outside
    `goals`. Four queries, whatever the number of goals; the rows as tuples of `FIELDS`."""
    in_scope = Mal.objects.filter(scope).values("pk")
    indicators = defaultdict(list)
    for row in Indikator.objects.filter(mal__in=in_scope).values_list(
        "pk", "mal_id", "riktning", "tolerans", "vikt"
    ):
        indicators[row[1]].append(row)
    targets = dict(
        Malvarde.objects.filter(indikator__mal__in=in_scope, ar=period.ar).values_list(
            "indikator_id", "varde"
        )
    )
    values = {
        ind: (totalt, preliminar)
        for ind, totalt, preliminar in Varde.objects.filter(
            indikator__mal__in=in_scope,
            organisation_id=F("indikator__matt_for_id"),
            **Varde.period_lookup(period),
        ).values_list("indikator_id", "totalt", "preliminar")
    }
    assessments = dict(
        Bedomning.objects.filter(mal__in=in_scope, **Bedomning.period_lookup(period)).values_list(
            "mal_id", "utfall"
        )
    )
    ended = period.is_ended(today)
    results: dict[int, tuple[str, str]] = {pk: (r_i, r_o) for pk, (_, r_i, r_o) in known.items()}
    info = {pk: g for pk, (g, _, _) in known.items()} | goals
    rows = {}
    for pk in postorder(goals, children):
        goal = goals[pk]
        inputs_i, inputs_o = [], []
        deviation_i = deviation_o = False
        for ind, _, riktning, tolerans, vikt in indicators.get(pk, ()):
            value = values.get(ind)
            result = fulfilment.indicator_result(
                riktning, targets.get(ind), tolerans, value[0] if value else None
            )
            inputs_i.append(Input("indikator", result, vikt))
            public = value is None or (ended and not value[1])
            inputs_o.append(Input("indikator", result if public else SAKNAS, vikt))
            deviation_i = deviation_i or result == Utfall.EJ_UPPFYLLT
            deviation_o = deviation_o or (public and result == Utfall.EJ_UPPFYLLT)
        for child in children.get(pk, ()):
            inputs_i.append(Input("delmal", results[child][0], info[child].vikt))
            if info[child].antagen:
                inputs_o.append(Input("delmal", results[child][1], info[child].vikt))
        insider = fulfilment.suggest(goal.regel, inputs_i)
        public = insider if inputs_o == inputs_i else fulfilment.suggest(goal.regel, inputs_o)
        utfall = assessments.get(pk)
        results[pk] = (fulfilment.effective(utfall, insider), fulfilment.effective(utfall, public))
        rows[pk] = (
            insider.status,
            insider.explanation,
            results[pk][0],
            deviation_i,
            public.status,
            public.explanation,
            results[pk][1],
            deviation_o,
            not ended,
        )
    return rows


FIELDS = (
    "forslag",
    "forklaring",
    "resultat",
    "avvikelse",
    "offentligt_forslag",
    "offentlig_forklaring",
    "offentligt_resultat",
    "offentlig_avvikelse",
    "pagaende",
)
CHUNK = 2000


def _write(period: Period, rows: dict[int, tuple], where: Q) -> None:
    """Make the stored rows of the period selected by `where` what `rows` says: only the rows
    that differ are deleted and written again (a rebuild of unchanged data writes nothing)."""
    lookup = Maluppfyllelse.period_lookup(period)
    current = {
        mal_id: (pk, tuple(values))
        for mal_id, pk, *values in Maluppfyllelse.objects.filter(where, **lookup).values_list(
            "mal_id", "pk", *FIELDS
        )
    }
    stale = [pk for mal_id, (pk, values) in current.items() if rows.get(mal_id) != values]
    new = [
        Maluppfyllelse(mal_id=mal_id, **lookup, **dict(zip(FIELDS, values, strict=True)))
        for mal_id, values in rows.items()
        if mal_id not in current or current[mal_id][1] != values
    ]
    for i in range(0, len(stale), CHUNK):
        Maluppfyllelse.objects.filter(pk__in=stale[i : i + CHUNK]).delete()
    Maluppfyllelse.objects.bulk_create(new, batch_size=CHUNK)


# --- Keeping the stored roll-up in step -----------------------------------------------------------

_ABOVE_SQL = """
WITH RECURSIVE up(id) AS (
  SELECT to_mal_id FROM {table} WHERE from_mal_id IN ({ids})
  UNION
  SELECT link.to_mal_id FROM {table} link JOIN up ON link.from_mal_id = up.id
)
SELECT id FROM up
"""


def goals_above(ids: Iterable[int]) -> set[int]:
    """Every goal the goals contribute to, directly or through others: one recursive query."""
    ids = [int(pk) for pk in ids]
    if not ids:
        return set()
    sql = _ABOVE_SQL.format(
        table=connection.ops.quote_name(Link._meta.db_table), ids=", ".join(["%s"] * len(ids))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return {pk for (pk,) in cursor.fetchall()}


def refresh(goal_ids: Iterable[int], periods: Iterable[Period]) -> None:
    """Recompute the stored roll-up of the goals and every goal above them for the periods
    (those that are stored: years and tertials). Call it inside the transaction of the change,
    after the change; pass a goal's former higher goals too when its links changed."""
    if getattr(_state, "suspended", False):
        return
    periods = sorted({p for p in periods if is_stored(p)})
    goal_ids = {pk for pk in goal_ids if pk is not None}
    if not periods or not goal_ids:
        return
    with transaction.atomic():
        affected = goal_ids | goals_above(goal_ids)
        # Lock before reading: a concurrent change below the same goals waits here, and then
        # reads what the other committed.
        list(
            Mal.objects.select_for_update()
            .filter(pk__in=affected)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        today = timezone.localdate()
        for period in periods:
            _refresh_period(period, affected, today)


def _refresh_period(period: Period, affected: set[int], today: datetime.date) -> None:
    lookup = Maluppfyllelse.period_lookup(period)
    ended = period.is_ended(today)
    goals = {pk: g for pk, g in _goals(Q(pk__in=affected)).items() if g.covers(period.ar)}
    children: dict[int, list[int]] = defaultdict(list)
    known: dict[int, tuple[_Goal, str, str]] = {}
    frontier = set(goals)
    while frontier:
        links = list(
            Link.objects.filter(to_mal_id__in=frontier)
            .exclude(from_mal_id=F("to_mal_id"))
            .values_list("from_mal_id", "to_mal_id")
        )
        new = {c for c, _ in links} - goals.keys() - known.keys()
        found = {pk: g for pk, g in _goals(Q(pk__in=new)).items() if g.covers(period.ar)}
        for child, parent in links:
            if child in goals or child in known or child in found:
                children[parent].append(child)
        stored = {
            pk: (r_i, r_o, running)
            for pk, r_i, r_o, running in Maluppfyllelse.objects.filter(
                mal_id__in=found, **lookup
            ).values_list("mal_id", "resultat", "offentligt_resultat", "pagaende")
        }
        frontier = set()
        for pk, goal in found.items():
            row = stored.get(pk)
            if row is None or (row[2] and ended):
                goals[pk] = goal  # never computed, or stale: compute it here too
                frontier.add(pk)
            else:
                known[pk] = (goal, row[0], row[1])
    rows = _compute(period, Q(pk__in=goals), goals, children, known, today)
    _write(period, rows, Q(mal_id__in=affected) | Q(mal_id__in=goals))


def changed_links(mal: Mal, before: Iterable[int]) -> None:
    """After a goal's links, status, rule, weight or years changed: the goal, its former and
    present higher goals, in the periods of its former and present years."""
    refresh({mal.pk, *before}, goal_periods(mal))


# --- Rebuilding -----------------------------------------------------------------------------------


def all_periods() -> list[Period]:
    """The stored periods of every year some goal covers."""
    years = set()
    for ar, start, slut in Mal.objects.values_list(
        "budgetar__ar", "mandatperiod__start_ar", "mandatperiod__slut_ar"
    ).distinct():
        years.update([ar] if ar else range(start, slut + 1))
    return periods_of_years(years)


def rebuild_period(period: Period, today: datetime.date | None = None) -> int:
    """Recompute the stored roll-up of every goal for one period; the number of rows."""
    if not is_stored(period):
        raise ValueError(f"{period.kod}: bara år och tertial lagras.")
    today = today or timezone.localdate()
    with transaction.atomic():
        # A change that refreshes meanwhile waits to write its rows until this commits (and
        # then writes what it computed from its own change); one that committed before is read.
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(Maluppfyllelse._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        scope = _covering(period.ar)
        goals = _goals(scope)
        children: dict[int, list[int]] = defaultdict(list)
        for child, parent in (
            Link.objects.filter(from_mal__in=Mal.objects.filter(scope).values("pk"))
            .exclude(from_mal_id=F("to_mal_id"))
            .values_list("from_mal_id", "to_mal_id")
        ):
            if child in goals and parent in goals:
                children[parent].append(child)
        rows = _compute(period, scope, goals, children, {}, today)
        _write(period, rows, Q())
    return len(rows)


def rebuild(
    period: Period | None = None, say: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Recompute every stored roll-up (or one period's): what `manage.py mal_rollup` runs.
    Each period in its own transaction; rows of periods no goal covers any longer go."""
    periods = [period] if period else all_periods()
    counts = {}
    for p in periods:
        start = time.perf_counter()
        counts[p.kod] = rebuild_period(p)
        say(f"{p.kod}: {counts[p.kod]} mål på {time.perf_counter() - start:.2f} s")
    if period is None:
        keep = Q(pk__in=[])
        for p in periods:
            keep |= Q(**Maluppfyllelse.period_lookup(p))
        Maluppfyllelse.objects.exclude(keep).delete()
    return counts
