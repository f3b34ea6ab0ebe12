"""Reminder mail before a review falls due: enqueued, run by the database worker, delivered to
a real SMTP server (aiosmtpd) started by the test."""

import datetime
import email
import email.policy
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from dokument.models import Dokument
from dokument.tasks import send_review_reminders
from tests.factories import UserFactory


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(
            (
                envelope.rcpt_tos,
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
    yield inbox
    controller.stop()


@pytest.fixture
def due_soon(make_dokument):
    """A document whose review falls due in 20 days, with a responsible official."""
    ansvarig = UserFactory(username="lena", first_name="Lena", last_name="Nord")
    dokument = make_dokument(titel="Riktlinjer för skolskjuts", dokumentansvarig=ansvarig)
    dokument.granskning_nasta = timezone.localdate() + datetime.timedelta(days=20)
    dokument.save(update_fields=["granskning_nasta"])
    return dokument


def _run_worker():
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO()
    )


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
def test_worker_sends_reminder_to_the_responsible_official(smtp_server, due_soon):
    call_command("dokument_paminnelser", stdout=io.StringIO())

    _run_worker()

    assert [(to, msg["Subject"]) for to, msg in smtp_server.messages] == [
        (
            ["lena@kommun.example"],
            f"Aktualitetsprövning senast {due_soon.granskning_nasta}: Riktlinjer för skolskjuts",
        )
    ]
    body = smtp_server.messages[0][1].get_content()
    assert f"/dokument/{due_soon.pk}/" in body


def test_reminder_is_sent_once_per_due_date(smtp_server, due_soon):
    first = send_review_reminders.call()
    second = send_review_reminders.call()

    due_soon.refresh_from_db()
    assert (first, second, len(smtp_server.messages)) == (1, 0, 1)
    assert due_soon.paminnelse_skickad_for == due_soon.granskning_nasta


def test_no_reminder_far_ahead_or_when_the_official_has_left(smtp_server, make_dokument):
    far = make_dokument(titel="Långt fram", dokumentansvarig=UserFactory(username="per"))
    far.granskning_nasta = timezone.localdate() + datetime.timedelta(days=200)
    far.save(update_fields=["granskning_nasta"])
    gone = make_dokument(
        titel="Har slutat", dokumentansvarig=UserFactory(username="goran", is_active=False)
    )
    gone.granskning_nasta = timezone.localdate() + datetime.timedelta(days=5)
    gone.save(update_fields=["granskning_nasta"])

    sent = send_review_reminders.call()

    assert (sent, smtp_server.messages, Dokument.objects.filter(
        paminnelse_skickad_for__isnull=False
    ).count()) == (0, [], 0)  # fmt: skip
