import datetime

import pytest
from django.utils import timezone

from styrning import locking
from styrning.forms import LockedForm
from styrning.models import Organisation
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def org(db):
    return OrganisationFactory(namn="Solrosens förskola")


def _save_as(org, user, **changes):
    for key, value in changes.items():
        setattr(org, key, value)
    org._history_user = user
    org.save()


def test_token_changes_with_every_save_and_is_empty_for_no_row(org):
    before = locking.token(org)
    _save_as(org, UserFactory(), namn="Solrosen")

    assert locking.token(None) == ""
    assert before != locking.token(org) != ""


def test_check_unchanged_passes_for_the_token_shown_and_when_not_asked(org):
    locking.check_unchanged(org, locking.token(org))
    locking.check_unchanged(org, None)
    locking.check_unchanged(None, "")


def test_a_change_made_since_the_form_was_opened_is_refused_with_who_and_when(org):
    shown = locking.token(org)
    anna = UserFactory(first_name="Anna", last_name="Andersson")
    _save_as(org, anna, namn="Solrosen")
    when = timezone.localtime(org.history.latest().history_date).strftime("%H:%M")

    with pytest.raises(locking.Konflikt) as exc:
        locking.check_unchanged(org, shown, detail="Namnet är nu Solrosen.")

    assert exc.value.messages == [
        f"Ändrat av Anna Andersson kl. {when} sedan du öppnade sidan. Namnet är nu Solrosen. "
        "Ingenting har sparats."
    ]
    assert (exc.value.current, exc.value.token) == (org, locking.token(org))


def test_a_row_that_appeared_since_the_form_was_opened_is_refused(org):
    with pytest.raises(locking.Konflikt):
        locking.check_unchanged(org, "")


def test_an_older_change_names_its_day():
    yesterday = timezone.now() - datetime.timedelta(days=1)

    message = locking.changed_message(None, yesterday)

    assert message == (
        f"Ändrat av någon annan kl. {timezone.localtime(yesterday):%Y-%m-%d %H:%M} "
        "sedan du öppnade sidan."
    )


def test_locked_form_carries_the_token_and_after_a_conflict_the_new_one(org):
    unbound = LockedForm(current=org)
    shown = locking.token(org)
    _save_as(org, UserFactory(), namn="Solrosen")
    bound = LockedForm({"andringsmarke": shown})
    assert bound.is_valid()

    try:
        locking.check_unchanged(
            Organisation.objects.get(pk=org.pk), bound.cleaned_data["andringsmarke"]
        )
    except locking.Konflikt as exc:
        bound.add_conflict(exc)

    assert unbound["andringsmarke"].value() == shown
    assert bound.data["andringsmarke"] == locking.token(org)
    assert bound.non_field_errors()[0].startswith("Ändrat av ")
