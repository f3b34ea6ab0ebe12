from decimal import Decimal

from django import template
from django.utils.html import format_html

from mal.fulfilment import status_label, status_shape

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
    """A number with the indicator's decimals and a decimal comma; a dash when missing."""
    if value is None or value == "":
        return "–"
    quantized = Decimal(value).quantize(Decimal(1).scaleb(-int(decimals)))
    text = f"{quantized:,f}".replace(",", "\u00a0").replace(".", ",")
    return text
