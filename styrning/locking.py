"""Optimistic locking: one scheme for every edit form of a shared record.

A form carries the *change token* of the row it shows: the id of the row's latest audit-trail
record (django-simple-history writes one on every save), or "" when the form showed no row.
The service that saves locks the row (`select_for_update`), then `check_unchanged` compares:
a row changed by somebody else since the form was opened, or a row that appeared meanwhile,
is refused with who changed it and when, and nothing is saved.
"""

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone


class Konflikt(ValidationError):
    """Someone else saved the row after the form was opened: nothing is saved. `current` is
    the row as it is now, `token` its change token, for the form to carry on a second try."""

    def __init__(self, message: str, current: Model | None, token: str):
        super().__init__(message, code="konflikt")
        self.current = current
        self.token = token


def _latest(obj: Model | None):
    if obj is None or obj.pk is None:
        return None
    return (
        type(obj)
        .history.filter(id=obj.pk)
        .select_related("history_user")
        .order_by("-history_id")
        .first()
    )


def token(obj: Model | None) -> str:
    """The change token of a row (a model with `history = HistoricalRecords()`); "" for none."""
    if obj is None or obj.pk is None:
        return ""
    latest = (
        type(obj)
        .history.filter(id=obj.pk)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return str(latest or "")


def changed_message(user, moment) -> str:
    """The one message: "Ändrat av NN kl. HH:MM sedan du öppnade sidan." (with the date when the
    change was made another day)."""
    local = timezone.localtime(moment)
    when = local.strftime("%H:%M")
    if local.date() != timezone.localdate():
        when = f"{local:%Y-%m-%d} {when}"
    return f"Ändrat av {user if user else 'någon annan'} kl. {when} sedan du öppnade sidan."


def check_unchanged(current: Model | None, expected: str | None, *, detail: str = "") -> None:
    """Refuse to save over `current` unless its change token is `expected` (`None`: the caller
    did not ask for a check). Call it with the row locked. `detail` is added to the message:
    what the row holds now, or what to do."""
    if expected is None:
        return
    latest = _latest(current)
    now = str(latest.history_id) if latest else ""
    if now == str(expected or ""):
        return
    if latest is None:
        raise Konflikt(f"Raden har tagits bort sedan du öppnade sidan. {detail}".strip(), None, "")
    raise Konflikt(
        " ".join(
            part
            for part in (
                changed_message(latest.history_user, latest.history_date),
                detail,
                "Ingenting har sparats.",
            )
            if part
        ),
        current,
        now,
    )
