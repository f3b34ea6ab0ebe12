"""Factories of the goal chain."""

from decimal import Decimal

import factory

from mal.models import Bedomning, Indikator, Mal, Malomrade, Malvarde, Uppdrag, Varde
from styrning.periods import Periodtyp
from tests.factories import BudgetarFactory, MandatperiodFactory, OrganisationFactory


class MalomradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Malomrade

    mandatperiod = factory.SubFactory(MandatperiodFactory)
    namn = factory.Sequence(lambda n: f"Målområde {n}")


class MalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mal

    titel = factory.Sequence(lambda n: f"Mål {n}")
    agare = factory.SubFactory(OrganisationFactory)
    typ = Mal.Typ.VERKSAMHETSMAL
    status = Mal.Status.ANTAGET
    mandatperiod = factory.SubFactory(MandatperiodFactory)
    budgetar = None


class IndikatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indikator

    mal = factory.SubFactory(MalFactory)
    matt_for = factory.LazyAttribute(lambda i: i.mal.agare)
    namn = factory.Sequence(lambda n: f"Indikator {n}")
    enhet = "%"
    riktning = Indikator.Riktning.HOGRE
    tolerans = Decimal(5)


class MalvardeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Malvarde

    indikator = factory.SubFactory(IndikatorFactory)
    ar = 2025
    varde = Decimal(80)


class VardeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Varde

    indikator = factory.SubFactory(IndikatorFactory)
    organisation = factory.LazyAttribute(lambda v: v.indikator.matt_for)
    ar = 2025
    periodtyp = Periodtyp.AR
    periodnummer = 0
    totalt = Decimal(80)


class BedomningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bedomning

    mal = factory.SubFactory(MalFactory)
    ar = 2025
    utfall = "uppfyllt"
    analys = "Målet är uppfyllt."


class UppdragFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Uppdrag

    titel = factory.Sequence(lambda n: f"Uppdrag {n}")
    givet_av = factory.SubFactory(OrganisationFactory)
    givet_till = factory.SubFactory(OrganisationFactory)
    budgetar = factory.SubFactory(BudgetarFactory, ar=2025)
