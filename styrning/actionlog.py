"""The log of acts: every state change a service makes is written here as a named act, in the
same transaction as the change (pretix's `log_action`). Staff pages read it as "what happened";
the subscriptions and "what changed" mails read the public acts."""

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from styrning import pagecache
from styrning.models import Handelse, Organisation

Handling = Handelse.Handling

# What is told of every public act, in the act's transaction (registered by the apps above this
# one in their AppConfig.ready, as the page cache's scopes are: the subscriptions queue their
# direct mails for when the transaction commits).
_public_act_listeners: list[Callable[[Handelse], None]] = []


def on_public_act(listener: Callable[[Handelse], None]) -> None:
    """Call `listener(handelse)` for every public act, inside its transaction; a listener that
    sends or queues something defers it with `transaction.on_commit`."""
    if listener not in _public_act_listeners:
        _public_act_listeners.append(listener)


def log_action(
    *,
    user,
    handling: str,
    objekt: Model,
    organisation: Organisation | int | None = None,
    data: dict | None = None,
    publik: bool = False,
    objekt_text: str = "",
) -> Handelse:
    """Record that `user` did `handling` to `objekt`. `data` is a small JSON-serialisable
    payload (what the act changed, numbers, codes); `publik` says whether the public may see
    that it happened (a publication, a repeal), as opposed to internal work (a draft saved).
    `objekt_text` names the object when `str(objekt)` does not say enough yet (a document
    without a published version). The pages that show `objekt` leave the shared page cache
    (styrning.pagecache), on every app server once the transaction commits."""
    pagecache.invalidate(pagecache.scopes_for_act(handling, objekt))
    handelse = Handelse.objects.create(
        anvandare=user if user is not None and user.is_authenticated else None,
        handling=handling,
        objekttyp=ContentType.objects.get_for_model(objekt),
        objekt_id=objekt.pk,
        objekt_text=(objekt_text or str(objekt))[:300],
        organisation_id=organisation.pk if isinstance(organisation, Organisation) else organisation,
        data=data or {},
        publik=publik,
    )
    if publik:
        for listener in _public_act_listeners:
            listener(handelse)
    return handelse


def actions_for(*objekt: Model) -> QuerySet[Handelse]:
    """The acts on the given objects, newest first, with who did them."""
    by_type: dict[int, list[int]] = {}
    for obj in objekt:
        by_type.setdefault(ContentType.objects.get_for_model(obj).pk, []).append(obj.pk)
    qs = Handelse.objects.none()
    for type_id, ids in by_type.items():
        qs = qs | Handelse.objects.filter(objekttyp_id=type_id, objekt_id__in=ids)
    return qs.select_related("anvandare").order_by("-tid", "-id")
