"""The dokument app's panel on the personal start page."""

from dokument.queries import granskning_for_user
from styrning import permissions


def granskning_panel(request) -> dict | None:
    """For those who handle documents: how many need review attention."""
    if not permissions.document_editor_ids(request.user):
        return None
    groups = granskning_for_user(request.user)
    return {
        "template": "dokument/_panel.html",
        "forsenade": len(groups["forsenade"]),
        "snart": len(groups["snart"]),
        "flaggade": len(groups["flaggade"]),
        "ansvarig_slutat": len(groups["ansvarig_slutat"]),
    }
