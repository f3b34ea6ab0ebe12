"""Panels on the personal start page (/min-sida/).

The core cannot import the apps above it (styrning ← dokument ← mal ← uppfoljning), so each app
registers its panel here from its AppConfig.ready(). A panel is a function (request) -> a dict
with "template" and its context, or None when it has nothing for this person.
"""

from collections.abc import Callable

Panel = Callable[[object], dict | None]

_PANELS: list[Panel] = []


def register_panel(panel: Panel) -> Panel:
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def panels_for(request) -> list[dict]:
    return [p for p in (panel(request) for panel in _PANELS) if p]
