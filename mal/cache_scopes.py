"""What a change of the goal chain touches in the shared page cache (styrning.pagecache): the
goal pages ("mal": the tree, goal, organ and comparison pages, the assignments and the open
data, all of which show roll-ups along the chain) and the pages of the documents a goal rests
on (their goal section shows its title and status). A change of a document a goal rests on
touches the goal pages (they show its title). Registered from MalConfig.ready()."""

from dokument.cache_scopes import dokument_scope
from dokument.models import Dokument, Dokumentversion
from mal.models import (
    Aktivitet,
    Bedomning,
    Indikator,
    Mal,
    Malomrade,
    Malvarde,
    Uppdrag,
    Uppdragskommentar,
    Varde,
    Vision,
)
from styrning import pagecache
from styrning.models import Handelse

MAL = "mal"


def goal_scopes(mal: Mal) -> set[str]:
    if mal.pk is None:
        return {MAL}
    linked = Mal.dokument.through.objects.filter(mal_id=mal.pk).values_list("dokument_id")
    return {MAL, *(dokument_scope(pk) for (pk,) in linked)}


def _document_goal_scopes(dokument_id) -> set[str]:
    rests = Mal.dokument.through.objects.filter(dokument_id=dokument_id).exists()
    return {MAL} if rests else set()


def _goal_documents(instance, model, pk_set):
    if isinstance(instance, Mal):
        return goal_scopes(instance) | {dokument_scope(pk) for pk in pk_set}
    return {MAL, dokument_scope(instance.pk)}


def register() -> None:
    pagecache.register(Mal, goal_scopes)
    for model in (
        Vision,
        Malomrade,
        Indikator,
        Malvarde,
        Varde,
        Bedomning,
        Aktivitet,
        Uppdrag,
        Uppdragskommentar,
    ):
        pagecache.register(model, lambda obj: {MAL})
    pagecache.register(Dokument, lambda d: _document_goal_scopes(d.pk))
    pagecache.register(Dokumentversion, lambda v: _document_goal_scopes(v.dokument_id))
    pagecache.register_m2m(Mal.dokument.through, _goal_documents)
    pagecache.register_m2m(Mal.overordnade.through, lambda instance, model, pk_set: {MAL})
    # An import of values is logged on the organisation the values are for.
    pagecache.register_act(Handelse.Handling.VARDEN_IMPORTERADE, lambda obj: {MAL})
