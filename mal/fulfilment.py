"""Goal fulfilment: an indicator's result against its target and band, and a goal's computed
suggestion from its indicators and contributing goals by the goal's rule.

Pure functions over plain values, so the roll-up runs in one pass over a loaded tree. Missing
data is its own result ("saknas"): never counted as met or as failed, and a goal with an input
missing is at most partly met.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from mal.models import Indikator, Mal, Utfall
from styrning.formatting import format_number

SAKNAS = "saknas"
MANUELL = "manuell"

# Text and shape for every state: readable in black and white and by colour-blind readers.
STATUS = {
    Utfall.UPPFYLLT: ("Uppfyllt", "●"),
    Utfall.DELVIS: ("Delvis uppfyllt", "◐"),
    Utfall.EJ_UPPFYLLT: ("Ej uppfyllt", "✕"),
    Utfall.EJ_BEDOMT: ("Ej bedömt", "○"),
    SAKNAS: ("Underlag saknas", "–"),
    MANUELL: ("Bedöms manuellt", "✎"),
}

SCORE = {Utfall.UPPFYLLT: Decimal(1), Utfall.DELVIS: Decimal("0.5"), Utfall.EJ_UPPFYLLT: 0}
KNOWN = (Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT)
WEIGHTED_MET = Decimal("0.8")
WEIGHTED_PARTLY = Decimal("0.5")


def status_label(status: str) -> str:
    return STATUS.get(status, STATUS[SAKNAS])[0]


def status_shape(status: str) -> str:
    return STATUS.get(status, STATUS[SAKNAS])[1]


def indicator_result(
    riktning: str, target: Decimal | None, tolerans: Decimal, value: Decimal | None
) -> str:
    """Met, partly met or not met; `saknas` without a value or a target.

    The band is `tolerans` percent of the target: higher-is-better is met at or above the
    target and partly met within the band below it; lower-is-better the mirror image;
    closer-is-better is met within the band and partly met within twice the band.
    """
    if value is None or target is None:
        return SAKNAS
    band = abs(target) * Decimal(tolerans) / 100
    if riktning == Indikator.Riktning.LAGRE:
        if value <= target:
            return Utfall.UPPFYLLT
        return Utfall.DELVIS if value <= target + band else Utfall.EJ_UPPFYLLT
    if riktning == Indikator.Riktning.NARMARE:
        distance = abs(value - target)
        if distance <= band:
            return Utfall.UPPFYLLT
        return Utfall.DELVIS if distance <= 2 * band else Utfall.EJ_UPPFYLLT
    if value >= target:
        return Utfall.UPPFYLLT
    return Utfall.DELVIS if value >= target - band else Utfall.EJ_UPPFYLLT


@dataclass
class Input:
    """One input to a goal's suggestion: an indicator or a contributing goal."""

    kind: str  # "indikator" or "delmal"
    status: str
    vikt: Decimal = Decimal(1)


@dataclass
class Suggestion:
    status: str
    regel: str
    explanation: str
    inputs: list[Input] = field(default_factory=list)

    @property
    def label(self) -> str:
        return status_label(self.status)


def _count_text(inputs: list[Input], singular: str, plural: str) -> str:
    if not inputs:
        return ""
    met = sum(1 for i in inputs if i.status == Utfall.UPPFYLLT)
    partly = sum(1 for i in inputs if i.status == Utfall.DELVIS)
    missing = sum(1 for i in inputs if i.status not in KNOWN)
    noun = singular if len(inputs) == 1 else plural
    text = f"{met} av {len(inputs)} {noun} uppfyllda"
    extras = []
    if partly:
        extras.append(f"{partly} delvis")
    if missing:
        extras.append(f"{missing} saknar underlag")
    if extras:
        text += f" ({', '.join(extras)})"
    return text


def _rule_result(regel: str, known: list[Input]) -> str:
    met = sum(1 for i in known if i.status == Utfall.UPPFYLLT)
    failed = sum(1 for i in known if i.status == Utfall.EJ_UPPFYLLT)
    if regel == Mal.Regel.ALLA:
        if met == len(known):
            return Utfall.UPPFYLLT
        return Utfall.EJ_UPPFYLLT if failed == len(known) else Utfall.DELVIS
    if regel == Mal.Regel.MAJORITET:
        if met * 2 > len(known):
            return Utfall.UPPFYLLT
        return Utfall.EJ_UPPFYLLT if failed * 2 > len(known) else Utfall.DELVIS
    total_weight = sum((i.vikt for i in known), Decimal(0))
    if total_weight == 0:
        return SAKNAS
    score = sum((i.vikt * SCORE[i.status] for i in known), Decimal(0)) / total_weight
    if score >= WEIGHTED_MET:
        return Utfall.UPPFYLLT
    return Utfall.DELVIS if score >= WEIGHTED_PARTLY else Utfall.EJ_UPPFYLLT


def suggest(regel: str, inputs: list[Input]) -> Suggestion:
    """The computed suggestion for a goal from its inputs, with the explanation shown beside it:
    "3 av 4 indikatorer uppfyllda, 2 av 3 delmål uppfyllda → delvis uppfyllt"."""
    indicators = [i for i in inputs if i.kind == "indikator"]
    subgoals = [i for i in inputs if i.kind == "delmal"]
    parts = [
        text
        for text in (
            _count_text(indicators, "indikator", "indikatorer"),
            _count_text(subgoals, "delmål", "delmål"),
        )
        if text
    ]
    basis = ", ".join(parts) if parts else "Inga indikatorer eller delmål"
    if regel == Mal.Regel.MANUELL:
        return Suggestion(MANUELL, regel, f"{basis} → bedöms manuellt", inputs)
    known = [i for i in inputs if i.status in KNOWN]
    if not known:
        return Suggestion(SAKNAS, regel, f"{basis} → underlag saknas", inputs)
    status = _rule_result(regel, known)
    if regel == Mal.Regel.VIKTAD and status != SAKNAS:
        total = sum((i.vikt for i in known), Decimal(0))
        score = sum((i.vikt * SCORE[i.status] for i in known), Decimal(0)) / total
        basis += f", viktat {format_number(score, 2)} av 1"
    capped = status == Utfall.UPPFYLLT and len(known) < len(inputs)
    if capped:
        # What is not known is not met: with an input missing the goal is at most partly met.
        status = Utfall.DELVIS
    explanation = f"{basis} → {status_label(status).lower()}"
    if capped:
        explanation += " (högst delvis när underlag saknas)"
    return Suggestion(status, regel, explanation, inputs)


def effective(assessment: str | None, suggestion: Suggestion) -> str:
    """What counts for a goal: the responsible person's assessment when there is one, else the
    computed suggestion (used when the goal feeds the goal above it)."""
    if assessment and assessment != Utfall.EJ_BEDOMT:
        return assessment
    return suggestion.status
