"""Sections that the apps above add to the document page (/dokument/<id>/).

dokument cannot import the apps that stand on it (styrning ← dokument ← mal ← uppfoljning), so
an app that has something to show on a document (the goals resting on it) registers a section
here from its AppConfig.ready(), as the start-page panels do (styrning.startsida). A section is
a function (request, dokument) -> a dict with "template" and its context, or None when it has
nothing to show on this document for this person. The page renders them in registration order,
each template with the section's dict as `section`.
"""

from collections.abc import Callable

from django.http import HttpRequest

from dokument.models import Dokument

Section = Callable[[HttpRequest, Dokument], dict | None]

_SECTIONS: list[Section] = []


def register_document_section(section: Section) -> Section:
    if section not in _SECTIONS:
        _SECTIONS.append(section)
    return section


def sections_for(request: HttpRequest, dokument: Dokument) -> list[dict]:
    return [s for s in (section(request, dokument) for section in _SECTIONS) if s]
