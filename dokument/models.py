"""Governing documents: types (data), documents with a stable identity, their versions, the typed
links between documents, reviews and the statute book's per-year counter."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from styrning.models import Organisation


class Dokumenttyp(models.Model):
    """A kind of governing document. Data, not code: municipalities differ."""

    class Granskningsregel(models.TextChoices):
        MANDATPERIOD = "mandatperiod", "En gång per mandatperiod"
        AR = "ar", "Vart N:e år"
        INGEN = "ingen", "Ingen fast regel"

    namn = models.CharField("namn", max_length=80, unique=True)
    namn_plural = models.CharField("namn i plural", max_length=80)
    beskrivning = models.TextField("beskrivning", blank=True)
    rang = models.PositiveSmallIntegerField(
        "rang",
        help_text="Högre tal betyder högre rang: visionen högst, rutiner lägst.",
    )
    forfattningssamling = models.BooleanField(
        "ingår i författningssamlingen",
        default=False,
        help_text="Dokument av typen får ett nummer i kommunens författningssamling.",
    )
    granskningsregel = models.CharField(
        "regel för aktualitetsprövning",
        max_length=20,
        choices=Granskningsregel.choices,
        default=Granskningsregel.MANDATPERIOD,
    )
    granskning_ar = models.PositiveSmallIntegerField(
        "prövning vart N:e år",
        null=True,
        blank=True,
        help_text="Antal år mellan prövningarna när regeln är vart N:e år.",
    )
    antas_av_typer = models.JSONField(
        "får antas av",
        default=list,
        blank=True,
        help_text="De typer av organ eller enheter som får anta dokument av typen.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "dokumenttyp"
        verbose_name_plural = "dokumenttyper"
        ordering = ["-rang", "namn"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(granskningsregel="ar")
                | Q(granskning_ar__isnull=False, granskning_ar__gte=1),
                name="dokumenttyp_granskning_ar_kravs",
                violation_error_message="Ange antal år mellan prövningarna.",
            ),
        ]

    def __str__(self):
        return self.namn

    def clean(self):
        known = set(Organisation.Typ.values)
        if not isinstance(self.antas_av_typer, list) or any(
            t not in known for t in self.antas_av_typer
        ):
            raise ValidationError(
                {
                    "antas_av_typer": "Ange en lista med organisationstyper: "
                    + ", ".join(sorted(known))
                    + "."
                }
            )

    def may_be_adopted_by(self, organisation_typ: str) -> bool:
        return organisation_typ in self.antas_av_typer

    @property
    def antas_av_display(self) -> str:
        labels = dict(Organisation.Typ.choices)
        return ", ".join(labels.get(t, t).lower() for t in self.antas_av_typer) or "ingen"


class Dokument(models.Model):
    """A governing document: a stable identity and permanent URL over its versions."""

    class Status(models.TextChoices):
        UTKAST = "utkast", "Utkast"
        GALLANDE = "gallande", "Gällande"
        UPPHAVD = "upphavd", "Upphävd"
        ERSATT = "ersatt", "Ersatt"
        # A registration withdrawn before it was ever published (a mistake): kept with its
        # history, out of every list, its case number free again.
        MAKULERAD = "makulerad", "Makulerad"

    typ = models.ForeignKey(
        Dokumenttyp, verbose_name="dokumenttyp", related_name="dokument", on_delete=models.PROTECT
    )
    agare = models.ForeignKey(
        Organisation,
        verbose_name="ägare",
        related_name="dokument",
        on_delete=models.PROTECT,
        help_text="Det organ eller den enhet som dokumentet hör till.",
    )
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.UTKAST
    )
    kfs_nummer = models.CharField(
        "nummer i författningssamlingen",
        max_length=30,
        blank=True,
        help_text="T.ex. KFS 2026:3. Sätts vid publicering och ändras aldrig.",
    )
    kfs_ar = models.PositiveSmallIntegerField("författningssamlingens år", null=True, blank=True)
    kfs_lopnummer = models.PositiveIntegerField("löpnummer i författningssamlingen", null=True)
    granskning_senast = models.DateField("senast prövad", null=True, blank=True)
    granskning_nasta = models.DateField("nästa aktualitetsprövning", null=True, blank=True)
    granskning_manuell = models.BooleanField(
        "prövningsdatum satt för hand",
        default=False,
        help_text="Då räknas datumet inte om från dokumenttypens regel.",
    )
    granskning_flagga = models.TextField(
        "flaggad för prövning",
        blank=True,
        help_text="Varför dokumentet behöver prövas, t.ex. att ett överordnat dokument ändrats.",
    )
    granskning_flaggad_tid = models.DateTimeField("flaggad", null=True, blank=True)
    paminnelse_skickad_for = models.DateField(
        "påminnelse skickad för prövningsdatum", null=True, blank=True
    )
    upphavd_datum = models.DateField("upphävd den", null=True, blank=True)
    upphavd_beslut = models.CharField(
        "beslut om upphävande", max_length=200, blank=True, help_text="Organ, datum och paragraf."
    )
    makulerad_tid = models.DateTimeField("makulerad", null=True, blank=True)
    makulerad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="makulerad av",
        related_name="makulerade_dokument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    makulerad_orsak = models.TextField(
        "skäl till makulering",
        blank=True,
        help_text="Varför registreringen makulerades, t.ex. att den gjordes av misstag.",
    )
    skapad = models.DateTimeField("registrerad", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "styrdokument"
        verbose_name_plural = "styrdokument"
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kfs_nummer"],
                condition=~Q(kfs_nummer=""),
                name="dokument_unikt_kfs_nummer",
                violation_error_message="Numret i författningssamlingen används redan.",
            ),
            models.UniqueConstraint(
                fields=["kfs_ar", "kfs_lopnummer"],
                name="dokument_unikt_kfs_lopnummer",
                violation_error_message="Löpnumret används redan det året.",
            ),
            models.CheckConstraint(
                condition=~Q(status="makulerad")
                | (Q(makulerad_tid__isnull=False) & ~Q(makulerad_orsak="")),
                name="dokument_makulerad_med_skal",
                violation_error_message="En makulering behöver tid och skäl.",
            ),
        ]

    def __str__(self):
        version = self.aktuell_version
        return version.titel if version else f"Dokument {self.pk}"

    def get_absolute_url(self):
        return reverse("dokument:detalj", args=[self.pk])

    @property
    def aktuell_version(self) -> "Dokumentversion | None":
        """The current version. Reads the prefetched `aktuella` list when a query provided it."""
        prefetched = getattr(self, "aktuella", None)
        if prefetched is not None:
            return prefetched[0] if prefetched else None
        return self.versioner.filter(ar_aktuell=True).first()

    @property
    def ar_utgangen(self) -> bool:
        """Expired: the current version's valid-until date has passed. Nobody has to act."""
        version = self.aktuell_version
        return bool(
            self.status == self.Status.GALLANDE
            and version
            and version.giltig_till
            and version.giltig_till < timezone.localdate()
        )

    @property
    def status_display(self) -> str:
        """The state as an adjective that agrees with "dokumentet" (neuter): utgånget, upphävt.
        The choices keep their labels (a change of them is a migration)."""
        if self.ar_utgangen:
            return "Utgånget"
        if self.status == self.Status.UPPHAVD:
            return "Upphävt"
        return self.get_status_display()

    @property
    def granskning_forsenad(self) -> bool:
        """The review date has passed. Only a document in force is reviewed: an expired,
        repealed or replaced one has no review to be late with."""
        return bool(
            self.status == self.Status.GALLANDE
            and not self.ar_utgangen
            and self.granskning_nasta
            and self.granskning_nasta < timezone.localdate()
        )


class Dokumentversion(models.Model):
    """One version of a document, with its own decision and the full Borås header."""

    class Status(models.TextChoices):
        UTKAST = "utkast", "Utkast"
        FASTSTALLD = "faststalld", "Fastställd"
        PUBLICERAD = "publicerad", "Publicerad"

    dokument = models.ForeignKey(
        Dokument, verbose_name="dokument", related_name="versioner", on_delete=models.PROTECT
    )
    versionsnummer = models.PositiveIntegerField("versionsnummer")
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.UTKAST
    )
    ar_aktuell = models.BooleanField("aktuell version", default=False)
    titel = models.CharField("titel", max_length=250)
    text = models.TextField("text", blank=True, help_text="Markdown.")
    fil = models.FileField("fil", upload_to="dokument/%Y/", blank=True)
    fil_text = models.TextField("text ur filen", blank=True)
    pdf = models.FileField(
        "pdf",
        upload_to="dokument/pdf/%Y/",
        blank=True,
        editable=False,
        help_text="Den publicerade versionens PDF, skapad en gång när den publicerades.",
    )
    faststalld_av = models.ForeignKey(
        Organisation,
        verbose_name="fastställt av",
        related_name="faststallda_dokumentversioner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    beslutsdatum = models.DateField("beslutsdatum", null=True, blank=True)
    paragraf = models.CharField("paragraf", max_length=20, blank=True, help_text="T.ex. § 45.")
    diarienummer = models.CharField(
        "diarienummer", max_length=50, blank=True, help_text="T.ex. KS 2025/39."
    )
    reviderad_datum = models.DateField("reviderad den", null=True, blank=True)
    revideringsansvarig = models.CharField("för revidering ansvarar", max_length=200, blank=True)
    uppfoljningsansvarig = models.CharField(
        "för uppföljning och tidplan ansvarar", max_length=200, blank=True
    )
    giltighetsomrade = models.ManyToManyField(
        Organisation,
        verbose_name="dokumentet gäller för",
        related_name="omfattande_dokumentversioner",
        blank=True,
    )
    giltig_fran = models.DateField("gäller från", null=True, blank=True)
    giltig_till = models.DateField(
        "gäller till och med",
        null=True,
        blank=True,
        help_text="Lämna tomt om dokumentet gäller tills vidare.",
    )
    dokumentansvarig = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dokumentansvarig",
        related_name="ansvariga_dokumentversioner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    publicerad_tid = models.DateTimeField("publicerad", null=True, blank=True)
    sekretess = models.BooleanField(
        "innehåller sekretessbelagda uppgifter",
        default=False,
        help_text="En version med sekretess kan aldrig publiceras.",
    )
    sekretess_paragraf = models.CharField(
        "sekretessparagraf (OSL)", max_length=100, blank=True, help_text="T.ex. 26 kap. 1 § OSL."
    )
    personnummer_bekraftat_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personnummer bekräftade av",
        related_name="bekraftade_personnummer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Den som vid publiceringen bekräftade att personnumren får publiceras.",
    )
    personnummer_bekraftat_tid = models.DateTimeField(
        "personnummer bekräftade", null=True, blank=True
    )
    personnummer_maskerade = models.CharField(
        "bekräftade personnummer",
        max_length=500,
        blank=True,
        help_text="De nummer som hittades, maskerade, t.ex. 811218-XXXX.",
    )
    skapad = models.DateTimeField("registrerad", auto_now_add=True)
    skapad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="registrerad av",
        related_name="registrerade_dokumentversioner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    history = HistoricalRecords(excluded_fields=["pdf"])  # a rendering, not a change

    class Meta:
        verbose_name = "dokumentversion"
        verbose_name_plural = "dokumentversioner"
        ordering = ["dokument", "-versionsnummer"]
        # The few versions waiting for a decision or publication (the review page's list), read
        # without probing every version of every document of the user's bodies.
        indexes = [
            models.Index(
                fields=["dokument"],
                condition=Q(status__in=["utkast", "faststalld"]),
                name="dokumentversion_vantande",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dokument"],
                condition=Q(ar_aktuell=True),
                name="dokumentversion_en_aktuell_per_dokument",
                violation_error_message="Ett dokument kan bara ha en aktuell version.",
            ),
            models.UniqueConstraint(
                fields=["dokument", "versionsnummer"],
                name="dokumentversion_unikt_versionsnummer",
                violation_error_message="Versionsnumret finns redan för dokumentet.",
            ),
            models.CheckConstraint(
                condition=Q(giltig_till__isnull=True)
                | Q(giltig_fran__isnull=True)
                | Q(giltig_till__gte=F("giltig_fran")),
                name="dokumentversion_giltig_till_efter_fran",
                violation_error_message="Gäller till kan inte vara före gäller från.",
            ),
            models.CheckConstraint(
                condition=~Q(status="publicerad", sekretess=True),
                name="dokumentversion_sekretess_publiceras_inte",
                violation_error_message="En version med sekretess kan inte publiceras.",
            ),
            models.CheckConstraint(
                condition=Q(ar_aktuell=False) | Q(status="publicerad"),
                name="dokumentversion_aktuell_ar_publicerad",
                violation_error_message="Bara en publicerad version kan vara aktuell.",
            ),
        ]

    def __str__(self):
        return f"{self.titel} (version {self.versionsnummer})"

    def get_absolute_url(self):
        return reverse("dokument:version", args=[self.dokument_id, self.versionsnummer])

    @property
    def fil_namn(self) -> str:
        """The uploaded file's own name, without the storage folder."""
        return Path(self.fil.name).name if self.fil else ""

    @property
    def ar_utgangen(self) -> bool:
        """The version's validity ended before today (publishing it makes the document
        expired at once)."""
        return bool(self.giltig_till and self.giltig_till < timezone.localdate())

    @property
    def beslut_display(self) -> str:
        parts = [
            # The full name: a reader outside the organisation does not know its abbreviations.
            self.faststalld_av.namn if self.faststalld_av_id else "",
            self.beslutsdatum.isoformat() if self.beslutsdatum else "",
            self.paragraf,
        ]
        return " ".join(p for p in parts if p)


class Diarienummer(models.Model):
    """A case number and the document that holds it. The versions of one document may share a
    number, two documents may not; the database keeps it so (two registrations at once cannot
    both take a number). A withdrawn registration releases its numbers (`ledigt`): the row
    stays as a record of who held it. Kept in step with the versions by the services."""

    nummer = models.CharField("diarienummer", max_length=50)
    dokument = models.ForeignKey(
        Dokument,
        verbose_name="dokument",
        related_name="diarienummer",
        on_delete=models.PROTECT,
    )
    ledigt = models.BooleanField(
        "ledigt", default=False, help_text="Dokumentet är makulerat: numret kan användas igen."
    )

    class Meta:
        verbose_name = "diarienummer"
        verbose_name_plural = "diarienummer"
        ordering = ["nummer"]
        constraints = [
            models.UniqueConstraint(
                Lower("nummer"),
                condition=Q(ledigt=False),
                name="diarienummer_ett_dokument",
                violation_error_message="Diarienumret används redan av ett annat dokument.",
            ),
            models.UniqueConstraint(
                Lower("nummer"),
                F("dokument"),
                name="diarienummer_en_rad_per_dokument",
                violation_error_message="Dokumentet har redan diarienumret.",
            ),
        ]

    def __str__(self):
        return self.nummer


class Dokumentlank(models.Model):
    """A typed link between two documents: `fran` konkretiserar / ersätter / upphäver `till`."""

    class Typ(models.TextChoices):
        KONKRETISERAR = "konkretiserar", "Konkretiserar"
        ERSATTER = "ersatter", "Ersätter"
        UPPHAVER = "upphaver", "Upphäver"

    fran = models.ForeignKey(
        Dokument, verbose_name="från", related_name="lankar_fran", on_delete=models.PROTECT
    )
    till = models.ForeignKey(
        Dokument, verbose_name="till", related_name="lankar_till", on_delete=models.PROTECT
    )
    typ = models.CharField("typ", max_length=20, choices=Typ.choices)
    skapad = models.DateTimeField("skapad", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "dokumentlänk"
        verbose_name_plural = "dokumentlänkar"
        ordering = ["typ", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fran", "till", "typ"],
                name="dokumentlank_unik",
                violation_error_message="Länken finns redan.",
            ),
            models.CheckConstraint(
                condition=~Q(fran=F("till")),
                name="dokumentlank_inte_till_sig_sjalv",
                violation_error_message="Ett dokument kan inte länka till sig självt.",
            ),
        ]

    def __str__(self):
        return f"{self.fran_id} {self.get_typ_display().lower()} {self.till_id}"


class Granskning(models.Model):
    """A recorded review (aktualitetsprövning) of a document."""

    class Utfall(models.TextChoices):
        AKTUELL = "aktuell", "Fortfarande aktuellt"
        REVIDERA = "revidera", "Ska revideras"
        UPPHAV = "upphav", "Ska upphävas"

    dokument = models.ForeignKey(
        Dokument, verbose_name="dokument", related_name="granskningar", on_delete=models.PROTECT
    )
    datum = models.DateField("prövad den")
    granskad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="prövad av",
        related_name="dokumentgranskningar",
        on_delete=models.PROTECT,
    )
    utfall = models.CharField("utfall", max_length=20, choices=Utfall.choices)
    kommentar = models.TextField("kommentar", blank=True)
    nasta = models.DateField("nästa prövning", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "aktualitetsprövning"
        verbose_name_plural = "aktualitetsprövningar"
        ordering = ["-datum", "-pk"]

    def __str__(self):
        return f"{self.datum}: {self.get_utfall_display()}"


class Forfattningsnummer(models.Model):
    """The statute book's counter for one year: the last number given. Locked with
    select_for_update while a number is taken, so two publishers cannot collide."""

    ar = models.PositiveSmallIntegerField("år", unique=True)
    senaste = models.PositiveIntegerField("senast tilldelade nummer", default=0)

    class Meta:
        verbose_name = "nummerserie i författningssamlingen"
        verbose_name_plural = "nummerserier i författningssamlingen"
        ordering = ["ar"]

    def __str__(self):
        return f"KFS {self.ar}: {self.senaste}"
