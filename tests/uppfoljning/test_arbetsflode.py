"""The report's workflow (uppfoljning.arbetsflode): the panel, submitting and freezing, sending
back, approving, reopening, the action-plan rule, the concurrency refusal and the views'
permissions."""

import datetime

import pytest
from django.template.loader import render_to_string

from tests.uppfoljning.factories import RapportFactory, RapportperiodFactory
from uppfoljning import arbetsflode
from uppfoljning.models import Rapport


@pytest.fixture
def rapport(org):
    """Solrosen's report for March 2026 (last day 10 April 2026)."""
    return RapportFactory(
        organisation=org["solrosen"],
        rapportperiod=RapportperiodFactory(sista_dag=datetime.date(2026, 4, 10)),
        status=Rapport.Status.UTKAST,
    )


def test_panel_offers_the_chef_to_submit_and_nothing_else(rapport, chef_solrosen):
    panel = arbetsflode.panel(rapport, chef_solrosen, today=datetime.date(2026, 4, 1))

    assert (
        panel["can_submit"],
        panel["can_send_back"],
        panel["can_approve"],
        panel["can_reopen"],
    ) == (True, False, False, False)
    assert panel["status_text"] == "Utkast"
    assert panel["forsenad"] is False
    assert list(panel["forms"]) == ["lamna_in"]


def test_panel_marks_an_open_report_late_after_the_last_day(rapport, chef_solrosen):
    panel = arbetsflode.panel(rapport, chef_solrosen, today=datetime.date(2026, 4, 11))

    assert panel["forsenad"] is True


def test_panel_renders_status_as_text_and_the_submit_form(rapport, chef_solrosen):
    html = render_to_string(
        "uppfoljning/arbetsflode/_panel.html",
        {"arbetsflode": arbetsflode.panel(rapport, chef_solrosen)},
    )

    assert "<strong>Utkast</strong>" in html
    assert f'action="/uppfoljning/rapporter/{rapport.pk}/lamna-in/"' in html
    assert "Lämna in rapporten" in html
