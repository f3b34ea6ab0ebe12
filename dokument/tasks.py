"""Background work of the dokument app (Django's tasks framework, run by `manage.py db_worker`).

`manage.py dokument_paminnelser` (daily, e.g. from cron or a systemd timer) enqueues
`send_review_reminders`; the worker sends the mail. Publishing a version enqueues
`render_version_pdf`; the worker renders the PDF and stores it on the version.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from dokument.models import Dokument
from dokument.pdf import store_version_pdf


def _documents_to_remind(today: datetime.date):
    limit = today + datetime.timedelta(days=settings.DOKUMENT_PAMINNELSE_DAGAR)
    from dokument.queries import with_current_version

    return (
        with_current_version(Dokument.objects.all())
        .filter(
            status=Dokument.Status.GALLANDE,
            granskning_nasta__isnull=False,
            granskning_nasta__gte=today,
            granskning_nasta__lte=limit,
            aktuell__dokumentansvarig__is_active=True,
        )
        .exclude(aktuell__dokumentansvarig__email="")
        # An expired document is no longer in force: it owes no review.
        .exclude(aktuell__giltig_till__lt=today)
        .select_for_update(of=("self",))
        .order_by("pk")
    )


@task()
def send_review_reminders() -> int:
    """Mail each responsible official about the documents whose review falls due soon, once
    per due date. Returns the number of documents reminded about."""
    today = timezone.localdate()
    count = 0
    with transaction.atomic():
        for dokument in _documents_to_remind(today):
            if dokument.paminnelse_skickad_for == dokument.granskning_nasta:
                continue
            version = dokument.aktuell_version
            ansvarig = version.dokumentansvarig
            url = settings.SITE_URL.rstrip("/") + dokument.get_absolute_url()
            EmailMessage(
                subject=f"Aktualitetsprövning senast {dokument.granskning_nasta}: {version.titel}",
                body=(
                    f"Hej {str(ansvarig)},\n\n"
                    f"Du är dokumentansvarig för {dokument.typ.namn.lower()}en "
                    f"”{version.titel}” ({dokument.agare}). Dokumentet ska prövas senast "
                    f"{dokument.granskning_nasta:%Y-%m-%d}: är det fortfarande aktuellt, "
                    "ska det revideras eller upphävas?\n\n"
                    f"Dokumentet: {url}\n\n"
                    f"Hälsningar\n{settings.KOMMUN_NAMN}"
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[ansvarig.email],
            ).send()
            dokument.paminnelse_skickad_for = dokument.granskning_nasta
            dokument.save(update_fields=["paminnelse_skickad_for"])
            count += 1
    return count


@task()
def render_version_pdf(version_id: int) -> bool:
    """Render a published version's PDF and store it (enqueued on publication). Idempotent:
    a version whose PDF is stored is left as it is. Returns whether a PDF was stored."""
    return store_version_pdf(version_id)
