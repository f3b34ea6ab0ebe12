"""The dokument app's panel on the personal start page."""

from dokument.queries import granskning_counts
from styrning import permissions


def granskning_panel(request) -> dict | None:
    """For those who handle documents: how many need review attention (counted in the
    database, one query)."""
    if not permissions.document_editor_ids(request.user):
        return None
    return {"template": "dokument/_panel.html", **granskning_counts(request.user)}
