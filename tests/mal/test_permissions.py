import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from mal.models import Mal
from mal.queries import load_chain, mal_for_user
from styrning import permissions
from styrning.models import Roll
from styrning.periods import Period
from tests.factories import RollFactory
from tests.mal.factories import MalFactory, VardeFactory


def test_goal_editors_are_secretaries_chefs_and_controllers_of_their_subtree(
    org, sekreterare_bun, chef_solrosen, controller, fortroendevald_bun
):
    assert permissions.can_edit_goals(sekreterare_bun, org["bun"].pk) is True
    assert permissions.can_edit_goals(sekreterare_bun, org["kf"].pk) is False
    assert permissions.can_edit_goals(chef_solrosen, org["solrosen"].pk) is True
    assert permissions.can_edit_goals(chef_solrosen, org["bun"].pk) is False
    assert permissions.can_edit_goals(controller, org["kf"].pk) is True
    assert permissions.goal_editor_ids(fortroendevald_bun) == frozenset()


# --- Who sees draft goals (issue 8) ------------------------------------------------------------

DRAFT_TITLE = "Utkast till nämndmål om läsfrämjande"


@pytest.fixture
def fortroendevald_kf(org):
    return RollFactory(organisation=org["kf"], roll=Roll.Typ.FORTROENDEVALD).anvandare


@pytest.fixture
def chef_hemtjanst(org):
    return RollFactory(organisation=org["hemtjanst"], roll=Roll.Typ.CHEF).anvandare


@pytest.fixture
def draft(org, period):
    """A draft goal of BUN: BUN is to decide it."""
    return MalFactory(
        agare=org["bun"], titel=DRAFT_TITLE, status=Mal.Status.UTKAST, mandatperiod=period
    )


def _login(client, request, actor):
    if actor != "anonymous":
        client.force_login(request.getfixturevalue(actor))


@pytest.mark.parametrize(
    "actor", ["sekreterare_bun", "fortroendevald_bun", "controller", "administrator"]
)
def test_draft_goal_is_read_by_its_body_and_those_who_handle_it(client, request, draft, actor):
    _login(client, request, actor)

    response = client.get(reverse("mal:detalj", args=[draft.pk]))

    assert response.status_code == 200
    assert DRAFT_TITLE in response.content.decode()


@pytest.mark.parametrize(
    "actor",
    [
        "fortroendevald_kf",
        "chef_solrosen",
        "chef_hemtjanst",
        "sekreterare_sn",
        "utomstaende",
        "anonymous",
    ],
)
def test_draft_goal_is_not_found_by_others(client, request, draft, actor):
    _login(client, request, actor)

    response = client.get(reverse("mal:detalj", args=[draft.pk]))

    assert response.status_code == 404


def test_kf_politician_does_not_find_drafts_below_kf_in_the_tree(
    client, chain, draft, fortroendevald_kf
):
    client.force_login(fortroendevald_kf)

    response = client.get(reverse("mal:trad"), {"period": "2025"})

    assert response.status_code == 200
    assert DRAFT_TITLE not in response.content.decode()
    assert set(mal_for_user(fortroendevald_kf).values_list("pk", flat=True)) == {
        goal.pk for goal in (chain["kf"], chain["bun"], chain["solrosen"])
    }


def test_kf_politician_reads_kfs_own_draft(org, period, fortroendevald_kf):
    kf_draft = MalFactory(agare=org["kf"], status=Mal.Status.UTKAST, mandatperiod=period)

    assert mal_for_user(fortroendevald_kf).filter(pk=kf_draft.pk).exists() is True


def test_bun_politician_does_not_read_the_forvaltnings_drafts(org, period, fortroendevald_bun):
    buf_draft = MalFactory(agare=org["buf"], status=Mal.Status.UTKAST, mandatperiod=period)

    assert mal_for_user(fortroendevald_bun).filter(pk=buf_draft.pk).exists() is False


def test_politician_may_read_but_not_change_the_bodys_draft(client, draft, fortroendevald_bun):
    client.force_login(fortroendevald_bun)

    response = client.get(reverse("mal:andra", args=[draft.pk]))

    assert response.status_code == 403


def test_preliminary_values_of_a_unit_are_not_for_the_kf_politician(
    chain, fortroendevald_kf, chef_solrosen
):
    """Preliminary values are a unit's internal material, like its drafts."""
    VardeFactory(indikator=chain["indikator"], ar=2025, totalt=Decimal(95), preliminar=True)
    year = Period.year(2025)
    today = datetime.date(2026, 3, 1)

    def shown(user):
        result = load_chain(user, [year], today=today).rollup(year)[chain["solrosen"].pk]
        value = result.indicators[0].value
        return value.totalt if value else None

    assert shown(chef_solrosen) == Decimal(95)
    assert shown(fortroendevald_kf) is None
