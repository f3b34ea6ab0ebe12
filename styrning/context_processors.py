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


# The staff's tools, each with the permission that decides who gets the link (the views
# decide again who may use them).
STAFF_TOOLS = [
    ("uppfoljning:status", "Statustavlan", permissions.has_status_board),
    ("uppfoljning:kalender", "Rapportkalendern", permissions.is_controller),
    ("uppfoljning:ekonomi_import", "Läs in ekonomi", permissions.is_controller),
]


def staff_tools(user, path: str) -> list[dict]:
    """The tools of the signed-in person's roles (none for others)."""
    if user is None or not user.is_authenticated:
        return []
    items = []
    for name, label, allowed in STAFF_TOOLS:
        url = _url(name)
        if url and allowed(user):
            items.append({"url": url, "label": label, "current": path.startswith(url)})
    return items


def navigation(request):
    user = getattr(request, "user", None)
    path = request.path
    items = [{**item, "current": path.startswith(item["url"])} for item in public_sections()]
    return {
        "nav_items": items,
        "nav_tools": staff_tools(user, path),
        "kommun_namn": settings.KOMMUN_NAMN,
        "nav_is_admin": bool(user and permissions.is_administrator(user)),
    }
