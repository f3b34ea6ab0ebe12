"""Model-level rules of the dokument app."""

import pytest
from django.core.exceptions import ValidationError

from dokument.models import Dokumenttyp


def test_document_type_refuses_unknown_organisation_types(db):
    typ = Dokumenttyp(namn="Policy", namn_plural="Policyer", rang=70, antas_av_typer=["kf"])

    with pytest.raises(ValidationError) as error:
        typ.full_clean()

    assert list(error.value.message_dict) == ["antas_av_typer"]


def test_document_type_with_known_types_is_valid(db):
    typ = Dokumenttyp(
        namn="Policy", namn_plural="Policyer", rang=70, antas_av_typer=["kommunfullmaktige"]
    )

    typ.full_clean()

    assert typ.may_be_adopted_by("kommunfullmaktige") is True


def test_review_every_n_years_needs_the_number(db):
    typ = Dokumenttyp(
        namn="Rutin", namn_plural="Rutiner", rang=10, granskningsregel="ar", granskning_ar=None
    )

    with pytest.raises(ValidationError) as error:
        typ.full_clean()

    assert error.value.messages == ["Ange antal år mellan prövningarna."]
