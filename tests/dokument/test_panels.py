"""The start-page panel for those who handle documents."""

import datetime

from django.urls import reverse


def test_secretary_sees_review_counts_on_the_start_page(client, make_dokument, sekreterare_bun):
    make_dokument(titel="Försenad", beslutsdatum=datetime.date(2020, 1, 1))
    client.force_login(sekreterare_bun)

    response = client.get(reverse("min_sida"))

    panels = [p for p in response.context["panels"] if p["template"] == "dokument/_panel.html"]
    assert [(p["forsenade"], p["snart"], p["flaggade"], p["ansvarig_slutat"]) for p in panels] == [
        (1, 0, 0, 0)
    ]
    assert "1 försenade aktualitetsprövningar" in response.content.decode()


def test_people_without_document_roles_get_no_panel(client, make_dokument, chef_solrosen):
    client.force_login(chef_solrosen)

    response = client.get(reverse("min_sida"))

    assert [p for p in response.context["panels"] if p["template"] == "dokument/_panel.html"] == []
