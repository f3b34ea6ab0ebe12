"""Factories of the follow-up's rows; each part's tests add what they need here, small."""

import datetime

import factory
from django.utils import timezone

from styrning.models import Organisation
from styrning.periods import Periodtyp
from tests.factories import OrganisationFactory
from uppfoljning.innehall import checksum as innehall_checksum
from uppfoljning.models import Rapport, Rapportperiod, Rapporttyp, Rapportversion


class RapporttypFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rapporttyp
        django_get_or_create = ["kod"]

    namn = factory.Sequence(lambda n: f"Månadsuppföljning {n}")
    kod = factory.Sequence(lambda n: f"manad-{n}")
    periodtyp = Periodtyp.MANAD
    periodnummer = factory.LazyFunction(lambda: [2, 3, 4, 5, 7, 8, 9, 10, 11])
    rapporterande_nivaer = factory.LazyFunction(
        lambda: [Organisation.Typ.FORVALTNING, Organisation.Typ.ENHET]
    )
    avsnitt = factory.LazyFunction(
        lambda: [
            {
                "kod": "handelser",
                "rubrik": "Viktiga händelser",
                "slag": "text",
                "obligatorisk": True,
                "hjalptext": "",
            },
            {
                "kod": "framtid",
                "rubrik": "Framtid",
                "slag": "text",
                "obligatorisk": False,
                "hjalptext": "",
            },
        ]
    )


class RapportperiodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rapportperiod

    rapporttyp = factory.SubFactory(RapporttypFactory)
    ar = 2026
    periodtyp = Periodtyp.MANAD
    periodnummer = 3
    sista_dag = datetime.date(2026, 4, 10)
    beraknad_sista_dag = factory.SelfAttribute("sista_dag")


class RapportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rapport

    rapportperiod = factory.SubFactory(RapportperiodFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class RapportversionFactory(factory.django.DjangoModelFactory):
    """A frozen version written by hand (the test gives `innehall`); the checksum is its own."""

    class Meta:
        model = Rapportversion

    rapport = factory.SubFactory(RapportFactory)
    nummer = 1
    slag = Rapportversion.Slag.INLAMNAD
    innehall = factory.LazyFunction(dict)
    kontrollsumma = factory.LazyAttribute(lambda o: innehall_checksum(o.innehall))
    skapad = factory.LazyFunction(timezone.now)
