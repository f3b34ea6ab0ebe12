"""Fixtures of the goal chain: a small chain on the shared test municipality.

KF goal (mandatperiod 2023–2026) ← BUN goal ← Solrosen's goal, each with one indicator.
"""

from decimal import Decimal

import pytest

from mal.models import Indikator
from tests.factories import MandatperiodFactory
from tests.mal.factories import IndikatorFactory, MalFactory, MalvardeFactory


@pytest.fixture
def period(db):
    return MandatperiodFactory(start_ar=2023, slut_ar=2026)


@pytest.fixture
def chain(org, period):
    kf_mal = MalFactory(agare=org["kf"], titel="Alla barn ska nå målen", mandatperiod=period)
    bun_mal = MalFactory(agare=org["bun"], titel="Fler elever klarar kraven", mandatperiod=period)
    bun_mal.overordnade.add(kf_mal)
    sol_mal = MalFactory(
        agare=org["solrosen"], titel="Barnen känner sig trygga", mandatperiod=period
    )
    sol_mal.overordnade.add(bun_mal)
    ind = IndikatorFactory(
        mal=sol_mal,
        namn="Trygga barn",
        enhet="%",
        riktning=Indikator.Riktning.HOGRE,
        konsuppdelad=True,
    )
    MalvardeFactory(indikator=ind, ar=2025, varde=Decimal(90))
    return {"kf": kf_mal, "bun": bun_mal, "solrosen": sol_mal, "indikator": ind}
