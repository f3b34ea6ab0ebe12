"""Navigation that fits the person's roles. Sections appear once their pages exist."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from styrning import permissions

SECTIONS = [
    ("dokument:lista", "Styrdokument"),
    ("mal:trad", "Mål"),
    ("uppfoljning:oversikt", "Uppföljning"),
    ("organisation_lista", "Organisation"),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def public_sections() -> list[dict]:
    items = []
    for name, label in SECTIONS:
        url = _url(name)
        if url:
            items.append({"url": url, "label": label})
    return items


def navigation(request):
    user = getattr(request, "user", None)
    path = request.path
    items = [{**item, "current": path.startswith(item["url"])} for item in public_sections()]
    return {
        "nav_items": items,
        "kommun_namn": settings.KOMMUN_NAMN,
        "nav_is_admin": bool(user and permissions.is_administrator(user)),
    }
