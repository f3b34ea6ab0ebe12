"""`manage.py demo` creates accounts with a published password (`admin` is a superuser): it runs
only with DEBUG on and on an empty database or the demo's own, unless told otherwise."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from styrning.demo import PERSONAS
from styrning.models import Budgetar, Mandatperiod, Organisation, Roll
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = sorted(username for username, *_ in PERSONAS)


def _usernames():
    return sorted(get_user_model().objects.values_list("username", flat=True))


def _demo_accounts():
    return [u for u in _usernames() if u in DEMO_USERNAMES]


def _demo(**options):
    call_command("demo", stdout=io.StringIO(), **options)


def test_demo_refuses_a_database_with_other_data(settings):
    settings.DEBUG = True
    OrganisationFactory(kod="1490", namn="Borås stad", typ=Organisation.Typ.KOMMUN)
    UserFactory(username="kansli")

    with pytest.raises(CommandError) as refusal:
        _demo()

    assert str(refusal.value) == (
        "Databasen innehåller annat än demokommunen: organisationen Borås stad och 1 användare. "
        "Demokommunen laddas bara i en tom databas eller i en som redan är demons. Ange --force "
        "om den ändå ska läggas till här."
    )
    assert _usernames() == ["kansli"]


def test_demo_refuses_a_database_with_only_a_user(settings):
    settings.DEBUG = True
    UserFactory(username="kansli", is_superuser=True)

    with pytest.raises(CommandError):
        _demo()

    assert _usernames() == ["kansli"]


def test_demo_refuses_when_debug_is_off_and_creates_no_account(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError) as refusal:
        _demo()

    assert str(refusal.value) == (
        "DEBUG är av. Demokommunen skapar konton med ett publicerat lösenord, bland dem "
        "superanvändaren admin, och laddas därför bara i en utvecklingsmiljö (DEBUG=1). Ange "
        "--allow-without-debug om demokontona verkligen ska finnas här."
    )
    assert (_usernames(), Organisation.objects.count()) == ([], 0)


def _counts():
    """The rows of every model of the project's apps (their history tables aside)."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"styrning", "dokument", "mal", "uppfoljning", "insyn"}
        and not model._meta.label.split(".")[1].startswith("Historical")
    }


def test_demo_runs_on_other_data_with_force_and_without_debug_and_again_adding_nothing(settings):
    """One load of the demo (the slowest thing the suite does, so one here): beside other data
    with --force and DEBUG off when allowed, and a second run finds the demo's own and adds
    nothing. On an empty database it loads in every browser test's fixture
    (tests/e2e/conftest.py), which fails if it does not."""
    settings.DEBUG = False
    OrganisationFactory(kod="1490", namn="Borås stad", typ=Organisation.Typ.KOMMUN)
    UserFactory(username="kansli")

    _demo(force=True, allow_without_debug=True)
    first = (_usernames(), _counts())
    _demo(force=True, allow_without_debug=True)

    assert _demo_accounts() == DEMO_USERNAMES
    assert get_user_model().objects.filter(username="kansli").count() == 1
    assert Organisation.objects.filter(kod="2299", overordnad=None).count() == 1
    assert (_usernames(), _counts()) == first
    assert 40 <= Organisation.objects.filter(typ=Organisation.Typ.ENHET).count() <= 80
    assert 6 <= Organisation.objects.filter(typ=Organisation.Typ.NAMND).count() <= 9
    assert Mandatperiod.objects.count() == 3
    assert Budgetar.objects.filter(ar=2026).get().mandatperiod.start_ar == 2023
    assert sorted(Roll.objects.values_list("roll", flat=True)) == sorted(Roll.Typ.values)
