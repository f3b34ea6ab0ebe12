"""The goal chain's panel on the personal start page."""

import datetime

from django.utils import timezone

from mal.models import Bedomning, Mal, Utfall
from mal.queries import covering_year
from styrning import permissions

# A year's goals are assessed as the year ends and in the annual report after it, which the
# nämnder write in January and February and KS compiles by March: until the end of this month
# the year before is still the one to assess, after it the year under way.
ARSBEDOMNING_TILL_MANAD = 3


def bedomningsar(today: datetime.date) -> int:
    """The year whose goals the reader has to assess now: the year before until the annual
    report is done (through `ARSBEDOMNING_TILL_MANAD`), else the current year."""
    return today.year - 1 if today.month <= ARSBEDOMNING_TILL_MANAD else today.year


def mal_panel(request) -> dict | None:
    """Goals the person reports for that still lack an assessment of the year to assess now
    (`bedomningsar`)."""
    ids = permissions.reporter_ids(request.user)
    if not ids:
        return None
    ar = bedomningsar(timezone.localdate())
    assessed = Bedomning.objects.filter(ar=ar, periodtyp="ar").exclude(utfall=Utfall.EJ_BEDOMT)
    goals = (
        Mal.objects.filter(covering_year(ar), agare_id__in=ids)
        .exclude(pk__in=assessed.values("mal_id"))
        .select_related("agare")
        .order_by("agare__ordning", "nummer", "titel")
    )
    shown = list(goals[:10])
    return {
        "template": "mal/_panel.html",
        "ar": ar,
        "goals": shown,
        "antal": goals.count() if len(shown) == 10 else len(shown),
    }
