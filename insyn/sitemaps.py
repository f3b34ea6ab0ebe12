"""The sitemap: every public page with a stable address, one section per kind.

`/sitemap.xml` is the index (Django's `sitemaps.views.index`), naming each section's pages
(`/sitemap-<section>.xml?p=<n>`, `LIMIT` addresses a page), so a page of the sitemap costs what
it shows: one query for its slice of the items (and the index one COUNT and at most one
aggregate for the latest change per section, never the items themselves).

What is public is read from the apps that decide it: `published_documents()`,
`mal_for_user` of an anonymous reader, `adopted_reports()`, the published Året som gick.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.db.models import F, Max, Q
from django.urls import reverse

from dokument.models import Dokumentversion
from dokument.queries import published_documents
from mal.queries import mal_for_user, uppdrag_for_user
from styrning.models import Organisation
from uppfoljning.models import AretSomGick, Rapportversion
from uppfoljning.views_publik import adopted_reports

LIMIT = 1000


class _Sitemap(Sitemap):
    limit = LIMIT

    def get_latest_lastmod(self):
        # Django's default reads every item; no lastmod here unless a section aggregates it.
        return None


class Sidor(_Sitemap):
    """The lists and start pages."""

    changefreq = "daily"

    def items(self):
        return [
            "start",
            "dokument:lista",
            "dokument:forfattningssamling",
            "organisation_lista",
            "mal:trad",
            "mal:jamforelse",
            "mal:uppdrag_lista",
            "uppfoljning:lista",
            "tillganglighet",
            "insyn:prenumerera",
            "insyn:personuppgifter",
            "oppna_data",
        ]

    def location(self, item):
        return reverse(item)


class Dokument(_Sitemap):
    """Each published document's permanent page (the document, whatever its version)."""

    def items(self):
        return (
            published_documents()
            .prefetch_related(None)
            .select_related(None)
            .annotate(publicerad=F("aktuell__publicerad_tid"))
            .only("pk")
            .order_by("pk")
        )

    def lastmod(self, dokument):
        return dokument.publicerad

    def get_latest_lastmod(self):
        return published_documents().aggregate(senast=Max("aktuell__publicerad_tid"))["senast"]


class Dokumentversioner(_Sitemap):
    """Each published document's current version (its own address: /dokument/<id>/version/<n>/)."""

    def items(self):
        return (
            Dokumentversion.objects.filter(
                ar_aktuell=True, status=Dokumentversion.Status.PUBLICERAD
            )
            .only("pk", "dokument_id", "versionsnummer", "publicerad_tid")
            .order_by("dokument_id")
        )

    def lastmod(self, version):
        return version.publicerad_tid

    def get_latest_lastmod(self):
        return Dokumentversion.objects.filter(
            ar_aktuell=True, status=Dokumentversion.Status.PUBLICERAD
        ).aggregate(senast=Max("publicerad_tid"))["senast"]


class Organisationer(_Sitemap):
    """Every organisation's page (the organisation tree is public)."""

    def items(self):
        return Organisation.objects.only("pk").order_by("pk")

    def location(self, organisation):
        return reverse("organisation_detalj", args=[organisation.pk])


class Organ(_Sitemap):
    """The goal pages of the bodies and units that own an adopted goal."""

    def items(self):
        owners = mal_for_user(AnonymousUser()).values("agare_id")
        return Organisation.objects.filter(pk__in=owners).only("pk").order_by("pk")

    def location(self, organisation):
        return reverse("mal:organ", args=[organisation.pk])


class Mal(_Sitemap):
    """Each public (adopted) goal's page."""

    def items(self):
        return mal_for_user(AnonymousUser()).select_related(None).only("pk").order_by("pk")


class Uppdrag(_Sitemap):
    """Each assignment's page (assignments are decided in public budgets)."""

    def items(self):
        return uppdrag_for_user(AnonymousUser()).select_related(None).only("pk").order_by("pk")


class Rapporter(_Sitemap):
    """Each adopted report's public page, last changed when its latest version was adopted."""

    def items(self):
        return (
            adopted_reports()
            .select_related(None)
            .annotate(
                antagen=Max(
                    "versioner__skapad",
                    filter=Q(versioner__slag=Rapportversion.Slag.ANTAGEN),
                )
            )
            .only("pk")
            .order_by("pk")
        )

    def location(self, rapport):
        return reverse("uppfoljning:las", args=[rapport.pk])

    def lastmod(self, rapport):
        return rapport.antagen

    def get_latest_lastmod(self):
        return Rapportversion.objects.filter(
            slag=Rapportversion.Slag.ANTAGEN, rapport__in=adopted_reports().values("pk")
        ).aggregate(senast=Max("skapad"))["senast"]


class AretSomGickSidor(_Sitemap):
    """The published years of Året som gick."""

    def items(self):
        return AretSomGick.objects.filter(publicerad=True).only("ar").order_by("ar")

    def location(self, aret):
        return reverse("uppfoljning:aret_som_gick", args=[aret.ar])


SITEMAPS = {
    "sidor": Sidor,
    "dokument": Dokument,
    "versioner": Dokumentversioner,
    "organisationer": Organisationer,
    "organ": Organ,
    "mal": Mal,
    "uppdrag": Uppdrag,
    "rapporter": Rapporter,
    "aret-som-gick": AretSomGickSidor,
}
