"""Amounts of the follow-up as the reports write them: kronor shown in the kind's beloppsenhet
(`{{ rad.budget_ar|belopp:beloppsenhet }}` → "12 345 tkr", "1 234,5 mnkr", "−350 tkr"), the
bare number for a table cell whose header names the unit (`belopp_tal`), and a share in per
cent (`procent` → "33,3 %")."""

from decimal import Decimal, InvalidOperation

from django import template

from styrning.formatting import format_number
from uppfoljning.ekonomi import format_belopp

register = template.Library()

MINUS = "\u2212"


@register.filter
def belopp(kronor, enhet="tkr"):
    """Kronor (a number or the content dict's string) in the unit, with the unit."""
    try:
        return format_belopp(kronor, enhet or "tkr")
    except (InvalidOperation, TypeError, ValueError):
        return "–"


@register.filter
def belopp_tal(kronor, enhet="tkr"):
    """Kronor in the unit without the unit's name (the column header says it)."""
    try:
        return format_belopp(kronor, enhet or "tkr", med_enhet=False)
    except (InvalidOperation, TypeError, ValueError):
        return "–"


@register.filter
def procent(value):
    """ "33,3 %" from "33.3"; "–" when missing."""
    if value in (None, ""):
        return "–"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return "–"
    text = format_number(abs(number), 1)
    return f"{MINUS if number < 0 else ''}{text}\u00a0%"


@register.filter
def ar_negativ(value) -> bool:
    """True for a negative amount (a deficit), for the text that says so."""
    try:
        return value not in (None, "") and Decimal(str(value)) < 0
    except InvalidOperation:
        return False


@register.filter
def avvikelse_ord(value) -> str:
    """A deviation (budget − forecast) in a word: "underskott", "överskott", "i balans";
    "" when missing. The sign is not the only mark of a deficit."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return ""
    if number < 0:
        return "underskott"
    return "överskott" if number > 0 else "i balans"
