"""The goals resting on a governing document, on the document's page: a section that mal
registers with dokument (dokument.sections), with mal's own visibility rule."""

import pytest
from django.urls import reverse

from mal.models import Mal
from tests.dokument.factories import DokumentFactory, published
from tests.mal.factories import MalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(org, period):
    """A draft goal of Solrosen: only those who read Solrosen's internal material see it."""
    return MalFactory(
        agare=org["solrosen"],
        titel="Utkast till enhetsmål",
        status=Mal.Status.UTKAST,
        mandatperiod=period,
    )


@pytest.fixture
def policy(org, chain, draft):
    """A published policy of BUN with BUN's adopted goal and Solrosen's draft resting on it;
    the other goals of the chain rest on nothing."""
    policy = DokumentFactory(agare=org["bun"])
    published(policy, titel="Policy för trygghet")
    chain["bun"].dokument.add(policy)
    draft.dokument.add(policy)
    return policy


def _goals(response) -> list:
    (section,) = [
        s for s in response.context["sections"] if s["template"] == "mal/_dokument_section.html"
    ]
    return section["mal"]


def test_document_page_lists_the_adopted_goals_resting_on_it_to_everyone(client, policy, chain):
    response = client.get(reverse("dokument:detalj", args=[policy.pk]))

    html = response.content.decode()
    assert _goals(response) == [chain["bun"]]
    assert "Mål som vilar på dokumentet" in html
    assert f'<a href="{chain["bun"].get_absolute_url()}">{chain["bun"]}</a>' in html
    assert "Utkast till enhetsmål" not in html


@pytest.mark.parametrize(
    ("who", "sees_draft"),
    # A politician of BUN reads BUN's own drafts, not a unit's below it (issue 8).
    [("fortroendevald_bun", False), ("sekreterare_bun", True), ("sekreterare_sn", False)],
)
def test_a_draft_goal_is_listed_only_for_staff_who_read_its_owner(
    client, request, policy, chain, draft, who, sees_draft
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("dokument:detalj", args=[policy.pk]))

    expected = [chain["bun"], draft] if sees_draft else [chain["bun"]]
    assert _goals(response) == expected
    assert ("Utkast till enhetsmål" in response.content.decode()) is sees_draft


def test_document_without_goals_says_so(client, org):
    dokument = DokumentFactory(agare=org["bun"])
    published(dokument, titel="Riktlinje utan mål")

    response = client.get(reverse("dokument:detalj", args=[dokument.pk]))

    assert _goals(response) == []
    assert "Inga mål hänvisar till dokumentet." in response.content.decode()


def test_the_goal_form_offers_no_withdrawn_registration(client, org, chain, sekreterare_bun):
    from dokument.services import makulera_dokument
    from tests.dokument.factories import DokumentversionFactory

    kept, withdrawn, linked = (
        DokumentversionFactory(dokument__agare=org["bun"], titel=titel).dokument
        for titel in ("Plan som står kvar", "Plan som makuleras", "Plan som målet vilar på")
    )
    chain["bun"].dokument.add(linked)
    for dokument in (withdrawn, linked):
        makulera_dokument(user=sekreterare_bun, dokument=dokument, orsak="Registrerad två gånger")
    client.force_login(sekreterare_bun)

    new = client.get(reverse("mal:nytt")).context["form"].fields["dokument"].queryset
    edit = client.get(reverse("mal:andra", args=[chain["bun"].pk]))

    assert kept in new and withdrawn not in new and linked not in new
    offered = edit.context["form"].fields["dokument"].queryset
    assert kept in offered and withdrawn not in offered and linked in offered
