"""Simple factories for the tests. Each app's tests add theirs below the core ones."""

import factory
from django.contrib.auth import get_user_model

from styrning.models import Budgetar, Mandatperiod, Organisation, Roll


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@kommun.example")
    password = factory.django.Password("losenord-for-test")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kod = factory.Sequence(lambda n: f"ORG{n}")
    namn = factory.Sequence(lambda n: f"Organisation {n}")
    typ = Organisation.Typ.ENHET


class RollFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roll

    anvandare = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    roll = Roll.Typ.CHEF


class MandatperiodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandatperiod
        django_get_or_create = ["start_ar"]

    start_ar = 2023
    slut_ar = factory.LazyAttribute(lambda m: m.start_ar + 3)


class BudgetarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budgetar
        django_get_or_create = ["ar"]

    ar = 2026
    mandatperiod = factory.SubFactory(MandatperiodFactory)
