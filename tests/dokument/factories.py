"""Factories for governing documents."""

import datetime

import factory

from dokument.models import Dokument, Dokumenttyp, Dokumentversion
from styrning.models import Organisation
from tests.factories import OrganisationFactory

T = Organisation.Typ


class DokumenttypFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dokumenttyp
        django_get_or_create = ["namn"]

    namn = factory.Sequence(lambda n: f"Typ {n}")
    namn_plural = factory.LazyAttribute(lambda t: f"{t.namn}er")
    rang = 60
    granskningsregel = Dokumenttyp.Granskningsregel.AR
    granskning_ar = 2
    antas_av_typer = factory.LazyFunction(lambda: [T.KOMMUNFULLMAKTIGE, T.KOMMUNSTYRELSE, T.NAMND])


class DokumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dokument

    typ = factory.SubFactory(DokumenttypFactory)
    agare = factory.SubFactory(OrganisationFactory, typ=T.NAMND)
    status = Dokument.Status.UTKAST


class DokumentversionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dokumentversion

    dokument = factory.SubFactory(DokumentFactory)
    versionsnummer = 1
    titel = factory.Sequence(lambda n: f"Riktlinjer nummer {n}")
    text = "## Syfte\n\nDokumentet ska vara enkelt och tydligt."
    status = Dokumentversion.Status.UTKAST


def published(dokument: Dokument, **kwargs) -> Dokumentversion:
    """Give a document a published current version directly (no services): a fixture shortcut."""
    values = {
        "dokument": dokument,
        "status": Dokumentversion.Status.PUBLICERAD,
        "ar_aktuell": True,
        "faststalld_av": dokument.agare,
        "beslutsdatum": datetime.date(2024, 3, 1),
        "paragraf": "§ 12",
        **kwargs,
    }
    version = DokumentversionFactory(**values)
    if dokument.status == Dokument.Status.UTKAST:
        dokument.status = Dokument.Status.GALLANDE
        dokument.save(update_fields=["status"])
    return version
