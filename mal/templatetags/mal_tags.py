from decimal import Decimal

from django import template
from django.utils.html import format_html

from mal.fulfilment import STATUS, status_label, status_shape
from styrning.formatting import format_number

register = template.Library()


@register.simple_tag
def status_badge(status: str, prefix: str = "") -> str:
    """A status as shape + text + colour class: readable without colour."""
    label = status_label(status)
    return format_html(
        '<span class="status status--{}"><span class="status__shape" aria-hidden="true">{}'
        "</span> {}{}</span>",
        status,
        status_shape(status),
        f"{prefix} " if prefix else "",
        label if not prefix else label.lower(),
    )


@register.filter
def num(value, decimals=0) -> str:
    """A number with the indicator's decimals, in Swedish (1 234,5); a dash when missing."""
    if value is None or value == "":
        return "–"
    return format_number(Decimal(value), int(decimals))


# Every status's badge, rendered once: a page with many goals looks each one up.
BADGES = {status: status_badge(status) for status in STATUS}


@register.filter
def badge(status: str) -> str:
    """`{{ r.status|badge }}`: the status's badge from `BADGES` (as `status_badge`)."""
    return BADGES.get(status) or status_badge(status)
