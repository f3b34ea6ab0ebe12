"""Background work of the subscriptions (Django's tasks framework, run by `manage.py db_worker`).

- `skicka_bekraftelse`: the confirmation mail of a new subscription, enqueued when it commits.
- `skicka_prenumerationer`: fill the outbox (direct mails, digests of complete windows) and send
  it. `manage.py insyn_prenumerationer` enqueues it; run that every few minutes (cron, a
  systemd timer). When the mail server is down the task fails, the unsent rows stay in the
  outbox and the task puts itself in the queue again a few minutes later.
- `rensa_prenumerationer`: delete subscriptions never confirmed within a week
  (`manage.py insyn_rensa`, daily).
"""

import datetime

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from insyn import prenumeration as tjanst
from insyn.models import Prenumeration

# How long a failed send waits before the task tries again.
NYTT_FORSOK = datetime.timedelta(minutes=5)


class SmtpFel(Exception):
    """The mail server did not accept a mail; the outbox keeps it for the next run."""


@task()
def skicka_bekraftelse(prenumeration_id: int) -> bool:
    """Mail the confirmation link of an unconfirmed subscription (gone or confirmed: nothing).
    A mail server that is down makes the task put itself in the queue again a few minutes later,
    as long as the subscription waits for its confirmation (the weekly purge ends it)."""
    from insyn.mail import bekraftelse_meddelande

    prenumeration = Prenumeration.objects.filter(
        pk=prenumeration_id, bekraftad__isnull=True
    ).first()
    if prenumeration is None or not prenumeration.bekraftelse_nyckel:
        return False
    try:
        bekraftelse_meddelande(prenumeration).send()
    except OSError as error:  # smtplib's errors and a refused connection are OSErrors
        skicka_bekraftelse.using(run_after=timezone.now() + NYTT_FORSOK).enqueue(prenumeration_id)
        raise SmtpFel(f"Bekräftelsen kunde inte skickas, nytt försök senare: {error}") from error
    return True


def send_direct_mails_after(handelse) -> None:
    """A public act the subscriptions count, when someone subscribes directly: queue the sending
    for when the act's transaction commits (the scheduled run sends the digests)."""
    from insyn.handelser import RAKNADE

    if handelse.handling in RAKNADE and _confirmed_direct().exists():
        transaction.on_commit(skicka_prenumerationer.enqueue)


def _confirmed_direct():
    return Prenumeration.objects.filter(
        frekvens=Prenumeration.Frekvens.DIREKT, bekraftad__isnull=False
    )


def kor(nu: datetime.datetime | None = None) -> tjanst.Resultat:
    """Fill the outbox and send it; raise SmtpFel (after enqueuing a later retry) when the
    server refused or was down."""
    tjanst.forbered(nu)
    resultat = tjanst.skicka()
    if resultat.fel:
        skicka_prenumerationer.using(run_after=timezone.now() + NYTT_FORSOK).enqueue()
        raise SmtpFel(
            f"{resultat.skickade} brev skickade, {tjanst.ej_skickade()} kvar: {resultat.fel}"
        )
    return resultat


@task()
def skicka_prenumerationer() -> int:
    """Send what the subscriptions have due; the number of mails sent."""
    return kor().skickade


@task()
def rensa_prenumerationer() -> int:
    """Delete the subscriptions not confirmed within a week; how many."""
    return tjanst.rensa_obekraftade()
