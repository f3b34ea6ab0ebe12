import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from styrning.periods import Period, Periodtyp, tertials

T = Periodtyp.TERTIAL
M = Periodtyp.MANAD


@pytest.mark.parametrize(
    ("text", "period"),
    [("2025", Period(2025)), ("2025T2", Period(2025, T, 2)), ("2025m03", Period(2025, M, 3))],
)
def test_parse_reads_year_tertial_and_month(text, period):
    assert Period.parse(text) == period


@pytest.mark.parametrize("text", ["25", "2025T4", "2025M13", "2025X1", ""])
def test_parse_refuses_bad_periods_with_a_swedish_message(text):
    with pytest.raises(ValidationError) as exc:
        Period.parse(text)

    assert exc.value.messages[0].startswith(("Ange perioden", "Tertialet ska vara"))


def test_tertial_spans_its_own_four_months_and_cumulates_from_january():
    t2 = Period(2025, T, 2)

    assert (t2.start, t2.slut) == (datetime.date(2025, 5, 1), datetime.date(2025, 8, 31))
    assert t2.ackumulerad_start == datetime.date(2025, 1, 1)
    assert t2.spann_label == "maj–augusti 2025"
    assert t2.ackumulerad_label == "per augusti 2025"


@pytest.mark.parametrize(
    ("period", "riktpunkt", "label"),
    [
        (Period(2025, T, 1), Decimal("33.3"), "per april 2025"),
        (Period(2025, T, 2), Decimal("66.7"), "per augusti 2025"),
        (Period(2025, M, 3), Decimal("25.0"), "per mars 2025"),
        (Period(2025), Decimal("100.0"), "helår 2025"),
    ],
)
def test_riktpunkt_is_the_share_of_the_year_elapsed_at_the_end(period, riktpunkt, label):
    assert period.riktpunkt == riktpunkt
    assert period.ackumulerad_label == label


def test_previous_crosses_the_year_and_labels_are_swedish():
    assert Period(2025, T, 1).previous() == Period(2024, T, 3)
    assert Period(2025, M, 1).previous() == Period(2024, M, 12)
    assert [p.label for p in tertials(2025)] == ["T1 2025", "T2 2025", "T3 2025"]
    assert Period(2025, M, 2).label == "februari 2025"
    assert Period(2024, M, 2).slut == datetime.date(2024, 2, 29)
