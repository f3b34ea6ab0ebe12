"""The goal chain: vision, goal areas, goals, activities, assignments, indicators, values and
assessments of fulfilment."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from styrning.models import Budgetar, Mandatperiod, Organisation, Periodrad


class Utfall(models.TextChoices):
    """Goal fulfilment: the responsible person's assessment, and the computed suggestion."""

    UPPFYLLT = "uppfyllt", "Uppfyllt"
    DELVIS = "delvis", "Delvis uppfyllt"
    EJ_UPPFYLLT = "ej_uppfyllt", "Ej uppfyllt"
    EJ_BEDOMT = "ej_bedomt", "Ej bedömt"


class Vision(models.Model):
    """The long-term political picture of a term of office (e.g. *Vision Lysekil 2030*)."""

    mandatperiod = models.OneToOneField(
        Mandatperiod,
        verbose_name="mandatperiod",
        related_name="vision",
        on_delete=models.PROTECT,
    )
    titel = models.CharField("titel", max_length=200)
    text = models.TextField("visionstext")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "vision"
        verbose_name_plural = "visioner"
        ordering = ["mandatperiod__start_ar"]

    def __str__(self):
        return self.titel


class Malomrade(models.Model):
    """A goal area or a scorecard perspective, adopted per term of office (data, not code)."""

    class Typ(models.TextChoices):
        MALOMRADE = "malomrade", "Målområde"
        PERSPEKTIV = "perspektiv", "Perspektiv"

    mandatperiod = models.ForeignKey(
        Mandatperiod,
        verbose_name="mandatperiod",
        related_name="malomraden",
        on_delete=models.PROTECT,
    )
    namn = models.CharField("namn", max_length=200)
    typ = models.CharField("typ", max_length=20, choices=Typ.choices, default=Typ.MALOMRADE)
    beskrivning = models.TextField("beskrivning", blank=True)
    ordning = models.PositiveIntegerField("ordning", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "målområde"
        verbose_name_plural = "målområden"
        ordering = ["mandatperiod__start_ar", "typ", "ordning", "namn"]
        constraints = [
            models.UniqueConstraint(
                fields=["mandatperiod", "namn"],
                name="malomrade_unikt_namn_per_mandatperiod",
                violation_error_message="Det finns redan ett målområde med det namnet.",
            ),
        ]

    def __str__(self):
        return self.namn


class Mal(models.Model):
    """A goal of a body or a unit, for a budget year or a term of office."""

    class Typ(models.TextChoices):
        STRATEGISKT = "strategiskt", "Strategiskt mål"
        VERKSAMHETSMAL = "verksamhetsmal", "Verksamhetsmål"
        KVALITETSMAL = "kvalitetsmal", "Kvalitetsmål"
        FINANSIELLT = "finansiellt", "Finansiellt mål"
        NAMNDMAL = "namndmal", "Nämndmål"
        FORVALTNINGSMAL = "forvaltningsmal", "Förvaltningsmål"
        ENHETSMAL = "enhetsmal", "Enhetsmål"

    class Status(models.TextChoices):
        UTKAST = "utkast", "Utkast"
        ANTAGET = "antaget", "Antaget"

    class Regel(models.TextChoices):
        ALLA = "alla", "Alla ska vara uppfyllda"
        MAJORITET = "majoritet", "Majoriteten ska vara uppfyllda"
        VIKTAD = "viktad", "Viktat medelvärde"
        MANUELL = "manuell", "Bedöms manuellt"

    titel = models.CharField("titel", max_length=300)
    nummer = models.CharField(
        "målnummer", max_length=20, blank=True, help_text="T.ex. 1.2, som i budgetdokumentet."
    )
    beskrivning = models.TextField("beskrivning", blank=True)
    agare = models.ForeignKey(
        Organisation,
        verbose_name="ägare",
        related_name="mal",
        on_delete=models.PROTECT,
        help_text="Det organ eller den enhet som målet hör till.",
    )
    typ = models.CharField("måltyp", max_length=30, choices=Typ.choices)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.UTKAST
    )
    budgetar = models.ForeignKey(
        Budgetar,
        verbose_name="budgetår",
        related_name="mal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    mandatperiod = models.ForeignKey(
        Mandatperiod,
        verbose_name="mandatperiod",
        related_name="mal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    malomrade = models.ForeignKey(
        Malomrade,
        verbose_name="målområde",
        related_name="mal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    overordnade = models.ManyToManyField(
        "self",
        verbose_name="bidrar till",
        related_name="delmal",
        symmetrical=False,
        blank=True,
        help_text="Mål hos samma eller ett högre organ som det här målet bidrar till.",
    )
    krav_uppfyllt = models.TextField(
        "när målet är uppfyllt",
        blank=True,
        help_text="Vad som krävs för att målet ska räknas som uppfyllt.",
    )
    uppfoljning = models.TextField(
        "hur målet följs upp", blank=True, help_text="Mätningar, tidpunkter och ansvar."
    )
    regel = models.CharField(
        "regel för beräknad måluppfyllelse",
        max_length=20,
        choices=Regel.choices,
        default=Regel.ALLA,
    )
    vikt = models.DecimalField(
        "vikt",
        max_digits=6,
        decimal_places=2,
        default=1,
        help_text="Målets vikt när det överordnade målet räknas med viktat medelvärde.",
    )
    ansvarig = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ansvarig",
        related_name="ansvar_for_mal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    dokument = models.ManyToManyField(
        "dokument.Dokument", related_name="mal", blank=True, verbose_name="styrdokument"
    )
    ordning = models.PositiveIntegerField("ordning", default=0)
    # The links are part of what was adopted: re-linking a goal leaves a history record.
    history = HistoricalRecords(m2m_fields=[overordnade, dokument])

    class Meta:
        verbose_name = "mål"
        verbose_name_plural = "mål"
        ordering = ["ordning", "nummer", "titel"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(budgetar__isnull=False) & Q(mandatperiod__isnull=True))
                | (Q(budgetar__isnull=True) & Q(mandatperiod__isnull=False)),
                name="mal_ett_budgetar_eller_en_mandatperiod",
                violation_error_message="Ange antingen ett budgetår eller en mandatperiod.",
            ),
            models.CheckConstraint(
                condition=Q(vikt__gte=0),
                name="mal_vikt_inte_negativ",
                violation_error_message="Vikten kan inte vara negativ.",
            ),
        ]

    def __str__(self):
        return f"{self.nummer} {self.titel}" if self.nummer else self.titel

    def get_absolute_url(self):
        return reverse("mal:detalj", args=[self.pk])

    @property
    def forsta_ar(self) -> int:
        return self.budgetar.ar if self.budgetar_id else self.mandatperiod.start_ar

    @property
    def sista_ar(self) -> int:
        return self.budgetar.ar if self.budgetar_id else self.mandatperiod.slut_ar

    @property
    def period_label(self) -> str:
        if self.budgetar_id:
            return f"budgetår {self.budgetar.ar}"
        return f"mandatperiod {self.mandatperiod}"

    def covers_year(self, ar: int) -> bool:
        return self.forsta_ar <= ar <= self.sista_ar


class Aktivitet(models.Model):
    """The unit's own "how" under a goal."""

    class Status(models.TextChoices):
        PLANERAD = "planerad", "Planerad"
        PAGAR = "pagar", "Pågår"
        KLAR = "klar", "Klar"
        AVBRUTEN = "avbruten", "Avbruten"

    mal = models.ForeignKey(
        Mal, verbose_name="mål", related_name="aktiviteter", on_delete=models.PROTECT
    )
    titel = models.CharField("aktivitet", max_length=300)
    beskrivning = models.TextField("beskrivning", blank=True)
    ansvarig = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ansvarig",
        related_name="aktiviteter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    ansvarig_text = models.CharField("ansvarig (namn eller funktion)", max_length=200, blank=True)
    startdatum = models.DateField("startdatum", null=True, blank=True)
    slutdatum = models.DateField("slutdatum", null=True, blank=True)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.PLANERAD
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "aktivitet"
        verbose_name_plural = "aktiviteter"
        ordering = ["startdatum", "titel"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slutdatum__isnull=True)
                | Q(startdatum__isnull=True)
                | Q(slutdatum__gte=models.F("startdatum")),
                name="aktivitet_slut_efter_start",
                violation_error_message="Slutdatum kan inte vara före startdatum.",
            ),
        ]

    def __str__(self):
        return self.titel

    def clean(self):
        # The constraint holds it in the database; here the message goes to the field.
        if self.startdatum and self.slutdatum and self.slutdatum < self.startdatum:
            raise ValidationError(
                {"slutdatum": "Slutdatum kan inte vara före startdatum."}, code="slut_fore_start"
            )

    @property
    def ansvarig_namn(self) -> str:
        if self.ansvarig_id:
            return str(self.ansvarig)
        return self.ansvarig_text


class Uppdrag(models.Model):
    """An assignment from KF or a nämnd to a body below it."""

    class Status(models.TextChoices):
        EJ_PABORJAT = "ej_paborjat", "Ej påbörjat"
        PAGAR = "pagar", "Pågår"
        GENOMFORT = "genomfort", "Genomfört"
        AVSLUTAT = "avslutat", "Avslutat utan att genomföras"

    titel = models.CharField("uppdrag", max_length=300)
    beskrivning = models.TextField("beskrivning", blank=True)
    givet_av = models.ForeignKey(
        Organisation,
        verbose_name="givet av",
        related_name="givna_uppdrag",
        on_delete=models.PROTECT,
    )
    givet_till = models.ForeignKey(
        Organisation,
        verbose_name="givet till",
        related_name="uppdrag",
        on_delete=models.PROTECT,
    )
    budgetar = models.ForeignKey(
        Budgetar,
        verbose_name="budgetår",
        related_name="uppdrag",
        on_delete=models.PROTECT,
        help_text="Året då uppdraget gavs, t.ex. i budgeten.",
    )
    mal = models.ForeignKey(
        Mal,
        verbose_name="hör till mål",
        related_name="uppdrag",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    slutdatum = models.DateField("ska vara klart", null=True, blank=True)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.EJ_PABORJAT
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "uppdrag"
        verbose_name_plural = "uppdrag"
        ordering = ["budgetar__ar", "givet_av__ordning", "titel"]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return reverse("mal:uppdrag", args=[self.pk])

    @property
    def senaste_kommentar(self) -> "Uppdragskommentar | None":
        """The latest period's comment (reads prefetched comments when there are any)."""
        comments = list(self.kommentarer.all())
        return max(comments, key=lambda k: k.period.slut, default=None)


class Uppdragskommentar(Periodrad):
    """The state of an assignment as reported for one period."""

    uppdrag = models.ForeignKey(
        Uppdrag, verbose_name="uppdrag", related_name="kommentarer", on_delete=models.PROTECT
    )
    status = models.CharField("status", max_length=20, choices=Uppdrag.Status.choices)
    kommentar = models.TextField("kommentar")
    skriven_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="skriven av",
        related_name="uppdragskommentarer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    skriven = models.DateTimeField("skriven", auto_now=True)
    history = HistoricalRecords()

    class Meta(Periodrad.Meta):
        verbose_name = "kommentar till uppdrag"
        verbose_name_plural = "kommentarer till uppdrag"
        ordering = ["uppdrag", "ar", "periodtyp", "periodnummer"]
        constraints = [
            *Periodrad.Meta.constraints,
            models.UniqueConstraint(
                fields=["uppdrag", "ar", "periodtyp", "periodnummer"],
                name="uppdragskommentar_en_per_period",
                violation_error_message="Uppdraget har redan en kommentar för perioden.",
            ),
        ]

    def __str__(self):
        return f"{self.uppdrag}, {self.period}"


class Indikator(models.Model):
    """A measure of a goal: a key figure with a unit, a direction, targets and a band."""

    class Riktning(models.TextChoices):
        HOGRE = "hogre", "Högre är bättre"
        LAGRE = "lagre", "Lägre är bättre"
        NARMARE = "narmare", "Närmare målvärdet är bättre"

    class Kalla(models.TextChoices):
        EGEN = "egen", "Egen mätning"
        KOLADA = "kolada", "Kolada (kommun- och regiondatabasen)"
        NKI = "nki", "Nöjd kund-index (NKI)"
        MEDBORGARUNDERSOKNING = "medborgarundersokning", "Medborgarundersökningen"

    mal = models.ForeignKey(
        Mal, verbose_name="mål", related_name="indikatorer", on_delete=models.PROTECT
    )
    matt_for = models.ForeignKey(
        Organisation,
        verbose_name="mäts för",
        related_name="indikatorer",
        on_delete=models.PROTECT,
        help_text="Den organisation vars värden räknas för målet, oftast målets ägare "
        "(för Kolada-värden kommunen).",
    )
    namn = models.CharField("namn", max_length=300)
    enhet = models.CharField("enhet", max_length=40, help_text="T.ex. %, antal, dagar, kr.")
    riktning = models.CharField(
        "riktning", max_length=10, choices=Riktning.choices, default=Riktning.HOGRE
    )
    decimaler = models.PositiveSmallIntegerField("antal decimaler", default=0)
    kalla = models.CharField("källa", max_length=30, choices=Kalla.choices, default=Kalla.EGEN)
    kpi_id = models.CharField(
        "nyckeltals-id i Kolada", max_length=20, blank=True, help_text="T.ex. U11401."
    )
    konsuppdelad = models.BooleanField(
        "uppdelad på kön", default=False, help_text="Värden för kvinnor och män, och totalt."
    )
    summerbar = models.BooleanField(
        "kvinnor och män summeras till totalt",
        default=False,
        help_text="Gäller antal. För andelar och medelvärden ska totalt ligga mellan "
        "kvinnors och mäns värden.",
    )
    utgangsvarde = models.DecimalField(
        "utgångsvärde", max_digits=14, decimal_places=4, null=True, blank=True
    )
    utgangsar = models.PositiveSmallIntegerField("utgångsår", null=True, blank=True)
    tolerans = models.DecimalField(
        "toleransband (%)",
        max_digits=6,
        decimal_places=2,
        default=5,
        help_text="Inom så många procent av målvärdet räknas indikatorn som delvis uppfylld. "
        "För ”närmare är bättre” är indikatorn uppfylld inom bandet och delvis uppfylld "
        "inom dubbla bandet.",
    )
    vikt = models.DecimalField("vikt", max_digits=6, decimal_places=2, default=1)
    ordning = models.PositiveIntegerField("ordning", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "indikator"
        verbose_name_plural = "indikatorer"
        ordering = ["mal", "ordning", "namn"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tolerans__gte=0),
                name="indikator_tolerans_inte_negativ",
                violation_error_message="Toleransbandet kan inte vara negativt.",
            ),
            models.CheckConstraint(
                condition=Q(decimaler__lte=4),
                name="indikator_hogst_fyra_decimaler",
                violation_error_message="Högst fyra decimaler.",
            ),
            models.CheckConstraint(
                condition=~Q(kalla="kolada") | ~Q(kpi_id=""),
                name="indikator_kolada_har_kpi_id",
                violation_error_message="Ett nyckeltal från Kolada behöver sitt id, t.ex. U11401.",
            ),
        ]
        indexes = [models.Index(fields=["kpi_id"], name="indikator_kpi_id")]

    def __str__(self):
        return self.namn

    def get_absolute_url(self):
        return reverse("mal:detalj", args=[self.mal_id]) + f"#indikator-{self.pk}"

    def clean(self):
        errors = {}
        if self.kalla == self.Kalla.KOLADA and not self.kpi_id:
            # The constraint holds it in the database; here the message goes to the field.
            errors["kpi_id"] = "Ett nyckeltal från Kolada behöver sitt id, t.ex. U11401."
        if self.summerbar and not self.konsuppdelad:
            errors["summerbar"] = "Gäller bara indikatorer som är uppdelade på kön."
        if errors:
            raise ValidationError(errors, code="indikator")


class Malvarde(models.Model):
    """An indicator's target for one year."""

    indikator = models.ForeignKey(
        Indikator, verbose_name="indikator", related_name="malvarden", on_delete=models.PROTECT
    )
    ar = models.PositiveSmallIntegerField("år")
    varde = models.DecimalField("målvärde", max_digits=14, decimal_places=4)
    andrad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ändrat av",
        related_name="malvarden",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    andrad = models.DateTimeField("ändrat", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "målvärde"
        verbose_name_plural = "målvärden"
        ordering = ["indikator", "ar"]
        constraints = [
            models.UniqueConstraint(
                fields=["indikator", "ar"],
                name="malvarde_ett_per_ar",
                violation_error_message="Indikatorn har redan ett målvärde för året.",
            ),
        ]

    def __str__(self):
        return f"{self.indikator}: {self.varde} ({self.ar})"


class Varde(Periodrad):
    """A measured value of an indicator for one organisation and period."""

    indikator = models.ForeignKey(
        Indikator, verbose_name="indikator", related_name="varden", on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        related_name="indikatorvarden",
        on_delete=models.PROTECT,
    )
    totalt = models.DecimalField("totalt", max_digits=14, decimal_places=4, null=True, blank=True)
    kvinnor = models.DecimalField("kvinnor", max_digits=14, decimal_places=4, null=True, blank=True)
    man = models.DecimalField("män", max_digits=14, decimal_places=4, null=True, blank=True)
    preliminar = models.BooleanField("preliminärt", default=False)
    kommentar = models.TextField("kommentar", blank=True)
    importerad = models.BooleanField("importerat från Kolada", default=False)
    registrerad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="registrerat av",
        related_name="indikatorvarden",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    andrad = models.DateTimeField("ändrat", auto_now=True)
    history = HistoricalRecords()

    class Meta(Periodrad.Meta):
        verbose_name = "värde"
        verbose_name_plural = "värden"
        ordering = ["indikator", "organisation", "ar", "periodtyp", "periodnummer"]
        # An indicator's values of a period, whatever the organisation: what a page of goals
        # reads (the unique index, organisation second, scans every organisation's values).
        indexes = [
            models.Index(
                fields=["indikator", "ar", "periodtyp", "periodnummer"],
                name="varde_indikator_period",
            )
        ]
        constraints = [
            *Periodrad.Meta.constraints,
            models.UniqueConstraint(
                fields=["indikator", "organisation", "ar", "periodtyp", "periodnummer"],
                name="varde_ett_per_period",
                violation_error_message="Det finns redan ett värde för perioden.",
            ),
            models.CheckConstraint(
                condition=Q(totalt__isnull=False) | Q(kvinnor__isnull=False) | Q(man__isnull=False),
                name="varde_har_nagot_varde",
                violation_error_message="Ange minst ett värde.",
            ),
        ]

    def __str__(self):
        return f"{self.indikator}, {self.organisation}, {self.period}"


class Bedomning(Periodrad):
    """The responsible person's assessment of a goal for a period, with a written analysis:
    this is what counts, the computed suggestion is support."""

    mal = models.ForeignKey(
        Mal, verbose_name="mål", related_name="bedomningar", on_delete=models.PROTECT
    )
    utfall = models.CharField(
        "bedömning", max_length=20, choices=Utfall.choices, default=Utfall.EJ_BEDOMT
    )
    analys = models.TextField("analys", blank=True)
    bedomd_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="bedömd av",
        related_name="malbedomningar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    andrad = models.DateTimeField("ändrad", auto_now=True)
    history = HistoricalRecords()

    class Meta(Periodrad.Meta):
        verbose_name = "bedömning"
        verbose_name_plural = "bedömningar"
        ordering = ["mal", "ar", "periodtyp", "periodnummer"]
        constraints = [
            *Periodrad.Meta.constraints,
            models.UniqueConstraint(
                fields=["mal", "ar", "periodtyp", "periodnummer"],
                name="bedomning_en_per_period",
                violation_error_message="Målet har redan en bedömning för perioden.",
            ),
        ]

    def __str__(self):
        return f"{self.mal}, {self.period}: {self.get_utfall_display()}"


class Maluppfyllelse(Periodrad):
    """A goal's stored roll-up for a year or a tertial: the computed suggestion from its
    indicators and contributing goals, with its explanation, and the result that counts (the
    assessment, else the suggestion). Derived data, kept in step by `mal.rollup` in the same
    transaction as every change of what it rests on; `manage.py mal_rollup` rebuilds it.

    Two readings are stored: as the goal owner's insiders see it (drafts and preliminary values
    count) and as the public sees it (adopted goals and final values of ended periods)."""

    mal = models.ForeignKey(
        Mal, verbose_name="mål", related_name="maluppfyllelser", on_delete=models.CASCADE
    )
    forslag = models.CharField("beräknat förslag", max_length=20)
    forklaring = models.TextField("förklaring")
    resultat = models.CharField("måluppfyllelse", max_length=20)
    avvikelse = models.BooleanField("indikator utanför toleransbandet", default=False)
    offentligt_forslag = models.CharField("beräknat förslag (offentligt)", max_length=20)
    offentlig_forklaring = models.TextField("förklaring (offentlig)")
    offentligt_resultat = models.CharField("måluppfyllelse (offentlig)", max_length=20)
    offentlig_avvikelse = models.BooleanField(
        "indikator utanför toleransbandet (offentligt)", default=False
    )
    pagaende = models.BooleanField(
        "perioden pågick vid beräkningen",
        default=False,
        help_text="Då räknas inga värden för perioden offentligt; när perioden är slut räknas "
        "raden om.",
    )

    class Meta(Periodrad.Meta):
        verbose_name = "måluppfyllelse"
        verbose_name_plural = "måluppfyllelser"
        ordering = ["mal", "ar", "periodtyp", "periodnummer"]
        constraints = [
            *Periodrad.Meta.constraints,
            models.UniqueConstraint(
                fields=["mal", "ar", "periodtyp", "periodnummer"],
                name="maluppfyllelse_en_per_period",
                violation_error_message="Målet har redan en måluppfyllelse för perioden.",
            ),
        ]
        indexes = [
            models.Index(fields=["ar", "periodtyp", "periodnummer"], name="maluppfyllelse_period")
        ]

    def __str__(self):
        return f"{self.mal}, {self.period}: {self.resultat}"
