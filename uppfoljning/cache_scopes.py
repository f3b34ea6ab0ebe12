"""What a change of the follow-up touches in the shared page cache (styrning.pagecache): the
public list of adopted reports and Året som gick ("uppfoljning"), and one report's reading
pages and PDFs ("uppfoljning:rapport:<id>").

A draft is saved often and shows on no public page, so a report's save bumps only its own
pages; the list is bumped when a report is adopted (its status is then "antagen") and when it
is reopened (the act of reopening, logged by the workflow, says so: after a reopening the
status no longer does). Registered from UppfoljningConfig.ready()."""

from styrning import pagecache
from styrning.models import Handelse
from uppfoljning.models import AretSomGick, Rapport, Rapportversion
from uppfoljning.utdata import rapport_scope

UPPFOLJNING = "uppfoljning"

# The acts that change what the public list shows, whatever the report's status is after them.
LISTANS_HANDLINGAR = (Handelse.Handling.RAPPORT_ANTAGEN, Handelse.Handling.RAPPORT_ATEROPPNAD)


def report_scopes(rapport: Rapport) -> set[str]:
    scopes = {rapport_scope(rapport.pk)}
    if rapport.status == Rapport.Status.ANTAGEN:
        scopes.add(UPPFOLJNING)
    return scopes


def _version_scopes(version: Rapportversion) -> set[str]:
    scopes = {rapport_scope(version.rapport_id)}
    if version.slag == Rapportversion.Slag.ANTAGEN:
        scopes.add(UPPFOLJNING)
    return scopes


def _act_scopes(obj) -> set[str]:
    if isinstance(obj, Rapport):
        return {UPPFOLJNING, rapport_scope(obj.pk)}
    if isinstance(obj, Rapportversion):
        return {UPPFOLJNING, rapport_scope(obj.rapport_id)}
    return pagecache.scopes_for(obj)


def register() -> None:
    pagecache.register(Rapport, report_scopes)
    pagecache.register(Rapportversion, _version_scopes)
    pagecache.register(AretSomGick, lambda aret: {UPPFOLJNING})
    for handling in LISTANS_HANDLINGAR:
        pagecache.register_act(handling, _act_scopes)
