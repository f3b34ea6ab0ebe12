"""The follow-up: kinds of report (data the controller sets up), the reporting calendar, one
report per organisation and period, its frozen versions, and the report's own content.

A report gathers and writes through what already exists (goals' assessments, indicator
values, assignments' comments in `mal`); the rows here are only what a report adds: the
economy (imported budget and outcome, the chef's forecast), free-text sections, the action
plan and its follow-up, the parts the law requires of a delårsrapport and an årsredovisning,
and the frozen snapshots of what was submitted and adopted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from styrning.models import Organisation, Periodrad
from styrning.periods import Period, Periodtyp


class Rapporttyp(models.Model):
    """A kind of report (månadsuppföljning, tertialuppföljning, delårsrapport …) as the
    municipality has set it up: which periods, which levels report, the sections, the deadline
    rule and who adopts it."""

    class Helgregel(models.TextChoices):
        FORE = "fore", "Flyttas till närmast föregående vardag"
        EFTER = "efter", "Flyttas till närmast följande vardag"

    class Lagkrav(models.TextChoices):
        INGET = "", "Inget"
        DELARSRAPPORT = (
            "delarsrapport",
            "Delårsrapport (lagen om kommunal bokföring och redovisning 13 kap.)",
        )
        ARSREDOVISNING = (
            "arsredovisning",
            "Årsredovisning (lagen om kommunal bokföring och redovisning)",
        )

    class Beloppsenhet(models.TextChoices):
        KR = "kr", "kronor"
        TKR = "tkr", "tusen kronor (tkr)"
        MNKR = "mnkr", "miljoner kronor (mnkr)"

    namn = models.CharField("namn", max_length=120, unique=True)
    kod = models.SlugField("kod", max_length=40, unique=True)
    beskrivning = models.TextField("beskrivning", blank=True)
    periodtyp = models.CharField(
        "periodtyp", max_length=10, choices=Periodtyp.choices, default=Periodtyp.MANAD
    )
    periodnummer = models.JSONField(
        "perioder",
        default=list,
        blank=True,
        help_text="De månader (1–12) eller tertial (1–3) som rapporteras, t.ex. [4, 8]. "
        "Tomt för ett år.",
    )
    rapporterande_nivaer = models.JSONField(
        "rapporterande nivåer",
        default=list,
        help_text="Organisationstyper som rapporterar, t.ex. förvaltning och enhet.",
    )
    endast_valda = models.BooleanField(
        "endast valda organisationer",
        default=False,
        help_text="Bara de organisationer controllern väljer för året rapporterar "
        "(annars alla på de rapporterande nivåerna).",
    )
    avsnitt = models.JSONField(
        "avsnitt",
        default=list,
        blank=True,
        help_text='Rapportens delar: [{"kod": "handelser", "rubrik": "Viktiga händelser", '
        '"slag": "text", "obligatorisk": true, "hjalptext": "…"}]. Slag: text, fil, '
        "tabell, balanskrav.",
    )
    frist_manader = models.PositiveSmallIntegerField(
        "frist: månader efter perioden",
        default=1,
        help_text="Fristen infaller i månaden så många månader efter periodens sista månad.",
    )
    frist_dag = models.PositiveSmallIntegerField(
        "frist: dag i månaden",
        default=10,
        help_text="Dagen i den månaden (31 blir månadens sista dag).",
    )
    helgregel = models.CharField(
        "frist på helgdag", max_length=10, choices=Helgregel.choices, default=Helgregel.FORE
    )
    avvikelsegrans = models.DecimalField(
        "gräns för åtgärdsplan (% av budget)",
        max_digits=6,
        decimal_places=2,
        default=-0.5,
        help_text="En prognosavvikelse under denna andel av årsbudgeten kräver en åtgärdsplan.",
    )
    beloppsenhet = models.CharField(
        "beloppsenhet", max_length=10, choices=Beloppsenhet.choices, default=Beloppsenhet.TKR
    )
    granskas = models.BooleanField(
        "granskas av förvaltningen",
        default=True,
        help_text="Förvaltningens controller eller chef godkänner eller skickar tillbaka.",
    )
    antas_av = models.CharField(
        "antas av",
        max_length=30,
        choices=Organisation.Typ.choices,
        blank=True,
        help_text="Den politiska nivå som antar den sammanställda rapporten (tomt: antas inte).",
    )
    sammanstaller = models.ForeignKey(
        "self",
        verbose_name="sammanställer",
        related_name="sammanstalls_i",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Rapporttypen vars rapporter denna sammanställer (t.ex. delårsrapporten "
        "sammanställer tertialuppföljningen); tomt: rapporter av samma typ nedanför.",
    )
    lagkrav = models.CharField(
        "lagkrav",
        max_length=20,
        choices=Lagkrav.choices,
        blank=True,
        help_text="En delårsrapport ska omfatta hälften till två tredjedelar av året och nå "
        "fullmäktige inom två månader; båda kräver lagens delar innan de antas.",
    )
    ordning = models.PositiveIntegerField("ordning", default=0)
    aktiv = models.BooleanField("aktiv", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "rapporttyp"
        verbose_name_plural = "rapporttyper"
        ordering = ["ordning", "namn"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frist_dag__gte=1, frist_dag__lte=31),
                name="rapporttyp_frist_dag",
                violation_error_message="Fristens dag ska vara 1–31.",
            ),
        ]

    def __str__(self):
        return self.namn


class Rapportperiod(Periodrad):
    """One reporting period of a kind of report, with its deadline."""

    rapporttyp = models.ForeignKey(
        Rapporttyp, verbose_name="rapporttyp", related_name="perioder", on_delete=models.PROTECT
    )
    sista_dag = models.DateField("sista dag för inlämning")
    beraknad_sista_dag = models.DateField("beräknad sista dag")
    justering = models.CharField("skäl till ändrad frist", max_length=300, blank=True)
    stangd = models.BooleanField(
        "stängd", default=False, help_text="En stängd period tar inte emot fler inlämningar."
    )
    history = HistoricalRecords()

    class Meta(Periodrad.Meta):
        verbose_name = "rapportperiod"
        verbose_name_plural = "rapportperioder"
        ordering = ["-ar", "rapporttyp__ordning", "periodtyp", "periodnummer"]
        constraints = [
            *Periodrad.Meta.constraints,
            models.UniqueConstraint(
                fields=["rapporttyp", "ar", "periodtyp", "periodnummer"],
                name="rapportperiod_en_per_typ_och_period",
                violation_error_message="Rapporttypen har redan den perioden.",
            ),
        ]

    def __str__(self):
        return f"{self.rapporttyp}, {self.period.ackumulerad_label}"


class Rapporteringsval(models.Model):
    """The controller's choice that an organisation reports a kind of report in a year."""

    rapporttyp = models.ForeignKey(
        Rapporttyp, verbose_name="rapporttyp", related_name="val", on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        related_name="rapporteringsval",
        on_delete=models.PROTECT,
    )
    ar = models.PositiveSmallIntegerField("år")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "val av rapporterande organisation"
        verbose_name_plural = "val av rapporterande organisationer"
        ordering = ["ar", "rapporttyp", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["rapporttyp", "organisation", "ar"],
                name="rapporteringsval_unikt",
                violation_error_message="Organisationen är redan vald för rapporttypen det året.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.rapporttyp} {self.ar}"


class Rapport(models.Model):
    """One organisation's report for one reporting period. Made when the period is generated;
    its state moves by the services only. `version` is the number of the version being worked
    on (1 until a reopening)."""

    class Status(models.TextChoices):
        EJ_PABORJAD = "ej_paborjad", "Ej påbörjad"
        UTKAST = "utkast", "Utkast"
        INLAMNAD = "inlamnad", "Inlämnad"
        ATERSKICKAD = "aterskickad", "Återskickad"
        GODKAND = "godkand", "Godkänd"
        ANTAGEN = "antagen", "Antagen"

    OPPNA = frozenset({Status.EJ_PABORJAD, Status.UTKAST, Status.ATERSKICKAD})

    rapportperiod = models.ForeignKey(
        Rapportperiod,
        verbose_name="rapportperiod",
        related_name="rapporter",
        on_delete=models.PROTECT,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        related_name="rapporter",
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.EJ_PABORJAD
    )
    version = models.PositiveIntegerField("version", default=1)
    andel_klar = models.PositiveSmallIntegerField(
        "andel klar (%)", default=0, help_text="Hur stor del av rapporten som är markerad klar."
    )
    inlamnad = models.DateTimeField("inlämnad", null=True, blank=True)
    inlamnad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="inlämnad av",
        related_name="inlamnade_rapporter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    granskad = models.DateTimeField("granskad", null=True, blank=True)
    granskad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="granskad av",
        related_name="granskade_rapporter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    aterskickad_kommentar = models.TextField("skäl till återskickning", blank=True)
    beslutsdatum = models.DateField("beslutsdatum", null=True, blank=True)
    paragraf = models.CharField("paragraf", max_length=40, blank=True)
    diarienummer = models.CharField("diarienummer", max_length=60, blank=True)
    antagen_av = models.ForeignKey(
        Organisation,
        verbose_name="antagen av",
        related_name="antagna_rapporter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    andrad = models.DateTimeField("ändrad", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "rapport"
        verbose_name_plural = "rapporter"
        ordering = ["rapportperiod", "organisation__ordning", "organisation__namn"]
        constraints = [
            models.UniqueConstraint(
                fields=["rapportperiod", "organisation"],
                name="rapport_en_per_organisation_och_period",
                violation_error_message="Organisationen har redan en rapport för perioden.",
            ),
            models.CheckConstraint(
                condition=Q(andel_klar__lte=100),
                name="rapport_andel_klar_hogst_100",
                violation_error_message="Andelen klar kan inte vara över 100 %.",
            ),
        ]

    def __str__(self):
        return f"{self.rapportperiod.rapporttyp}, {self.organisation}, {self.period.label}"

    def get_absolute_url(self):
        return reverse("uppfoljning:rapport", args=[self.pk])

    @property
    def period(self) -> Period:
        return self.rapportperiod.period

    @property
    def tar_emot_andringar(self) -> bool:
        """Whether the report may be written and submitted: it is open (not started, draft,
        sent back) and its period is open, or it has been submitted before: closing a period
        stops new first submissions, not the corrections of a report sent back or reopened."""
        if self.status not in self.OPPNA:
            return False
        return not self.rapportperiod.stangd or self.inlamnad is not None


class Rapportversion(models.Model):
    """A frozen version of a report: what was submitted or adopted, as a snapshot (JSON of the
    report's content, schema in `uppfoljning.innehall`) with a SHA-256 checksum of its
    canonical form. Made once by a service, never changed; `pdf` is the stored rendering."""

    class Slag(models.TextChoices):
        INLAMNAD = "inlamnad", "Inlämnad"
        ANTAGEN = "antagen", "Antagen"

    rapport = models.ForeignKey(
        Rapport, verbose_name="rapport", related_name="versioner", on_delete=models.PROTECT
    )
    nummer = models.PositiveIntegerField("versionsnummer")
    slag = models.CharField("slag", max_length=20, choices=Slag.choices)
    innehall = models.JSONField("innehåll")
    kontrollsumma = models.CharField("kontrollsumma (SHA-256)", max_length=64)
    skapad = models.DateTimeField("skapad")
    skapad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="skapad av",
        related_name="rapportversioner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    anledning = models.TextField(
        "anledning", blank=True, help_text="Varför rapporten öppnades igen efter inlämning."
    )
    pdf = models.FileField("pdf", upload_to="rapporter/%Y/", blank=True)

    class Meta:
        verbose_name = "rapportversion"
        verbose_name_plural = "rapportversioner"
        ordering = ["rapport", "nummer", "skapad"]
        constraints = [
            models.UniqueConstraint(
                fields=["rapport", "nummer", "slag"],
                name="rapportversion_en_per_nummer_och_slag",
                violation_error_message="Rapporten har redan en sådan version.",
            ),
        ]

    def __str__(self):
        return f"{self.rapport}, version {self.nummer} ({self.get_slag_display().lower()})"


class Ekonomirad(models.Model):
    """Budget and outcome of one organisation, account group and month, imported from the
    economy system (or entered by hand where there is no import). Amounts in kronor, net cost
    positive (costs minus income)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        related_name="ekonomirader",
        on_delete=models.PROTECT,
    )
    kontogrupp = models.CharField("kontogrupp", max_length=60)
    ar = models.PositiveSmallIntegerField("år")
    manad = models.PositiveSmallIntegerField("månad")
    budget = models.DecimalField("budget", max_digits=16, decimal_places=2, default=0)
    utfall = models.DecimalField("utfall", max_digits=16, decimal_places=2, default=0)
    importerad = models.BooleanField("importerad", default=True)
    andrad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ändrad av",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    andrad = models.DateTimeField("ändrad", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ekonomirad"
        verbose_name_plural = "ekonomirader"
        ordering = ["organisation", "ar", "manad", "kontogrupp"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kontogrupp", "ar", "manad"],
                name="ekonomirad_en_per_kontogrupp_och_manad",
                violation_error_message="Det finns redan en rad för kontogruppen och månaden.",
            ),
            models.CheckConstraint(
                condition=Q(manad__gte=1, manad__lte=12),
                name="ekonomirad_giltig_manad",
                violation_error_message="Månaden ska vara 1–12.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}, {self.kontogrupp}, {self.ar}-{self.manad:02d}"


class Prognos(Periodrad):
    """The chef's annual forecast (net cost for the year, kronor) for an organisation at the
    end of a period, with the system's proposal at the time and the chef's reason."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        related_name="prognoser",
        on_delete=models.PROTECT,
    )
    arsprognos = models.DecimalField("årsprognos", max_digits=16, decimal_places=2)
    forslag = models.DecimalField(
        "systemets förslag", max_digits=16, decimal_places=2, null=True, blank=True
    )
    motivering = models.TextField("motivering", blank=True)
    registrerad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="registrerad av",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    andrad = models.DateTimeField("ändrad", auto_now=True)
    history = HistoricalRecords()

    class Meta(Periodrad.Meta):
        verbose_name = "prognos"
        verbose_name_plural = "prognoser"
        ordering = ["organisation", "ar", "periodtyp", "periodnummer"]
        constraints = [
            *Periodrad.Meta.constraints,
            models.UniqueConstraint(
                fields=["organisation", "ar", "periodtyp", "periodnummer"],
                name="prognos_en_per_organisation_och_period",
                violation_error_message="Organisationen har redan en prognos för perioden.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}, {self.period}: {self.arsprognos}"


class Avsnittstext(models.Model):
    """The text of one free-text section of a report (the kind's `avsnitt`), marked ready on
    its own."""

    rapport = models.ForeignKey(
        Rapport, verbose_name="rapport", related_name="avsnittstexter", on_delete=models.PROTECT
    )
    kod = models.SlugField("avsnitt", max_length=40)
    text = models.TextField("text", blank=True)
    klar = models.BooleanField("klar", default=False)
    andrad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ändrad av",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    andrad = models.DateTimeField("ändrad", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "avsnittstext"
        verbose_name_plural = "avsnittstexter"
        ordering = ["rapport", "kod"]
        constraints = [
            models.UniqueConstraint(
                fields=["rapport", "kod"],
                name="avsnittstext_en_per_avsnitt",
                violation_error_message="Rapporten har redan en text för avsnittet.",
            ),
        ]

    def __str__(self):
        return f"{self.rapport}: {self.kod}"


class Atgard(models.Model):
    """An action of a report's åtgärdsplan: what, who, by when and the expected effect (in
    kronor or in an indicator's unit). Later reports follow it up (`Atgardsuppfoljning`)."""

    class Status(models.TextChoices):
        PLANERAD = "planerad", "Planerad"
        PAGAENDE = "pagaende", "Pågående"
        KLAR = "klar", "Genomförd"
        STRUKEN = "struken", "Struken"

    rapport = models.ForeignKey(
        Rapport, verbose_name="rapport", related_name="atgarder", on_delete=models.PROTECT
    )
    beskrivning = models.TextField("åtgärd")
    ansvarig = models.CharField("ansvarig", max_length=200)
    datum = models.DateField("klart senast")
    effekt_kronor = models.DecimalField(
        "förväntad effekt (kr)", max_digits=16, decimal_places=2, null=True, blank=True
    )
    indikator = models.ForeignKey(
        "mal.Indikator",
        verbose_name="indikator",
        related_name="atgarder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    effekt_varde = models.DecimalField(
        "förväntad effekt (i indikatorns enhet)",
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
    )
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.PLANERAD
    )
    andrad = models.DateTimeField("ändrad", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "åtgärd"
        verbose_name_plural = "åtgärder"
        ordering = ["rapport", "datum", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effekt_varde__isnull=True) | Q(indikator__isnull=False),
                name="atgard_effekt_varde_kraver_indikator",
                violation_error_message="En effekt i indikatorns enhet kräver en indikator.",
            ),
        ]

    def __str__(self):
        return self.beskrivning[:80]


class Atgardsuppfoljning(models.Model):
    """A later report's follow-up of an earlier action: its status then, with a comment."""

    atgard = models.ForeignKey(
        Atgard, verbose_name="åtgärd", related_name="uppfoljningar", on_delete=models.PROTECT
    )
    rapport = models.ForeignKey(
        Rapport,
        verbose_name="rapport",
        related_name="atgardsuppfoljningar",
        on_delete=models.PROTECT,
    )
    status = models.CharField("status", max_length=20, choices=Atgard.Status.choices)
    kommentar = models.TextField("kommentar", blank=True)
    andrad = models.DateTimeField("ändrad", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "uppföljning av åtgärd"
        verbose_name_plural = "uppföljningar av åtgärder"
        ordering = ["rapport", "atgard"]
        constraints = [
            models.UniqueConstraint(
                fields=["atgard", "rapport"],
                name="atgardsuppfoljning_en_per_rapport",
                violation_error_message="Åtgärden är redan följd upp i rapporten.",
            ),
        ]

    def __str__(self):
        return f"{self.atgard}: {self.get_status_display()}"


class Bilaga(models.Model):
    """A part the law requires of a delårsrapport or an årsredovisning (result and balance
    statements, cash-flow statement, operating and investment accounts …) attached as a file
    or an imported table, for the section `kod` of the kind."""

    rapport = models.ForeignKey(
        Rapport, verbose_name="rapport", related_name="bilagor", on_delete=models.PROTECT
    )
    kod = models.SlugField("del", max_length=40)
    fil = models.FileField("fil", upload_to="rapportbilagor/%Y/", blank=True)
    filnamn = models.CharField("filnamn", max_length=255, blank=True)
    tabell = models.JSONField(
        "tabell", null=True, blank=True, help_text="En importerad tabell: rubriker och rader."
    )
    uppladdad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="uppladdad av",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    uppladdad = models.DateTimeField("uppladdad", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bilaga"
        verbose_name_plural = "bilagor"
        ordering = ["rapport", "kod"]
        constraints = [
            models.UniqueConstraint(
                fields=["rapport", "kod"],
                name="bilaga_en_per_del",
                violation_error_message="Rapporten har redan en bilaga för den delen.",
            ),
        ]

    def __str__(self):
        return f"{self.rapport}: {self.kod}"


class Balanskrav(models.Model):
    """The balanskravsresultat of a delårsrapport (a forecast) or an årsredovisning as a
    structured block (kommunallagen 11 kap.), amounts in kronor."""

    rapport = models.OneToOneField(
        Rapport, verbose_name="rapport", related_name="balanskrav", on_delete=models.PROTECT
    )
    arets_resultat = models.DecimalField("årets resultat", max_digits=16, decimal_places=2)
    realisationsvinster = models.DecimalField(
        "samtliga realisationsvinster", max_digits=16, decimal_places=2, default=0
    )
    realisationsforluster_undantag = models.DecimalField(
        "realisationsförluster enligt undantagsmöjlighet",
        max_digits=16,
        decimal_places=2,
        default=0,
    )
    orealiserade_vardepapper = models.DecimalField(
        "orealiserade förluster och återföringar i värdepapper",
        max_digits=16,
        decimal_places=2,
        default=0,
    )
    resultatutjamningsreserv = models.DecimalField(
        "reservering till (−) och disposition från (+) resultatutjämningsreserv",
        max_digits=16,
        decimal_places=2,
        default=0,
    )
    prognos = models.BooleanField("prognos", default=False)
    kommentar = models.TextField("kommentar", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "balanskravsresultat"
        verbose_name_plural = "balanskravsresultat"

    def __str__(self):
        return f"Balanskravsresultat, {self.rapport}"

    @property
    def balanskravsresultat(self):
        return (
            self.arets_resultat
            - self.realisationsvinster
            + self.realisationsforluster_undantag
            + self.orealiserade_vardepapper
            + self.resultatutjamningsreserv
        )


class Paminnelse(models.Model):
    """A reminder mail about a report's deadline, recorded so each is sent once."""

    class Slag(models.TextChoices):
        FORE = "fore", "Före sista dag"
        EFTER = "efter", "Dagen efter sista dag"

    rapport = models.ForeignKey(
        Rapport, verbose_name="rapport", related_name="paminnelser", on_delete=models.PROTECT
    )
    slag = models.CharField("slag", max_length=10, choices=Slag.choices)
    skickad = models.DateTimeField("skickad")
    mottagare = models.JSONField("mottagare", default=list)

    class Meta:
        verbose_name = "påminnelse"
        verbose_name_plural = "påminnelser"
        ordering = ["rapport", "slag"]
        constraints = [
            models.UniqueConstraint(
                fields=["rapport", "slag"],
                name="paminnelse_en_per_slag",
                violation_error_message="Påminnelsen är redan skickad.",
            ),
        ]

    def __str__(self):
        return f"{self.rapport}: {self.get_slag_display()}"


class AretSomGick(models.Model):
    """Året som gick: the public, plain-language account of a year, written on the adopted
    årsredovisning; the figures come from it, the words from the controller."""

    ar = models.PositiveSmallIntegerField("år", unique=True)
    arsredovisning = models.ForeignKey(
        Rapport,
        verbose_name="årsredovisning",
        related_name="aret_som_gick",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    ingress = models.TextField("ingress", blank=True)
    resultat_mening = models.CharField("årets resultat i en mening", max_length=300, blank=True)
    inkomster = models.JSONField(
        "var pengarna kom ifrån",
        default=list,
        blank=True,
        help_text='[{"namn": "Skatteintäkter", "belopp": 5200000000}, …] i kronor.',
    )
    investeringar = models.JSONField(
        "investeringar",
        default=list,
        blank=True,
        help_text='[{"namn": "Ny skola i Norrby", "belopp": 180000000}, …] i kronor.',
    )
    handelser = models.TextField("årets viktiga händelser", blank=True)
    publicerad = models.BooleanField("publicerad", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "året som gick"
        verbose_name_plural = "året som gick"
        ordering = ["-ar"]

    def __str__(self):
        return f"Året som gick {self.ar}"
