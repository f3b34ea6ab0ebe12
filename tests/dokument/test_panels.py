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


def test_start_page_panel_counts_in_the_database_at_any_size(
    client, make_dokument, typer, org, sekreterare_bun, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.dokument.test_query_counts import _bulk_published

    make_dokument(titel="Försenad", beslutsdatum=datetime.date(2020, 1, 1))
    client.force_login(sekreterare_bun)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("min_sida"))
    _bulk_published(400, typer["Riktlinje"], org["bun"])  # review date 2020-01-01: overdue

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("min_sida"))

    [panel] = [p for p in response.context["panels"] if p["template"] == "dokument/_panel.html"]
    assert panel["forsenade"] == 401
