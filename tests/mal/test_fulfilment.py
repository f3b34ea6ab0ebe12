from decimal import Decimal

import pytest

from mal.fulfilment import SAKNAS, Input, indicator_result, suggest
from mal.models import Indikator, Mal, Utfall

R = Indikator.Riktning
U = Utfall


@pytest.mark.parametrize(
    ("riktning", "target", "value", "expected"),
    [
        (R.HOGRE, "80", "80", U.UPPFYLLT),
        (R.HOGRE, "80", "77", U.DELVIS),  # within 5 % below
        (R.HOGRE, "80", "75", U.EJ_UPPFYLLT),
        (R.LAGRE, "60", "55", U.UPPFYLLT),  # lower is better: under the target is met
        (R.LAGRE, "60", "62", U.DELVIS),
        (R.LAGRE, "60", "70", U.EJ_UPPFYLLT),
        (R.NARMARE, "100", "104", U.UPPFYLLT),
        (R.NARMARE, "100", "92", U.DELVIS),
        (R.NARMARE, "100", "111", U.EJ_UPPFYLLT),
    ],
)
def test_indicator_result_follows_direction_and_band(riktning, target, value, expected):
    result = indicator_result(riktning, Decimal(target), Decimal(5), Decimal(value))

    assert result == expected


def test_indicator_without_value_or_target_is_missing_not_failed():
    assert indicator_result(R.HOGRE, Decimal(80), Decimal(5), None) == SAKNAS
    assert indicator_result(R.HOGRE, None, Decimal(5), Decimal(80)) == SAKNAS


def test_band_is_per_indicator():
    assert indicator_result(R.HOGRE, Decimal(80), Decimal(0), Decimal(79)) == U.EJ_UPPFYLLT
    assert indicator_result(R.HOGRE, Decimal(80), Decimal(10), Decimal(73)) == U.DELVIS


def ind(status, vikt=1):
    return Input("indikator", status, Decimal(vikt))


def sub(status, vikt=1):
    return Input("delmal", status, Decimal(vikt))


def test_rule_all_explains_inputs_and_result():
    inputs = [ind(U.UPPFYLLT)] * 3 + [ind(U.EJ_UPPFYLLT)] + [sub(U.UPPFYLLT)] * 2 + [sub(U.DELVIS)]

    result = suggest(Mal.Regel.ALLA, inputs)

    assert result.status == U.DELVIS
    assert result.explanation == (
        "3 av 4 indikatorer uppfyllda, 2 av 3 delmål uppfyllda (1 delvis) → delvis uppfyllt"
    )


def test_rule_all_with_one_met_and_one_missing_is_at_most_partly_met_and_says_so():
    result = suggest(Mal.Regel.ALLA, [ind(U.UPPFYLLT), ind(SAKNAS)])

    assert result.status == U.DELVIS
    assert result.explanation == (
        "1 av 2 indikatorer uppfyllda (1 saknar underlag) → delvis uppfyllt "
        "(högst delvis när underlag saknas)"
    )


@pytest.mark.parametrize("regel", [Mal.Regel.ALLA, Mal.Regel.MAJORITET, Mal.Regel.VIKTAD])
def test_missing_input_caps_a_met_goal_at_partly_met_for_every_computed_rule(regel):
    met_and_missing = [ind(U.UPPFYLLT), ind(U.UPPFYLLT), sub(SAKNAS)]

    assert (suggest(regel, met_and_missing).status, suggest(regel, met_and_missing[:2]).status) == (
        U.DELVIS,
        U.UPPFYLLT,
    )


def test_missing_input_does_not_lift_a_goal_that_is_not_met():
    assert suggest(Mal.Regel.ALLA, [ind(U.EJ_UPPFYLLT), ind(SAKNAS)]).status == U.EJ_UPPFYLLT


def test_rule_all_with_only_missing_data_is_missing():
    result = suggest(Mal.Regel.ALLA, [ind(SAKNAS), sub(SAKNAS)])

    assert result.status == SAKNAS


def test_rule_all_all_failed_is_not_met():
    assert suggest(Mal.Regel.ALLA, [ind(U.EJ_UPPFYLLT), sub(U.EJ_UPPFYLLT)]).status == (
        U.EJ_UPPFYLLT
    )


def test_rule_majority():
    assert suggest(Mal.Regel.MAJORITET, [ind(U.UPPFYLLT)] * 2 + [ind(U.EJ_UPPFYLLT)]).status == (
        U.UPPFYLLT
    )
    assert suggest(Mal.Regel.MAJORITET, [ind(U.UPPFYLLT), ind(U.EJ_UPPFYLLT)]).status == U.DELVIS
    assert suggest(
        Mal.Regel.MAJORITET, [ind(U.EJ_UPPFYLLT)] * 2 + [ind(U.UPPFYLLT), ind(SAKNAS)]
    ).status == (U.EJ_UPPFYLLT)


def test_rule_weighted_uses_weights_and_skips_missing():
    heavy_met = [ind(U.UPPFYLLT, 4), ind(U.EJ_UPPFYLLT, 1), ind(SAKNAS, 10)]
    heavy_failed = [ind(U.UPPFYLLT, 1), ind(U.EJ_UPPFYLLT, 4)]

    met = suggest(Mal.Regel.VIKTAD, heavy_met)
    met_without_missing = suggest(Mal.Regel.VIKTAD, heavy_met[:2])

    assert met.status == U.DELVIS  # 0,80 would be met, but an input is missing
    assert met.explanation.endswith(
        "viktat 0,80 av 1 → delvis uppfyllt (högst delvis när underlag saknas)"
    )
    assert met_without_missing.status == U.UPPFYLLT
    assert met_without_missing.explanation.endswith("viktat 0,80 av 1 → uppfyllt")
    assert suggest(Mal.Regel.VIKTAD, heavy_failed).status == U.EJ_UPPFYLLT


def test_rule_manual_computes_no_status():
    result = suggest(Mal.Regel.MANUELL, [ind(U.UPPFYLLT)])

    assert result.status == "manuell"
    assert result.explanation == "1 av 1 indikator uppfyllda → bedöms manuellt"
