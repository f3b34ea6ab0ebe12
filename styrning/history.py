"""The one reader of history for staff pages: field-level changes from django-simple-history,
merged with the named acts of the log of acts, newest first, each with who, when, what and
which fields changed. A fixed number of queries per source, whatever the number of changes."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet

from styrning.actionlog import actions_for

_TYPES = {"+": "Skapad", "~": "Ändrad", "-": "Borttagen"}


@dataclass(frozen=True, eq=False)
class Kalla:
    """One source of history: the history records of `model` in `records`, named for the
    reader by `label(record)`; `m2m` maps many-to-many fields tracked with `m2m_fields` to the
    column of their history table that holds the target (`{"dokument": "dokument_id"}`)."""

    model: type[Model]
    records: QuerySet
    label: Callable[[object], str]
    m2m: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Andring:
    tid: object
    vem: str
    vad: str
    objekt: str
    falt: list[str] = field(default_factory=list)


def _label(model, name: str) -> str:
    label = str(model._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def _m2m_targets(source: Kalla, history_ids: list[int]) -> dict[str, dict[int, set[int]]]:
    history_model = source.model.history.model
    result = {}
    for name, target in source.m2m.items():
        through = getattr(history_model, name).model
        by_record: dict[int, set[int]] = defaultdict(set)
        for history_id, target_id in through.objects.filter(history__in=history_ids).values_list(
            "history_id", target
        ):
            by_record[history_id].add(target_id)
        result[name] = by_record
    return result


def field_changes(*sources: Kalla) -> list[Andring]:
    """Every creation, change (with the fields that changed) and deletion in the sources."""
    entries = []
    for source in sources:
        model = source.model
        # The fields the history tracks (a model may exclude some, e.g. a stored rendering).
        tracked = {f.name for f in source.records.model.tracked_fields}
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.name in tracked and f.name not in ("id", "skapad")
        ]
        records = list(
            source.records.select_related("history_user").order_by("history_date", "history_id")
        )
        links = _m2m_targets(source, [r.history_id for r in records]) if source.m2m else {}
        previous: dict[int, object] = {}
        for record in records:
            before = previous.get(record.id)
            changed = []
            if record.history_type == "~" and before is not None:
                changed = [
                    _label(model, f.name)
                    for f in fields
                    if getattr(before, f.attname) != getattr(record, f.attname)
                ] + [
                    _label(model, name)
                    for name in source.m2m
                    if links[name][record.history_id] != links[name][before.history_id]
                ]
            previous[record.id] = record
            if record.history_type == "~" and not changed:
                continue
            entries.append(
                Andring(
                    tid=record.history_date,
                    vem=str(record.history_user) if record.history_user else "Systemet",
                    vad=_TYPES[record.history_type],
                    objekt=source.label(record),
                    falt=changed,
                )
            )
    entries.sort(key=lambda e: e.tid, reverse=True)
    return entries


def history(*sources: Kalla, acts_on: tuple[Model, ...] = ()) -> list[Andring]:
    """Field changes of the sources and the named acts on `acts_on`, newest first."""
    entries = field_changes(*sources)
    for act in actions_for(*acts_on) if acts_on else ():
        entries.append(
            Andring(
                tid=act.tid,
                vem=str(act.anvandare) if act.anvandare else "Systemet",
                vad=act.get_handling_display(),
                objekt=act.objekt_text,
            )
        )
    entries.sort(key=lambda e: e.tid, reverse=True)
    return entries
