"""The audit trail of the goal chain: links and changes of adopted goals are kept, and the acts
on a goal are in its history."""

import pytest

from mal import services
from styrning import locking
from tests.mal.factories import MalFactory

pytestmark = pytest.mark.django_db


def _links(record) -> list[int]:
    return sorted(row.to_mal_id for row in record.overordnade.all())


def test_relinking_an_adopted_goal_leaves_a_history_record_of_its_links(
    chain, org, period, controller
):
    other_kf = MalFactory(agare=org["kf"], titel="Ett annat KF-mål", mandatperiod=period)

    services.spara_mal(mal=chain["bun"], overordnade=[other_kf], dokument=[], user=controller)

    records = list(chain["bun"].history.all())
    assert [_links(r) for r in records] == [
        [other_kf.pk],
        [],
        [chain["kf"].pk],
        [chain["kf"].pk],
        [],
    ]
    assert (records[0].history_type, records[0].history_user) == ("~", controller)


def test_documents_a_goal_rests_on_are_in_its_history(chain, org, controller):
    from tests.dokument.factories import DokumentFactory

    policy = DokumentFactory(agare=org["bun"])

    services.spara_mal(
        mal=chain["bun"], overordnade=[chain["kf"]], dokument=[policy], user=controller
    )

    latest = chain["bun"].history.first()
    assert [row.dokument_id for row in latest.dokument.all()] == [policy.pk]


def test_adopted_goal_is_not_turned_back_into_a_draft(chain, controller):
    from django.core.exceptions import ValidationError

    from mal.models import Mal

    goal = Mal.objects.get(pk=chain["bun"].pk)
    goal.status = Mal.Status.UTKAST
    goal.titel = "Nytt namn"

    with pytest.raises(ValidationError) as exc:
        services.spara_mal(mal=goal, overordnade=[chain["kf"]], dokument=[], user=controller)

    assert exc.value.message_dict == {
        "status": [
            "Målet är antaget och kan inte göras till ett utkast igen. Ändra det antagna "
            "målet, eller lägg till ett nytt utkast."
        ]
    }
    assert list(Mal.objects.filter(pk=goal.pk).values_list("status", "titel")) == [
        ("antaget", chain["bun"].titel)
    ]


def test_goal_form_refuses_adopted_to_draft_by_the_status_field(
    client, chain, org, period, sekreterare_bun
):
    from django.urls import reverse

    client.force_login(sekreterare_bun)
    data = {
        "titel": chain["bun"].titel,
        "agare": org["bun"].pk,
        "typ": "namndmal",
        "status": "utkast",
        "mandatperiod": period.pk,
        "regel": "alla",
        "vikt": "1",
        "ordning": "0",
        "overordnade": [chain["kf"].pk],
        "andringsmarke": locking.token(chain["bun"]),
    }

    response = client.post(reverse("mal:andra", args=[chain["bun"].pk]), data)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["status"]
    chain["bun"].refresh_from_db()
    assert chain["bun"].status == "antaget"


def test_goal_page_shows_change_history_to_staff_only(client, chain, org, period, controller):
    other_kf = MalFactory(agare=org["kf"], titel="Ett annat KF-mål", mandatperiod=period)
    goal = chain["bun"]
    goal.titel = "Fler elever klarar kraven i alla ämnen"
    services.spara_mal(mal=goal, overordnade=[other_kf], dokument=[], user=controller)

    public = client.get(goal.get_absolute_url())
    client.force_login(controller)
    staff = client.get(goal.get_absolute_url())

    rows = staff.context["historik"]
    assert public.context["historik"] is None
    assert "Ändringshistorik" not in public.content.decode()
    assert [(r.vad, r.vem, r.falt) for r in rows] == [
        ("Mål sparat", str(controller), []),
        ("Ändrad", str(controller), ["Bidrar till"]),
        ("Ändrad", str(controller), ["Bidrar till"]),
        ("Ändrad", str(controller), ["Titel"]),
        ("Ändrad", "Systemet", ["Bidrar till"]),
        ("Skapad", "Systemet", []),
    ]
