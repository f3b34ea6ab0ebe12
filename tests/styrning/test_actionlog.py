import pytest
from django.contrib.auth.models import AnonymousUser

from styrning.actionlog import actions_for, log_action
from styrning.models import Handelse
from tests.factories import OrganisationFactory, UserFactory

H = Handelse.Handling


@pytest.mark.django_db
def test_log_action_records_who_what_when_and_where():
    user = UserFactory(first_name="Sara", last_name="Lindqvist")
    org = OrganisationFactory(namn="Barn- och utbildningsnämnden")

    entry = log_action(
        user=user,
        handling=H.PUBLICERAD,
        objekt=org,
        organisation=org,
        data={"version": 2},
        publik=True,
    )

    entry.refresh_from_db()
    assert (entry.anvandare, entry.handling, entry.objekt, entry.organisation) == (
        user,
        H.PUBLICERAD,
        org,
        org,
    )
    assert (entry.objekt_text, entry.data, entry.publik) == (
        "Barn- och utbildningsnämnden",
        {"version": 2},
        True,
    )
    assert str(entry) == "Publicerad: Barn- och utbildningsnämnden"


@pytest.mark.django_db
def test_anonymous_or_system_acts_have_no_user():
    org = OrganisationFactory()

    first = log_action(user=AnonymousUser(), handling=H.ANDRAD, objekt=org)
    second = log_action(user=None, handling=H.ANDRAD, objekt=org)

    assert (first.anvandare, second.anvandare, first.publik) == (None, None, False)


@pytest.mark.django_db
def test_actions_for_reads_the_acts_of_the_given_objects_newest_first():
    user = UserFactory()
    one, two, other = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    first = log_action(user=user, handling=H.REGISTRERAD, objekt=one)
    second = log_action(user=user, handling=H.ANDRAD, objekt=two)
    log_action(user=user, handling=H.ANDRAD, objekt=other)

    assert list(actions_for(one, two)) == [second, first]
