"""Demo data: Borås' document types and adoption matrix, and about 150 governing documents of
Ådalens kommun over all types and bodies, with versions, links, reviews, repeals, a statute
book and a few generated PDF files.

Idempotent: a document is keyed on the case number (diarienummer) of its first version, and a
document that already exists is left as it is.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from dokument import services
from dokument.models import Dokument, Dokumentlank, Dokumenttyp, Dokumentversion
from styrning.demo import register_demo_step
from styrning.models import Organisation

T = Organisation.Typ
R = Dokumenttyp.Granskningsregel

# namn, plural, rang, författningssamling, regel, år, antas av, beskrivning
TYPER = [
    ("Vision", "Visioner", 100, False, R.MANDATPERIOD, None, [T.KOMMUNFULLMAKTIGE],
     "Den långsiktiga politiska bilden av kommunen."),
    ("Strategi", "Strategier", 90, False, R.MANDATPERIOD, None, [T.KOMMUNFULLMAKTIGE],
     "Hur visionen ska nås."),
    ("Program", "Program", 80, False, R.MANDATPERIOD, None, [T.KOMMUNFULLMAKTIGE],
     "Blandar långsiktiga mål med översiktliga och konkreta direktiv."),
    ("Policy", "Policyer", 70, False, R.MANDATPERIOD, None, [T.KOMMUNFULLMAKTIGE],
     "Ett förhållningssätt: principer för bedömningar från fall till fall, inga fasta regler."),
    ("Reglemente", "Reglementen", 65, True, R.MANDATPERIOD, None, [T.KOMMUNFULLMAKTIGE],
     "Ett organs uppdrag, organisation, ansvarsområden, arbetsformer och beslutskompetens."),
    ("Riktlinje", "Riktlinjer", 60, False, R.AR, 2,
     [T.KOMMUNFULLMAKTIGE, T.KOMMUNSTYRELSE, T.NAMND, T.BOLAGSSTYRELSE, T.FORBUNDSDIREKTION],
     "Konkret stöd för ett visst handlande i en viss verksamhet."),
    ("Plan", "Planer", 55, False, R.MANDATPERIOD, None,
     [T.KOMMUNFULLMAKTIGE, T.NAMND, T.BOLAGSSTYRELSE, T.FORBUNDSDIREKTION],
     "Instruktioner om initiativ som ska tas, med tidsatta åtgärder."),
    ("Regel", "Regler", 50, False, R.MANDATPERIOD, None,
     [T.KOMMUNFULLMAKTIGE, T.NAMND, T.FORBUNDSDIREKTION],
     "Paragrafer som sätter exakta gränser för handlandet."),
    ("Taxa", "Taxor", 50, True, R.AR, 1, [T.KOMMUNFULLMAKTIGE], "Avgifter och taxor."),
    ("Anvisning", "Anvisningar", 40, False, R.AR, 1, [T.KOMMUNSTYRELSE],
     "Instruktioner, t.ex. för budgetarbete eller lönesättning."),
    ("Verksamhetsplan", "Verksamhetsplaner", 30, False, R.AR, 1, [T.FORVALTNING],
     "Hur organisationen når målen, med nyckeltal, verksamhetsmått och ekonomi."),
    ("Rutin", "Rutiner", 10, False, R.AR, 2, [T.FORVALTNING, T.AVDELNING, T.VERKSAMHET, T.ENHET],
     "Hur och när något görs; visar när den senast reviderades, vem som skrev och godkände den."),
    ("Handbok", "Handböcker", 10, False, R.AR, 3,
     [T.FORVALTNING, T.AVDELNING, T.VERKSAMHET, T.ENHET],
     "Stöd och instruktioner för en verksamhet."),
]  # fmt: skip

OFFICIALS = [
    ("lena.nord", "Lena", "Nord", True),
    ("per.sand", "Per", "Sand", True),
    ("karin.vik", "Karin", "Vik", True),
    ("omar.haddad", "Omar", "Haddad", True),
    ("anna.strom", "Anna", "Ström", True),
    ("goran.lind", "Göran", "Lind", False),  # has left: his documents need a new owner
]

# (owner kod, adopting kod, type, title, extra) – the register of Ådalens kommun.
KF_DOCS = [
    ("Vision", "Vision Ådalen 2035"),
    ("Strategi", "Strategi för hållbar utveckling i Ådalens kommun"),
    ("Strategi", "Strategi för medborgardialog"),
    ("Program", "Program för styr- och ledningssystem"),
    ("Program", "Personalpolitiskt program"),
    ("Program", "Program för insyn och uppföljning av verksamhet som bedrivs av privata utförare"),
    ("Program", "Miljöprogram"),
    ("Program", "Program för trygghet och säkerhet"),
    ("Program", "Näringslivsprogram"),
    ("Program", "Bostadsförsörjningsprogram"),
    ("Program", "Program för full delaktighet för personer med funktionsnedsättning"),
    ("Policy", "Policy för verksamhets- och ekonomistyrning"),
    ("Policy", "Policy för styrdokument"),
    ("Policy", "Kvalitetspolicy"),
    ("Policy", "Chefs- och ledarpolicy"),
    ("Policy", "Medarbetarpolicy"),
    ("Policy", "Arbetsmiljöpolicy"),
    ("Policy", "Upphandlingspolicy"),
    ("Policy", "Policy för sponsring"),
    ("Policy", "Policy för internationella kontakter"),
    ("Policy", "Informations- och kommunikationspolicy"),
    ("Policy", "Finanspolicy"),
    ("Policy", "Policy mot mutor och jäv"),
    ("Policy", "Informationssäkerhetspolicy"),
    ("Policy", "Lönepolicy"),
    ("Riktlinje", "Riktlinjer för styrdokument"),
    ("Riktlinje", "Riktlinjer för ägarstyrning av kommunens bolag"),
    ("Riktlinje", "Riktlinjer för intern kontroll"),
    ("Riktlinje", "Riktlinjer för medborgarförslag"),
    ("Riktlinje", "Riktlinjer för god ekonomisk hushållning och resultatutjämningsreserv"),
    ("Riktlinje", "Riktlinjer för representation och gåvor"),
    ("Riktlinje", "Riktlinjer för investeringar"),
    ("Riktlinje", "Riktlinjer för bidrag till föreningar"),
    ("Plan", "Översiktsplan Ådalen 2040"),
    ("Plan", "Plan för det kommunövergripande kvalitetsarbetet"),
    ("Plan", "Klimat- och energiplan"),
    ("Plan", "Plan för krisberedskap"),
    ("Plan", "Avfallsplan"),
    ("Plan", "Vattenförsörjningsplan"),
    ("Regel", "Regler för partistöd"),
    ("Regel", "Regler för arvoden och ersättningar till förtroendevalda"),
    ("Regel", "Allmänna lokala ordningsföreskrifter"),
    ("Regel", "Regler för ekonomisk förvaltning"),
    ("Reglemente", "Reglemente för kommunstyrelsen"),
    ("Reglemente", "Reglemente för barn- och utbildningsnämnden"),
    ("Reglemente", "Reglemente för socialnämnden"),
    ("Reglemente", "Reglemente för kultur- och fritidsnämnden"),
    ("Reglemente", "Reglemente för tekniska nämnden"),
    ("Reglemente", "Reglemente för miljö- och byggnadsnämnden"),
    ("Reglemente", "Reglemente för valnämnden"),
    ("Reglemente", "Reglemente för överförmyndarnämnden"),
    ("Reglemente", "Reglemente för intern kontroll"),
    ("Reglemente", "Arbetsordning för kommunfullmäktige"),
    ("Reglemente", "Reglemente för kommunens revisorer"),
    ("Taxa", "Taxa för vatten och avlopp"),
    ("Taxa", "Renhållningstaxa"),
    ("Taxa", "Taxa för plan- och bygglovsverksamhet"),
    ("Taxa", "Taxa för prövning och tillsyn enligt miljöbalken"),
    ("Taxa", "Taxa för offentlig kontroll av livsmedel"),
    ("Taxa", "Avgifter inom äldreomsorg och funktionsstöd"),
    ("Taxa", "Taxa för förskola och fritidshem"),
    ("Taxa", "Taxa för upplåtelse av offentlig plats"),
    ("Taxa", "Taxa för kulturskolan"),
]

KS_DOCS = [
    ("Anvisning", "Anvisningar för budgetarbetet 2026"),
    ("Anvisning", "Anvisningar för lönesättning"),
    ("Anvisning", "Anvisningar för tertialuppföljning"),
    ("Anvisning", "Anvisningar för årsredovisning och bokslut"),
    ("Anvisning", "Anvisningar för dokumenthantering och arkivering"),
    ("Anvisning", "Anvisningar för hantering av synpunkter och klagomål"),
    ("Riktlinje", "Riktlinjer för sociala medier"),
    ("Riktlinje", "Riktlinjer för resor i tjänsten"),
    ("Riktlinje", "Riktlinjer för hantering av personuppgifter"),
    ("Riktlinje", "Riktlinjer för rekrytering"),
    ("Riktlinje", "Riktlinjer för kommungemensam grafisk profil"),
    ("Riktlinje", "Riktlinjer för systematiskt arbetsmiljöarbete"),
]

NAMND_DOCS = {
    "BUN": [
        ("Riktlinje", "Riktlinjer för skolskjuts"),
        ("Riktlinje", "Riktlinjer för placering i förskola"),
        ("Riktlinje", "Riktlinjer för elevhälsan"),
        ("Plan", "Plan mot diskriminering och kränkande behandling"),
        ("Plan", "Plan för systematiskt kvalitetsarbete i förskola och skola"),
        ("Regel", "Regler för tilldelning av tilläggsbelopp"),
    ],
    "SN": [
        ("Riktlinje", "Riktlinjer för ekonomiskt bistånd"),
        ("Riktlinje", "Riktlinjer för handläggning inom äldreomsorgen"),
        ("Riktlinje", "Riktlinjer för biståndsbedömning enligt LSS"),
        ("Plan", "Plan för heltidsresan inom vård och omsorg"),
        ("Plan", "Handlingsplan mot våld i nära relationer"),
        ("Regel", "Regler för färdtjänst och riksfärdtjänst"),
    ],
    "KFN": [
        ("Riktlinje", "Riktlinjer för föreningsbidrag"),
        ("Riktlinje", "Riktlinjer för uthyrning av idrottsanläggningar"),
        ("Plan", "Biblioteksplan"),
        ("Plan", "Kulturplan"),
        ("Regel", "Ordningsregler för Ådalsbadet"),
    ],
    "TN": [
        ("Riktlinje", "Riktlinjer för vinterväghållning"),
        ("Riktlinje", "Riktlinjer för trädvård"),
        ("Plan", "Underhållsplan för gator och broar"),
        ("Plan", "Trafiksäkerhetsplan"),
        ("Regel", "Regler för grävning i allmän mark"),
    ],
    "MBN": [
        ("Riktlinje", "Riktlinjer för tillsyn enligt miljöbalken"),
        ("Riktlinje", "Riktlinjer för handläggning av bygglov"),
        ("Plan", "Tillsynsplan för miljö och hälsa"),
        ("Regel", "Delegeringsordning för miljö- och byggnadsnämnden"),
    ],
    "VN": [("Plan", "Plan för genomförande av allmänna val")],
    "ÖFN": [("Riktlinje", "Riktlinjer för arvode till gode män och förvaltare")],
    "ABO": [
        ("Riktlinje", "Riktlinjer för uthyrning av bostäder"),
        ("Plan", "Underhållsplan för bostadsbeståndet"),
    ],
}

FORVALTNING_DOCS = {
    "KLF": [
        ("Verksamhetsplan", "Verksamhetsplan för kommunledningsförvaltningen"),
        ("Rutin", "Rutin för diarieföring och registrering av allmänna handlingar"),
        ("Rutin", "Rutin för attest och utanordning"),
        ("Handbok", "Handbok för nämndadministration"),
    ],
    "BUF": [
        ("Verksamhetsplan", "Verksamhetsplan för barn- och utbildningsförvaltningen"),
        ("Rutin", "Rutin för anmälan om kränkande behandling"),
        ("Rutin", "Rutin vid frånvaro i grundskolan"),
        ("Handbok", "Handbok för förskolans pedagogiska dokumentation"),
    ],
    "SOF": [
        ("Verksamhetsplan", "Verksamhetsplan för socialförvaltningen"),
        ("Rutin", "Rutin för avvikelsehantering enligt lex Sarah"),
        ("Rutin", "Rutin för orosanmälan om barn"),
        ("Handbok", "Handbok för dokumentation i socialtjänsten"),
    ],
    "KFF": [
        ("Verksamhetsplan", "Verksamhetsplan för kultur- och fritidsförvaltningen"),
        ("Rutin", "Rutin för bokning av lokaler"),
        ("Handbok", "Handbok för bibliotekens mediehantering"),
    ],
    "TF": [
        ("Verksamhetsplan", "Verksamhetsplan för tekniska förvaltningen"),
        ("Rutin", "Rutin för felanmälan"),
        ("Rutin", "Rutin för egenkontroll i kostenheten"),
        ("Handbok", "Handbok för vinterberedskap"),
    ],
    "SBF": [
        ("Verksamhetsplan", "Verksamhetsplan för samhällsbyggnadsförvaltningen"),
        ("Rutin", "Rutin för handläggning av bygglovsärenden"),
        ("Handbok", "Handbok för inspektioner inom miljö och hälsa"),
    ],
}

ENHET_DOCS = [
    ("BUF-FSK-01", "Rutin", "Rutin för lämning och hämtning på Solrosens förskola"),
    ("BUF-FSK-02", "Rutin", "Rutin för inskolning på Blåklockans förskola"),
    ("BUF-GR-01", "Rutin", "Rutin för krisstöd på Centralskolan"),
    ("BUF-GR-03", "Rutin", "Rutin för extra anpassningar på Norrbyskolan"),
    ("SOF-ÄO-02", "Rutin", "Rutin för nyckelhantering i hemtjänst Norr"),
    ("SOF-ÄO-06", "Rutin", "Rutin för fallprevention på Björkhagens särskilda boende"),
    ("SOF-ÄO-05", "Rutin", "Rutin för trygghetslarm nattetid"),
    ("KFF-BIB-01", "Handbok", "Handbok för Stadsbibliotekets meröppna bibliotek"),
    ("TF-02", "Rutin", "Rutin för provtagning av dricksvatten"),
    ("TF-04", "Rutin", "Rutin för specialkost"),
    ("KFF-FRI-01", "Rutin", "Rutin för säkerhet vid Ådalsbadet"),
]

GVN_DOCS = [
    ("Riktlinje", "Riktlinjer för gymnasieantagning"),
    ("Plan", "Plan för vuxenutbildningen"),
]

SECTIONS = {
    "Vision": ["Vår vision", "Så vill vi att Ådalen ska vara", "Vägen dit"],
    "Strategi": ["Syfte", "Strategiska områden", "Genomförande", "Uppföljning"],
    "Program": ["Inledning", "Mål och inriktning", "Åtaganden", "Ansvar", "Uppföljning"],
    "Policy": ["Syfte", "Förhållningssätt", "Ansvar", "Uppföljning"],
    "Reglemente": ["Uppgifter", "Verksamhetsområde", "Arbetsformer", "Delegering"],
    "Riktlinje": ["Syfte", "Omfattning", "Riktlinjer", "Ansvar", "Uppföljning"],
    "Plan": ["Bakgrund", "Mål", "Åtgärder och tidplan", "Ansvar", "Uppföljning"],
    "Regel": ["Tillämpning", "Regler", "Undantag", "Ikraftträdande"],
    "Taxa": ["Tillämpning", "Avgifter", "Indexuppräkning", "Ikraftträdande"],
    "Anvisning": ["Syfte", "Anvisningar", "Tidplan", "Kontakt"],
    "Verksamhetsplan": ["Uppdrag", "Mål och nyckeltal", "Ekonomi", "Aktiviteter"],
    "Rutin": ["Syfte", "Så här gör vi", "Ansvar", "Revidering"],
    "Handbok": ["Om handboken", "Arbetssätt", "Stöd och kontakter"],
}

PARAGRAPHS = [
    "Styrdokumentet utgår från kommunfullmäktiges vision och strategi och ska vara förenligt "
    "med överordnade dokument. Det ska vara enkelt, tydligt och kommunicerbart.",
    "Politiken beslutar om vad som ska uppnås och när; verksamhetsorganisationen beslutar om hur "
    "och av vem. Enheterna väljer själva sin väg mot målen inom ramen för tillitsbaserad styrning.",
    "Det ska gå att följa mål och uppdrag från kommunfullmäktige via nämnderna och bolagen till "
    "den enskilda arbetsplatsen eller enheten.",
    "Uppföljningen sker i samband med tertialuppföljningen och årsredovisningen. Avvikelser "
    "redovisas med analys och vid behov en åtgärdsplan med tidsatta åtgärder.",
    "Dokumentet ska prövas minst en gång per mandatperiod. Den som ansvarar för revidering tar "
    "initiativ till prövningen och redovisar om dokumentet fortfarande är aktuellt.",
    "Medborgarnas synpunkter och klagomål, resultaten från medborgarundersökningen och nöjd "
    "kund-index är viktiga underlag för att utveckla verksamheten.",
    "Förvaltningschefen ansvarar för att dokumentet är känt i organisationen och att "
    "medarbetarna har de förutsättningar som krävs för att följa det.",
    "Beslut fattas så nära medborgarna som möjligt. Delegering sker enligt nämndens "
    "delegeringsordning och anmäls till nämnden.",
]


@dataclass
class Plan:
    owner: str
    adopter: str
    typ: str
    titel: str
    diarienummer: str = ""
    year: int = 2020
    versions: int = 1
    fate: str = "gallande"  # gallande, utkast, upphavd, ersatt_av_ny, sekretess
    reviewed: bool = False
    pdf: bool = False
    links: list = field(default_factory=list)


# Statute-book documents that end, so the statute book shows its repeal history.
STATUTE_BOOK_FATES = {
    "Reglemente för valnämnden": "ersatt_av_ny",
    "Taxa för kulturskolan": "ersatt_av_ny",
    "Taxa för upplåtelse av offentlig plats": "upphavd",
    "Reglemente för intern kontroll": "upphavd",
}


def _body(typ: str, titel: str, owner: Organisation, rng: random.Random, version: int) -> str:
    parts = [f"{titel} gäller för {owner}. " + rng.choice(PARAGRAPHS)]
    for heading in SECTIONS[typ]:
        parts.append(f"## {heading}")
        chosen = rng.sample(PARAGRAPHS, 2)
        parts.append(chosen[0])
        if typ in ("Riktlinje", "Regel", "Taxa", "Rutin", "Anvisning") and heading in (
            "Riktlinjer",
            "Regler",
            "Avgifter",
            "Så här gör vi",
            "Anvisningar",
        ):
            parts.append(
                "\n".join(
                    f"{i}. " + line
                    for i, line in enumerate(
                        [
                            "Ärendet registreras i diariet samma dag som det kommer in.",
                            "Handläggaren bekräftar mottagandet inom fem arbetsdagar.",
                            "Beslut fattas enligt delegeringsordningen och meddelas skriftligt.",
                            "Beslutet följs upp vid nästa tertialuppföljning.",
                        ][: 2 + version],
                        start=1,
                    )
                )
            )
        parts.append(chosen[1])
    if version > 1:
        parts.append("## Ändringar i denna version")
        parts.append(
            f"Version {version} är reviderad efter aktualitetsprövning: ansvarsfördelningen är "
            "förtydligad och uppföljningen är anpassad till tertialrapporteringen."
        )
    return "\n\n".join(parts)


def _pdf_bytes(titel: str, body_html: str) -> bytes:
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)

    html = (
        "<html lang='sv'><head><meta charset='utf-8'><title>"
        f"{titel}</title></head><body><h1>{titel}</h1>{body_html}</body></html>"
    )
    return HTML(string=html).write_pdf()


def _plans(rng: random.Random) -> list[Plan]:
    plans: list[Plan] = []
    counters: dict[tuple[str, int], int] = {}

    def dnr(prefix: str, year: int) -> str:
        counters[(prefix, year)] = counters.get((prefix, year), 0) + rng.randint(3, 40)
        return f"{prefix} {year}/{counters[(prefix, year)]}"

    def add(owner, adopter, typ, titel, prefix):
        year = rng.randint(2015, 2025)
        plans.append(
            Plan(owner=owner, adopter=adopter, typ=typ, titel=titel, diarienummer=dnr(prefix, year),
                 year=year)
        )  # fmt: skip

    for typ, titel in KF_DOCS:
        add("KF", "KF", typ, titel, "KS")
    for typ, titel in KS_DOCS:
        add("KS", "KS", typ, titel, "KS")
    for kod, docs in NAMND_DOCS.items():
        for typ, titel in docs:
            add(kod, kod, typ, titel, kod)
    for kod, docs in FORVALTNING_DOCS.items():
        for typ, titel in docs:
            add(kod, kod, typ, titel, kod)
    for kod, typ, titel in ENHET_DOCS:
        add(kod, kod, typ, titel, kod.split("-")[0])
    for typ, titel in GVN_DOCS:
        plans.append(
            Plan(owner="GVN", adopter="GVN", typ=typ, titel=titel,
                 diarienummer=dnr("GVN", 2019), year=2019, fate="upphavd")
        )  # fmt: skip

    for plan in plans:
        roll = rng.random()
        if plan.fate == "gallande":
            if roll < 0.07:
                plan.fate = "utkast"
            elif roll < 0.11:
                plan.fate = "upphavd"
            elif roll < 0.15:
                plan.fate = "ersatt_av_ny"
            elif roll < 0.17:
                plan.fate = "sekretess"
        if plan.fate == "gallande":
            plan.versions = rng.choice([1, 1, 1, 2, 2, 3])
            plan.reviewed = plan.year <= 2022 and rng.random() < 0.5
        if plan.typ == "Vision":
            plan.year, plan.versions, plan.fate = 2023, 1, "gallande"
            plan.diarienummer = dnr("KS", 2022)  # prepared the year before its decision
    # Vision and the big policies keep their decisions current; the taxes are revised yearly.
    for plan in plans:
        if plan.typ == "Taxa" and plan.fate == "gallande":
            plan.versions = 2
    # The statute book gets a repeal history: rules replaced or repealed.
    for plan in plans:
        if plan.titel in STATUTE_BOOK_FATES:
            plan.fate, plan.versions = STATUTE_BOOK_FATES[plan.titel], 1
    for index in (3, 11, 25, 45, 55):
        if index < len(plans):
            plans[index].pdf = True
            plans[index].fate = "gallande"
    return plans


def _officials():
    User = get_user_model()
    users = []
    for username, first, last, active in OFFICIALS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@adalen.example",
                "is_active": active,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    return users


def load_types() -> dict[str, Dokumenttyp]:
    types = {}
    for namn, plural, rang, fs, regel, ar, antas_av, beskrivning in TYPER:
        values = {
            "namn_plural": plural,
            "rang": rang,
            "forfattningssamling": fs,
            "granskningsregel": regel,
            "granskning_ar": ar,
            "antas_av_typer": [str(t) for t in antas_av],
            "beskrivning": beskrivning,
        }
        typ, created = Dokumenttyp.objects.get_or_create(namn=namn, defaults=values)
        if not created and any(getattr(typ, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(typ, key, value)
            typ.save()
        types[namn] = typ
    return types


def _date(rng: random.Random, year: int) -> datetime.date:
    today = timezone.localdate()
    day = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
    return min(day, today - datetime.timedelta(days=rng.randint(20, 200)))


@transaction.atomic
def load_dokument(say: Callable[[str], None]) -> None:
    rng = random.Random(2)
    types = load_types()
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None:
        say("Dokument: demoanvändaren admin saknas; kör organisationssteget först.")
        return
    officials = _officials()
    orgs = {o.kod: o for o in Organisation.objects.all()}
    active = [o for o in orgs.values() if o.aktiv_till is None]
    scopes = {
        "alla": [o for o in active if o.typ in (T.NAMND, T.BOLAGSSTYRELSE)]
        + [o for o in active if o.typ == T.FORVALTNING],
    }
    plans = _plans(rng)
    existing = set(
        Dokumentversion.objects.filter(versionsnummer=1).values_list("diarienummer", flat=True)
    )
    created: list[tuple[Plan, Dokument]] = []
    by_title: dict[str, Dokument] = {}
    for plan in plans:
        if plan.diarienummer in existing or plan.owner not in orgs:
            continue
        owner, adopter = orgs[plan.owner], orgs[plan.adopter]
        beslut = _date(rng, plan.year)
        scope = scopes["alla"] if plan.owner in ("KF", "KS") else [owner]
        data = {
            "titel": plan.titel,
            "text": _body(plan.typ, plan.titel, owner, rng, 1),
            "faststalld_av": None if plan.fate == "utkast" else adopter,
            "beslutsdatum": None if plan.fate == "utkast" else beslut,
            "paragraf": "" if plan.fate == "utkast" else f"§ {rng.randint(5, 220)}",
            "diarienummer": plan.diarienummer,
            "revideringsansvarig": "Kommunstyrelsen" if plan.owner == "KF" else owner.namn,
            "uppfoljningsansvarig": "Kommunstyrelsen" if plan.owner == "KF" else owner.namn,
            "giltig_fran": beslut,
            "giltig_till": (
                datetime.date(plan.year + 3, 12, 31)
                if plan.typ in ("Plan", "Verksamhetsplan") and plan.fate == "gallande"
                else None
            ),
            "dokumentansvarig": rng.choice(officials),
            "sekretess": plan.fate == "sekretess",
            "sekretess_paragraf": "18 kap. 8 § OSL" if plan.fate == "sekretess" else "",
        }
        fil = fil_text = None
        if plan.pdf:
            from dokument.files import extract_pdf_text
            from dokument.markdown import render_markdown

            content = _pdf_bytes(plan.titel, render_markdown(data["text"]))
            fil = ContentFile(
                content, name=f"{plan.diarienummer.replace(' ', '-').replace('/', '-')}.pdf"
            )
            fil_text = extract_pdf_text(content)
        dokument = services.registrera_dokument(
            user=admin,
            typ=types[plan.typ],
            agare=owner,
            data=data,
            giltighetsomrade=scope,
            fil=fil,
            fil_text=fil_text or "",
        )
        created.append((plan, dokument))
        by_title[plan.titel] = dokument

    # The statute book: numbers in order of the decision date, per year.
    kfs = sorted(
        (
            (d.versioner.get(versionsnummer=1).beslutsdatum, d)
            for p, d in created
            if types[p.typ].forfattningssamling and p.fate not in ("utkast", "sekretess")
        ),
        key=lambda pair: (pair[0], pair[1].pk),
    )
    for beslut, dokument in kfs:
        services.assign_kfs_nummer(dokument, beslut.year)

    # Publish first versions (not drafts, not the confidential one).
    for plan, dokument in created:
        if plan.fate in ("utkast", "sekretess"):
            continue
        version = dokument.versioner.get(versionsnummer=1)
        services.publicera_version(user=admin, version=version, bekraftat_personnummer=True)

    # Links: each document konkretiserar one or two of higher or equal rank.
    published = [(p, d) for p, d in created if p.fate not in ("utkast", "sekretess")]
    for plan, dokument in created:
        rang = types[plan.typ].rang
        if plan.typ == "Vision":
            continue
        candidates = [
            d for p, d in published
            if types[p.typ].rang > rang
            and d.pk != dokument.pk
            and p.owner in ("KF", "KS", plan.owner)
        ]  # fmt: skip
        vision = by_title.get("Vision Ådalen 2035")
        chosen = rng.sample(candidates, min(len(candidates), rng.choice([1, 1, 2])))
        if plan.typ in ("Strategi", "Program", "Policy") and vision and vision.pk != dokument.pk:
            chosen = [vision]
        for hogre in chosen:
            if not Dokumentlank.objects.filter(fran=dokument, till=hogre).exists():
                services.add_lank(
                    user=admin, fran=dokument, till=hogre, typ=Dokumentlank.Typ.KONKRETISERAR
                )

    # Reviews recorded for some older documents.
    for plan, dokument in created:
        if plan.reviewed:
            dokument.refresh_from_db()
            services.registrera_granskning(
                user=admin,
                dokument=dokument,
                datum=datetime.date(2023, rng.randint(1, 12), rng.randint(1, 28)),
                utfall="aktuell",
                kommentar="Dokumentet är fortfarande aktuellt. Inga ändringar behövs.",
            )

    # Revisions: new versions with their own decisions; the documents below get flagged.
    for plan, dokument in created:
        for number in range(2, plan.versions + 1):
            last = dokument.versioner.order_by("-versionsnummer").first()
            year = min(last.beslutsdatum.year + rng.randint(1, 3), timezone.localdate().year)
            beslut = max(_date(rng, year), last.beslutsdatum + datetime.timedelta(days=30))
            beslut = min(beslut, timezone.localdate())
            data = {key: getattr(last, key) for key in services.VERSION_FIELDS}
            data.update(
                {
                    "text": _body(plan.typ, plan.titel, orgs[plan.owner], rng, number),
                    "beslutsdatum": beslut,
                    "reviderad_datum": beslut,
                    "paragraf": f"§ {rng.randint(5, 220)}",
                    "diarienummer": f"{plan.diarienummer.split()[0]} {beslut.year}/"
                    f"{1000 + 3 * dokument.pk + number}",
                    "giltig_fran": beslut,
                    "giltig_till": (
                        datetime.date(beslut.year + 3, 12, 31) if last.giltig_till else None
                    ),
                }
            )
            version = services.revidera_dokument(
                user=admin,
                dokument=dokument,
                data=data,
                giltighetsomrade=list(last.giltighetsomrade.all()),
            )
            services.publicera_version(user=admin, version=version, bekraftat_personnummer=True)

    # Replaced: a new document ersätter the old one.
    replacements: list[Dokument] = []
    for plan, dokument in created:
        if plan.fate == "ersatt_av_ny":
            old = dokument.versioner.get(versionsnummer=1)
            beslut = min(old.beslutsdatum + datetime.timedelta(days=700), timezone.localdate())
            ny = services.registrera_dokument(
                user=admin,
                typ=dokument.typ,
                agare=dokument.agare,
                data={
                    **{key: getattr(old, key) for key in services.VERSION_FIELDS},
                    "titel": f"{plan.titel} {beslut.year}",
                    "text": _body(plan.typ, plan.titel, dokument.agare, rng, 2),
                    "beslutsdatum": beslut,
                    "paragraf": f"§ {rng.randint(5, 220)}",
                    "diarienummer": f"{plan.diarienummer.split()[0]} {beslut.year}/"
                    f"{1500 + dokument.pk}",
                    "giltig_fran": beslut,
                    "giltig_till": None,
                },
                giltighetsomrade=list(old.giltighetsomrade.all()),
            )
            replacements.append(ny)
            services.add_lank(user=admin, fran=ny, till=dokument, typ=Dokumentlank.Typ.ERSATTER)
            if types[plan.typ].forfattningssamling:
                services.assign_kfs_nummer(ny, beslut.year)
            services.publicera_version(
                user=admin, version=ny.versioner.get(), bekraftat_personnummer=True
            )

    # Repealed.
    for plan, dokument in created:
        if plan.fate == "upphavd":
            dokument.refresh_from_db()
            version = dokument.versioner.get(ar_aktuell=True)
            datum = min(version.beslutsdatum + datetime.timedelta(days=900), timezone.localdate())
            if plan.owner == "GVN":
                datum = datetime.date(2022, 12, 15)
            services.upphav_dokument(
                user=admin,
                dokument=dokument,
                datum=datum,
                beslut=f"{'KF' if plan.owner in ('KF', 'GVN') else plan.owner} {datum} "
                f"§ {rng.randint(5, 220)}",
            )

    # Versions waiting in BUN (the demo nämndsekreterare's body): a draft revision and an
    # adopted revision not yet published, so "Väntar på beslut eller publicering" has rows.
    bun_docs = [
        d for p, d in created if p.owner == "BUN" and p.fate == "gallande" and p.adopter == "BUN"
    ]
    for dokument, adopted in zip(bun_docs[:2], (False, True), strict=False):
        last = dokument.versioner.order_by("-versionsnummer").first()
        beslut = timezone.localdate() - datetime.timedelta(days=12)
        data = {key: getattr(last, key) for key in services.VERSION_FIELDS}
        data.update(
            {
                "text": _body(dokument.typ.namn, last.titel, dokument.agare, rng, 9),
                "faststalld_av": orgs["BUN"] if adopted else None,
                "beslutsdatum": beslut if adopted else None,
                "paragraf": f"§ {rng.randint(5, 220)}" if adopted else "",
                "diarienummer": f"BUN {beslut.year}/{2000 + dokument.pk}" if adopted else "",
                "reviderad_datum": beslut,
                "giltig_fran": None,
            }
        )
        services.revidera_dokument(
            user=admin,
            dokument=dokument,
            data=data,
            giltighetsomrade=list(last.giltighetsomrade.all()),
        )

    # Realistic publication times: a few days after each decision.
    for dokument in [d for _plan, d in created] + replacements:
        for version in dokument.versioner.filter(status=Dokumentversion.Status.PUBLICERAD):
            if version.beslutsdatum:
                when = datetime.datetime.combine(
                    version.beslutsdatum + datetime.timedelta(days=7), datetime.time(9)
                ).replace(tzinfo=timezone.get_current_timezone())
                Dokumentversion.objects.filter(pk=version.pk).update(publicerad_tid=when)
    say(
        f"Dokument: {Dokument.objects.count()} styrdokument, "
        f"{Dokumentversion.objects.count()} versioner, "
        f"{Dokument.objects.exclude(kfs_nummer='').count()} i författningssamlingen."
    )


register_demo_step("dokument", load_dokument)
