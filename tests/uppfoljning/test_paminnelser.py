"""Reminder mail about reports not yet submitted: a few days before the deadline and the day
after, to the right chefs, each once; delivered to a real SMTP server (aiosmtpd)."""

import datetime
import email
import email.policy
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from styrning.models import Handelse, Roll
from tests.factories import RollFactory, UserFactory
from tests.uppfoljning.factories import RapportFactory, RapportperiodFactory
from uppfoljning.models import Paminnelse, Rapport
from uppfoljning.tasks import skicka_paminnelser

S = Rapport.Status


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(
            (
                sorted(envelope.rcpt_tos),
                email.message_from_bytes(envelope.content, policy=email.policy.default),
            )
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.SITE_URL = "https://styrning.example"
    yield inbox
    controller.stop()


def _chef(organisation, username):
    user = UserFactory(username=username)
    RollFactory(anvandare=user, organisation=organisation, roll=Roll.Typ.CHEF)
    return user


@pytest.fixture
def idag():
    return timezone.localdate()


@pytest.fixture
def snart(org, idag):
    """A period whose deadline is in two days: reports of Solrosen (a chef of its own),
    Blåklockan (no chef: the förvaltning's chef above is told) and Hemtjänst (submitted)."""
    period = RapportperiodFactory(sista_dag=idag + datetime.timedelta(days=2))
    _chef(org["solrosen"], "sol")
    _chef(org["buf"], "buf")
    _chef(org["sof"], "sof")
    return {
        "period": period,
        "solrosen": RapportFactory(rapportperiod=period, organisation=org["solrosen"]),
        "blaklockan": RapportFactory(
            rapportperiod=period, organisation=org["blaklockan"], status=S.UTKAST
        ),
        "hemtjanst": RapportFactory(
            rapportperiod=period,
            organisation=org["hemtjanst"],
            status=S.INLAMNAD,
            inlamnad=timezone.now(),
        ),
    }


def _inbox(smtp_server):
    return sorted((to, msg["Subject"]) for to, msg in smtp_server.messages)


@pytest.mark.django_db
def test_reminder_before_the_deadline_goes_to_the_chefs_of_unsubmitted_reports(smtp_server, snart):
    sent = skicka_paminnelser.call()

    frist = f"{snart['period'].sista_dag:%Y-%m-%d}"
    namn = f"{snart['period'].rapporttyp.namn} per mars 2026"
    assert sent == 2
    assert _inbox(smtp_server) == [
        (
            ["buf@kommun.example"],
            f"Påminnelse: {namn} för Blåklockans förskola, sista dag {frist}",
        ),
        (
            ["sol@kommun.example"],
            f"Påminnelse: {namn} för Solrosens förskola, sista dag {frist}",
        ),
    ]
    body = next(
        msg.get_content() for to, msg in smtp_server.messages if to == ["sol@kommun.example"]
    )
    assert f"https://styrning.example/uppfoljning/rapporter/{snart['solrosen'].pk}/" in body
    assert f"senast {frist}" in body
    assert set(Paminnelse.objects.values_list("rapport_id", "slag")) == {
        (snart["solrosen"].pk, Paminnelse.Slag.FORE),
        (snart["blaklockan"].pk, Paminnelse.Slag.FORE),
    }
    assert Handelse.objects.filter(handling=Handelse.Handling.PAMINNELSE_SKICKAD).count() == 2


@pytest.mark.django_db
def test_a_second_run_sends_nothing(smtp_server, snart):
    first = skicka_paminnelser.call()
    second = skicka_paminnelser.call()
    assert (first, second, len(smtp_server.messages), Paminnelse.objects.count()) == (2, 0, 2, 2)


@pytest.mark.django_db
def test_reminder_the_day_after_the_deadline(smtp_server, org, idag):
    period = RapportperiodFactory(sista_dag=idag - datetime.timedelta(days=1))
    _chef(org["solrosen"], "sol")
    _chef(org["buf"], "buf")
    sen = RapportFactory(rapportperiod=period, organisation=org["solrosen"], status=S.ATERSKICKAD)
    # Submitted and approved: no reminder to the förvaltning's chef.
    RapportFactory(rapportperiod=period, organisation=org["blaklockan"], status=S.GODKAND)

    assert skicka_paminnelser.call() == 1

    ((to, msg),) = smtp_server.messages
    assert to == ["sol@kommun.example"]
    assert msg["Subject"].startswith("Försenad: ")
    assert "skulle ha lämnats in senast" in msg.get_content()
    assert list(Paminnelse.objects.values_list("rapport_id", "slag")) == [
        (sen.pk, Paminnelse.Slag.EFTER)
    ]


@pytest.mark.django_db
def test_no_reminder_far_ahead_long_after_or_for_a_closed_period(smtp_server, org, idag):
    _chef(org["solrosen"], "sol")
    for dagar in (10, -30):
        period = RapportperiodFactory(
            periodnummer=6 + (dagar > 0), sista_dag=idag + datetime.timedelta(days=dagar)
        )
        RapportFactory(rapportperiod=period, organisation=org["solrosen"])
    stangd = RapportperiodFactory(
        periodnummer=9, sista_dag=idag + datetime.timedelta(days=1), stangd=True
    )
    RapportFactory(rapportperiod=stangd, organisation=org["solrosen"])

    assert (skicka_paminnelser.call(), smtp_server.messages, Paminnelse.objects.count()) == (
        0,
        [],
        0,
    )


@pytest.mark.django_db
def test_a_report_with_no_chef_above_is_not_recorded(smtp_server, org, idag):
    period = RapportperiodFactory(sista_dag=idag + datetime.timedelta(days=1))
    RapportFactory(rapportperiod=period, organisation=org["hemtjanst"])
    assert skicka_paminnelser.call() == 0
    assert not Paminnelse.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
def test_the_command_enqueues_and_the_worker_sends(smtp_server, snart):
    out = io.StringIO()
    call_command("uppfoljning_paminnelser", stdout=out)
    assert "Påminnelserna ligger i kön" in out.getvalue()
    assert smtp_server.messages == []

    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO()
    )

    assert sorted(to for to, _ in smtp_server.messages) == [
        ["buf@kommun.example"],
        ["sol@kommun.example"],
    ]
