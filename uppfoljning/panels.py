"""The follow-up's panel on the personal start page: "Dina rapporter", the open reports of
the organisations the person reports for, nearest deadline first."""

import datetime

from django.utils import timezone

from styrning import permissions
from uppfoljning.arbetsflode import ar_sen
from uppfoljning.models import Rapport

VISADE = 10
# Open reports of periods whose deadline passed longer ago than this are the controller's
# business (the status board), not the start page's.
DAGAR_BAKAT = 365


def rapport_panel(request) -> dict | None:
    """Open reports (not started, draft, sent back) the person may write, at most `VISADE`,
    with the deadline and whether it is late; a controller gets the links to the calendar
    and the status board instead of every report of the municipality."""
    user = request.user
    if permissions.is_controller(user):
        return {"template": "uppfoljning/status/_panel.html", "controller": True}
    ids = permissions.reporter_ids(user)
    if not ids:
        return None
    today = timezone.localdate()
    oppna = (
        Rapport.objects.filter(
            organisation_id__in=ids,
            status__in=Rapport.OPPNA,
            rapportperiod__stangd=False,
            rapportperiod__sista_dag__gte=today - datetime.timedelta(days=DAGAR_BAKAT),
        )
        .select_related("organisation", "rapportperiod__rapporttyp")
        .order_by("rapportperiod__sista_dag", "organisation__ordning", "organisation__namn", "pk")
    )
    visade = list(oppna[:VISADE])
    return {
        "template": "uppfoljning/status/_panel.html",
        "controller": False,
        "rader": [{"rapport": r, "sen": ar_sen(r, today)} for r in visade],
        "antal": oppna.count(),
    }
