"""The audit trail of the goal chain: links and changes of adopted goals are kept."""

import pytest

from mal import services
from tests.mal.factories import MalFactory

pytestmark = pytest.mark.django_db


def _links(record) -> list[int]:
    return sorted(row.to_mal_id for row in record.overordnade.all())


def test_relinking_an_adopted_goal_leaves_a_history_record_of_its_links(
    chain, org, period, controller
):
    other_kf = MalFactory(agare=org["kf"], titel="Ett annat KF-mål", mandatperiod=period)

    services.set_overordnade(mal=chain["bun"], overordnade=[other_kf], user=controller)

    records = list(chain["bun"].history.all())
    assert [_links(r) for r in records] == [[other_kf.pk], [], [chain["kf"].pk], []]
    assert (records[0].history_type, records[0].history_user) == ("~", controller)


def test_documents_a_goal_rests_on_are_in_its_history(chain, org, controller):
    from tests.dokument.factories import DokumentFactory

    policy = DokumentFactory(agare=org["bun"])

    services.spara_mal(
        mal=chain["bun"], overordnade=[chain["kf"]], dokument=[policy], user=controller
    )

    latest = chain["bun"].history.first()
    assert [row.dokument_id for row in latest.dokument.all()] == [policy.pk]
