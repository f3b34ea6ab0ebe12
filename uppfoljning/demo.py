"""Demo step "uppfoljning": the follow-up of Ådalens kommun, 2024 to November 2026.

Borås' kinds of report (`kalender.boras_rapporttyper`), the two förvaltningar chosen each year
for the 10-dagarsuppföljning, the organisations chosen each year for the månadsuppföljning
(taken into the system in steps: Solrosen's pilot in 2024–2025, every organisation on its
levels from 2026, so that the past periods hold the reports made then, filled in, and not
hundreds never started), the periods of 2024–2026 with their deadlines
(`kalender.skapa_perioder`, which also makes every reporting organisation's report), and the
economy of every organisation that reports: budget per account group and month, outcome with
the seasons of a municipality (personnel costs dip in July, December peaks), Socialförvaltningen
running a deficit in 2026, imported from the economy system's file of each year as a controller
would. Amounts are kronor, net cost positive, from a fixed seed.

Everything with rules goes through the services, by the demo user who may, dated when a user
would have acted (see `_Clock`). Idempotent: a second run adds nothing.
"""

import datetime
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mal.demo import ANALYSES  # (importing it registers its step first: reports gather goals)
from mal.models import Bedomning, Mal, Maluppfyllelse, Utfall
from styrning.actionlog import Handling
from styrning.demo import register_demo_step
from styrning.models import Handelse, Organisation
from styrning.periods import Period, Periodtyp
from styrning.queries import organisation_tree, tree_per_request
from uppfoljning import kalender
from uppfoljning.arbetsflode import (
    atgardsplan_kravs,
    godkann,
    lamna_in,
    oppna_igen,
    skicka_tillbaka,
)
from uppfoljning.ekonomi import IMPORT_KOLUMNER, import_ekonomi, spara_prognos
from uppfoljning.models import (
    AretSomGick,
    Atgard,
    Atgardsuppfoljning,
    Avsnittstext,
    Balanskrav,
    Bilaga,
    Ekonomirad,
    Prognos,
    Rapport,
    Rapporteringsval,
    Rapportperiod,
    Rapporttyp,
    Rapportversion,
)
from uppfoljning.rapportering import (
    bedom,
    en_omrakning,
    folj_upp_atgard,
    forslagsperiod,
    rapport_innehall,
    rapportens_mal,
    spara_atgard,
    spara_avsnitt,
)
from uppfoljning.sammanstallning import anta, antagande_organ, spara_balanskrav, spara_bilaga
from uppfoljning.utdata import spara_aret_som_gick

T = Organisation.Typ
AR = (2024, 2025, 2026)
# The demo runs on 5 December 2026 in spirit: the last month with an outcome is November.
SISTA_MANAD = (2026, 11)
# The förvaltningar the controller chooses for the 10-dagarsuppföljning, per year.
TIODAGARS = {2024: ["SOF", "BUF"], 2025: ["SOF", "TF"], 2026: ["SOF", "BUF"]}
# The förvaltning whose costs run ahead of its budget in 2026 (its forecast needs an åtgärdsplan).
UNDERSKOTT = ("SOF", 2026)

INTAKTER = "Intäkter"
PERSONAL = "Personalkostnader"
LOKALER = "Lokalkostnader"
KOP = "Köp av verksamhet"
OVRIGT = "Övriga kostnader"
KONTOGRUPPER = [INTAKTER, PERSONAL, LOKALER, KOP, OVRIGT]

# Per kind of activity: the shares of the gross cost (personnel, premises, purchased services,
# other) and the income as a share of the gross cost.
PROFILER = {
    "forskola": ((0.72, 0.14, 0.01, 0.13), 0.09),
    "skola": ((0.68, 0.15, 0.05, 0.12), 0.04),
    "gymnasium": ((0.55, 0.12, 0.25, 0.08), 0.12),
    "aldreomsorg": ((0.82, 0.08, 0.02, 0.08), 0.10),
    "ifo": ((0.30, 0.04, 0.40, 0.26), 0.05),
    "funktionsstod": ((0.80, 0.07, 0.05, 0.08), 0.15),
    "kultur": ((0.55, 0.30, 0.02, 0.13), 0.12),
    "teknik": ((0.35, 0.10, 0.30, 0.25), 0.15),
    "taxa": ((0.30, 0.10, 0.35, 0.25), 0.97),
    "samhallsbyggnad": ((0.70, 0.08, 0.05, 0.17), 0.35),
    "ledning": ((0.70, 0.06, 0.08, 0.16), 0.10),
}

# The net cost budget of 2024 in million kronor of every organisation that books economy (the
# units, and each förvaltning's own: management, shared costs), with its kind of activity.
BUDGET_2024 = {
    "BUF": (62, "ledning"),
    **{
        f"BUF-FSK-{n:02d}": (b, "forskola")
        for n, b in enumerate([14, 17, 12, 15, 11, 13, 16, 12], 1)
    },
    **{f"BUF-GR-{n:02d}": (b, "skola") for n, b in enumerate([78, 64, 71, 55, 49, 43, 58, 38], 1)},
    "BUF-GY-01": (228, "gymnasium"),
    "BUF-GY-02": (46, "gymnasium"),
    "BUF-EH": (34, "skola"),
    "SOF": (48, "ledning"),
    **{f"SOF-ÄO-{n:02d}": (b, "aldreomsorg") for n, b in enumerate([46, 41, 44, 32, 18], 1)},
    **{f"SOF-ÄO-{n:02d}": (b, "aldreomsorg") for n, b in enumerate([72, 68, 63, 31], 6)},
    "SOF-IFO-01": (108, "ifo"),
    "SOF-IFO-02": (71, "ifo"),
    "SOF-IFO-03": (44, "ifo"),
    "SOF-FS-01": (19, "funktionsstod"),
    "SOF-FS-02": (17, "funktionsstod"),
    "SOF-FS-03": (39, "funktionsstod"),
    "SOF-FS-04": (88, "funktionsstod"),
    "KFF": (11, "ledning"),
    "KFF-BIB-01": (21, "kultur"),
    "KFF-BIB-02": (6, "kultur"),
    "KFF-BIB-03": (5, "kultur"),
    "KFF-FRI-01": (18, "kultur"),
    "KFF-FRI-02": (12, "kultur"),
    "KFF-FRI-03": (5, "kultur"),
    "KFF-FRI-04": (6, "kultur"),
    "KFF-KS": (15, "kultur"),
    "TF": (8, "ledning"),
    "TF-01": (61, "teknik"),
    "TF-02": (2, "taxa"),
    "TF-03": (14, "teknik"),
    "TF-04": (6, "teknik"),
    "TF-05": (1, "taxa"),
    "SBF": (3, "ledning"),
    "SBF-01": (4, "samhallsbyggnad"),
    "SBF-02": (9, "samhallsbyggnad"),
    "SBF-03": (6, "samhallsbyggnad"),
    "KLF": (21, "ledning"),
    "KLF-EK": (24, "ledning"),
    "KLF-HR": (29, "ledning"),
    "KLF-KA": (15, "ledning"),
    "KLF-KA-01": (7, "ledning"),
    "KLF-KA-02": (12, "ledning"),
    "KLF-KOM": (14, "ledning"),
    "KLF-NP": (38, "ledning"),
}
UPPRAKNING = {2024: 1.0, 2025: 1.035, 2026: 1.035 * 1.03}

# The outcome's months relative to an even twelfth, per account group: holidays in July,
# invoices and the year-end in December, fees lower over the summer.
SASONG = {
    PERSONAL: [1.0, 0.98, 1.0, 1.0, 1.02, 1.05, 0.62, 0.95, 1.05, 1.04, 1.04, 1.25],
    OVRIGT: [0.8, 0.9, 1.0, 1.0, 1.0, 1.0, 0.6, 0.8, 1.0, 1.1, 1.2, 1.6],
    KOP: [0.95, 0.95, 1.0, 1.0, 1.0, 1.0, 0.95, 0.95, 1.0, 1.0, 1.0, 1.2],
    LOKALER: [1.0] * 12,
    INTAKTER: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.7, 0.9, 1.05, 1.05, 1.1, 1.2],
}


# What a unit's report says, by kind of activity. Each section: a few short, concrete sentences;
# the demo picks two or three per report (by a fixed seed) and adds one for the season.
TEXTER = {
    "forskola": {
        "handelser": [
            "Vi har haft fyra nya inskolningar under månaden och alla barn har kommit igång bra.",
            "Förskolan deltog i kommunens läsprojekt; varje avdelning har nu en egen boklåda som "
            "byts varje månad.",
            "Gården har fått nya odlingslådor som barnen sköter tillsammans med pedagogerna.",
            "Vi har haft en vattenläcka i tvättstugan som åtgärdats av fastighetsenheten.",
            "Föräldramötet hade god uppslutning, 38 av 52 familjer var representerade.",
            "Två avdelningar har arbetat med temat vatten och gjort utflykter till älven.",
            "Barngruppernas storlek ligger i snitt på 15 barn per avdelning.",
        ],
        "utveckling": [
            "Antalet inskrivna barn är 74, två fler än budgeterat. Vi tar emot barnen inom "
            "befintlig personalstyrka.",
            "Vi arbetar vidare med språkutvecklande arbetssätt; pedagogerna har påbörjat en "
            "lärgrupp om högläsning.",
            "Den pedagogiska dokumentationen görs nu digitalt och vårdnadshavarna får veckobrev i "
            "appen.",
            "Utevistelsen har ökat och alla avdelningar är ute minst två timmar om dagen.",
            "Vi har sett över rutinerna för måltiderna tillsammans med kostenheten för att minska "
            "matsvinnet.",
            "Barnens inflytande följs upp med barnintervjuer två gånger per termin.",
        ],
        "personal": [
            "Sjukfrånvaron var 7,1 procent, något lägre än samma månad förra året.",
            "En barnskötare har gått i pension och tjänsten är tillsatt från 1:a nästa månad.",
            "Två förskollärare deltar i kommunens handledarutbildning.",
            "Vi har haft svårt att få tag i vikarier vid korttidsfrånvaro, vilket belastat "
            "ordinarie personal.",
            "Arbetsmiljöronden genomfördes utan större anmärkningar; ljudnivån i matsalen ska ses "
            "över.",
        ],
        "framtid": [
            "Inför hösten väntas fler barn i kön; vi planerar för att öppna en femte avdelning.",
            "Vi planerar en gemensam studiedag med grannförskolan om matematik i vardagen.",
            "Utbyte av lekutrustning på gården är beställt och görs under sommaren.",
            "Prognosen för barnantalet är stabil resten av året.",
        ],
    },
    "skola": {
        "handelser": [
            "Skolan har genomfört en temavecka om demokrati inför elevrådsvalet.",
            "Åk 9 har gjort praktisk arbetslivsorientering under två veckor.",
            "Det nya schemat med längre lunchrast har minskat konflikterna på skolgården.",
            "Elevhälsan har genomfört hälsosamtal med samtliga elever i åk 4 och 7.",
            "Skolan har fått nya elevdatorer till åk 7; utdelningen skedde med föräldramöte.",
            "En brandövning genomfördes utan anmärkning.",
            "Vi har tagit emot sex nyanlända elever som får studiehandledning på modersmålet.",
        ],
        "utveckling": [
            "Närvaron ligger på 92 procent; vi följer upp elever med hög frånvaro varje vecka.",
            "Andelen elever med godkänt i alla ämnen vid senaste betygstillfället var 78 procent.",
            "Lärarna arbetar i ämneslag med kollegial observation en gång i månaden.",
            "Vi har infört läsfokus de första 20 minuterna varje dag i åk 1–6.",
            "Specialpedagogerna har kartlagt behoven av extra anpassningar inför nästa termin.",
            "Samarbetet med fritidshemmet kring rörelse på rasterna har utvecklats.",
        ],
        "personal": [
            "Sjukfrånvaron var 5,4 procent. Korttidsfrånvaron har ökat något under månaden.",
            "Två legitimerade lärare i matematik har rekryterats till höstterminen.",
            "Andelen behöriga lärare är 81 procent; tre lärare läser in behörighet via VAL.",
            "Medarbetarsamtalen är genomförda med samtliga anställda.",
            "En lärare är föräldraledig och ersätts av en vikarie med lärarexamen.",
        ],
        "framtid": [
            "Elevantalet väntas öka med ett tjugotal elever till hösten, främst i de lägre "
            "årskurserna.",
            "Vi planerar att utöka studiehandledningen och söker statsbidrag för det.",
            "Renoveringen av naturkunskapssalen är planerad till sommarlovet.",
            "Inför nästa läsår ses organisationen av fritidshemmet över.",
        ],
    },
    "aldreomsorg": {
        "handelser": [
            "Vi har infört digitala nattkameror för de brukare som önskar det, i dag 14 personer.",
            "Måltidsmiljön har setts över och vi serverar nu middag i mindre sällskap.",
            "Ett utbrott av vinterkräksjuka under två veckor hanterades med skärpta hygienrutiner.",
            "Anhörigträffen hade 22 deltagare och tog upp demens och bemötande.",
            "Nya arbetsscheman med färre delade turer infördes under månaden.",
            "Bilparken har utökats med två elbilar som ersätter äldre bensinbilar.",
            "Vi har haft tillsyn från IVO utan anmärkningar.",
        ],
        "utveckling": [
            "Antalet beviljade hemtjänsttimmar ökade med 3 procent jämfört med föregående månad.",
            "Kontinuiteten är i genomsnitt 14 olika personal per brukare under 14 dagar, målet är "
            "högst 12.",
            "Beläggningen var 98 procent; kön till särskilt boende är nio personer.",
            "Andelen brukare med genomförandeplan som följts upp inom sex månader är 91 procent.",
            "Fallprevention pågår med riskbedömningar för alla nya brukare.",
            "Vi har ökat andelen planerad tid hos brukaren genom bättre ruttplanering.",
        ],
        "personal": [
            "Sjukfrånvaron var 9,8 procent och är högst bland undersköterskorna på kvällstid.",
            "Vi har fått ökade kostnader för timanställda och övertid under semesterperioden.",
            "Fem medarbetare har påbörjat undersköterskeutbildning inom äldreomsorgslyftet.",
            "Rekryteringen av sommarvikarier är klar; 23 vikarier är anställda.",
            "Arbetsmiljöarbetet fokuserar på tunga lyft; nya hjälpmedel är beställda.",
        ],
        "framtid": [
            "Antalet personer över 80 år ökar och vi räknar med fler ansökningar under hösten.",
            "Vi planerar att införa digital signering av läkemedel under kvartalet.",
            "Inför vintern ses bemanningen över för att minska behovet av övertid.",
            "Ombyggnaden av två avdelningar till demensboende planeras starta i vår.",
        ],
    },
    "ifo": {
        "handelser": [
            "Antalet orosanmälningar var 61 under månaden, något fler än samma månad förra året.",
            "Två nya familjehem har rekryterats och utbildats.",
            "Mottagningen har infört telefontid varje förmiddag för att minska väntetiden.",
            "Samverkan med skolan kring elever med hög frånvaro har startat i två skolområden.",
            "Vi har fått ett statsbidrag för att stärka arbetet mot våld i nära relationer.",
        ],
        "utveckling": [
            "Antalet placerade barn och unga är 31, varav 9 i HVB. HVB-placeringarna driver "
            "kostnaderna.",
            "Hushåll med försörjningsstöd var 412, en minskning med 15 jämfört med förra månaden.",
            "Andelen utredningar som avslutas inom fyra månader är 84 procent.",
            "Öppenvårdens insatser har utökats för att minska behovet av placeringar.",
            "Arbetet med att ställa om från HVB till familjehem och öppenvård fortsätter.",
        ],
        "personal": [
            "Två socialsekreterartjänster är vakanta och täcks delvis av konsulter.",
            "Personalomsättningen bland socialsekreterare har minskat jämfört med förra året.",
            "Sjukfrånvaron var 6,3 procent.",
            "Alla nyanställda har fått introduktion med mentor under de första sex månaderna.",
        ],
        "framtid": [
            "Vi ser fortsatt behov av dyra placeringar och följer kostnaderna varje vecka.",
            "En ny arbetsmodell för tidiga insatser införs tillsammans med förskola och skola.",
            "Vi planerar att ta hem två placeringar till egen öppenvård under hösten.",
        ],
    },
    "funktionsstod": {
        "handelser": [
            "En ny brukare har flyttat in på gruppbostaden efter beslut om bostad med särskild "
            "service.",
            "Daglig verksamhet har startat en ny grupp med inriktning på trädgård och återbruk.",
            "Vi har haft en utbildningsdag om lågaffektivt bemötande för all personal.",
            "Brukarundersökningen visar att 88 procent trivs i sin bostad.",
        ],
        "utveckling": [
            "Antalet beviljade assistanstimmar enligt LSS ökade med 420 timmar under månaden.",
            "Daglig verksamhet har 64 deltagare; två har gått vidare till anställning med "
            "lönebidrag.",
            "Genomförandeplanerna är uppdaterade för samtliga brukare.",
            "Vi arbetar med att öka brukarnas delaktighet genom bildstöd i vardagen.",
        ],
        "personal": [
            "Sjukfrånvaron var 8,2 procent; den långa sjukfrånvaron har minskat.",
            "Vi har svårt att rekrytera till helger och använder fler timanställda än planerat.",
            "Tre medarbetare har gått utbildning i delegering av läkemedel.",
        ],
        "framtid": [
            "Behovet av bostäder med särskild service ökar; en ny gruppbostad planeras till 2027.",
            "Vi ser över scheman för att minska kostnaderna för timanställda.",
            "Försäkringskassans ersättning för assistans följs noga eftersom den påverkar "
            "intäkterna.",
        ],
    },
    "kultur": {
        "handelser": [
            "Biblioteket har haft författarbesök med 85 besökare.",
            "Lovaktiviteterna lockade totalt 640 barn och unga.",
            "Öppettiderna har utökats med meröppet på kvällar och helger.",
            "Fritidsgården har startat en tjejkväll varje torsdag.",
            "En ny konstutställning med lokala konstnärer har öppnat i foajén.",
        ],
        "utveckling": [
            "Antalet besök ökade med 6 procent jämfört med samma period förra året.",
            "Utlåningen av e-böcker fortsätter att öka och står nu för 18 procent av lånen.",
            "Kulturskolan har 480 elever och en kö på 120 barn, främst till gitarr och piano.",
            "Badets besöksantal påverkades av en veckas stängning för service av reningsverket.",
        ],
        "personal": [
            "Sjukfrånvaron var 4,1 procent.",
            "Två timanställda fritidsledare har fått tillsvidareanställning.",
            "Personalen har gått utbildning i hjärt-lungräddning.",
        ],
        "framtid": [
            "Inför sommaren planeras ett utökat program med läsfrämjande aktiviteter.",
            "Kostnaderna för el och uppvärmning i ishallen följs noga inför vintersäsongen.",
            "Vi söker projektmedel för att nå fler unga i Norrby.",
        ],
    },
    "teknik": {
        "handelser": [
            "Beläggningsarbetena på Storgatan är klara två veckor före tidplan.",
            "Vinterväghållningen har krävt 11 utryckningar för snöröjning och halkbekämpning.",
            "En vattenläcka på huvudledningen i Älvdalen åtgärdades inom ett dygn.",
            "Kostenheten har infört en ny vegetarisk rätt varje vecka i skolorna.",
            "Upphandlingen av nya sopkärl för matavfall är avslutad.",
        ],
        "utveckling": [
            "Matsvinnet i skolrestaurangerna har minskat till 32 gram per portion.",
            "Andelen felanmälningar som åtgärdas inom en vecka är 87 procent.",
            "Energiförbrukningen i kommunens fastigheter är 4 procent lägre än förra året.",
            "Underhållsplanen för gator följs; 3,2 km har fått ny beläggning.",
        ],
        "personal": [
            "Sjukfrånvaron var 5,0 procent.",
            "Vi har rekryterat en projektledare för fastighetsinvesteringar.",
            "Säsongsanställda för parkskötseln börjar i april.",
        ],
        "framtid": [
            "Höjda priser på entreprenader och material påverkar investeringarna.",
            "Taxan för vatten och avlopp ses över inför nästa år.",
            "Planeringen av den nya skolan i Norrby går in i projekteringsfasen.",
        ],
    },
    "samhallsbyggnad": {
        "handelser": [
            "Antalet inkomna bygglovsansökningar var 48, något färre än förra året.",
            "Livsmedelskontrollen har genomfört 35 planerade inspektioner.",
            "Ny grundkarta för centrala Ådalen är färdigställd.",
        ],
        "utveckling": [
            "Handläggningstiden för bygglov är i snitt 4,2 veckor, inom lagens tio veckor.",
            "Intäkterna från bygglov är lägre än budgeterat på grund av färre stora projekt.",
            "Den digitala ansökan används nu i 80 procent av ärendena.",
        ],
        "personal": [
            "Sjukfrånvaron var 3,2 procent.",
            "En bygglovshandläggare har slutat och rekrytering pågår.",
        ],
        "framtid": [
            "Arbetet med den nya översiktsplanen fortsätter med samråd i höst.",
            "Vi väntar fler ansökningar när detaljplanen för Hamnområdet vinner laga kraft.",
        ],
    },
    "ledning": {
        "handelser": [
            "Budgetberedningen har påbörjats med dialoger med samtliga nämnder.",
            "Den nya e-tjänsten för ekonomiskt bistånd är lanserad tillsammans med "
            "socialförvaltningen.",
            "Kontaktcenter har besvarat 4 100 samtal med en genomsnittlig väntetid på 2 minuter.",
            "Medarbetarenkäten är genomförd med 81 procents svarsfrekvens.",
        ],
        "utveckling": [
            "Arbetet med intern kontroll följer plan; två av fem kontrollmoment är genomförda.",
            "Andelen e-fakturor är 92 procent.",
            "Överförmyndarkansliet har granskat 96 procent av årsräkningarna.",
        ],
        "personal": [
            "Sjukfrånvaron var 3,8 procent.",
            "En ny HR-strateg har börjat och arbetar med kompetensförsörjningsplanen.",
        ],
        "framtid": [
            "Skatteunderlagsprognosen från SKR följs; den senaste innebär något lägre intäkter.",
            "Inför nästa år planeras en översyn av den interna debiteringen.",
        ],
    },
}

# One sentence for the season, by month, for units close to children and pupils ("barn"), in
# care ("omsorg") and the rest ("ovrigt").
SASONGSTEXTER = {
    2: {
        "barn": "Sportlovsveckan hade färre barn på plats och vi passade på att genomföra "
        "medarbetarsamtal.",
        "omsorg": "Influensan har gett hög korttidsfrånvaro under februari.",
        "ovrigt": "Vinterns snöfall har påverkat arbetet under februari.",
    },
    3: {
        "barn": "Vårterminens utvecklingssamtal är genomförda.",
        "omsorg": "Rekryteringen av sommarvikarier har startat.",
        "ovrigt": "Årsbokslutet för förra året är avslutat och underlaget lämnat till "
        "ekonomiavdelningen.",
    },
    4: {
        "barn": "Påsklovet innebar lägre närvaro och lägre kostnader för vikarier.",
        "omsorg": "Introduktionen av sommarvikarierna är planerad till slutet av maj.",
        "ovrigt": "Tertialrapporten per april är underlaget för nämndens uppföljning.",
    },
    5: {
        "barn": "Maj har präglats av de nationella proven och planeringen inför hösten.",
        "omsorg": "Sommarens bemanning är klar; några pass är fortfarande obesatta.",
        "ovrigt": "Säsongsarbetet har kommit i gång enligt plan.",
    },
    6: {
        "barn": "Terminen avslutades med skolavslutning och sommarplanering för fritids och "
        "förskola.",
        "omsorg": "Semesterperioden har börjat; sommarvikarierna är på plats.",
        "ovrigt": "Inför sommaren har verksamheten planerat för reducerad bemanning.",
    },
    8: {
        "barn": "Hösten har startat med inskolningar och nya elever i alla årskurser.",
        "omsorg": "Semesterperioden är över. Sommaren gick bra trots några dagar med hög "
        "belastning.",
        "ovrigt": "Verksamheten är tillbaka i full drift efter semesterperioden.",
    },
    9: {
        "barn": "Föräldramöten har hållits under september.",
        "omsorg": "Vi har börjat förbereda vaccinationerna mot influensa och covid-19.",
        "ovrigt": "Budgetarbetet inför nästa år har påbörjats.",
    },
    10: {
        "barn": "Höstlovet innebar lägre närvaro under en vecka.",
        "omsorg": "Vaccinationerna mot influensa och covid-19 har genomförts för de flesta "
        "brukarna.",
        "ovrigt": "Medarbetarenkäten är genomförd och resultaten ska gås igenom på "
        "arbetsplatsträffar.",
    },
    11: {
        "barn": "Vi har förberett luciafirandet tillsammans med barnen och vårdnadshavarna.",
        "omsorg": "Julplaneringen är klar och bemanningen över helgerna är säkrad.",
        "ovrigt": "Årets sista månader ägnas åt att avsluta årets projekt och förbereda bokslutet.",
    },
}
SASONGSGRUPP = {
    "forskola": "barn",
    "skola": "barn",
    "gymnasium": "barn",
    "aldreomsorg": "omsorg",
    "ifo": "omsorg",
    "funktionsstod": "omsorg",
}

# The förvaltning's (and its verksamheters') own text on top of the units' reports.
FORVALTNINGSTEXTER = {
    "handelser": [
        "Nämnden har under månaden beslutat om {beslut}.",
        "Förvaltningsledningen har haft dialog med samtliga enheter om prognosen för året.",
        "Enheternas rapporter visar att verksamheten i stort bedrivs enligt plan.",
        "Förvaltningen har deltagit i kommunens gemensamma arbete med kompetensförsörjning.",
    ],
    "utveckling": [
        "Enheternas uppföljningar visar en stabil utveckling; avvikelserna kommenteras under "
        "ekonomi.",
        "Arbetet med digitalisering fortsätter enligt den handlingsplan nämnden antagit.",
        "Efterfrågan på förvaltningens tjänster ligger i nivå med budgetens antaganden.",
        "Förvaltningen följer de verksamhetsmått nämnden valt varje månad.",
    ],
    "personal": [
        "Sjukfrånvaron i förvaltningen var {sjuk} procent, ungefär som samma månad förra året.",
        "Rekryteringsläget är stabilt, men vissa yrkesgrupper är fortsatt svåra att rekrytera.",
    ],
    "framtid": [
        "Förvaltningen bedömer att budgeten för året håller.",
        "Inför nästa år behöver prioriteringar göras inom den ram nämnden tilldelas.",
    ],
}
BESLUT = {
    "BUF": "ny skolskjutsriktlinje",
    "SOF": "riktlinjer för handläggning inom äldreomsorgen",
    "KFF": "nya taxor för kulturskolan",
    "TF": "en ny underhållsplan för gator och vägar",
    "SBF": "en ny taxa för bygglov",
    "KLF": "en ny plan för intern kontroll",
}
# Socialförvaltningen in 2026: costs run ahead of the budget from the spring.
UNDERSKOTTSTEXTER = {
    "handelser": "Förvaltningen har redovisat en åtgärdsplan för ekonomi i balans till nämnden.",
    "utveckling": "Behovet av hemtjänst och placeringar inom barn och familj har ökat mer än "
    "budgeten räknade med; kostnaderna för HVB-placeringar är den största avvikelsen.",
    "personal": "Kostnaderna för övertid och timanställda är högre än budgeterat, framför allt "
    "inom äldreomsorgen.",
    "framtid": "Utan åtgärder bedöms underskottet öka under hösten; åtgärdsplanen följs upp "
    "varje månad.",
}

MOTIVERINGAR = {
    "tidigt": "Det är tidigt på året; prognosen följer budget tills utfallet visar en tydlig "
    "avvikelse.",
    "balans": [
        "Prognosen följer budget. Utfallet hittills ligger i nivå med riktpunkten.",
        "Ett lägre utfall under sommaren vägs upp av högre kostnader i december; prognosen "
        "ligger kvar på budget.",
        "Inga kända avvikelser; prognosen är budget med en liten marginal.",
    ],
    "overskott": [
        "Vakanta tjänster under våren ger ett överskott på personalkostnaderna.",
        "Högre intäkter än budgeterat och lägre kostnader för vikarier ger ett litet överskott.",
    ],
    "underskott": [
        "Kostnaderna för timanställda och övertid är högre än budgeterat och bedöms fortsätta "
        "under året.",
        "Fler placeringar än budgeterat gör att köp av verksamhet blir högre; effekten av "
        "åtgärdsplanen är medräknad.",
        "Ökat behov av insatser ger högre personalkostnader än budgeterat; underskottet är "
        "delvis motverkat av åtgärder.",
    ],
}

ATGARDER = [
    (
        "Se över schemaläggningen så att behovet av övertid och timanställda minskar.",
        "Enhetschef",
        Decimal("-400000"),
    ),
    (
        "Anställningsstopp för administrativa tjänster; vakanser tillsätts efter prövning.",
        "Förvaltningschef",
        Decimal("-1200000"),
    ),
    (
        "Ta hem placeringar från HVB till egen öppenvård och familjehem där det är möjligt.",
        "Enhetschef barn och familj",
        Decimal("-2500000"),
    ),
    (
        "Gå igenom alla beslut om hemtjänst som är äldre än ett år.",
        "Biståndschef",
        Decimal("-800000"),
    ),
]


# The nämnder's tertial reports: the deeper analyses.
FORVALTNINGSTEXTER["analys_ekonomi"] = [
    "Personalkostnaderna ligger i nivå med budget; de största avvikelserna finns inom köp av "
    "verksamhet.",
    "Statsbidragen blev högre än budgeterat, vilket väger upp ökade kostnader för lokaler.",
    "Utfallet hittills ligger under riktpunkten, främst på grund av vakanser under våren.",
    "Kostnaderna för inhyrd personal har minskat jämfört med samma period förra året.",
]
FORVALTNINGSTEXTER["analys_maluppfyllelse"] = [
    "De flesta av nämndens mål bedöms helt eller delvis uppfyllda; analyserna finns under "
    "respektive mål.",
    "Måluppfyllelsen har förbättrats jämfört med förra tertialet, framför allt där enheterna "
    "arbetat med tydliga aktiviteter.",
    "Fullmäktige har valt barn och unga för en djupare analys. Närvaron och tryggheten har "
    "ökat, men skillnaderna mellan skolområdena är fortfarande stora.",
    "Indikatorerna från brukarundersökningen kommer först i höst; bedömningen bygger därför på "
    "verksamhetens egna mått.",
]

# KS' delårsrapport and årsredovisning: the förvaltningsberättelse and the goals, in plain words.
KOMMUNTEXTER = {
    "oversikt": "Ådalens kommun redovisar {resultat}. Skatteintäkterna ökade mindre än "
    "kostnaderna, men nämnderna har i stort hållit sina budgetar. Socialnämnden är undantaget, "
    "med högre kostnader för äldreomsorg och placeringar av barn och unga.",
    "viktiga_forhallanden": "Befolkningen ökade med 310 personer till 60 480 invånare. Andelen "
    "invånare över 80 år växer snabbast, vilket ökar behovet av hemtjänst och särskilt boende. "
    "Inflationen har gått ner men räntekostnaderna för nya lån är fortfarande högre än för några "
    "år sedan.",
    "handelser": "Den nya förskolan i Norrby öppnade i augusti med sex avdelningar. "
    "Kommunen införde en gemensam e-tjänsteplattform och ett nytt system för ärendehantering. "
    "Ådalsbadet stängdes under fem veckor för ombyggnad.",
    "styrning": "Nämnderna följer upp sina mål och sin ekonomi varje månad och rapporterar till "
    "kommunstyrelsen per april och per augusti. Kommunstyrelsen har haft uppföljningsdialoger med "
    "samtliga nämnder. Den interna kontrollen har inte visat några allvarliga brister.",
    "ekonomi": "Verksamhetens nettokostnader ökade med {kostnadsokning} procent och skatter och "
    "generella statsbidrag med {skatteokning} procent. Investeringarna uppgick till "
    "{investeringar} "
    "miljoner kronor, varav den nya förskolan i Norrby var den största. Soliditeten är 38,5 "
    "procent.",
    "maluppfyllelse_kf": "Av fullmäktiges 15 mål bedöms 6 vara uppfyllda, 7 delvis uppfyllda och "
    "2 inte uppfyllda. Störst framsteg har gjorts inom miljö och klimat; målen om trygghet och om "
    "fler i arbete nås inte fullt ut.",
    "god_ekonomisk_hushallning": "Kommunen har god ekonomisk hushållning: de finansiella målen om "
    "ett resultat på minst 2 procent av skatter och bidrag och om att investeringarna till minst "
    "80 procent ska finansieras med egna medel är uppfyllda, och de flesta verksamhetsmålen är "
    "helt eller delvis uppfyllda.",
    "djupanalyser": "Fullmäktige valde äldre och barn och unga för djupare analys. Fler äldre bor "
    "kvar hemma längre med hemtjänst, och behovet av platser i särskilt boende väntas öka från "
    "2028. Bland barn och unga har skolnärvaron ökat, men andelen med behörighet till gymnasiet "
    "ligger kvar på 82 procent.",
}

# The statements, in million kronor, as imported tables.
RESULTATRAKNING = [
    ("Verksamhetens intäkter", "752", "780"),
    ("Verksamhetens kostnader", "−4 265", "−4 420"),
    ("Avskrivningar", "−176", "−185"),
    ("Verksamhetens nettokostnader", "−3 689", "−3 825"),
    ("Skatteintäkter", "2 890", "3 010"),
    ("Generella statsbidrag och utjämning", "862", "905"),
    ("Verksamhetens resultat", "63", "90"),
    ("Finansiella intäkter", "16", "18"),
    ("Finansiella kostnader", "−30", "−34"),
    ("Årets resultat", "49", "74"),
]
BALANSRAKNING = [
    ("Anläggningstillgångar", "5 020", "5 210"),
    ("Omsättningstillgångar", "860", "890"),
    ("Summa tillgångar", "5 880", "6 100"),
    ("Eget kapital", "2 276", "2 350"),
    ("varav årets resultat", "49", "74"),
    ("Avsättningar", "395", "410"),
    ("Långfristiga skulder", "2 370", "2 480"),
    ("Kortfristiga skulder", "839", "860"),
    ("Summa eget kapital, avsättningar och skulder", "5 880", "6 100"),
]
KASSAFLODE = [
    ("Den löpande verksamheten", "301", "320"),
    ("Investeringsverksamheten", "−398", "−410"),
    ("Finansieringsverksamheten", "110", "95"),
    ("Årets kassaflöde", "13", "5"),
    ("Likvida medel vid årets början", "105", "118"),
    ("Likvida medel vid årets slut", "118", "123"),
]
INVESTERINGAR = [
    ("Ny förskola i Norrby", 38.2, 41.0),
    ("Ombyggnad av Ådalsbadet", 22.5, 24.1),
    ("Vatten- och avloppsledningar i Älvdalen", 31.0, 28.7),
    ("Gator, cykelvägar och belysning", 18.0, 17.2),
    ("Energieffektivisering i skolor", 12.0, 9.6),
    ("IT och digitalisering", 6.5, 5.9),
]
# Delårsrapporten per augusti 2025 (forecast for the year) and årsredovisningen 2025, kronor.
BALANSKRAV = {
    "delarsrapport": {
        "arets_resultat": Decimal("68000000"),
        "realisationsvinster": Decimal("2100000"),
        "resultatutjamningsreserv": Decimal("-15000000"),
        "kommentar": "Prognosen för helåret uppfyller balanskravet. Kommunen planerar att "
        "reservera 15 miljoner kronor till resultatutjämningsreserven.",
    },
    "arsredovisning": {
        "arets_resultat": Decimal("74000000"),
        "realisationsvinster": Decimal("3400000"),
        "orealiserade_vardepapper": Decimal("-1200000"),
        "resultatutjamningsreserv": Decimal("-20000000"),
        "kommentar": "Balanskravet är uppfyllt. 20 miljoner kronor reserveras till "
        "resultatutjämningsreserven för att möta lägre skatteintäkter i en lågkonjunktur.",
    },
}

ARET_SOM_GICK = {
    "ingress": "Så här användes skattepengarna i Ådalens kommun 2025. Här kan du läsa vad vi "
    "gjorde, vad det kostade och vad det ledde till.",
    "resultat_mening": "Kommunen hade 74 miljoner kronor kvar när året var slut, och det är "
    "pengar som sparas till kommande år.",
    "inkomster": [
        {"namn": "Skatt från dig som bor i kommunen", "belopp": 3010000000},
        {"namn": "Bidrag från staten", "belopp": 905000000},
        {"namn": "Avgifter, hyror och andra intäkter", "belopp": 780000000},
    ],
    "investeringar": [
        {"namn": "Ny förskola i Norrby", "belopp": 41000000},
        {"namn": "Nya vatten- och avloppsledningar i Älvdalen", "belopp": 28700000},
        {"namn": "Ombyggnad av Ådalsbadet", "belopp": 24100000},
        {"namn": "Gator, cykelvägar och belysning", "belopp": 17200000},
    ],
    "handelser": "Den nya förskolan i Norrby öppnade i augusti. Fler äldre fick hjälp i sitt hem "
    "med hjälp av ny teknik. Ådalsbadet byggdes om och öppnade igen i oktober. Vi lagade 3,2 km "
    "gata och byggde nya cykelvägar.",
}
DRIFT = [
    ("Kommunstyrelsen", "KLF"),
    ("Barn- och utbildningsnämnden", "BUF"),
    ("Socialnämnden", "SOF"),
    ("Kultur- och fritidsnämnden", "KFF"),
    ("Tekniska nämnden", "TF"),
    ("Miljö- och byggnadsnämnden", "SBF"),
]


def _rng(*parts) -> random.Random:
    return random.Random(zlib.crc32("|".join(str(p) for p in parts).encode()))


class _Clock:
    """Dates what the demo does at the time a user would have done it (the calendar before the
    year, a report after its month, an adoption at KF's meeting) rather than at the moment the
    demo runs: the act the service logged, the audit trail, and the row's own times. Whatever
    was saved since the last dating is dated, so every save is dated once (as in mal's demo)."""

    STAMPS = {
        Rapport: ["inlamnad", "granskad", "andrad"],
        Rapportversion: ["skapad"],
        Avsnittstext: ["andrad"],
        Prognos: ["andrad"],
        Atgard: ["andrad"],
        Atgardsuppfoljning: ["andrad"],
        Bedomning: ["andrad"],
        Bilaga: ["uppladdad"],
        Ekonomirad: ["andrad"],
    }

    def __init__(self):
        self.start = timezone.now()
        self.latest = self.start - datetime.timedelta(minutes=1)
        self.history = {}

    def at(self, day: datetime.date, *keys) -> datetime.datetime:
        """A time in office hours on `day`, never later than the run."""
        rng = _rng("tid", day, *keys)
        moment = datetime.datetime.combine(
            day, datetime.time(rng.randint(8, 16), rng.randint(0, 59), rng.randint(0, 59))
        )
        return min(timezone.make_aware(moment), self.latest)

    def date(self, when: datetime.datetime, *models) -> None:
        """Move what was saved since the last dating back to `when`, keeping the order."""
        shift = timezone.now() - when
        Handelse.objects.filter(tid__gte=self.start).update(tid=F("tid") - shift)
        for model in models:
            if hasattr(model, "history"):
                if model not in self.history:
                    # The historical model's manager, made once (`model.history` makes one on
                    # every access).
                    self.history[model] = model.history.model._default_manager
                self.history[model].filter(history_date__gte=self.start).update(
                    history_date=F("history_date") - shift
                )
            for field in self.STAMPS.get(model, []):
                model.objects.filter(**{f"{field}__gte": self.start}).update(
                    **{field: F(field) - shift}
                )


@transaction.atomic
def load_uppfoljning(say: Callable[[str], None]) -> None:
    with tree_per_request():
        _load(say)


def _load(say: Callable[[str], None]) -> None:
    clock = _Clock()
    controller = get_user_model().objects.get(username="controller")
    orgs = {o.kod: o for o in Organisation.objects.all()}
    typer = _kalender(orgs, controller, clock)
    _ekonomi(controller, clock)
    _Rapportering(clock, orgs, typer).kor()
    say(
        f"Uppföljning: {len(typer)} rapporttyper, {Rapportperiod.objects.count()} perioder, "
        f"{Rapport.objects.count()} rapporter, {Ekonomirad.objects.count()} ekonomirader."
    )


def _kalender(orgs, controller, clock: _Clock) -> dict[str, Rapporttyp]:
    """Borås' kinds, the chosen förvaltningar and each year's periods, made by the controller
    in December before the year."""
    typer = {t.kod: t for t in kalender.boras_rapporttyper()}
    manad = typer["manad"]
    if not manad.endast_valda:
        # The månadsuppföljning came into the system in steps (`MANAD_FRAN`): the controller
        # made it a kind of chosen organisations and chooses them per year.
        manad.endast_valda = True
        kalender.spara_rapporttyp(rapporttyp=manad, user=controller)
    clock.date(clock.at(datetime.date(2023, 12, 1), "rapporttyper"), Rapporttyp)
    for ar in AR:
        val = {
            "tiodagars": [orgs[kod] for kod in TIODAGARS[ar]],
            # Solrosen's pilot in 2024–2025, the förvaltningar and units taken in during 2026
            "manad": [orgs[kod] for kod, fran in MANAD_FRAN.items() if fran.ar <= ar],
        }
        for kod, valda in val.items():
            have = set(
                Rapporteringsval.objects.filter(rapporttyp=typer[kod], ar=ar).values_list(
                    "organisation_id", flat=True
                )
            )
            if have != {o.pk for o in valda}:
                kalender.valj_organisationer(
                    rapporttyp=typer[kod], ar=ar, organisationer=valda, user=controller
                )
        for typ in typer.values():
            if typ.periodtyp == "ar" and ar == SISTA_MANAD[0]:
                continue  # the year has not ended: its årsredovisning comes next year
            kalender.skapa_perioder(rapporttyp=typ, ar=ar, user=controller)
        clock.date(
            clock.at(datetime.date(ar - 1, 12, 12), "kalender", ar),
            Rapporteringsval,
            Rapportperiod,
            Rapport,
        )
    return typer


@cache
def _ekonomidata() -> tuple[tuple[str, str, int, int, Decimal, Decimal], ...]:
    """Budget and outcome of every month of 2024–2026 (December 2026 as it will turn out)."""
    rows = []
    for kod, (mnkr, profil) in BUDGET_2024.items():
        shares, income_share = PROFILER[profil]
        for ar in AR:
            rng = _rng("ekonomi", kod, ar)
            net = mnkr * 1_000_000 * UPPRAKNING[ar]
            gross = net / (1 - income_share) if income_share < 0.9 else net / 0.03
            annual = {
                INTAKTER: -gross * income_share if income_share < 0.9 else -(gross - net),
                PERSONAL: gross * shares[0],
                LOKALER: gross * shares[1],
                KOP: gross * shares[2],
                OVRIGT: gross * shares[3],
            }
            # How the year turns out: most close to budget, a few a little over or under.
            level = rng.choice([0.985, 0.99, 0.995, 1.0, 1.0, 1.003, 1.008])
            deficit = kod == UNDERSKOTT[0] or kod.startswith(UNDERSKOTT[0] + "-")
            for manad in range(1, 13):
                for grupp in KONTOGRUPPER:
                    budget = annual[grupp] / 12
                    factor = SASONG[grupp][manad - 1] * rng.uniform(0.97, 1.03)
                    if grupp != INTAKTER:
                        factor *= level
                        if deficit and ar == UNDERSKOTT[1]:
                            # Overtime, temporary staff and placements grow over the year.
                            extra = {PERSONAL: 0.06, KOP: 0.25, OVRIGT: 0.04}.get(grupp, 0)
                            factor *= 1 + extra * manad / 12
                    rows.append(
                        (
                            kod,
                            grupp,
                            ar,
                            manad,
                            Decimal(round(budget)),
                            Decimal(round(budget * factor)),
                        )
                    )
    return tuple(rows)


def ekonomirader() -> list[tuple[str, str, int, int, Decimal, Decimal]]:
    """The demo's budget and outcome: (organisation kod, kontogrupp, year, month, budget,
    outcome) for every organisation in `BUDGET_2024`, 2024 to November 2026 (December 2026 has
    a budget, no outcome yet). Whole kronor, net cost positive (income negative)."""
    return [
        (kod, grupp, ar, manad, budget, utfall if (ar, manad) <= SISTA_MANAD else Decimal(0))
        for kod, grupp, ar, manad, budget, utfall in _ekonomidata()
    ]


@dataclass
class _Ekonomi:
    """Budget and the year's outcome as it will turn out, per booking organisation and year
    (what the forecasts move towards), in kronor."""

    budget: dict[tuple[str, int], float]
    utfall: dict[tuple[str, int], float]

    def for_subtree(self, koder: list[str], ar: int) -> tuple[float, float]:
        return (
            sum(self.budget.get((k, ar), 0) for k in koder),
            sum(self.utfall.get((k, ar), 0) for k in koder),
        )


@cache
def _ekonomi_per_organisation() -> _Ekonomi:
    ekonomi = _Ekonomi({}, {})
    for kod, _, ar, _, budget, utfall in _ekonomidata():
        ekonomi.budget[kod, ar] = ekonomi.budget.get((kod, ar), 0) + float(budget)
        ekonomi.utfall[kod, ar] = ekonomi.utfall.get((kod, ar), 0) + float(utfall)
    return ekonomi


def ekonomifil(ar: int) -> str:
    """The economy system's file of a year (`uppfoljning.ekonomi.IMPORT_KOLUMNER`)."""
    lines = [";".join(IMPORT_KOLUMNER)]
    lines += [
        f"{kod};{grupp};{year};{manad};{budget};{utfall}"
        for kod, grupp, year, manad, budget, utfall in ekonomirader()
        if year == ar
    ]
    return "\n".join(lines) + "\n"


def _ekonomi(controller, clock: _Clock) -> None:
    """The budget and outcome as they come in: the controller imports the economy system's
    file of each year after its books are closed (the current year's up to November)."""
    for ar in AR:
        result = import_ekonomi(text=ekonomifil(ar), user=controller)
        if result.created or result.updated:
            day = (
                datetime.date(ar + 1, 1, 20) if ar < SISTA_MANAD[0] else datetime.date(2026, 12, 3)
            )
            clock.date(clock.at(day, "ekonomi", ar), Ekonomirad)


# --- The reports ----------------------------------------------------------------------------

# Who fills in the monthly reports in the demo, from which month: the chef's Solrosens förskola
# from January 2024; the two largest förvaltningar and Förskoleverksamheten (which compiles
# Solrosen) through 2026; the other förvaltningar from October and the other förskolor in the
# current period (November 2026: some submitted, some still drafts). The other reports are
# there, not started: every write of a report reads the whole report again (as the page does),
# and the demo must stay quick to load.
MANAD_FRAN = {
    "BUF-FSK-01": Period(2024, Periodtyp.MANAD, 1),
    **{kod: Period(2026, Periodtyp.MANAD, 1) for kod in ("BUF", "SOF", "BUF-FSK")},
    **{kod: Period(2026, Periodtyp.MANAD, 10) for kod in ("KFF", "TF", "SBF", "KLF")},
    **{f"BUF-FSK-{n:02d}": Period(2026, Periodtyp.MANAD, 11) for n in range(2, 9)},
}
# The 10-dagarsuppföljning is filled in from this year.
TIODAGARS_FRAN = 2024
# The nämnder's tertial reports that are filled in: every tertial that has ended.
TERTIAL = [Period(ar, Periodtyp.TERTIAL, n) for ar in AR for n in (1, 2)]
# Submitted after the deadline (besides a few by chance).
SENA = {
    ("SOF", "2026M03"),
    ("BUF", "2026M09"),
    ("BUF-FSK-01", "2025M10"),
    ("BUF-FSK-01", "2024M05"),
}
# Sent back with a comment and submitted again.
ATERSKICKAD = ("BUF-FSK-01", "2026M09")
ATERSKICKAD_KOMMENTAR = (
    "Avsnittet Personal säger inget om den höga sjukfrånvaron i augusti. Komplettera med "
    "orsaken och vad ni gör åt den, och lämna in igen."
)
ATERSKICKAD_PERSONAL = (
    "Sjukfrånvaron i augusti var 11,2 procent, främst korttidsfrånvaro i samband med "
    "inskolningarna. Vi har infört fasta vikarier på två avdelningar och följer upp "
    "frånvaron på varje arbetsplatsträff. I september var den nere i 7,4 procent."
)
# The delårsrapport reopened after KF adopted it, with the reason, and adopted again.
OPPNAD = (datetime.date(2025, 11, 3), "§ 152")
OPPNAD_BESLUT = datetime.date(2025, 11, 20)
OPPNAD_ANLEDNING = (
    "Revisorerna har påpekat att de kortfristiga skulderna i balansräkningen per augusti var "
    "för lågt redovisade med 12 miljoner kronor (en leverantörsskuld som bokförts i september). "
    "Balansräkningen rättas och delårsrapporten antas på nytt."
)
# KS' decisions on the nämnder's tertial reports: period -> (day, paragraph, case number)
BESLUT_KS = {
    "2024T1": (datetime.date(2024, 6, 10), "§ 98", "KS 2024/211"),
    "2024T2": (datetime.date(2024, 10, 7), "§ 162", "KS 2024/398"),
    "2025T1": (datetime.date(2025, 6, 9), "§ 95", "KS 2025/233"),
    "2025T2": (datetime.date(2025, 10, 6), "§ 157", "KS 2025/401"),
    "2026T1": (datetime.date(2026, 6, 8), "§ 101", "KS 2026/219"),
    "2026T2": (datetime.date(2026, 10, 5), "§ 160", "KS 2026/388"),
}
# KF's decisions on KS' delårsrapporter and årsredovisningar: period -> (day, paragraph, case
# number). The delårsrapport 2025 is the one reopened (`OPPNAD`); Året som gick is 2025's.
BESLUT_KF = {
    "2024M08": (datetime.date(2024, 10, 24), "§ 127", "KS 2024/405"),
    "2024": (datetime.date(2025, 4, 24), "§ 51", "KS 2025/92"),
    "2025M08": (datetime.date(2025, 10, 23), "§ 131", "KS 2025/412"),
    "2025": (datetime.date(2026, 4, 23), "§ 48", "KS 2026/87"),
    "2026M08": (datetime.date(2026, 10, 22), "§ 129", "KS 2026/409"),
}
OPPNAD_PERIOD = "2025M08"
ARET_SOM_GICK_AR = 2025


def _kategori(org: Organisation) -> str:
    """The kind of activity a unit's texts are chosen from."""
    for prefix, kategori in (
        ("BUF-FSK-", "forskola"),
        ("BUF-GR-", "skola"),
        ("BUF-GY-", "skola"),
        ("BUF-EH", "skola"),
        ("SOF-ÄO-", "aldreomsorg"),
        ("SOF-IFO-", "ifo"),
        ("SOF-FS-", "funktionsstod"),
        ("KFF-", "kultur"),
        ("TF-", "teknik"),
        ("SBF-", "samhallsbyggnad"),
        ("KLF-", "ledning"),
    ):
        if org.kod.startswith(prefix) and org.typ == T.ENHET:
            return kategori
    return "forvaltning"


def _forvaltning_kod(org: Organisation) -> str:
    return org.kod.split("-")[0]


def _texter(org: Organisation, period: Period, koder: list[str]) -> dict[str, str]:
    """What the report says in each of the sections `koder`: two or three sentences from the
    pool of its kind of activity, one for the season, varied by organisation and period."""
    rng = _rng("text", org.kod, period.kod)
    kategori = _kategori(org)
    texts = {}
    deficit = _forvaltning_kod(org) == UNDERSKOTT[0] and period.ar == UNDERSKOTT[1]
    for kod in koder:
        if kategori == "forvaltning":
            pool = FORVALTNINGSTEXTER.get(kod) or FORVALTNINGSTEXTER["utveckling"]
            chosen = rng.sample(pool, 2)
            if deficit and period.manader >= 4 and kod in UNDERSKOTTSTEXTER:
                chosen[1] = UNDERSKOTTSTEXTER[kod]
            text = " ".join(chosen).format(
                beslut=BESLUT.get(_forvaltning_kod(org), "verksamhetsplanen för nästa år"),
                sjuk=f"{rng.uniform(4.8, 8.6):.1f}".replace(".", ","),
            )
        else:
            pool = TEXTER[kategori].get(kod) or TEXTER[kategori]["utveckling"]
            text = " ".join(rng.sample(pool, min(len(pool), rng.choice([2, 2, 3]))))
        if kod == "handelser" and period.typ == Periodtyp.MANAD:
            grupp = SASONGSGRUPP.get(kategori, "ovrigt")
            season = SASONGSTEXTER.get(period.nummer, {}).get(grupp)
            if season:
                text = f"{season} {text}"
        texts[kod] = text
    return texts


def _prognos(ekonomi: _Ekonomi, koder: list[str], period: Period) -> Decimal | None:
    """The chef's forecast at the end of `period`: the budget early in the year, moving towards
    how the year turns out as the months pass; rounded as a chef rounds (tkr)."""
    budget, utfall = ekonomi.for_subtree(koder, period.ar)
    if not budget:
        return None
    months = period.manader
    weight = 0.0 if months <= 2 else min(1.0, 0.15 + months / 12)
    rng = _rng("prognos", ",".join(koder[:2]), period.kod)
    value = budget + (utfall - budget) * weight + budget * rng.uniform(-0.001, 0.0005)
    step = 100_000 if budget > 50_000_000 else 10_000
    return Decimal(round(value / step) * step)


def _motivering(budget: Decimal, prognos: Decimal, period: Period) -> str:
    rng = _rng("motivering", budget, period.kod)
    if period.manader <= 2:
        return MOTIVERINGAR["tidigt"]
    andel = (budget - prognos) / budget * 100
    if andel < Decimal("-0.3"):
        return rng.choice(MOTIVERINGAR["underskott"])
    if andel > Decimal("0.3"):
        return rng.choice(MOTIVERINGAR["overskott"])
    return rng.choice(MOTIVERINGAR["balans"])


# What the reports' services save, dated after each phase.
DATERAS = [
    Rapport,
    Rapportversion,
    Avsnittstext,
    Prognos,
    Atgard,
    Atgardsuppfoljning,
    Bedomning,
    Bilaga,
    Balanskrav,
    AretSomGick,
]

BESLUT_DATERAS = [Rapport, Rapportversion]


class _Rapportering:
    """Fills in the reports period by period, as the people would have: the units first, then
    what compiles them, the nämnder's tertial reports, KS' delårsrapport and årsredovisning.
    Each phase (writing, submitting, approving, adopting) is dated on its own day."""

    def __init__(self, clock: _Clock, orgs: dict, typer: dict):
        self.clock, self.orgs, self.typer = clock, orgs, typer
        users = {
            u.username: u
            for u in get_user_model().objects.filter(username__in=["chef", "controller"])
        }
        self.chef, self.controller = users["chef"], users["controller"]
        self.idag = timezone.localdate(clock.latest)
        self.tree = organisation_tree()
        self.ekonomi = _ekonomi_per_organisation()
        self.prognoser: set[tuple[int, Period]] = set()
        self.atgarder: dict[int, list] = {}

    # Who and what

    def writer(self, org: Organisation):
        """Solrosen's chef writes the unit's reports, the controller the rest."""
        return self.chef if org.kod == "BUF-FSK-01" else self.controller

    def bokforande(self, org: Organisation) -> list[str]:
        """The organisations in `org`'s subtree that book economy."""
        ids = self.tree.descendant_ids(org.pk)
        return [o.kod for o in self.orgs.values() if o.pk in ids and o.kod in BUDGET_2024]

    def dagar(self, rapport: Rapport) -> tuple[datetime.date, datetime.date, datetime.date]:
        """The days the report was written, submitted and approved: most a few days before the
        deadline, a few after it."""
        period, deadline = rapport.period, rapport.rapportperiod.sista_dag
        key = (rapport.organisation.kod, period.kod)
        rng = _rng("dagar", rapport.rapportperiod.rapporttyp.kod, *key)
        late = key in SENA or rng.random() < 0.03
        submit = deadline + datetime.timedelta(
            days=rng.randint(1, 6) if late else -rng.randint(0, 6)
        )
        submit = max(submit, period.slut + datetime.timedelta(days=3))
        write = submit - datetime.timedelta(days=rng.randint(0, 3))
        approve = submit + datetime.timedelta(days=rng.randint(1, 5))
        return write, submit, approve

    def date(self, day: datetime.date, *keys, models=DATERAS) -> None:
        """Date what was saved since the last dating on `day`; `models`: those saved (the
        submission and the decisions only touch the report and its versions)."""
        self.clock.date(self.clock.at(day, *keys), *models)

    def lamna_in(self, rapport: Rapport, user, day: datetime.date, key: str) -> None:
        """Submit on `day`. The act records whether the submission was late; the service
        judged it on the day the demo runs, so it is judged again on the day it is dated."""
        lamna_in(rapport=rapport, user=user)
        self.date(day, rapport.pk, key, models=BESLUT_DATERAS)
        act = (
            Handelse.objects.filter(
                handling=Handling.RAPPORT_INLAMNAD,
                objekttyp=ContentType.objects.get_for_model(Rapport),
                objekt_id=rapport.pk,
            )
            .order_by("-id")
            .first()
        )
        sen = day > rapport.rapportperiod.sista_dag
        if act.data.get("sen") != sen:
            Handelse.objects.filter(pk=act.pk).update(data={**act.data, "sen": sen})

    # The phases of one report

    def skriv(self, rapport: Rapport, rng: random.Random, *, alla: bool = False) -> None:
        """Write the sections (the required ones, and most of the others), the forecast, the
        goals' assessments and the action plan the forecast or a goal calls for, and follow up
        the earlier actions."""
        org, period, typ = rapport.organisation, rapport.period, rapport.rapportperiod.rapporttyp
        user = self.writer(org)
        koder = [
            a["kod"]
            for a in typ.avsnitt
            if a.get("slag", "text") == "text"
            and (a.get("obligatorisk") or alla or rng.random() < 0.15)
        ]
        for kod, text in _texter(org, period, koder).items():
            spara_avsnitt(rapport=rapport, kod=kod, text=text, klar=True, user=user)
        behov = self.prognos(rapport, user)
        behov |= self.bedom(rapport, user, rng)
        self.folj_upp(rapport, user)
        if behov:
            self.atgard(rapport, user, rng)

    def prognos(self, rapport: Rapport, user) -> bool:
        """Save the forecast (once per organisation and period: the 10-dagarsuppföljning and
        the month's report share it); whether it calls for an action plan."""
        org, period = rapport.organisation, rapport.period
        koder = self.bokforande(org)
        prognos = _prognos(self.ekonomi, koder, period)
        if prognos is None:
            return False
        budget = Decimal(round(self.ekonomi.for_subtree(koder, period.ar)[0]))
        if (org.pk, period) not in self.prognoser:
            spara_prognos(
                rapport=rapport,
                organisation=org,
                arsprognos=prognos,
                motivering=_motivering(budget, prognos, period),
                user=user,
                andringsmarke=None,
            )
            self.prognoser.add((org.pk, period))
        grans = Decimal(str(rapport.rapportperiod.rapporttyp.avvikelsegrans))
        # A little inside the threshold: the budget here is rounded, the report's is exact.
        return (budget - prognos) / budget * 100 < grans + Decimal("0.05")

    def bedom(
        self, rapport: Rapport, user, rng: random.Random, *, som_forslaget: bool = False
    ) -> bool:
        """Assess the report's goals (the organisation's own, where the goal demo has any; in
        KS' delårsrapport and årsredovisning KF's too) in the tertial reports, the
        årsrapporter, KS' reports to KF and the units' reports per april, augusti and november;
        whether a goal is not met (which calls for an action plan). A goal the goal demo has
        assessed for the period (the years that have ended) keeps its assessment: the report
        shows the goal chain's own. `som_forslaget`: a goal with a computed suggestion for the
        period is assessed as suggested (KS' reports to KF, read by many)."""
        period = rapport.period
        if period.typ == Periodtyp.MANAD and period.nummer not in (4, 8, 11):
            return False
        goals = rapportens_mal(rapport).order_by("pk")
        assessed = dict(
            Bedomning.objects.filter(mal__in=goals, **Bedomning.period_lookup(period))
            .exclude(utfall=Utfall.EJ_BEDOMT)
            .values_list("mal_id", "utfall")
        )
        forslag = (
            dict(
                Maluppfyllelse.objects.filter(
                    mal__in=goals, **Maluppfyllelse.period_lookup(forslagsperiod(period))
                ).values_list("mal_id", "forslag")
            )
            if som_forslaget
            else {}
        )
        ej = Utfall.EJ_UPPFYLLT in assessed.values()
        for goal in goals:
            if goal.pk in assessed:
                continue
            utfall = rng.choices(
                [Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT],
                weights=[45, 47, 8 if period.typ == Periodtyp.TERTIAL else 0],
            )[0]
            if forslag.get(goal.pk) in (Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT):
                utfall = forslag[goal.pk]
            ej |= utfall == Utfall.EJ_UPPFYLLT
            bedom(
                rapport=rapport,
                mal=goal,
                utfall=utfall,
                analys=rng.choice(ANALYSES[utfall]).format(t=goal.titel.lower()),
                andringsmarke=None,
                user=user,
            )
        return ej

    def atgard(self, rapport: Rapport, user, rng: random.Random) -> None:
        beskrivning, ansvarig, effekt = ATGARDER[
            len(self.atgarder.get(self._nyckel(rapport), [])) % len(ATGARDER)
        ]
        datum = min(
            rapport.period.slut + datetime.timedelta(days=rng.choice([45, 60, 90])),
            datetime.date(rapport.period.ar, 12, 31),
        )
        atgard = spara_atgard(
            rapport=rapport,
            beskrivning=beskrivning,
            ansvarig=ansvarig,
            datum=datum,
            effekt_kronor=effekt,
            user=user,
        )
        self.atgarder.setdefault(self._nyckel(rapport), []).append(atgard)

    def folj_upp(self, rapport: Rapport, user) -> None:
        """Follow up the actions of the organisation's previous report of the kind in the year:
        under way, or done once their date has passed."""
        earlier = [
            a
            for a in self.atgarder.get(self._nyckel(rapport), [])
            if a.rapport.period.ar == rapport.period.ar
            and a.rapport.period.slut < rapport.period.slut
        ]
        latest = max((a.rapport.period for a in earlier), default=None)
        for atgard in earlier:
            if atgard.rapport.period != latest:
                continue
            klar = atgard.datum <= rapport.period.slut
            folj_upp_atgard(
                rapport=rapport,
                atgard=atgard,
                status=Atgard.Status.KLAR if klar else Atgard.Status.PAGAENDE,
                kommentar="Åtgärden är genomförd; effekten syns i prognosen."
                if klar
                else "Arbetet pågår enligt plan.",
                user=user,
            )

    @staticmethod
    def _nyckel(rapport: Rapport) -> tuple[int, str]:
        return rapport.organisation_id, rapport.rapportperiod.rapporttyp.kod

    def fyll(self, rapport: Rapport, *, oppen: bool = False) -> None:
        """Write, submit and approve a report on its days, as far as they have come; `oppen`:
        written but not submitted."""
        if rapport.status != Rapport.Status.EJ_PABORJAD:
            return  # filled in by an earlier run
        write, submit, approve = self.dagar(rapport)
        if write > self.idag:
            return
        org, period = rapport.organisation, rapport.period
        rng = _rng("rapport", org.kod, period.kod, rapport.rapportperiod.rapporttyp.kod)
        with en_omrakning():  # the share ready counted once, when all is written
            self.skriv(
                rapport, rng, alla=org.kod == "BUF-FSK-01" and period.ar == 2026 and not oppen
            )
        self.date(write, rapport.pk, "skriv")
        if oppen or submit > self.idag:
            return
        self.lamna_in(rapport, self.writer(org), submit, "in")
        if (org.kod, period.kod) == ATERSKICKAD:
            self.skicka_tillbaka(rapport, submit)
            approve = max(approve, submit + datetime.timedelta(days=3))
        if rapport.status == Rapport.Status.INLAMNAD and approve <= self.idag:
            godkann(rapport=rapport, user=self.controller)
            self.date(approve, rapport.pk, "ok", models=BESLUT_DATERAS)

    def skicka_tillbaka(self, rapport: Rapport, submit: datetime.date) -> None:
        """The controller sends the report back with a comment; the chef completes the section
        and submits again."""
        skicka_tillbaka(rapport=rapport, user=self.controller, kommentar=ATERSKICKAD_KOMMENTAR)
        self.date(
            submit + datetime.timedelta(days=1), rapport.pk, "tillbaka", models=BESLUT_DATERAS
        )
        spara_avsnitt(
            rapport=rapport,
            kod="personal",
            text=ATERSKICKAD_PERSONAL,
            klar=True,
            andringsmarke=None,
            user=self.writer(rapport.organisation),
        )
        self.lamna_in(
            rapport, self.writer(rapport.organisation), submit + datetime.timedelta(days=2), "igen"
        )

    # The periods, in order

    def kor(self) -> None:
        reports = {
            (r.rapportperiod.rapporttyp.kod, r.organisation.kod, r.period): r
            for r in Rapport.objects.select_related("rapportperiod__rapporttyp", "organisation")
        }
        for ar in AR:
            for manad in range(1, 13):
                month = Period(ar, Periodtyp.MANAD, manad)
                if month.slut >= self.idag:
                    break
                koder = [kod for kod, fran in MANAD_FRAN.items() if fran <= month]
                # units first, what compiles them after
                koder.sort(key=lambda k: -len(self.tree.ancestors(self.orgs[k].pk)))
                for kod in TIODAGARS[ar] if ar >= TIODAGARS_FRAN else []:
                    if rapport := reports.get(("tiodagars", kod, month)):
                        self.fyll(rapport)
                for kod in koder:
                    if rapport := reports.get(("manad", kod, month)):
                        self.fyll(rapport, oppen=(kod, month.kod) == ("BUF-FSK-01", "2026M11"))
                tertial = Period(ar, Periodtyp.TERTIAL, max(1, manad // 4))
                if manad in (4, 8) and tertial in TERTIAL:
                    for (typ, _, period), rapport in reports.items():
                        if typ == "tertial" and period == tertial:
                            self.tertial(rapport)
                if manad == 8 and month.kod in BESLUT_KF:
                    self.kommunen(reports[("delarsrapport", "KS", month)], BESLUT_KF[month.kod])
                if manad == 12 and str(ar) in BESLUT_KF:
                    # the nämnder's and bolagens årsrapporter first: KS compiles them
                    arsrapporter = [
                        rapport
                        for (typ, _, period), rapport in reports.items()
                        if typ == "arsrapport" and period == Period.year(ar)
                    ]
                    for rapport in sorted(arsrapporter, key=lambda r: r.organisation.kod):
                        self.arsrapport(rapport)
                    self.kommunen(
                        reports[("arsredovisning", "KS", Period.year(ar))], BESLUT_KF[str(ar)]
                    )

    def tertial(self, rapport: Rapport) -> None:
        """A nämnd's (or the bolag's) tertial report: written, submitted, approved and adopted
        by KS at its meeting (where the kind has a body that adopts it)."""
        self.fyll(rapport)
        beslut = BESLUT_KS.get(rapport.period.kod)
        if (
            rapport.status == Rapport.Status.GODKAND
            and beslut is not None
            and beslut[0] <= self.idag
            and antagande_organ(rapport) is not None
        ):
            self.anta(rapport, beslut)

    def arsrapport(self, rapport: Rapport) -> None:
        """A nämnd's (or the bolag's) årsrapport: written, submitted and approved in February,
        and adopted by the nämnd itself at its meeting a few days after the approval (the
        bolag's årsredovisning is approved by the general meeting, outside the system)."""
        self.fyll(rapport)
        if rapport.status != Rapport.Status.GODKAND or antagande_organ(rapport) is None:
            return
        org, ar = rapport.organisation, rapport.period.ar
        rng = _rng("arsrapport", org.kod, ar)
        _, _, approve = self.dagar(rapport)
        day = max(approve + datetime.timedelta(days=2), datetime.date(ar + 1, 2, 17))
        day += datetime.timedelta(days=rng.randint(0, 6))
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        if day > self.idag:
            return
        self.anta(
            rapport,
            (
                day,
                f"§ {rng.randint(8, 30)}",
                f"{org.forkortning or org.kod} {ar + 1}/{rng.randint(20, 140)}",
            ),
        )

    def anta(self, rapport: Rapport, beslut: tuple) -> None:
        day, paragraf, diarienummer = beslut
        anta(
            rapport=rapport,
            user=self.controller,
            beslutsdatum=day,
            paragraf=paragraf,
            diarienummer=diarienummer,
        )
        rapport.refresh_from_db()
        self.date(day, rapport.pk, "antagen", models=BESLUT_DATERAS)

    def aret_som_gick(self, arsredovisning: Rapport) -> None:
        """Året som gick, written on the adopted årsredovisning and published in May."""
        ar = arsredovisning.period.ar
        if AretSomGick.objects.filter(ar=ar).exists():
            return
        spara_aret_som_gick(
            user=self.controller,
            ar=ar,
            data={**ARET_SOM_GICK, "arsredovisning": arsredovisning, "publicerad": True},
        )
        self.date(datetime.date(ar + 1, 5, 12), "aret som gick", ar)

    def kommunen(self, rapport: Rapport, beslut: tuple) -> None:
        """KS' delårsrapport or årsredovisning: the förvaltningsberättelse, the statements as
        imported tables, the balanskrav block, KS' own forecast; submitted and adopted by KF.
        The delårsrapport 2025 is reopened after its adoption (a correction of the balance
        sheet) and adopted again."""
        if rapport.status != Rapport.Status.EJ_PABORJAD:
            return
        beslutsdatum, paragraf, diarienummer = beslut
        typ = rapport.rapportperiod.rapporttyp
        user = self.controller
        submit = rapport.rapportperiod.sista_dag - datetime.timedelta(days=2)
        # KS' own forecast: the municipality's economy has a row for KS itself beside the
        # nämnder's and bolagens, whose forecasts are their own reports'
        self.prognos(rapport, user)
        # KF's goals (those for god ekonomisk hushållning among them) and KS' own, with
        # analyses; the year's assessments of the goal chain stand in the årsredovisning
        self.bedom(
            rapport,
            user,
            _rng("bedom", rapport.organisation.kod, rapport.period.kod),
            som_forslaget=True,
        )
        innehall = rapport_innehall(rapport)
        delar = _kommunens_delar(typ.lagkrav, rapport.period)
        # what the section on KF's goals says is what the report's assessments say
        delar["texter"]["maluppfyllelse_kf"] = _maluppfyllelse_kf(innehall["mal"], rapport)
        for avsnitt in typ.avsnitt:
            kod, slag = avsnitt["kod"], avsnitt.get("slag", "text")
            if slag == "text":
                spara_avsnitt(
                    rapport=rapport, kod=kod, text=delar["texter"][kod], klar=True, user=user
                )
            elif slag in ("fil", "tabell"):
                spara_bilaga(rapport=rapport, user=user, kod=kod, tabell=delar["tabeller"][kod])
            elif slag == "balanskrav":
                spara_balanskrav(rapport=rapport, user=user, **BALANSKRAV[typ.lagkrav])
        if not innehall["atgarder"] and atgardsplan_kravs(rapport, innehall):
            # a goal of KS assessed as not met in its tertial report calls for a plan here too
            self.atgard(rapport, user, _rng("atgard", rapport.organisation.kod, rapport.period.kod))
        self.date(submit - datetime.timedelta(days=5), rapport.pk, "skriv")
        self.lamna_in(rapport, user, submit, "in")
        self.anta(rapport, (beslutsdatum, paragraf, diarienummer))
        if typ.lagkrav == Rapporttyp.Lagkrav.ARSREDOVISNING:
            if rapport.period.ar == ARET_SOM_GICK_AR:
                self.aret_som_gick(rapport)
            return
        if rapport.period.kod != OPPNAD_PERIOD:
            return
        day, andra_paragraf = OPPNAD
        oppna_igen(rapport=rapport, user=user, anledning=OPPNAD_ANLEDNING)
        self.date(day, rapport.pk, "oppnad", models=BESLUT_DATERAS)
        tabell = delar["tabeller"]["balansrakning"]
        spara_bilaga(rapport=rapport, user=user, kod="balansrakning", tabell=_rattad(tabell))
        self.date(day + datetime.timedelta(days=1), rapport.pk, "rattad")
        self.lamna_in(rapport, user, day + datetime.timedelta(days=2), "igen")
        self.anta(rapport, (OPPNAD_BESLUT, andra_paragraf, diarienummer))


def _maluppfyllelse_kf(mal: list[dict], rapport: Rapport) -> str:
    """The section on KF's goals in plain words, counted from the report's assessments."""
    kf = set(
        Mal.objects.filter(
            pk__in=[m["id"] for m in mal], agare__typ=Organisation.Typ.KOMMUNFULLMAKTIGE
        ).values_list("pk", flat=True)
    )
    goals = [m for m in mal if m["id"] in kf]
    antal = {s: sum(m["utfall"] == s for m in goals) for s in Utfall.values}
    when = "" if rapport.period.typ == Periodtyp.AR else f" {rapport.period.ackumulerad_label}"
    text = (
        f"Av fullmäktiges {len(goals)} mål bedöms{when} {antal[Utfall.UPPFYLLT]} vara "
        f"uppfyllda, {antal[Utfall.DELVIS]} delvis uppfyllda och {antal[Utfall.EJ_UPPFYLLT]} "
        "inte uppfyllda."
    )
    ej = [f"”{m['titel']}”" for m in goals if m["utfall"] == Utfall.EJ_UPPFYLLT]
    if len(ej) == 1:
        text += f" Målet {ej[0]} är inte uppfyllt; åtgärderna står i åtgärdsplanen."
    elif ej:
        text += (
            f" Målen {', '.join(ej[:-1])} och {ej[-1]} är inte uppfyllda; åtgärderna står i "
            "åtgärdsplanen."
        )
    return text


def _rattad(tabell: dict) -> dict:
    """The balance sheet with the short-term debts corrected by 12 million kronor."""
    rader = []
    for rad in tabell["rader"]:
        rad = list(rad)
        if rad[0] in (
            "Kortfristiga skulder",
            "Summa eget kapital, avsättningar och skulder",
            "Omsättningstillgångar",
            "Summa tillgångar",
        ):
            rad[-1] = _mnkr_text(_mnkr(rad[-1]) + 12)
        rader.append(rad)
    return {**tabell, "rader": rader}


def _mnkr(text: str) -> int:
    return int(text.replace("\u2212", "-").replace(" ", ""))


def _mnkr_text(value: int) -> str:
    return f"{value:,}".replace(",", " ").replace("-", "\u2212")


def _tabell(rubriker: list[str], rader: list) -> dict:
    return {"rubriker": rubriker, "rader": [list(rad) for rad in rader]}


def _kommunens_delar(lagkrav: str, period: Period) -> dict:
    """The texts and tables of KS' delårsrapport (per augusti: the first eight months, with the
    forecast) or årsredovisning (the year)."""
    ar = period.ar
    if lagkrav == Rapporttyp.Lagkrav.DELARSRAPPORT:
        resultat = (
            "ett resultat på 61 miljoner kronor per augusti och en prognos på 68 miljoner "
            "kronor för helåret"
        )
        kolumner = ["Mnkr", f"Jan–aug {ar - 1}", f"Jan–aug {ar}"]

        def del_av_aret(rader):
            return [
                (namn, _mnkr_text(_mnkr(fg) * 8 // 12), _mnkr_text(_mnkr(nu) * 8 // 12))
                for namn, fg, nu in rader
            ]

        rr = del_av_aret(RESULTATRAKNING)
        br = BALANSRAKNING
    else:
        resultat = f"ett resultat på 74 miljoner kronor för {ar}"
        kolumner = ["Mnkr", str(ar - 1), str(ar)]
        rr, br = RESULTATRAKNING, BALANSRAKNING
    texter = {
        kod: text.format(
            resultat=resultat, kostnadsokning="3,7", skatteokning="4,3", investeringar="410"
        )
        for kod, text in KOMMUNTEXTER.items()
    }
    drift = []
    ekonomi = _ekonomi_per_organisation()
    for namnd, forvaltning in DRIFT:
        koder = [k for k in BUDGET_2024 if k == forvaltning or k.startswith(forvaltning + "-")]
        budget, utfall = ekonomi.for_subtree(koder, ar)
        drift.append(
            (
                namnd,
                f"{budget / 1e6:.1f}".replace(".", ","),
                f"{utfall / 1e6:.1f}".replace(".", ","),
                f"{(budget - utfall) / 1e6:.1f}".replace(".", ",").replace("-", "\u2212"),
            )
        )
    return {
        "texter": texter,
        "tabeller": {
            "resultatrakning": _tabell(kolumner, rr),
            "balansrakning": _tabell(kolumner, br),
            "kassaflodesanalys": _tabell(kolumner, KASSAFLODE),
            "driftredovisning": _tabell(["Nämnd, mnkr", "Budget", "Utfall", "Avvikelse"], drift),
            "investeringsredovisning": _tabell(
                ["Projekt, mnkr", "Budget", "Utfall"],
                [
                    (namn, f"{b:.1f}".replace(".", ","), f"{u:.1f}".replace(".", ","))
                    for namn, b, u in INVESTERINGAR
                ],
            ),
        },
    }


register_demo_step("uppfoljning", load_uppfoljning)
