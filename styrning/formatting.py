"""Numbers as written in Swedish, one way everywhere: pages, charts, PDFs, messages.

Django's localisation does the writing (`number_format` with the `sv` formats: a decimal
comma and a space between thousands); this only rounds first, since Django cuts extra
decimals instead of rounding them."""

from decimal import Decimal

from django.utils.formats import number_format


def format_number(value: Decimal | float | int, decimals: int | None = None) -> str:
    """`1 234,5`. With `decimals`, rounded to that many; without, as stored, with no trailing
    zeros (`82,5`, `60 000`)."""
    if decimals is None:
        return number_format(Decimal(value).normalize(), use_l10n=True, force_grouping=True)
    return number_format(
        round(Decimal(str(value)), decimals), decimals, use_l10n=True, force_grouping=True
    )
