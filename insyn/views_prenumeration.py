"""Subscriptions by mail, without an account: subscribe, confirm (double opt-in), change,
unsubscribe (one click, RFC 8058), and the privacy text.

Every link page answers a forged, expired, used or dead link with the same page: it changes
nothing and says nothing about whether an address subscribes. A flood of subscriptions from one
client is refused (429) after `INSYN_PRENUMERATIONER_PER_TIMME` in an hour."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from insyn import prenumeration as tjanst
from insyn.forms_prenumeration import PrenumerationForm, UrvalForm
from insyn.handelser import Urval
from insyn.prenumeration import OgiltigLank
from styrning.security import client_ip

TIMME = 3600


def _no_store(response: HttpResponse) -> HttpResponse:
    """Pages behind a secret link are neither cached nor sent on as a referrer."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _flood_key(request: HttpRequest) -> str:
    return f"insyn:prenumerera:{client_ip(request)}"


def _flooded(request: HttpRequest) -> bool:
    """Count this attempt; True when the client has made more than the hour's allowance."""
    key = _flood_key(request)
    cache.add(key, 0, TIMME)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, TIMME)
        count = 1
    return count > settings.INSYN_PRENUMERATIONER_PER_TIMME


def _ogiltig(request: HttpRequest) -> HttpResponse:
    return _no_store(render(request, "insyn/prenumeration/ogiltig.html", status=404))


@require_http_methods(["GET", "HEAD", "POST"])
def prenumerera(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if _flooded(request):
            response = render(
                request,
                "insyn/prenumeration/for_manga.html",
                {"per_timme": settings.INSYN_PRENUMERATIONER_PER_TIMME},
                status=429,
            )
            response["Retry-After"] = str(TIMME)
            return response
        form = PrenumerationForm(request.POST)
        if form.is_valid():
            tjanst.prenumerera(
                epost=form.cleaned_data["epost"],
                urval=form.cleaned_data["urval"],
                frekvens=form.cleaned_data["frekvens"],
            )
            return redirect("insyn:prenumerera_skickat")
        urval = form.cleaned_data.get("urval") if hasattr(form, "cleaned_data") else None
        prefill_error = ""
    else:
        try:
            urval = Urval.from_query(request.GET)
            prefill_error = ""
        except ValueError as error:
            urval = Urval()
            prefill_error = str(error)
        form = PrenumerationForm(initial=PrenumerationForm.initial_for(urval))
    return render(
        request,
        "insyn/prenumeration/formular.html",
        {
            "form": form,
            "beskrivning": urval.beskrivning() if urval else "",
            "prefill_error": prefill_error,
        },
    )


def skickat(request: HttpRequest) -> HttpResponse:
    return render(request, "insyn/prenumeration/skickat.html")


@require_http_methods(["GET", "HEAD", "POST"])
def bekrafta(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (a link scanner does not confirm); POST confirms."""
    if request.method == "POST":
        try:
            prenumeration = tjanst.bekrafta(token=token)
        except OgiltigLank:
            return _ogiltig(request)
        return _no_store(
            render(
                request,
                "insyn/prenumeration/bekraftad.html",
                {
                    "beskrivning": prenumeration.urval.beskrivning(),
                    "hantera_token": tjanst.hantera_token(prenumeration),
                },
            )
        )
    try:
        prenumeration = tjanst.check_bekrafta_token(token)
    except OgiltigLank:
        return _ogiltig(request)
    return _no_store(
        render(
            request,
            "insyn/prenumeration/bekrafta.html",
            {"beskrivning": prenumeration.urval.beskrivning(), "token": token},
        )
    )


@csrf_exempt  # RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click", with no token
@require_http_methods(["GET", "HEAD", "POST"])
def avsluta(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (a link scanner does not unsubscribe); POST unsubscribes, from the
    button or from the mail program's one-click request."""
    if request.method == "POST":
        try:
            tjanst.avsluta(token=token)
        except OgiltigLank:
            return _ogiltig(request)
        return _no_store(render(request, "insyn/prenumeration/avslutad.html"))
    try:
        prenumeration = tjanst.prenumeration_for_token(token, syfte="avsluta")
    except OgiltigLank:
        return _ogiltig(request)
    return _no_store(
        render(
            request,
            "insyn/prenumeration/avsluta.html",
            {"beskrivning": prenumeration.urval.beskrivning(), "token": token},
        )
    )


@require_http_methods(["GET", "HEAD", "POST"])
def hantera(request: HttpRequest, token: str) -> HttpResponse:
    """Change what a subscription follows and how often, from the link in any mail."""
    try:
        prenumeration = tjanst.prenumeration_for_token(token, syfte="hantera")
    except OgiltigLank:
        return _ogiltig(request)
    sparad = False
    if request.method == "POST":
        form = UrvalForm(request.POST)
        if form.is_valid():
            try:
                tjanst.andra(
                    prenumeration=prenumeration,
                    urval=form.cleaned_data["urval"],
                    frekvens=form.cleaned_data["frekvens"],
                )
                sparad = True
            except tjanst.UrvalFinnsRedan:
                form.add_error(
                    None, "Du prenumererar redan på det urvalet. Välj ett annat eller avsluta."
                )
    else:
        form = UrvalForm(
            initial={
                **UrvalForm.initial_for(prenumeration.urval),
                "frekvens": prenumeration.frekvens,
            }
        )
    return _no_store(
        render(
            request,
            "insyn/prenumeration/hantera.html",
            {
                "form": form,
                "sparad": sparad,
                "beskrivning": prenumeration.urval.beskrivning(),
                "bekraftad": prenumeration.ar_bekraftad,
                "avsluta_token": tjanst.avsluta_token(prenumeration),
            },
        )
    )


def personuppgifter(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "insyn/prenumeration/personuppgifter.html",
        {
            "dagar": tjanst.OBEKRAFTAD_DAGAR,
            "timmar": settings.INSYN_BEKRAFTELSE_GILTIG // 3600,
        },
    )
