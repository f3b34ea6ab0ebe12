import pytest

from styrning.actionlog import log_action
from styrning.history import Kalla, history
from styrning.models import Handelse, Organisation, Roll
from tests.factories import OrganisationFactory, RollFactory, UserFactory


@pytest.mark.django_db
def test_history_merges_field_changes_and_acts_newest_first(django_assert_num_queries):
    anna = UserFactory(first_name="Anna", last_name="Andersson")
    org = OrganisationFactory(namn="Solrosen")
    org.namn, org.kortnamn = "Solrosens förskola", "Solrosen"
    org._history_user = anna
    org.save()
    org.save()  # no change: not shown
    RollFactory(organisation=org)
    log_action(user=anna, handling=Handelse.Handling.ANDRAD, objekt=org)

    with django_assert_num_queries(3):  # two sources and the acts (content types are cached)
        entries = history(
            Kalla(Organisation, Organisation.history.filter(id=org.pk), lambda r: "Enheten"),
            Kalla(Roll, Roll.history.filter(organisation_id=org.pk), lambda r: "Roll"),
            acts_on=(org,),
        )

    assert [(e.objekt, e.vad, e.vem, e.falt) for e in entries] == [
        ("Solrosens förskola", "Ändrad", "Anna Andersson", []),
        ("Roll", "Skapad", "Systemet", []),
        ("Enheten", "Ändrad", "Anna Andersson", ["Namn", "Kortnamn"]),
        ("Enheten", "Skapad", "Systemet", []),
    ]
