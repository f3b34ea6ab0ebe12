"""Panels on the personal start page (/min-sida/), and what the apps add to the lines of
"Det här kan du göra".

The core cannot import the apps above it (styrning ← dokument ← mal ← uppfoljning), so each app
registers its panel here from its AppConfig.ready(). A panel is a function (request) -> a dict
with "template" and its context, or None when it has nothing for this person. A role task is a
function (request, roles) -> {role pk: a dict with "template" and its context}: what follows
the role's line (the chef's line leads to the reports to write now).
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


RoleTasks = Callable[[object, list], dict]

_ROLE_TASKS: list[RoleTasks] = []


def register_role_tasks(tasks: RoleTasks) -> RoleTasks:
    if tasks not in _ROLE_TASKS:
        _ROLE_TASKS.append(tasks)
    return tasks


def role_tasks_for(request, roles: list) -> dict[int, list[dict]]:
    """Per role (its pk), what the apps add to its line, in the order they registered."""
    found: dict[int, list[dict]] = {}
    for tasks in _ROLE_TASKS:
        for pk, task in tasks(request, roles).items():
            found.setdefault(pk, []).append(task)
    return found
