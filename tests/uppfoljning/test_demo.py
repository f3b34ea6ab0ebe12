"""The follow-up's demo data: what the issue promises is there after `manage.py demo`, and a
second run adds nothing. The demo is loaded once for the module (a minute on a loaded machine)
inside a transaction that is rolled back when the module's tests are done."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum

from mal.demo import load_mal
from styrning.demo import load_organisation
from styrning.models import Organisation
from styrning.queries import organisation_tree
from uppfoljning.demo import load_uppfoljning
from uppfoljning.models import (
    Ekonomirad,
    Rapport,
    Rapporteringsval,
    Rapportperiod,
    Rapportversion,
)


def _quiet(_):
    return None


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_organisation(_quiet)
        load_mal(_quiet)
        load_uppfoljning(_quiet)
        yield
        transaction.set_rollback(True)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Rapportperiod, Rapport, Rapportversion, Ekonomirad, Rapporteringsval)
    }


def test_demo_has_the_periods_of_2024_to_2026_with_deadlines(demo, db):
    months = Rapportperiod.objects.filter(rapporttyp__kod="manad")

    by_year = {ar: months.filter(ar=ar).count() for ar in (2024, 2025, 2026)}
    november = months.get(ar=2026, periodnummer=11)

    assert by_year == {2024: 9, 2025: 9, 2026: 9}
    assert november.sista_dag == datetime.date(2026, 12, 10)
    assert Rapportperiod.objects.filter(sista_dag__isnull=True).count() == 0
    assert list(
        Rapportperiod.objects.filter(rapporttyp__kod="arsredovisning").values_list("ar", flat=True)
    ) == [2025, 2024]
    assert sorted(
        Rapporteringsval.objects.filter(ar=2026).values_list("organisation__kod", flat=True)
    ) == ["BUF", "SOF"]


def _net(kod: str, ar: int, field: str, months: int = 12) -> Decimal:
    tree = organisation_tree()
    ids = tree.descendant_ids(Organisation.objects.get(kod=kod).pk)
    return Ekonomirad.objects.filter(organisation_id__in=ids, ar=ar, manad__lte=months).aggregate(
        s=Sum(field)
    )["s"]


def test_demo_economy_has_municipal_magnitudes_and_a_deficit_in_2026(demo, db):
    buf_budget = _net("BUF", 2025, "budget")
    unit_budget = _net("BUF-FSK-01", 2025, "budget")
    sof_ahead = _net("SOF", 2026, "utfall", 11) - _net("SOF", 2026, "budget", 11)
    buf_ahead = _net("BUF", 2026, "utfall", 11) - _net("BUF", 2026, "budget", 11)
    july = Ekonomirad.objects.filter(
        organisation__kod="BUF-FSK-01", ar=2025, kontogrupp="Personalkostnader"
    )

    assert 500_000_000 < buf_budget < 1_500_000_000
    assert 5_000_000 < unit_budget < 30_000_000
    assert sof_ahead > Decimal("0.01") * _net("SOF", 2026, "budget", 11)
    assert buf_ahead < 0
    assert july.get(manad=7).utfall < Decimal("0.8") * july.get(manad=6).utfall
    assert Ekonomirad.objects.filter(ar=2026, manad=12).exclude(utfall=0).count() == 0


def test_demo_second_run_adds_nothing(demo, db):
    first = _counts()

    load_uppfoljning(_quiet)

    assert _counts() == first
