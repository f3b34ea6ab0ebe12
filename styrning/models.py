"""The core every app stands on: the organisation tree, terms of office, budget years, roles."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    """A node of the municipality's tree: a political body or a part of the organisation of
    officials. One model with a type and a parent, not one model per kind of body."""

    class Typ(models.TextChoices):
        KOMMUN = "kommun", "Kommun"
        KOMMUNFULLMAKTIGE = "kommunfullmaktige", "Kommunfullmäktige"
        KOMMUNSTYRELSE = "kommunstyrelse", "Kommunstyrelse"
        NAMND = "namnd", "Nämnd"
        UTSKOTT = "utskott", "Utskott"
        BOLAGSSTYRELSE = "bolagsstyrelse", "Bolagsstyrelse"
        FORBUNDSDIREKTION = "forbundsdirektion", "Förbundsdirektion"
        FORVALTNING = "forvaltning", "Förvaltning"
        AVDELNING = "avdelning", "Avdelning"
        VERKSAMHET = "verksamhet", "Verksamhet"
        ENHET = "enhet", "Enhet"

    POLITISKA_TYPER = frozenset(
        {
            Typ.KOMMUNFULLMAKTIGE,
            Typ.KOMMUNSTYRELSE,
            Typ.NAMND,
            Typ.UTSKOTT,
            Typ.BOLAGSSTYRELSE,
            Typ.FORBUNDSDIREKTION,
        }
    )

    kod = models.CharField(
        "kod",
        max_length=40,
        unique=True,
        help_text="Organisationens fasta identitet, t.ex. från ekonomi- eller personalsystemet.",
    )
    namn = models.CharField("namn", max_length=200)
    kortnamn = models.CharField("kortnamn", max_length=80, blank=True)
    forkortning = models.CharField(
        "förkortning",
        max_length=20,
        blank=True,
        help_text="Används i diarienummer, t.ex. KS eller BUN.",
    )
    typ = models.CharField("typ", max_length=30, choices=Typ.choices)
    overordnad = models.ForeignKey(
        "self",
        verbose_name="överordnad",
        related_name="underordnade",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    aktiv_fran = models.DateField("aktiv från", null=True, blank=True)
    aktiv_till = models.DateField(
        "aktiv till", null=True, blank=True, help_text="Lämna tomt om organet finns kvar."
    )
    ordning = models.PositiveIntegerField("ordning", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisationer"
        ordering = ["ordning", "namn"]
        constraints = [
            models.CheckConstraint(
                condition=Q(aktiv_till__isnull=True)
                | Q(aktiv_fran__isnull=True)
                | Q(aktiv_till__gte=F("aktiv_fran")),
                name="organisation_aktiv_till_efter_fran",
                violation_error_message="Aktiv till kan inte vara före aktiv från.",
            ),
            models.UniqueConstraint(
                fields=["forkortning"],
                condition=~Q(forkortning=""),
                name="organisation_unik_forkortning",
                violation_error_message="Förkortningen används redan av en annan organisation.",
            ),
            models.CheckConstraint(
                condition=~Q(overordnad=F("id")),
                name="organisation_inte_egen_overordnad",
                violation_error_message="En organisation kan inte vara överordnad sig själv.",
            ),
        ]

    def __str__(self):
        return self.namn

    def get_absolute_url(self):
        return reverse("organisation_detalj", args=[self.pk])

    @property
    def kort(self) -> str:
        return self.kortnamn or self.namn

    @property
    def is_political(self) -> bool:
        return self.typ in self.POLITISKA_TYPER

    def is_active_on(self, day) -> bool:
        return (self.aktiv_fran is None or self.aktiv_fran <= day) and (
            self.aktiv_till is None or day <= self.aktiv_till
        )

    def clean(self):
        from styrning.services import check_no_cycle

        check_no_cycle(self)


class Mandatperiod(models.Model):
    """A four-year term of office, e.g. 2023–2026."""

    start_ar = models.PositiveSmallIntegerField("första år")
    slut_ar = models.PositiveSmallIntegerField("sista år")

    class Meta:
        verbose_name = "mandatperiod"
        verbose_name_plural = "mandatperioder"
        ordering = ["start_ar"]
        constraints = [
            models.UniqueConstraint(fields=["start_ar"], name="mandatperiod_unik_start"),
            models.CheckConstraint(
                condition=Q(slut_ar__gte=F("start_ar")),
                name="mandatperiod_slut_efter_start",
                violation_error_message="Sista året kan inte vara före första året.",
            ),
        ]

    def __str__(self):
        return f"{self.start_ar}–{self.slut_ar}"

    def contains_year(self, ar: int) -> bool:
        return self.start_ar <= ar <= self.slut_ar


class Budgetar(models.Model):
    """A budget year (the calendar year), the period of planning, within a term of office."""

    ar = models.PositiveSmallIntegerField("år", unique=True)
    mandatperiod = models.ForeignKey(
        Mandatperiod,
        verbose_name="mandatperiod",
        related_name="budgetar",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = "budgetår"
        verbose_name_plural = "budgetår"
        ordering = ["ar"]

    def __str__(self):
        return str(self.ar)


class Roll(models.Model):
    """A person's role on a node of the tree; it covers the nodes below it too."""

    class Typ(models.TextChoices):
        NAMNDSEKRETERARE = "namndsekreterare", "Nämndsekreterare"
        CHEF = "chef", "Chef"
        CONTROLLER = "controller", "Controller"
        FORTROENDEVALD = "fortroendevald", "Förtroendevald"
        ADMINISTRATOR = "administrator", "Administratör"

    anvandare = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="användare",
        related_name="roller",
        on_delete=models.CASCADE,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        related_name="roller",
        on_delete=models.PROTECT,
    )
    roll = models.CharField("roll", max_length=30, choices=Typ.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "roll"
        verbose_name_plural = "roller"
        ordering = ["anvandare__username", "roll"]
        constraints = [
            models.UniqueConstraint(
                fields=["anvandare", "organisation", "roll"],
                name="roll_unik_per_person_och_organisation",
                violation_error_message="Personen har redan den rollen i organisationen.",
            ),
        ]

    def __str__(self):
        return f"{self.get_roll_display()}, {self.organisation}"
