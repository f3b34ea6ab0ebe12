"""Forms that create something are answered once: a second POST of the same form is
recognised by the form's one-time key (`styrning.forms.OnceForm`) and answered with what the
first one made, instead of making it again.

The key is stored in `Inskick` (unique) in the same transaction as what the form creates, so
two concurrent POSTs cannot both create: the second waits for the first's row and then finds
it. If the first fails and rolls back, its key is free again."""

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model

from styrning.models import Inskick


def previous(user, nyckel) -> Model | None:
    """What an earlier submission of this form by this user made, if any."""
    if not nyckel:
        return None
    row = (
        Inskick.objects.filter(nyckel=nyckel, anvandare=user, objekt_id__isnull=False)
        .select_related("objekttyp")
        .first()
    )
    return row.objekt if row else None


def once[T: Model](user, nyckel, create: Callable[[], T]) -> tuple[T, bool]:
    """Run `create()` unless this form (`nyckel`) was already submitted. Returns what was
    made and whether this call made it. Without a key (an old form, a test client without
    one), `create()` simply runs; so it does with a key another user has used (it can only be
    copied or forged, and must neither fail nor answer with the other user's object)."""
    if not nyckel or Inskick.objects.filter(nyckel=nyckel).exclude(anvandare=user).exists():
        return create(), True
    earlier = previous(user, nyckel)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            row = Inskick.objects.create(nyckel=nyckel, anvandare=user)
            made = create()
            row.objekttyp = ContentType.objects.get_for_model(made)
            row.objekt_id = made.pk
            row.save(update_fields=["objekttyp", "objekt_id"])
            return made, True
    except IntegrityError:
        # A concurrent submission of the same form got there first and has committed.
        earlier = previous(user, nyckel)
        if earlier is None:
            raise
        return earlier, False
