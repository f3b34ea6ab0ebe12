"""The shared decimal field takes numbers as Swedes write them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from styrning.forms import DecimalField


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,5", Decimal("1234.5")),
        ("1\u00a0234,5", Decimal("1234.5")),
        ("1\u202f234 567,25", Decimal("1234567.25")),
        ("\u22120,5", Decimal("-0.5")),
        ("-12", Decimal("-12")),
    ],
)
def test_decimal_field_reads_swedish_numbers(text, expected):
    assert DecimalField(max_digits=14, decimal_places=4).clean(text) == expected


def test_decimal_field_refuses_words_in_swedish():
    with pytest.raises(ValidationError) as error:
        DecimalField(max_digits=14, decimal_places=4).clean("tolv")
    assert error.value.messages == ["Fyll i ett tal."]
