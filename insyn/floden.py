"""Atom feeds (RFC 4287, Django's syndication framework) of the same selections the
subscriptions follow (`insyn.handelser.Urval`): every published document or those of an
adopting body, a type, a scope or a search (`/flode/dokument/?organ=3&typ=2`), one document
(`/flode/dokument/<id>/`), and adopted follow-up reports, of a body or all
(`/flode/rapporter/?organ=3`).

The entries are the counted public events (`insyn.handelser.handelser`), newest first, at most
`ANTAL`: the one definition of what counts, so a draft or a typo fix never reaches a feed.
Each entry's id is a tag URI (RFC 4151) made of the site's host (`settings.SITE_URL`, not the
request's Host header), the day of the event and the event's id: the same in every request and
unique, so a feed reader shows an entry once. A filter value that is not a whole number or
names nothing public is a 400 with a Swedish text, never a 500.
"""

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from insyn import handelser
from insyn.handelser import Urval

ANTAL = 50  # entries a feed holds
FEED_DATE = "2026"  # the year in the feeds' own tag URIs (when the site's host was ours)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def entry_id(handelse) -> str:
    """The entry's permanent, unique id: `tag:<host>,<yyyy-mm-dd>:handelse/<id>`."""
    day = timezone.localtime(handelse.tid).date().isoformat()
    return f"tag:{_host()},{day}:handelse/{handelse.pk}"


@dataclass
class _Flode:
    """A feed's selection with what its head needs, computed once per request."""

    urval: Urval
    beskrivning: str
    sida: str  # the HTML page the feed follows
    sjalv: str  # the feed's own address, with its query string


class _Handelseflode(Feed):
    feed_type = Atom1Feed
    author_name = settings.KOMMUN_NAMN

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except ValueError as exc:
            return HttpResponseBadRequest(
                f"Webbflödet kunde inte visas: {exc}\n", content_type="text/plain; charset=utf-8"
            )

    def make(self, request: HttpRequest, urval: Urval, sida: str) -> _Flode:
        query = urlencode(urval.as_query())
        return _Flode(
            urval=urval,
            beskrivning=urval.beskrivning(),
            sida=sida,
            sjalv=f"{request.path}?{query}" if query else request.path,
        )

    def title(self, flode: _Flode) -> str:
        return f"{flode.beskrivning} – {settings.KOMMUN_NAMN}"

    def subtitle(self, flode: _Flode) -> str:
        return f"Webbflöde (Atom): {flode.beskrivning[0].lower()}{flode.beskrivning[1:]}."

    def link(self, flode: _Flode) -> str:
        return flode.sida

    def feed_url(self, flode: _Flode) -> str:
        return flode.sjalv

    def feed_guid(self, flode: _Flode) -> str:
        query = urlencode(sorted(flode.urval.as_query().items()))
        return f"tag:{_host()},{FEED_DATE}:flode/{flode.urval.slag}" + (
            f"?{query}" if query else ""
        )

    def items(self, flode: _Flode):
        return handelser.handelser(flode.urval)[:ANTAL]

    def item_title(self, handelse) -> str:
        return handelser.rubrik(handelse)

    def item_description(self, handelse) -> str:
        organ = handelse.organisation.namn if handelse.organisation_id else ""
        when = timezone.localtime(handelse.tid).strftime("%Y-%m-%d")
        return f"{handelser.rubrik(handelse)}. {organ + ', ' if organ else ''}{when}."

    def item_link(self, handelse) -> str:
        return handelser.lank(handelse)

    def item_guid(self, handelse) -> str:
        return entry_id(handelse)

    item_guid_is_permalink = False

    def item_pubdate(self, handelse):
        return handelse.tid

    def item_updateddate(self, handelse):
        return handelse.tid


def _without_slag(query) -> dict:
    """The query string's selection keys as plain strings (a repeated key: its last value)."""
    return {key: query.get(key) for key in query if key != "slag"}


class DokumentFlode(_Handelseflode):
    """New, revised, repealed and reviewed published documents, filtered as the list."""

    def get_object(self, request: HttpRequest) -> _Flode:
        urval = Urval.from_query(_without_slag(request.GET))
        if urval.dokument is not None:
            return self.make(request, urval, reverse("dokument:detalj", args=[urval.dokument]))
        query = {("omfattar" if k == "omrade" else k): v for k, v in urval.as_query().items()}
        sida = reverse("dokument:lista")
        return self.make(request, urval, f"{sida}?{urlencode(query)}" if query else sida)


class EttDokumentFlode(_Handelseflode):
    """One published document: its new versions, its repeal, its reviews."""

    def get_object(self, request: HttpRequest, pk: int) -> _Flode:
        try:
            urval = Urval.from_query({"dokument": str(pk)})
        except ValueError:
            raise Http404("Dokumentet finns inte.") from None
        return self.make(request, urval, reverse("dokument:detalj", args=[pk]))


class RapportFlode(_Handelseflode):
    """Adopted follow-up reports, of one body or all."""

    def get_object(self, request: HttpRequest) -> _Flode:
        urval = Urval.from_query({**_without_slag(request.GET), "slag": handelser.RAPPORTER})
        sida = reverse("uppfoljning:lista")
        if urval.organ is not None:
            sida += f"?organ={urval.organ}"
        return self.make(request, urval, sida)
