"""The links to a page's Atom feed (`insyn.floden`): `{% flode_alternativ ... %}` in the head's
`feeds` block (`<link rel="alternate" type="application/atom+xml">`, so a browser or a feed
reader finds it) and `{% flode_lank ... %}` visible on the page ("Följ via webbflöde (Atom)").

`"dokument"` follows the document list with its current filters (body, type, scope, words:
the keys the feed reads, from the page's query string; the list's status, year, sorting and
page are not followed); `"dokument" <id>` one document; `"rapporter"` the adopted reports,
of the list's body when one is chosen (or of `organ`)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()

_DOKUMENT_KEYS = ("organ", "typ", "omfattar", "q")


def _flode(context, slag: str, pk=None, organ=None) -> tuple[str, str]:
    """(the feed's address, its title)."""
    request = context.get("request")
    query = request.GET if request is not None else {}
    if slag == "dokument" and pk is not None:
        return reverse("insyn:flode_ett_dokument", args=[pk]), "Webbflöde: det här dokumentet"
    if slag == "dokument":
        chosen = {k: query.get(k, "").strip() for k in _DOKUMENT_KEYS}
        chosen = {k: v for k, v in chosen.items() if v}
        if organ is not None:
            chosen = {"organ": str(organ)}
        url = reverse("insyn:flode_dokument")
        title = "Webbflöde: styrdokument" + (" enligt urvalet" if chosen else "")
    else:
        value = str(organ) if organ is not None else query.get("organ", "").strip()
        chosen = {"organ": value} if value else {}
        url = reverse("insyn:flode_rapporter")
        title = "Webbflöde: antagna rapporter" + (" från organet" if chosen else "")
    return (f"{url}?{urlencode(chosen)}" if chosen else url), title


@register.simple_tag(takes_context=True)
def flode_alternativ(context, slag: str, pk=None, organ=None) -> str:
    url, title = _flode(context, slag, pk, organ)
    return format_html(
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">', title, url
    )


@register.simple_tag(takes_context=True)
def flode_lank(context, slag: str, pk=None, organ=None, text="Följ via webbflöde (Atom)") -> str:
    url, _title = _flode(context, slag, pk, organ)
    return format_html(
        '<a class="flode-lank" href="{}" type="application/atom+xml">{}</a>', url, text
    )
