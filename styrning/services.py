"""Writes with rules on the organisation tree."""

from django.core.exceptions import ValidationError

from styrning.models import Organisation


def check_no_cycle(organisation: Organisation) -> None:
    """Refuse a parent that is the node itself or one of its descendants."""
    if organisation.overordnad_id is None:
        return
    if organisation.pk is not None and organisation.overordnad_id == organisation.pk:
        raise ValidationError(
            {"overordnad": "En organisation kan inte vara överordnad sig själv."}, code="cykel"
        )
    parents = dict(Organisation.objects.values_list("pk", "overordnad_id"))
    if organisation.pk is not None:
        parents[organisation.pk] = organisation.overordnad_id
    seen = set()
    current = organisation.overordnad_id
    while current is not None:
        if current == organisation.pk:
            parent = Organisation.objects.filter(pk=organisation.overordnad_id).first()
            raise ValidationError(
                {
                    "overordnad": (
                        f"{parent} ligger under {organisation} i trädet och kan därför inte vara "
                        "dess överordnade (det skulle bli en cykel)."
                    )
                },
                code="cykel",
            )
        if current in seen:
            break
        seen.add(current)
        current = parents.get(current)
