"""The goal chain's panel on the personal start page."""

from django.utils import timezone

from mal.models import Bedomning, Mal, Utfall
from mal.queries import covering_year
from styrning import permissions


def mal_panel(request) -> dict | None:
    """Goals the person reports for that still lack an assessment of the latest whole year."""
    ids = permissions.reporter_ids(request.user)
    if not ids:
        return None
    ar = timezone.localdate().year - 1
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
