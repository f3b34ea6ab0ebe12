"""The core every app stands on: people, the organisation tree, terms of office, budget years,
roles, the period columns and the log of acts."""

import graphlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from styrning.periods import Period, Periodtyp


class Anvandare(AbstractUser):
    """A person who signs in. The password is Django's, but nothing assumes every user has a
    usable local one: a person signed in through single sign-on has none."""

    titel = models.CharField("titel", max_length=120, blank=True, help_text="T.ex. förskolechef.")

    class Meta:
        verbose_name = "användare"
        verbose_name_plural = "användare"
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        """The name as shown everywhere: the full name, or the user name when there is none."""
        return self.get_full_name() or self.username


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
        """Refuse a parent that is the node itself or one of its descendants (a cycle), naming
        both nodes. The tree is an invariant no database constraint can hold."""
        if self.overordnad_id is None:
            return
        if self.pk is not None and self.overordnad_id == self.pk:
            raise ValidationError(
                {"overordnad": "En organisation kan inte vara överordnad sig själv."}, code="cykel"
            )
        parents = dict(Organisation.objects.values_list("pk", "overordnad_id"))
        if self.pk is not None:
            parents[self.pk] = self.overordnad_id
        graph = {pk: [parent] for pk, parent in parents.items() if parent is not None}
        try:
            graphlib.TopologicalSorter(graph).prepare()
        except graphlib.CycleError:
            parent = Organisation.objects.filter(pk=self.overordnad_id).first()
            raise ValidationError(
                {
                    "overordnad": (
                        f"{parent} ligger under {self} i trädet och kan därför inte vara "
                        "dess överordnade (det skulle bli en cykel)."
                    )
                },
                code="cykel",
            ) from None


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


class Periodrad(models.Model):
    """The columns of a row that belongs to one reporting period (see `styrning.periods`): a
    year has number 0, a tertial 1–3, a month 1–12, held by a database constraint."""

    ar = models.PositiveSmallIntegerField("år")
    periodtyp = models.CharField(
        "periodtyp", max_length=10, choices=Periodtyp.choices, default=Periodtyp.AR
    )
    periodnummer = models.PositiveSmallIntegerField("periodnummer", default=0)

    PERIOD_FIELDS = ("ar", "periodtyp", "periodnummer")

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(periodtyp=Periodtyp.AR, periodnummer=0)
                | Q(periodtyp=Periodtyp.TERTIAL, periodnummer__gte=1, periodnummer__lte=3)
                | Q(periodtyp=Periodtyp.MANAD, periodnummer__gte=1, periodnummer__lte=12),
                name="%(class)s_giltig_period",
                violation_error_message="Periodnumret passar inte periodtypen.",
            ),
        ]

    @property
    def period(self) -> Period:
        return Period(self.ar, self.periodtyp, self.periodnummer)

    @staticmethod
    def period_lookup(period: Period, prefix: str = "") -> dict:
        """Keyword arguments that select one period: `filter(**Varde.period_lookup(p))`."""
        return {
            f"{prefix}ar": period.ar,
            f"{prefix}periodtyp": period.typ,
            f"{prefix}periodnummer": period.nummer,
        }


class Handelse(models.Model):
    """One named act in the log of acts (pretix's `log_action`): who did what to which object,
    when, for which organisation, with a small data payload. Written by the service that does
    the act, in the same transaction (`styrning.actionlog.log_action`). Field-level changes are
    in django-simple-history; this log is what staff read as "what happened" and what
    notifications are made from, so it is indexed by time and by organisation and says whether
    the act is public."""

    class Handling(models.TextChoices):
        REGISTRERAD = "registrerad", "Registrerad"
        ANDRAD = "andrad", "Ändrad"
        FASTSTALLD = "faststalld", "Fastställd"
        PUBLICERAD = "publicerad", "Publicerad"
        REVIDERAD = "reviderad", "Reviderad"
        UPPHAVD = "upphavd", "Upphävd"
        ERSATT = "ersatt", "Ersatt"
        PROVAD = "provad", "Prövad"
        PROVNINGSDATUM_SATT = "provningsdatum_satt", "Datum för prövning satt"
        LANKAD = "lankad", "Länkad"
        LANK_BORTTAGEN = "lank_borttagen", "Länk borttagen"
        MAL_SPARAT = "mal_sparat", "Mål sparat"
        MAL_ANTAGET = "mal_antaget", "Mål antaget"
        BEDOMD = "bedomd", "Bedömd"
        VARDE_REGISTRERAT = "varde_registrerat", "Värde registrerat"
        MALVARDE_SATT = "malvarde_satt", "Målvärde satt"
        INDIKATOR_SPARAD = "indikator_sparad", "Indikator sparad"
        AKTIVITET_SPARAD = "aktivitet_sparad", "Aktivitet sparad"
        UPPDRAG_GIVET = "uppdrag_givet", "Uppdrag givet"
        UPPDRAG_KOMMENTERAT = "uppdrag_kommenterat", "Uppdrag kommenterat"
        VARDEN_IMPORTERADE = "varden_importerade", "Värden importerade"
        MAKULERAD = "makulerad", "Makulerad"
        RAPPORTTYP_SPARAD = "rapporttyp_sparad", "Rapporttyp sparad"
        RAPPORTPERIODER_SKAPADE = "rapportperioder_skapade", "Rapportperioder skapade"
        FRIST_ANDRAD = "frist_andrad", "Frist ändrad"
        RAPPORTERINGSVAL_ANDRAT = "rapporteringsval_andrat", "Rapporterande organisationer valda"
        RAPPORTPERIOD_STANGD = "rapportperiod_stangd", "Rapportperiod stängd"
        AVSNITT_SPARAT = "avsnitt_sparat", "Avsnitt sparat"
        PROGNOS_SPARAD = "prognos_sparad", "Prognos sparad"
        EKONOMI_IMPORTERAD = "ekonomi_importerad", "Ekonomi importerad"
        EKONOMI_REGISTRERAD = "ekonomi_registrerad", "Ekonomi registrerad"
        ATGARD_SPARAD = "atgard_sparad", "Åtgärd sparad"
        ATGARD_FOLJD_UPP = "atgard_foljd_upp", "Åtgärd följd upp"
        RAPPORT_INLAMNAD = "rapport_inlamnad", "Rapport inlämnad"
        RAPPORT_ATERSKICKAD = "rapport_aterskickad", "Rapport återskickad"
        RAPPORT_GODKAND = "rapport_godkand", "Rapport godkänd"
        RAPPORT_ATEROPPNAD = "rapport_ateroppnad", "Rapport öppnad igen"
        RAPPORT_ANTAGEN = "rapport_antagen", "Rapport antagen"
        BILAGA_SPARAD = "bilaga_sparad", "Bilaga sparad"
        BALANSKRAV_SPARAT = "balanskrav_sparat", "Balanskravsresultat sparat"
        PAMINNELSE_SKICKAD = "paminnelse_skickad", "Påminnelse skickad"
        ARET_SOM_GICK_SPARAT = "aret_som_gick_sparat", "Året som gick sparat"

    tid = models.DateTimeField("tid", default=timezone.now)
    anvandare = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utförd av",
        related_name="handelser",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    handling = models.CharField("handling", max_length=40, choices=Handling.choices)
    objekttyp = models.ForeignKey(
        ContentType, verbose_name="objekttyp", related_name="+", on_delete=models.PROTECT
    )
    objekt_id = models.PositiveBigIntegerField("objektets id")
    objekt = GenericForeignKey("objekttyp", "objekt_id")
    objekt_text = models.CharField(
        "objekt", max_length=300, help_text="Objektet som det hette när handlingen utfördes."
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        related_name="handelser",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    data = models.JSONField("uppgifter", default=dict, blank=True)
    publik = models.BooleanField(
        "offentlig", default=False, help_text="Om allmänheten får se att handlingen skett."
    )

    class Meta:
        verbose_name = "händelse"
        verbose_name_plural = "händelser"
        ordering = ["-tid", "-id"]
        indexes = [
            models.Index(fields=["tid"], name="handelse_tid"),
            models.Index(fields=["organisation", "tid"], name="handelse_organisation_tid"),
            models.Index(fields=["objekttyp", "objekt_id", "tid"], name="handelse_objekt_tid"),
            models.Index(fields=["tid"], condition=Q(publik=True), name="handelse_publik_tid"),
        ]

    def __str__(self):
        return f"{self.get_handling_display()}: {self.objekt_text}"


class Inskick(models.Model):
    """One submission of a form that creates something: the form's one-time key, and what it
    made. A second POST of the same form (a double click, a reload, a retry after a timeout)
    finds its key here and is answered with the first one's result (`styrning.submission`).
    The key is unique, so two concurrent POSTs cannot both create."""

    nyckel = models.UUIDField("nyckel", unique=True)
    anvandare = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="användare",
        related_name="+",
        on_delete=models.CASCADE,
    )
    objekttyp = models.ForeignKey(
        ContentType,
        verbose_name="objekttyp",
        related_name="+",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    objekt_id = models.PositiveBigIntegerField("objektets id", null=True, blank=True)
    objekt = GenericForeignKey("objekttyp", "objekt_id")
    tid = models.DateTimeField("tid", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "inskick"
        verbose_name_plural = "inskick"

    def __str__(self):
        return str(self.nyckel)
