"""Subscriptions by mail (no account: an address and a selection) and the outbox their mails go
out from, one row per mail, so each is sent exactly once."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from insyn.handelser import DOKUMENT, RAPPORTER, Urval


class Prenumeration(models.Model):
    """One address following one selection (`insyn.handelser.Urval`) at one frequency. The
    address is personal data: it is stored for this subscription only and the row is deleted
    when the subscriber unsubscribes (no flag) or, unconfirmed, after a week."""

    class Slag(models.TextChoices):
        DOKUMENT = DOKUMENT, "Styrdokument"
        RAPPORTER = RAPPORTER, "Antagna uppföljningsrapporter"

    class Frekvens(models.TextChoices):
        DIREKT = "direkt", "Direkt, ett brev per händelse"
        DAGLIG = "daglig", "En gång om dagen"
        VECKOVIS = "veckovis", "En gång i veckan"

    epost = models.EmailField("e-postadress", max_length=254)
    slag = models.CharField("slag", max_length=20, choices=Slag.choices, default=Slag.DOKUMENT)
    organ = models.ForeignKey(
        "styrning.Organisation",
        verbose_name="organ",
        related_name="prenumerationer_organ",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    typ = models.ForeignKey(
        "dokument.Dokumenttyp",
        verbose_name="dokumenttyp",
        related_name="prenumerationer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    omrade = models.ForeignKey(
        "styrning.Organisation",
        verbose_name="gäller för",
        related_name="prenumerationer_omrade",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    q = models.CharField("sökord", max_length=200, blank=True)
    dokument = models.ForeignKey(
        "dokument.Dokument",
        verbose_name="styrdokument",
        related_name="prenumerationer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    urval_nyckel = models.CharField(
        "urvalets nyckel",
        max_length=400,
        help_text="Urvalet i en fast form: samma adress kan inte prenumerera två gånger på det.",
    )
    frekvens = models.CharField(
        "hur ofta", max_length=20, choices=Frekvens.choices, default=Frekvens.DIREKT
    )
    nyckel = models.CharField(
        "nyckel", max_length=64, help_text="Hemlig del av länkarna för att avsluta och ändra."
    )
    bekraftelse_nyckel = models.CharField(
        "bekräftelsenyckel",
        max_length=64,
        blank=True,
        help_text="Hemlig del av bekräftelselänken; tom när prenumerationen är bekräftad.",
    )
    skapad = models.DateTimeField("skapad", default=timezone.now)
    bekraftad = models.DateTimeField("bekräftad", null=True, blank=True)

    class Meta:
        verbose_name = "prenumeration"
        verbose_name_plural = "prenumerationer"
        ordering = ["-skapad", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["epost", "urval_nyckel"], name="prenumeration_en_per_adress_och_urval"
            ),
            models.CheckConstraint(
                condition=Q(slag__in=["dokument", "rapporter"]), name="prenumeration_slag"
            ),
            models.CheckConstraint(
                condition=Q(frekvens__in=["direkt", "daglig", "veckovis"]),
                name="prenumeration_frekvens",
            ),
        ]
        indexes = [models.Index(fields=["bekraftad", "frekvens"]), models.Index(fields=["skapad"])]

    def __str__(self):
        return f"Prenumeration {self.pk}"

    @property
    def urval(self) -> Urval:
        return Urval(
            slag=self.slag,
            organ=self.organ_id,
            typ=self.typ_id,
            omrade=self.omrade_id,
            q=self.q,
            dokument=self.dokument_id,
        )

    @property
    def ar_bekraftad(self) -> bool:
        return self.bekraftad is not None


class Utskick(models.Model):
    """One mail to one subscriber: about one event (direct) or a digest of one window (daily,
    weekly). The unique constraints make it impossible to create the same mail twice; `skickad`
    is set in the transaction that holds the row locked while the SMTP server accepts it."""

    prenumeration = models.ForeignKey(
        Prenumeration,
        verbose_name="prenumeration",
        related_name="utskick",
        on_delete=models.CASCADE,
    )
    handelse = models.ForeignKey(
        "styrning.Handelse",
        verbose_name="händelse",
        related_name="utskick",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    fonster_fran = models.DateTimeField("sammandrag från", null=True, blank=True)
    fonster_till = models.DateTimeField("sammandrag till (ej med)", null=True, blank=True)
    skapad = models.DateTimeField("skapad", default=timezone.now)
    skickad = models.DateTimeField("skickad", null=True, blank=True)
    forsok = models.PositiveIntegerField("försök", default=0)
    senaste_fel = models.CharField("senaste fel", max_length=300, blank=True)

    class Meta:
        verbose_name = "utskick"
        verbose_name_plural = "utskick"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["prenumeration", "handelse"],
                condition=Q(handelse__isnull=False),
                name="utskick_en_per_handelse",
            ),
            models.UniqueConstraint(
                fields=["prenumeration", "fonster_fran"],
                condition=Q(fonster_fran__isnull=False),
                name="utskick_ett_per_fonster",
            ),
            models.CheckConstraint(
                condition=(
                    Q(handelse__isnull=False, fonster_fran__isnull=True, fonster_till__isnull=True)
                    | Q(
                        handelse__isnull=True,
                        fonster_fran__isnull=False,
                        fonster_till__isnull=False,
                    )
                ),
                name="utskick_handelse_eller_fonster",
            ),
        ]
        indexes = [models.Index(fields=["skickad"])]

    def __str__(self):
        return f"Utskick {self.pk}"
