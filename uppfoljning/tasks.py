"""Background work of the follow-up (Django's tasks framework, run by `manage.py db_worker`).

`manage.py uppfoljning_paminnelser` (daily, e.g. from cron or a systemd timer) enqueues
`skicka_paminnelser`; the worker mails the chefs of the reports not yet submitted: a few days
before the deadline and the day after it. Each reminder (report, kind of reminder) is sent
once: a `Paminnelse` row (unique) records it in the same transaction as the act's log entry.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from styrning.actionlog import Handling, log_action
from styrning.models import Roll
from styrning.queries import OrganisationTree, organisation_tree
from uppfoljning.models import Paminnelse, Rapport

# Days before the deadline the first reminder goes out.
DAGAR_FORE = 3
# A reminder missed (the task did not run that day) is still sent this many days late.
DAGAR_EFTERSLAP = 7


def _chefer_per_organisation() -> dict[int, list]:
    """Active chefs with an e-mail address, by the organisation of their role (one query)."""
    chefer: dict[int, list] = {}
    for roll in (
        Roll.objects.filter(roll=Roll.Typ.CHEF, anvandare__is_active=True)
        .exclude(anvandare__email="")
        .select_related("anvandare")
        .order_by("anvandare__username")
    ):
        chefer.setdefault(roll.organisation_id, []).append(roll.anvandare)
    return chefer


def mottagare(organisation_id: int, chefer: dict[int, list], tree: OrganisationTree) -> list:
    """The chefs of the organisation, else those of the nearest organisation above with one."""
    if chefer.get(organisation_id):
        return chefer[organisation_id]
    for overordnad in reversed(tree.ancestors(organisation_id)):
        if chefer.get(overordnad.pk):
            return chefer[overordnad.pk]
    return []


def _att_paminna(slag: str, today: datetime.date):
    if slag == Paminnelse.Slag.FORE:
        fran, till = today, today + datetime.timedelta(days=DAGAR_FORE)
    else:
        fran = today - datetime.timedelta(days=DAGAR_EFTERSLAP)
        till = today - datetime.timedelta(days=1)
    return (
        Rapport.objects.filter(
            status__in=Rapport.OPPNA,
            rapportperiod__stangd=False,
            rapportperiod__sista_dag__gte=fran,
            rapportperiod__sista_dag__lte=till,
        )
        .exclude(paminnelser__slag=slag)
        .select_related("organisation", "rapportperiod__rapporttyp")
        .order_by("rapportperiod__sista_dag", "pk")
    )


def _meddelande(rapport: Rapport, slag: str, till: list) -> EmailMessage:
    rp = rapport.rapportperiod
    namn = f"{rp.rapporttyp.namn} {rp.period.ackumulerad_label}"
    url = settings.SITE_URL.rstrip("/") + rapport.get_absolute_url()
    sista = f"{rp.sista_dag:%Y-%m-%d}"
    if slag == Paminnelse.Slag.FORE:
        subject = f"Påminnelse: {namn} för {rapport.organisation}, sista dag {sista}"
        forsta = (
            f"{namn} för {rapport.organisation} ska lämnas in senast {sista}. "
            f"Rapporten är inte inlämnad än (status: {rapport.get_status_display().lower()})."
        )
    else:
        subject = f"Försenad: {namn} för {rapport.organisation} (sista dag var {sista})"
        forsta = (
            f"{namn} för {rapport.organisation} skulle ha lämnats in senast {sista} och är "
            f"inte inlämnad (status: {rapport.get_status_display().lower()}). Lämna in den så "
            "snart du kan, eller kontakta din controller."
        )
    return EmailMessage(
        subject=subject,
        body=(
            f"Hej,\n\n{forsta}\n\nRapporten: {url}\n\n"
            "Du får det här brevet eftersom du är chef för organisationen eller för den "
            f"organisation den hör till.\n\nHälsningar\n{settings.KOMMUN_NAMN}"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email for user in till],
    )


def skicka(today: datetime.date) -> int:
    """Send the reminders due on `today`; the number of mails sent."""
    chefer = _chefer_per_organisation()
    tree = organisation_tree()
    skickade = 0
    for slag in (Paminnelse.Slag.FORE, Paminnelse.Slag.EFTER):
        for rapport in _att_paminna(slag, today):
            till = mottagare(rapport.organisation_id, chefer, tree)
            if not till:
                continue  # nobody to tell yet: tried again when a chef is named
            try:
                with transaction.atomic():
                    Paminnelse.objects.create(
                        rapport=rapport,
                        slag=slag,
                        skickad=timezone.now(),
                        mottagare=[user.email for user in till],
                    )
                    log_action(
                        user=None,
                        handling=Handling.PAMINNELSE_SKICKAD,
                        objekt=rapport,
                        organisation=rapport.organisation_id,
                        data={"slag": slag, "mottagare": [user.pk for user in till]},
                    )
                    # Sent last: a failed delivery rolls the record back, so it is tried again.
                    _meddelande(rapport, slag, till).send()
            except IntegrityError:
                continue  # a concurrent run recorded it first
            skickade += 1
    return skickade


@task()
def skicka_paminnelser() -> int:
    """Mail the chefs of the reports not yet submitted, a few days before the deadline and
    the day after it, each reminder once. Returns the number of mails sent."""
    return skicka(timezone.localdate())
