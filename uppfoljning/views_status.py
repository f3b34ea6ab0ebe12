"""The status board: for one reporting period, where every report the user follows stands.
Controllers see every organisation, a chef their part of the tree; anybody else signed in gets
403, an anonymous visitor the login page, a period the user has no report in 404."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from styrning import permissions
from styrning.pagination import paginate
from uppfoljning import status
from uppfoljning.models import Rapport

PER_SIDA = 100


def _rapport_prefix() -> str:
    """The start of a report page's address ("/uppfoljning/rapporter/"), reversed once for
    the whole board; "" while the report page is not there."""
    try:
        return reverse("uppfoljning:rapport", args=[0]).removesuffix("0/")
    except NoReverseMatch:
        return ""


@login_required
def statustavla(request: HttpRequest) -> HttpResponse:
    if not status.har_statustavla(request.user):
        raise PermissionDenied("Statustavlan är för controller och chefer.")
    today = timezone.localdate()
    valbara = status.perioder(request.user, fran_ar=today.year - 2)
    vald = None
    if request.GET.get("period"):
        try:
            pk = int(request.GET["period"])
        except ValueError:
            raise Http404("Perioden finns inte.") from None
        vald = next((rp for rp in valbara if rp.pk == pk), None)
        if vald is None:
            raise Http404("Perioden finns inte.")
    else:
        vald = status.standard_period(valbara, today)
    bara_ej_klara = request.GET.get("ej_klara") == "1"
    context = {
        "valbara": valbara,
        "vald": vald,
        "bara_ej_klara": bara_ej_klara,
        "today": today,
        "is_controller": permissions.is_controller(request.user),
    }
    if vald is not None:
        summering = status.sammanfattning(request.user, vald, today)
        count = summering["ej_klara"] if bara_ej_klara else summering["totalt"]
        page = paginate(
            request,
            status.rapporter_for_period(request.user, vald, bara_ej_klara=bara_ej_klara),
            PER_SIDA,
            count=count,
        )
        context |= {
            "summering": summering,
            "page": page,
            "rader": status.rader(page.object_list, today),
            "rapport_prefix": _rapport_prefix(),
            "inlamnade": {Rapport.Status.INLAMNAD, Rapport.Status.GODKAND, Rapport.Status.ANTAGEN},
        }
    return render(request, "uppfoljning/status/tavla.html", context)
