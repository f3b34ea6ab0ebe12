"""The follow-up on the personal start page: "Dina rapporter", the open reports of the
organisations the person reports for, nearest deadline first; and after a chef's line under
"Det här kan du göra", the unit's reports to write now (or when the next one opens)."""

import datetime

from django.db.models import Q
from django.utils import timezone

from styrning import permissions
from styrning.models import Roll
from uppfoljning.arbetsflode import ar_sen
from uppfoljning.models import Rapport

VISADE = 10
# Open reports of periods whose deadline passed longer ago than this are the controller's
# business (the status board), not the start page's.
DAGAR_BAKAT = 365
# At most this many open reports of a chef's organisations are read for the chef's line: those
# of ended periods and the next ones of each organisation (a year's calendar is some twenty).
LASTA = 60


def _oppna(ids, today: datetime.date):
    """Open reports of the organisations that still take a submission (the period open, or
    submitted before: a report sent back), deadline at most `DAGAR_BAKAT` days ago."""
    return Rapport.objects.filter(
        Q(rapportperiod__stangd=False) | Q(inlamnad__isnull=False),
        organisation_id__in=ids,
        status__in=Rapport.OPPNA,
        rapportperiod__sista_dag__gte=today - datetime.timedelta(days=DAGAR_BAKAT),
    )


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
        _oppna(ids, today)
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


def rapporter_att_skriva(request, roles: list) -> dict[int, dict]:
    """For each of the person's chef roles, the reports of the role's own organisation to
    write now: those of a period that has ended, with the deadline and whether it is late;
    when there is none, the next report and the day it opens (the day after its period ends).
    One query for all the roles."""
    chef_roles = [role for role in roles if role.roll == Roll.Typ.CHEF]
    if not chef_roles:
        return {}
    today = timezone.localdate()
    rapporter = list(
        _oppna({role.organisation_id for role in chef_roles}, today)
        .select_related("rapportperiod__rapporttyp")
        .order_by("rapportperiod__sista_dag", "rapportperiod__rapporttyp__ordning", "pk")[:LASTA]
    )
    tasks = {}
    for role in chef_roles:
        egna = [r for r in rapporter if r.organisation_id == role.organisation_id]
        nu = [
            {"rapport": r, "sen": ar_sen(r, today)}
            for r in egna
            if r.rapportperiod.period.is_ended(today) and r.tar_emot_andringar
        ]
        kommande = [r for r in egna if not r.rapportperiod.period.is_ended(today)]
        nasta = min(kommande, key=lambda r: r.rapportperiod.period.slut, default=None)
        tasks[role.pk] = {
            "template": "uppfoljning/status/_uppgift.html",
            "oppna": nu,
            "nasta": nasta,
            "oppnar": nasta.rapportperiod.period.slut + datetime.timedelta(days=1)
            if nasta
            else None,
        }
    return tasks
