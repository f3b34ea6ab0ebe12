"""Keep the stored goal roll-up in step with rows the tests write directly (factories, `.add`
on links, `.save()`), as the services do for every real change.

Only the tests connect these receivers: the application keeps the roll-up in step in its
services (`mal.rollup`), never in signals. tests/mal/test_rollup.py turns the hook off
(`without_rollup_hook`) to prove that the services themselves do it.
"""

import contextlib

from django.db.models.signals import m2m_changed, post_delete, post_save

from mal import rollup
from mal.models import Bedomning, Indikator, Mal, Malvarde, Varde

Link = Mal.overordnade.through
_off = False


def _varde(instance, **kwargs):
    if not _off and instance.organisation_id == instance.indikator.matt_for_id:
        rollup.refresh([instance.indikator.mal_id], [instance.period])


def _malvarde(instance, **kwargs):
    if not _off:
        rollup.refresh([instance.indikator.mal_id], rollup.periods_of_years([instance.ar]))


def _bedomning(instance, **kwargs):
    if not _off:
        rollup.refresh([instance.mal_id], [instance.period])


def _indikator(instance, **kwargs):
    if not _off:
        rollup.refresh([instance.mal_id], rollup.goal_periods(instance.mal))


def _mal(instance, **kwargs):
    if not _off:
        rollup.refresh([instance.pk], rollup.goal_periods(instance))


def _links(instance, action, pk_set, **kwargs):
    if not _off and action in ("post_add", "post_remove") and pk_set:
        rollup.refresh({instance.pk, *pk_set}, rollup.all_periods())


RECEIVERS = [
    (post_save, _varde, Varde),
    (post_delete, _varde, Varde),
    (post_save, _malvarde, Malvarde),
    (post_delete, _malvarde, Malvarde),
    (post_save, _bedomning, Bedomning),
    (post_delete, _bedomning, Bedomning),
    (post_save, _indikator, Indikator),
    (post_save, _mal, Mal),
    (m2m_changed, _links, Link),
]


def connect() -> None:
    for signal, receiver, sender in RECEIVERS:
        signal.connect(receiver, sender=sender, dispatch_uid=f"rollup-hook-{receiver.__name__}")


def disconnect() -> None:
    for signal, receiver, sender in RECEIVERS:
        signal.disconnect(receiver, sender=sender, dispatch_uid=f"rollup-hook-{receiver.__name__}")


@contextlib.contextmanager
def off():
    global _off
    before, _off = _off, True
    try:
        yield
    finally:
        _off = before
