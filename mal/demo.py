"""Demo step "mal": a full goal chain for Ådalens kommun, 2023–2026.

A vision with five goal areas in the style of Lysekil's and the four scorecard perspectives,
KF's goals, the nämnder's goals, goals for most units, about 80 indicators (some from Kolada
with real KPI ids), three years of values and this year's tertials, assessments with analyses,
and about 20 assignments. Everything a user makes is made through the services, so the demo holds
nothing the app would refuse, and the log of acts and the audit trail come from them, dated when
a user would have acted. Idempotent: rows are keyed on natural keys and only missing ones are
created.
"""

import datetime
import json
import random
import zlib
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

import dokument.demo  # noqa: F401  (its step registers first: goals rest on its documents)
from dokument.models import Dokument
from mal import rollup
from mal.fulfilment import indicator_result
from mal.kpi_import import import_kpi
from mal.models import (
    Aktivitet,
    Bedomning,
    Indikator,
    Mal,
    Malomrade,
    Malvarde,
    Uppdrag,
    Uppdragskommentar,
    Utfall,
    Varde,
    Vision,
)
from mal.services import (
    bedom_mal,
    ge_uppdrag,
    kommentera_uppdrag,
    registrera_varde,
    satt_malvarde,
    spara_aktivitet,
    spara_indikator,
    spara_mal,
)
from styrning import locking
from styrning.demo import register_demo_step
from styrning.models import Budgetar, Handelse, Mandatperiod, Organisation
from styrning.periods import Period, Periodtyp, tertials
from styrning.queries import tree_per_request

T = Mal.Typ
R = Indikator.Riktning
K = Indikator.Kalla

VISION = (
    "Vision Ådalen 2035",
    "Ådalen är en hållbar och attraktiv kommun året runt som kännetecknas av kreativitet och "
    "framtidstro.",
)
AREAS = [
    ("Ådalen – det hållbara samhället", "Miljö, klimat och social hållbarhet."),
    ("Ådalen – det attraktiva samhället året runt", "Boende, service och trygghet."),
    ("Ådalen – kreativitet och framtidstro", "Barn, unga, lärande och kultur."),
    ("Ådalen – den självklara mötesplatsen", "Delaktighet, föreningsliv och besöksnäring."),
    ("Ådalen – ledande inom gröna och maritima näringar", "Näringsliv och arbete."),
]
PERSPECTIVES = ["Medborgare", "Medarbetare", "Ekonomi", "Verksamhet"]

# Indicator: (name, unit, direction, decimals, source, kpi id, by sex, summable, base, target)
IND = tuple

KF_GOALS = [
    # (number, title, area index (0-4) or perspective name, kind, indicators)
    (
        "1.1",
        "Kommunens klimatpåverkan ska minska varje år",
        0,
        T.STRATEGISKT,
        [
            (
                "Materialåtervinning av hushållsavfall",
                "%",
                R.HOGRE,
                1,
                K.KOLADA,
                "U07414",
                False,
                False,
                31,
                40,
            ),
            (
                "Andel fossilfria fordon i kommunens fordonsflotta",
                "%",
                R.HOGRE,
                0,
                K.EGEN,
                "",
                False,
                False,
                38,
                70,
            ),
        ],
    ),
    (
        "1.2",
        "Fler invånare ska känna sig trygga i sitt bostadsområde",
        0,
        T.VERKSAMHETSMAL,
        [
            (
                "Andel som känner sig trygga utomhus på kvällen",
                "%",
                R.HOGRE,
                0,
                K.MEDBORGARUNDERSOKNING,
                "",
                True,
                False,
                68,
                75,
            ),
        ],
    ),
    (
        "2.1",
        "Ådalen ska växa med fler invånare",
        1,
        T.STRATEGISKT,
        [
            ("Invånare totalt", "antal", R.HOGRE, 0, K.KOLADA, "N01951", True, True, 59800, 61000),
            (
                "Antal färdigställda bostäder",
                "antal",
                R.HOGRE,
                0,
                K.EGEN,
                "",
                False,
                False,
                140,
                220,
            ),
        ],
    ),
    (
        "2.2",
        "Äldre ska få en trygg och värdig omsorg",
        1,
        T.KVALITETSMAL,
        [
            (
                "Väntetid till särskilt boende",
                "dagar",
                R.LAGRE,
                0,
                K.KOLADA,
                "U23401",
                False,
                False,
                75,
                60,
            ),
            (
                "Brukarbedömning särskilt boende, helhetssyn",
                "%",
                R.HOGRE,
                0,
                K.KOLADA,
                "U23471",
                True,
                False,
                80,
                85,
            ),
        ],
    ),
    (
        "2.3",
        "Invånarna ska få snabb och korrekt service",
        1,
        T.KVALITETSMAL,
        [
            (
                "Andel som får svar på e-post inom en arbetsdag",
                "%",
                R.HOGRE,
                0,
                K.EGEN,
                "",
                False,
                False,
                72,
                90,
            ),
            ("Nöjd kund-index, bygglov", "index", R.HOGRE, 0, K.NKI, "", False, False, 64, 70),
        ],
    ),
    (
        "3.1",
        "Alla barn och elever ska nå målen i skolan",
        2,
        T.STRATEGISKT,
        [
            (
                "Elever i åk 9 som uppnått kunskapskraven i alla ämnen",
                "%",
                R.HOGRE,
                1,
                K.EGEN,
                "",
                True,
                False,
                71.5,
                80,
            ),
            (
                "Gymnasieelever med examen inom 4 år",
                "%",
                R.HOGRE,
                1,
                K.EGEN,
                "",
                True,
                False,
                74.0,
                82,
            ),
        ],
    ),
    (
        "3.2",
        "Barn ska få förskoleplats på önskat datum",
        2,
        T.VERKSAMHETSMAL,
        [
            (
                "Andel barn som fått plats på önskat datum",
                "%",
                R.HOGRE,
                0,
                K.KOLADA,
                "U11401",
                False,
                False,
                62,
                85,
            ),
        ],
    ),
    (
        "3.3",
        "Fler unga ska delta i kultur- och fritidsaktiviteter",
        2,
        T.VERKSAMHETSMAL,
        [
            (
                "Deltagartillfällen i kulturskolan per invånare 7–15 år",
                "antal",
                R.HOGRE,
                1,
                K.EGEN,
                "",
                True,
                True,
                1.6,
                2.0,
            ),
        ],
    ),
    (
        "4.1",
        "Invånarna ska vara delaktiga i kommunens utveckling",
        3,
        T.STRATEGISKT,
        [
            (
                "Valdeltagande i kommunalvalet",
                "%",
                R.HOGRE,
                1,
                K.KOLADA,
                "N05401",
                False,
                False,
                82.1,
                85,
            ),
            (
                "Nöjd inflytande-index",
                "index",
                R.HOGRE,
                0,
                K.MEDBORGARUNDERSOKNING,
                "",
                True,
                False,
                38,
                45,
            ),
        ],
    ),
    (
        "4.2",
        "Fler besökare ska välja Ådalen året runt",
        3,
        T.VERKSAMHETSMAL,
        [
            (
                "Besök i kommunens bibliotek",
                "antal",
                R.HOGRE,
                0,
                K.EGEN,
                "",
                False,
                False,
                210000,
                240000,
            ),
            ("Besök på Ådalsbadet", "antal", R.HOGRE, 0, K.EGEN, "", False, False, 150000, 175000),
        ],
    ),
    (
        "5.1",
        "Fler ska vara i arbete eller studier",
        4,
        T.STRATEGISKT,
        [
            (
                "Hushåll med långvarigt ekonomiskt bistånd",
                "antal",
                R.LAGRE,
                0,
                K.EGEN,
                "",
                False,
                False,
                410,
                330,
            ),
            (
                "Andel avslutade vuxenutbildningskurser med godkänt betyg",
                "%",
                R.HOGRE,
                0,
                K.EGEN,
                "",
                True,
                False,
                78,
                85,
            ),
        ],
    ),
    (
        "5.2",
        "Företagsklimatet ska förbättras",
        4,
        T.VERKSAMHETSMAL,
        [
            (
                "Handläggningstid för bygglov, median",
                "dagar",
                R.LAGRE,
                0,
                K.EGEN,
                "",
                False,
                False,
                42,
                28,
            ),
        ],
    ),
    (
        "6.1",
        "Kommunen ska ha en ekonomi i balans",
        "Ekonomi",
        T.FINANSIELLT,
        [
            (
                "Resultat i procent av skatter och statsbidrag",
                "%",
                R.HOGRE,
                1,
                K.EGEN,
                "",
                False,
                False,
                1.2,
                2.0,
            ),
            (
                "Nettokostnadsavvikelse totalt",
                "%",
                R.LAGRE,
                1,
                K.KOLADA,
                "N00097",
                False,
                False,
                2.5,
                0,
            ),
            (
                "Kommunal skattesats",
                "%",
                R.NARMARE,
                2,
                K.KOLADA,
                "N00901",
                False,
                False,
                22.14,
                22.14,
            ),
        ],
    ),
    (
        "6.2",
        "Kommunen ska vara en attraktiv arbetsgivare",
        "Medarbetare",
        T.VERKSAMHETSMAL,
        [
            (
                "Hållbart medarbetarengagemang (HME)",
                "index",
                R.HOGRE,
                0,
                K.EGEN,
                "",
                True,
                False,
                77,
                80,
            ),
            ("Sjukfrånvaro bland anställda", "%", R.LAGRE, 1, K.EGEN, "", True, False, 7.9, 6.5),
        ],
    ),
    (
        "6.3",
        "Verksamheten ska utvecklas med digitala arbetssätt",
        "Verksamhet",
        T.VERKSAMHETSMAL,
        [
            ("Antal e-tjänster", "antal", R.HOGRE, 0, K.EGEN, "", False, False, 45, 90),
        ],
    ),
]

NAMND_GOALS = {
    # owner kod: [(number, title, KF goal number, indicators)]
    "KS": [
        (
            "KS 1",
            "Kommunens planering ska möjliggöra 250 nya bostäder per år",
            "2.1",
            [("Antal antagna detaljplaner", "antal", R.HOGRE, 0, K.EGEN, "", False, False, 3, 6)],
        ),
        (
            "KS 2",
            "Kontaktcenter ska lösa fler ärenden direkt",
            "2.3",
            [
                (
                    "Andel ärenden lösta vid första kontakt",
                    "%",
                    R.HOGRE,
                    0,
                    K.EGEN,
                    "",
                    False,
                    False,
                    61,
                    75,
                )
            ],
        ),
        (
            "KS 3",
            "Sjukfrånvaron ska minska",
            "6.2",
            [("Korttidssjukfrånvaro", "%", R.LAGRE, 1, K.EGEN, "", True, False, 3.4, 2.8)],
        ),
        ("KS 4", "Budgetföljsamheten ska vara god i alla nämnder", "6.1", []),
    ],
    "BUN": [
        (
            "BUN 1",
            "Fler elever ska klara kunskapskraven",
            "3.1",
            [
                (
                    "Meritvärde åk 9, genomsnitt",
                    "poäng",
                    R.HOGRE,
                    1,
                    K.EGEN,
                    "",
                    True,
                    False,
                    218.0,
                    230,
                )
            ],
        ),
        (
            "BUN 2",
            "Förskolan ska erbjuda plats inom fyra månader",
            "3.2",
            [
                (
                    "Genomsnittlig väntetid till förskoleplats",
                    "dagar",
                    R.LAGRE,
                    0,
                    K.EGEN,
                    "",
                    False,
                    False,
                    38,
                    20,
                )
            ],
        ),
        (
            "BUN 3",
            "Eleverna ska känna sig trygga i skolan",
            "1.2",
            [
                (
                    "Elever i åk 5 som känner sig trygga",
                    "%",
                    R.HOGRE,
                    0,
                    K.EGEN,
                    "",
                    True,
                    False,
                    86,
                    92,
                )
            ],
        ),
        (
            "BUN 4",
            "Barngrupperna i förskolan ska vara rimligt stora",
            "3.2",
            [
                (
                    "Antal barn per grupp i förskolan",
                    "antal",
                    R.NARMARE,
                    1,
                    K.EGEN,
                    "",
                    False,
                    False,
                    16.8,
                    15,
                )
            ],
        ),
        (
            "BUN 5",
            "Nämnden ska hålla sin budget",
            "6.1",
            [("Budgetavvikelse", "mnkr", R.HOGRE, 1, K.EGEN, "", False, False, -4.2, 0)],
        ),
    ],
    "SN": [
        (
            "SN 1",
            "Äldre ska kunna bo kvar hemma med god hemtjänst",
            "2.2",
            [
                (
                    "Antal olika personal per hemtjänsttagare (14 dagar)",
                    "antal",
                    R.LAGRE,
                    0,
                    K.EGEN,
                    "",
                    False,
                    False,
                    16,
                    12,
                )
            ],
        ),
        (
            "SN 2",
            "Fler ska bli självförsörjande",
            "5.1",
            [
                (
                    "Andel som lämnat försörjningsstöd för arbete eller studier",
                    "%",
                    R.HOGRE,
                    0,
                    K.EGEN,
                    "",
                    True,
                    False,
                    31,
                    40,
                )
            ],
        ),
        (
            "SN 3",
            "Barn och unga ska få stöd i tid",
            "1.2",
            [
                (
                    "Utredningstid barn och unga, median",
                    "dagar",
                    R.LAGRE,
                    0,
                    K.EGEN,
                    "",
                    False,
                    False,
                    118,
                    90,
                )
            ],
        ),
        (
            "SN 4",
            "Brukarna ska vara nöjda med bemötandet",
            "2.2",
            [("Nöjd kund-index, hemtjänst", "index", R.HOGRE, 0, K.NKI, "", True, False, 84, 88)],
        ),
    ],
    "KFN": [
        (
            "KFN 1",
            "Biblioteken ska nå fler invånare",
            "4.2",
            [("Aktiva låntagare", "antal", R.HOGRE, 0, K.EGEN, "", True, True, 11800, 13000)],
        ),
        (
            "KFN 2",
            "Kulturskolan ska nå alla barn",
            "3.3",
            [
                (
                    "Antal elever i kulturskolan",
                    "antal",
                    R.HOGRE,
                    0,
                    K.EGEN,
                    "",
                    True,
                    True,
                    640,
                    750,
                )
            ],
        ),
        ("KFN 3", "Föreningslivet ska ha goda villkor", "4.1", []),
    ],
    "TN": [
        (
            "TN 1",
            "Mer avfall ska sorteras och återvinnas",
            "1.1",
            [
                (
                    "Mängd restavfall per invånare",
                    "kg",
                    R.LAGRE,
                    0,
                    K.EGEN,
                    "",
                    False,
                    False,
                    178,
                    150,
                )
            ],
        ),
        (
            "TN 2",
            "Vattnet ska vara av god kvalitet",
            "2.3",
            [
                (
                    "Andel prover utan anmärkning",
                    "%",
                    R.HOGRE,
                    1,
                    K.EGEN,
                    "",
                    False,
                    False,
                    98.2,
                    99.5,
                )
            ],
        ),
        (
            "TN 3",
            "Kommunens fordon ska vara fossilfria",
            "1.1",
            [
                (
                    "Andel fossilfria fordon, tekniska förvaltningen",
                    "%",
                    R.HOGRE,
                    0,
                    K.EGEN,
                    "",
                    False,
                    False,
                    45,
                    80,
                )
            ],
        ),
        (
            "TN 4",
            "Skolmåltiderna ska vara goda och hållbara",
            "3.1",
            [("Andel ekologiska livsmedel", "%", R.HOGRE, 0, K.EGEN, "", False, False, 28, 40)],
        ),
    ],
    "MBN": [
        (
            "MBN 1",
            "Bygglov ska handläggas snabbt och rättssäkert",
            "5.2",
            [
                (
                    "Andel bygglov beslutade inom tio veckor",
                    "%",
                    R.HOGRE,
                    0,
                    K.EGEN,
                    "",
                    False,
                    False,
                    84,
                    100,
                )
            ],
        ),
        (
            "MBN 2",
            "Tillsynen ska följa tillsynsplanen",
            "1.1",
            [
                (
                    "Genomförda tillsynsbesök enligt plan",
                    "%",
                    R.HOGRE,
                    0,
                    K.EGEN,
                    "",
                    False,
                    False,
                    76,
                    95,
                )
            ],
        ),
        ("MBN 3", "Företagen ska vara nöjda med myndighetsutövningen", "5.2", []),
    ],
    "VN": [
        (
            "VN 1",
            "Alla röstberättigade ska kunna rösta tillgängligt",
            "4.1",
            [
                (
                    "Andel vallokaler som uppfyller tillgänglighetskraven",
                    "%",
                    R.HOGRE,
                    0,
                    K.EGEN,
                    "",
                    False,
                    False,
                    88,
                    100,
                )
            ],
        ),
        (
            "VN 2",
            "Röstmottagarna ska vara väl utbildade",
            "4.1",
            [
                (
                    "Andel röstmottagare som gått utbildningen",
                    "%",
                    R.HOGRE,
                    0,
                    K.EGEN,
                    "",
                    False,
                    False,
                    91,
                    100,
                )
            ],
        ),
        ("VN 3", "Valresultatet ska redovisas snabbt och korrekt", "4.1", []),
    ],
    "ÖFN": [
        (
            "ÖFN 1",
            "Årsräkningar ska granskas i tid",
            "2.3",
            [
                (
                    "Andel årsräkningar granskade före 1 oktober",
                    "%",
                    R.HOGRE,
                    0,
                    K.EGEN,
                    "",
                    False,
                    False,
                    70,
                    95,
                )
            ],
        ),
        (
            "ÖFN 2",
            "Fler ska vilja bli gode män",
            "4.1",
            [("Antal nya ställföreträdare", "antal", R.HOGRE, 0, K.EGEN, "", True, True, 12, 25)],
        ),
        (
            "ÖFN 3",
            "Handläggningstiden för nya ärenden ska vara kort",
            "2.3",
            [
                (
                    "Handläggningstid för nya ärenden, median",
                    "dagar",
                    R.LAGRE,
                    0,
                    K.EGEN,
                    "",
                    False,
                    False,
                    45,
                    30,
                )
            ],
        ),
    ],
}

# Unit goals: verksamhet kod → (nämnd goal number, title, indicator or None)
UNIT_GOALS = {
    "BUF-FSK": (
        "BUN 2",
        "Alla barn ska känna sig sedda och trygga i förskolan",
        (
            "Vårdnadshavare som upplever att barnet är tryggt",
            "%",
            R.HOGRE,
            0,
            K.NKI,
            "",
            False,
            False,
            88,
            95,
        ),
    ),
    "BUF-GR": (
        "BUN 1",
        "Fler elever ska nå godkända betyg i matematik",
        ("Elever i åk 6 med godkänt i matematik", "%", R.HOGRE, 0, K.EGEN, "", True, False, 81, 90),
    ),
    "BUF-GY": ("BUN 1", "Fler elever ska fullfölja sin utbildning", None),
    "SOF-ÄO": (
        "SN 1",
        "Kontinuiteten i omsorgen ska öka",
        ("Antal olika personal per brukare", "antal", R.LAGRE, 0, K.EGEN, "", False, False, 15, 11),
    ),
    "SOF-IFO": ("SN 2", "Fler ska gå från försörjningsstöd till arbete", None),
    "SOF-FS": (
        "SN 4",
        "Brukarna ska ha inflytande över sin vardag",
        ("Brukare som upplever inflytande", "%", R.HOGRE, 0, K.EGEN, "", False, False, 74, 85),
    ),
    "KFF-BIB": (
        "KFN 1",
        "Biblioteket ska vara en mötesplats för alla",
        ("Besök per öppettimme", "antal", R.HOGRE, 0, K.EGEN, "", False, False, 42, 50),
    ),
    "KFF-FRI": ("KFN 2", "Fler unga ska hitta en meningsfull fritid", None),
    "TF": (
        "TN 1",
        "Verksamheten ska minska sitt avfall",
        ("Matsvinn per portion", "gram", R.LAGRE, 0, K.EGEN, "", False, False, 34, 25),
    ),
    "SBF": (
        "MBN 1",
        "Ärendena ska handläggas utan onödig väntan",
        ("Ärenden äldre än tre månader", "antal", R.LAGRE, 0, K.EGEN, "", False, False, 40, 15),
    ),
    "KLF": ("KS 2", "Invånarna ska få svar i tid", None),
}
UNIT_INDICATOR_EVERY = 3  # every third unit under a verksamhet gets its own indicator

ANALYSES = {
    Utfall.UPPFYLLT: [
        "Målet är uppfyllt. Arbetet med {t} har gett effekt och resultaten ligger över målvärdet. "
        "Vi fortsätter med samma arbetssätt och följer upp varje tertial.",
        "Utfallet når målvärdet. Satsningarna under året, bland annat på kompetensutveckling, "
        "har bidragit. Risken framåt är personalomsättningen, som vi bevakar.",
    ],
    Utfall.DELVIS: [
        "Målet är delvis uppfyllt. Utvecklingen går åt rätt håll men målvärdet nås inte fullt ut. "
        "En åtgärdsplan med tydliga aktiviteter tas fram till nästa tertial.",
        "Flera indikatorer är på väg mot målvärdet, men inte alla. Vi bedömer att målet är delvis "
        "uppfyllt och prioriterar de områden som släpar.",
    ],
    Utfall.EJ_UPPFYLLT: [
        "Målet är inte uppfyllt. Utfallet har påverkats av svårigheter att rekrytera och av ökad "
        "efterfrågan. Nämnden har beslutat om en åtgärdsplan.",
        "Resultatet ligger under målvärdet. Analysen visar att arbetssättet behöver förändras; "
        "förvaltningen återkommer med förslag i nästa uppföljning.",
    ],
}

UPPDRAG = [
    # (given by, given to, year, title, status, due)
    (
        "KF",
        "KS",
        2023,
        "Ta fram en bostadsförsörjningsplan för mandatperioden",
        "genomfort",
        "2024-06-30",
    ),
    ("KF", "KS", 2024, "Utreda en gemensam servicefunktion för nämnderna", "pagar", "2026-12-31"),
    ("KF", "KS", 2025, "Införa en kommungemensam e-tjänsteplattform", "pagar", "2026-06-30"),
    ("KF", "BUN", 2023, "Utreda förskolans lokalbehov till 2030", "genomfort", "2024-03-31"),
    ("KF", "BUN", 2024, "Minska barngruppernas storlek i förskolan", "pagar", "2026-12-31"),
    ("KF", "SN", 2023, "Införa välfärdsteknik i hemtjänsten", "pagar", "2026-12-31"),
    (
        "KF",
        "SN",
        2025,
        "Utreda behovet av fler platser i särskilt boende",
        "ej_paborjat",
        "2027-03-31",
    ),
    ("KF", "TN", 2023, "Ta fram en plan för fossilfria transporter", "genomfort", "2024-12-31"),
    (
        "KF",
        "TN",
        2024,
        "Bygga ut laddinfrastrukturen vid kommunens arbetsplatser",
        "pagar",
        "2026-10-31",
    ),
    ("KF", "KFN", 2024, "Utveckla ett aktivitetskort för unga", "avslutat", "2025-06-30"),
    ("KF", "MBN", 2025, "Korta handläggningstiderna för bygglov", "pagar", "2026-12-31"),
    ("KF", "ABO", 2024, "Bygga 100 nya hyresrätter under mandatperioden", "pagar", "2026-12-31"),
    (
        "BUN",
        "BUF",
        2024,
        "Ta fram en plan för ökad närvaro i grundskolan",
        "genomfort",
        "2025-06-30",
    ),
    ("BUN", "BUF", 2025, "Införa digitala läromedel i alla årskurser", "pagar", "2026-08-31"),
    ("SN", "SOF", 2024, "Se över bemanningen i nattpatrullen", "genomfort", "2025-03-31"),
    (
        "SN",
        "SOF",
        2025,
        "Utveckla samverkan med regionen kring psykisk ohälsa",
        "pagar",
        "2026-12-31",
    ),
    ("TN", "TF", 2025, "Minska matsvinnet i skolköken med 20 procent", "pagar", "2026-12-31"),
    ("KFN", "KFF", 2025, "Förlänga bibliotekens öppettider i Norrby", "ej_paborjat", "2026-12-31"),
    ("MBN", "SBF", 2024, "Införa digital bygglovsansökan", "genomfort", "2025-04-30"),
    ("KS", "KLF", 2025, "Ta fram en kompetensförsörjningsplan", "pagar", "2026-09-30"),
]
UPPDRAG_KOMMENTARER = {
    "ej_paborjat": "Arbetet är planerat men har inte startat; resurser avsätts under hösten.",
    "pagar": "Arbetet pågår enligt tidplan. En delrapport lämnas till nämnden.",
    "genomfort": "Uppdraget är genomfört och redovisat för nämnden.",
    "avslutat": "Uppdraget avslutas utan att genomföras: förutsättningarna har ändrats och "
    "nämnden föreslår i stället en annan inriktning.",
}

AKTIVITETER = [
    "Kartlägga nuläget tillsammans med medarbetarna",
    "Genomföra en workshop om arbetssätt",
    "Följa upp resultatet på arbetsplatsträff",
]


# Goals whose suggestion is computed by another rule than the default (all indicators met, or
# a majority of the sub-goals): weighted averages and goals that are assessed by hand.
RULES = {
    "1.1": Mal.Regel.VIKTAD,
    "4.1": Mal.Regel.VIKTAD,
    "TN 1": Mal.Regel.VIKTAD,
    "KS 2": Mal.Regel.MANUELL,
    "KFN 1": Mal.Regel.MANUELL,
}

# One draft per level, so that staff and the public see different chains.
DRAFTS = [
    # (owner kod, number, title, KF or nämnd goal it contributes to, budget year or None)
    ("KF", "7.1", "Utkast: Kommunen ska vara klimatneutral 2035", None, None),
    ("BUN", "BUN 6", "Utkast: Fler barn ska röra sig minst en timme om dagen", "1.1", None),
    ("BUF-FSK-01", "", "Utkast: Alla barn ska vara ute varje dag", "BUN 1", 2026),
]


def _rng(*parts) -> random.Random:
    return random.Random(zlib.crc32("|".join(str(p) for p in parts).encode()))


def _q(value: float, decimals: int) -> Decimal:
    return Decimal(str(round(value, decimals))).quantize(Decimal("0.0001"))


def _day(day: datetime.date, *keys, within: int = 0) -> datetime.date:
    """A day in the `within` days from `day`, the same on every run for the same keys."""
    return day + datetime.timedelta(days=_rng("dag", day, *keys).randint(0, within))


class _Clock:
    """Dates what the demo does at the time a user would have done it (a goal before its period,
    a value after its period, an assessment after the values) rather than all at the moment
    the demo runs: the act the service logged, the audit trail and the row's own time of
    change. Whatever was saved since the last dating is dated, so every save is dated once."""

    STAMPS = {
        Varde: "andrad",
        Malvarde: "andrad",
        Bedomning: "andrad",
        Uppdragskommentar: "skriven",
    }

    def __init__(self):
        self.start = timezone.now()
        self.latest = self.start - datetime.timedelta(minutes=1)

    def at(self, day: datetime.date, *keys) -> datetime.datetime:
        """A time in office hours on `day`, never later than the run (the demo may run before
        a period it has values for has ended)."""
        rng = _rng("tid", day, *keys)
        moment = datetime.datetime.combine(
            day, datetime.time(rng.randint(8, 16), rng.randint(0, 59), rng.randint(0, 59))
        )
        return min(timezone.make_aware(moment), self.latest)

    def date(self, when: datetime.datetime, *models) -> None:
        """Move what was saved since the last dating back to `when`, keeping the order and the
        moments between the saves (a goal's links are saved after the goal, its act last)."""
        shift = timezone.now() - when
        Handelse.objects.filter(tid__gte=self.start).update(tid=F("tid") - shift)
        for model in models:
            model.history.filter(history_date__gte=self.start).update(
                history_date=F("history_date") - shift
            )
            if model in self.STAMPS:
                field = self.STAMPS[model]
                model.objects.filter(**{f"{field}__gte": self.start}).update(
                    **{field: F(field) - shift}
                )


@transaction.atomic
def load_mal(say: Callable[[str], None]) -> None:
    """Everything a user makes (goals, indicators, targets, values, assessments, assignments,
    comments, activities) is made through the services, by the demo user who may: the chef of
    Solrosens förskola for the unit's own goals and follow-up, the controller for the rest.
    Kolada's figures for whole years come in through the Kolada import, as in real use. The
    organisation tree is read once for the whole step (it does not change here)."""
    with tree_per_request(), rollup.suspended():
        _load_mal(say)
    # The services skipped the roll-up above (each save would have refreshed the chain above
    # it); it is computed once now, as `manage.py mal_rollup` does after any bulk load.
    rollup.rebuild()


def _load_mal(say: Callable[[str], None]) -> None:
    clock = _Clock()
    period = Mandatperiod.objects.get(start_ar=2023)
    years = {b.ar: b for b in Budgetar.objects.filter(ar__in=range(2023, 2027))}
    orgs = {o.kod: o for o in Organisation.objects.all()}
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["controller", "chef"])}
    controller, chef = users["controller"], users["chef"]

    def actor(organisation: Organisation):
        """Solrosen's chef sets the unit's own goals and reports its follow-up."""
        return chef if organisation.kod == "BUF-FSK-01" else controller

    Vision.objects.get_or_create(
        mandatperiod=period, defaults={"titel": VISION[0], "text": VISION[1]}
    )
    areas = {}
    for i, (namn, text) in enumerate(AREAS):
        areas[i], _ = Malomrade.objects.get_or_create(
            mandatperiod=period, namn=namn, defaults={"beskrivning": text, "ordning": i}
        )
    for i, namn in enumerate(PERSPECTIVES):
        areas[namn], _ = Malomrade.objects.get_or_create(
            mandatperiod=period,
            namn=namn,
            defaults={"typ": Malomrade.Typ.PERSPEKTIV, "ordning": 10 + i},
        )

    existing = {
        (m.agare_id, m.titel, m.budgetar_id, m.mandatperiod_id): m
        for m in Mal.objects.filter(agare__in=orgs.values())
        .select_related("agare", "budgetar", "mandatperiod")
        .prefetch_related("overordnade", "dokument")
    }
    goal_specs = []  # (key, Mal, parent key, indicator specs, measured-for org)

    def add_goal(
        owner,
        nummer,
        titel,
        typ,
        area,
        budgetar,
        parent_key,
        indicators,
        matt_for,
        status=Mal.Status.ANTAGET,
    ):
        key = (owner.pk, titel, budgetar.pk if budgetar else None, None if budgetar else period.pk)
        mal = existing.get(key) or Mal(
            titel=titel,
            nummer=nummer,
            agare=owner,
            typ=typ,
            status=status,
            budgetar=budgetar,
            mandatperiod=None if budgetar else period,
            malomrade=area,
            krav_uppfyllt=(
                "Målet är uppfyllt när indikatorerna når sina målvärden för året."
                if indicators
                else "Målet är uppfyllt när delmålen är uppfyllda och analysen visar att "
                "arbetet bidragit till det övergripande målet."
            ),
            uppfoljning=f"Följs upp i tertialrapporterna och i årsredovisningen av {owner.kort}.",
            regel=RULES.get(nummer) or (Mal.Regel.ALLA if indicators else Mal.Regel.MAJORITET),
            ordning=len(goal_specs),
            ansvarig=chef if owner.kod == "BUF-FSK-01" else None,
        )
        goal_specs.append((key, mal, parent_key, indicators, matt_for))
        return key

    kf, kommun = orgs["KF"], orgs["2299"]
    kf_keys = {}
    for nummer, titel, area, typ, indicators in KF_GOALS:
        kf_keys[nummer] = add_goal(
            kf, nummer, titel, typ, areas[area], None, None, indicators, kommun
        )
    namnd_keys = {}
    for kod, goals in NAMND_GOALS.items():
        for nummer, titel, kf_nummer, indicators in goals:
            area = next(spec[2] for spec in KF_GOALS if spec[0] == kf_nummer)
            namnd_keys[nummer] = add_goal(
                orgs[kod],
                nummer,
                titel,
                T.NAMNDMAL,
                areas[area],
                None,
                kf_keys[kf_nummer],
                indicators,
                orgs[kod],
            )
    unit_count = 0
    for verksamhet_kod, (namnd_nummer, titel, indicator) in UNIT_GOALS.items():
        parent_area = next(s[1].malomrade for s in goal_specs if s[0] == namnd_keys[namnd_nummer])
        units = [o for o in orgs.values() if o.overordnad_id == orgs[verksamhet_kod].pk]
        units = [u for u in units if u.typ == Organisation.Typ.ENHET] or [orgs[verksamhet_kod]]
        for n, unit in enumerate(sorted(units, key=lambda o: o.kod)):
            if n % 5 == 4:
                continue  # most units, not all, have goals of their own
            with_indicator = indicator and n % UNIT_INDICATOR_EVERY == 0
            for ar in (2025, 2026):
                add_goal(
                    unit,
                    "",
                    titel,
                    T.ENHETSMAL,
                    parent_area,
                    years[ar],
                    namnd_keys[namnd_nummer],
                    [indicator] if with_indicator else [],
                    unit,
                )
                unit_count += 1

    goal_by_key = {k: m for k, m, _, _, _ in goal_specs}
    for kod, nummer, titel, parent, ar in DRAFTS:
        parent_key = kf_keys.get(parent) or namnd_keys.get(parent)
        owner = orgs[kod]
        typ = T.STRATEGISKT if kod == "KF" else T.ENHETSMAL if ar else T.NAMNDMAL
        area = goal_by_key[parent_key].malomrade if parent_key else areas[0]
        add_goal(
            owner, nummer, titel, typ, area, years.get(ar), parent_key, [], owner, Mal.Status.UTKAST
        )
    goal_by_key = {k: m for k, m, _, _, _ in goal_specs}

    documents = _documents(goal_by_key, [*kf_keys.values(), *namnd_keys.values()])
    ind_specs = _save_goals(goal_specs, goal_by_key, documents, actor, clock)
    results = _save_values(ind_specs, actor, controller, clock)
    _save_assessments(goal_specs, goal_by_key, results, actor, clock)
    _save_uppdrag(orgs, years, controller, clock)
    _save_activities(goal_specs, actor, clock)
    say(
        f"Mål: {Mal.objects.count()} mål ({unit_count} enhetsmål), "
        f"{Indikator.objects.count()} indikatorer, {Varde.objects.count()} värden, "
        f"{Bedomning.objects.count()} bedömningar, {Uppdrag.objects.count()} uppdrag."
    )


def _documents(goal_by_key, keys) -> dict[tuple, list]:
    """KF's and the nämnder's goals rest on a document of their owner, when the dokument demo
    has made any."""
    docs_by_owner: dict[int, list] = {}
    for doc in Dokument.objects.order_by("pk"):
        docs_by_owner.setdefault(doc.agare_id, []).append(doc)
    chosen = {}
    for n, key in enumerate(keys):
        docs = docs_by_owner.get(goal_by_key[key].agare_id) or []
        if docs:
            chosen[key] = [docs[n % len(docs)]]
    return chosen


def _adopted(mal: Mal, key, clock: _Clock) -> datetime.datetime:
    """When a goal was saved: KF adopts its goals for the term at the November meeting before
    it, the nämnder theirs in December, the units theirs before their budget year; the drafts
    are recent."""
    if mal.status == Mal.Status.UTKAST:
        return clock.at(clock.latest.date() - datetime.timedelta(days=14), key)
    if mal.agare.typ == Organisation.Typ.KOMMUNFULLMAKTIGE:
        return clock.at(datetime.date(mal.forsta_ar - 1, 11, 28), key)
    if mal.typ == T.NAMNDMAL:
        return clock.at(_day(datetime.date(mal.forsta_ar - 1, 12, 5), key, within=10), key)
    return clock.at(_day(datetime.date(mal.forsta_ar - 1, 12, 1), key, within=20), key)


def _save_goals(goal_specs, goal_by_key, documents, actor, clock: _Clock) -> list[tuple]:
    """Each goal with the goal it contributes to and its documents, then its indicators and
    their targets; a goal that is there already only gets the links it lacks."""
    existing_ind = {
        (i.mal_id, i.namn): i
        for i in Indikator.objects.filter(mal__in=[m for m in goal_by_key.values() if m.pk])
    }
    have_targets = set(
        Malvarde.objects.filter(indikator__in=existing_ind.values()).values_list(
            "indikator_id", "ar"
        )
    )
    ind_specs = []
    for key, mal, parent_key, indicators, matt_for in goal_specs:
        user = actor(mal.agare)
        parents = [goal_by_key[parent_key]] if parent_key else []
        docs = documents.get(key, [])
        when = _adopted(mal, key, clock)
        if mal.pk is None:
            spara_mal(mal=mal, overordnade=parents, dokument=docs, user=user)
            clock.date(when, Mal)
        else:
            have_parents, have_docs = list(mal.overordnade.all()), list(mal.dokument.all())
            missing = [p for p in parents if p not in have_parents]
            missing_docs = [d for d in docs if d not in have_docs]
            if missing or missing_docs:
                spara_mal(
                    mal=mal,
                    overordnade=have_parents + missing,
                    dokument=have_docs + missing_docs,
                    user=user,
                    andringsmarke=locking.token(mal),
                )
                clock.date(clock.latest, Mal)
        for n, spec in enumerate(indicators):
            namn, enhet, riktning, dec, kalla, kpi, kon, summerbar, base, target = spec
            ind = existing_ind.get((mal.pk, namn))
            if ind is None:
                ind = spara_indikator(
                    indikator=Indikator(
                        mal=mal,
                        matt_for=matt_for,
                        namn=namn,
                        enhet=enhet,
                        riktning=riktning,
                        decimaler=dec,
                        kalla=kalla,
                        kpi_id=kpi,
                        konsuppdelad=kon,
                        summerbar=summerbar,
                        utgangsvarde=_q(base, dec),
                        utgangsar=mal.forsta_ar - 1,
                        tolerans=Decimal(5) if riktning != R.NARMARE else Decimal("1.5"),
                        ordning=n,
                    ),
                    user=user,
                )
            ind_specs.append((ind, mal, spec))
            span = (
                range(2023, 2027) if mal.mandatperiod_id else range(mal.forsta_ar, mal.sista_ar + 1)
            )
            for ar in span:
                if (ind.pk, ar) not in have_targets:
                    satt_malvarde(
                        indikator=ind,
                        ar=ar,
                        varde=_target(base, target, ar, dec),
                        andringsmarke="",
                        user=user,
                    )
        clock.date(when + datetime.timedelta(minutes=5), Indikator, Malvarde)
    return ind_specs


def _target(base, target, ar: int, decimals: int) -> Decimal:
    """The target for a year on a straight line from the base to the target of the term."""
    progress = (ar - 2022) / len(range(2023, 2027))
    return _q(base + (target - base) * progress, decimals)


def _save_values(ind_specs, actor, controller, clock: _Clock) -> dict:
    """Three years of values and this year's tertials. Kolada's figures for whole years come
    in through the Kolada import, one file a year; the rest is entered by hand. Returns each
    goal's indicator results per year, for the assessments."""
    values, results = [], {}
    for ind, mal, spec in ind_specs:
        _, _, riktning, dec, _, _, kon, summerbar, base, target = spec
        rng = _rng(mal.agare.kod, ind.namn, mal.forsta_ar)
        span = range(2023, 2027) if mal.mandatperiod_id else range(mal.forsta_ar, mal.sista_ar + 1)
        # A profile per indicator: most reach their targets, some come close, some fall short.
        reach = rng.choice([1.05, 1.0, 1.0, 0.97, 0.9, 0.6, 0.4, 1.1, 0.3])
        steps = len(range(2023, 2027))
        women_share = rng.uniform(0.49, 0.52)  # stable per indicator, as in real statistics
        gap = rng.uniform(0.01, 0.05) * rng.choice([1, 1, -1])  # women above or below total
        for ar in span:
            progress = (ar - 2022) / steps
            actual = (
                base
                + (target - base) * progress * reach
                + (abs(target - base) or 1) * rng.uniform(-0.05, 0.05)
            )
            if riktning == R.NARMARE:
                actual = target + (base - target) * (1 - progress) * rng.uniform(0.5, 1.5)
            periods = (
                [Period.year(ar)]
                if ar < 2026
                else [Period(ar, Periodtyp.TERTIAL, 1), Period(ar, Periodtyp.TERTIAL, 2)]
            )
            for p in periods:
                v = actual if p.typ == Periodtyp.AR else actual * rng.uniform(0.95, 1.02)
                total = _q(v, dec)
                women = men = None
                if kon:
                    if summerbar:
                        women = _q(v * (women_share + rng.uniform(-0.002, 0.002)), dec)
                        men = total - women
                    else:
                        spread = abs(v) * (gap + rng.uniform(-0.005, 0.005))
                        women, men = _q(v + spread, dec), _q(v - spread, dec)
                values.append((ind, p, total, women, men))
                if p.typ == Periodtyp.AR:
                    results.setdefault((mal.pk, ar), []).append(
                        indicator_result(
                            riktning, _target(base, target, ar, dec), ind.tolerans, total
                        )
                    )

    have = {
        (i, o, Period(ar, typ, nr))
        for i, o, ar, typ, nr in Varde.objects.filter(
            indikator__in=[ind for ind, _, _ in ind_specs]
        ).values_list("indikator_id", "organisation_id", "ar", "periodtyp", "periodnummer")
    }
    kolada: dict[int, list[dict]] = {}
    for ind, p, total, women, men in values:
        if (ind.pk, ind.matt_for_id, p) in have:
            continue
        if ind.kalla == K.KOLADA and p.typ == Periodtyp.AR:
            kolada.setdefault(p.ar, []).extend(_kolada_records(ind, p, total, women, men))
            continue
        preliminary = p.ar == 2026
        registrera_varde(
            indikator=ind,
            organisation=ind.matt_for,
            period=p,
            totalt=total,
            kvinnor=women,
            man=men,
            preliminar=preliminary,
            kommentar="Preliminärt utfall, kan komma att justeras." if preliminary else "",
            andringsmarke="",
            user=actor(ind.matt_for),
        )
        day = _day(p.slut + datetime.timedelta(days=5), ind.pk, p.kod, within=20)
        clock.date(clock.at(day, ind.pk, p.kod), Varde)
    for ar, records in sorted(kolada.items()):
        import_kpi(text=json.dumps(records), user=controller)
        clock.date(clock.at(datetime.date(ar + 1, 1, 28), "kolada"), Varde)
    return results


def _kolada_records(ind: Indikator, period: Period, total, women, men) -> list[dict]:
    """A value as records of a file from Kolada (T: total, K: women, M: men)."""
    split = {"T": total, "K": women, "M": men}
    return [
        {
            "kpi": ind.kpi_id,
            "municipality": ind.matt_for.kod,
            "period": period.kod,
            "gender": gender,
            "value": f"{value:f}",
        }
        for gender, value in split.items()
        if value is not None
    ]


def _save_assessments(goal_specs, goal_by_key, results, actor, clock: _Clock) -> None:
    """Assessments for the ended years, with analyses; sometimes the person differs from the
    rule. Sub-goals are assessed first: a goal's assessment follows theirs."""
    done = set(Bedomning.objects.filter(mal__in=goal_by_key.values()).values_list("mal_id", "ar"))
    order = list(reversed([m for _, m, _, _, _ in goal_specs]))  # units first, KF last
    status_of = {}
    for mal in order:
        if mal.status == Mal.Status.UTKAST:
            continue  # a draft is not assessed
        for ar in range(max(2023, mal.forsta_ar), min(2025, mal.sista_ar) + 1):
            rng = _rng("bedomning", mal.pk, ar)
            inputs = results.get((mal.pk, ar), []) + [
                status_of[(c.pk, ar)]
                for _, c, parent, _, _ in goal_specs
                if parent and goal_by_key[parent].pk == mal.pk and (c.pk, ar) in status_of
            ]
            if not inputs:
                status = rng.choices(
                    [Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT], weights=[45, 35, 20]
                )[0]
            elif all(s == Utfall.UPPFYLLT for s in inputs):
                status = Utfall.UPPFYLLT
            elif all(s == Utfall.EJ_UPPFYLLT for s in inputs):
                status = Utfall.EJ_UPPFYLLT
            else:
                status = Utfall.DELVIS
            if rng.random() < 0.12:
                status = rng.choice([Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT])
            status_of[(mal.pk, ar)] = status
            if (mal.pk, ar) in done or (mal.typ == T.ENHETSMAL and rng.random() < 0.2):
                continue
            period = Period.year(ar)
            bedom_mal(
                mal=mal,
                period=period,
                utfall=status,
                analys=rng.choice(ANALYSES[status]).format(t=mal.titel.lower()),
                andringsmarke="",
                user=actor(mal.agare),
            )
            # Units assess first, the nämnder after them and KF last.
            level = {T.ENHETSMAL: 0, T.NAMNDMAL: 1}.get(mal.typ, 2)
            day = _day(period.slut + datetime.timedelta(days=30 + 10 * level), mal.pk, within=8)
            clock.date(clock.at(day, mal.pk, ar), Bedomning)


def _save_uppdrag(orgs, years, controller, clock: _Clock) -> None:
    """The assignments, given in the budget of their year, and the controller's follow-up of
    each: the assignment takes the status of its latest comment."""
    known = {(u.givet_av_id, u.givet_till_id, u.titel): u for u in Uppdrag.objects.all()}
    have_comments = set(
        Uppdragskommentar.objects.filter(
            uppdrag__titel__in=[row[3] for row in UPPDRAG]
        ).values_list("uppdrag_id", "ar", "periodtyp", "periodnummer")
    )
    for av, till, ar, titel, status, due in UPPDRAG:
        uppdrag = known.get((orgs[av].pk, orgs[till].pk, titel))
        if uppdrag is None:
            uppdrag = ge_uppdrag(
                uppdrag=Uppdrag(
                    titel=titel,
                    givet_av=orgs[av],
                    givet_till=orgs[till],
                    budgetar=years[ar],
                    slutdatum=datetime.date.fromisoformat(due),
                    beskrivning=f"{orgs[av].kort} ger {orgs[till].kort} i uppdrag att "
                    f"{titel[0].lower()}{titel[1:]}.",
                ),
                user=controller,
            )
            given = _day(datetime.date(ar - 1, 11, 20), titel, within=20)
            clock.date(clock.at(given, titel), Uppdrag)
        for period in [Period.year(2025), *tertials(2026)[:2]]:
            if (
                period.ar < ar
                or (uppdrag.pk, period.ar, period.typ, period.nummer) in have_comments
            ):
                continue
            reported = (
                status
                if period == Period(2026, Periodtyp.TERTIAL, 2)
                else (status if status != "genomfort" else "pagar")
            )
            kommentera_uppdrag(
                uppdrag=uppdrag,
                period=period,
                status=reported,
                kommentar=UPPDRAG_KOMMENTARER[reported],
                andringsmarke="",
                user=controller,
            )
            day = _day(period.slut + datetime.timedelta(days=10), titel, period.kod, within=15)
            clock.date(clock.at(day, titel, period.kod), Uppdragskommentar, Uppdrag)


def _save_activities(goal_specs, actor, clock: _Clock) -> None:
    """A third of this year's unit goals have activities of their own, planned in January."""
    activity_goals = [
        m for _, m, _, _, _ in goal_specs if m.typ == T.ENHETSMAL and m.forsta_ar == 2026
    ][::3]
    have = set(Aktivitet.objects.filter(mal__in=activity_goals).values_list("mal_id", "titel"))
    for n, mal in enumerate(activity_goals):
        for k, titel in enumerate(AKTIVITETER[: 1 + n % 3]):
            if (mal.pk, titel) in have:
                continue
            spara_aktivitet(
                aktivitet=Aktivitet(
                    mal=mal,
                    titel=titel,
                    ansvarig_text=f"Enhetschef, {mal.agare.kort}",
                    startdatum=datetime.date(2026, 1 + 4 * k, 1),
                    slutdatum=datetime.date(2026, 4 + 4 * k, 30),
                    status=[
                        Aktivitet.Status.KLAR,
                        Aktivitet.Status.PAGAR,
                        Aktivitet.Status.PLANERAD,
                    ][k],
                ),
                user=actor(mal.agare),
            )
            day = _day(datetime.date(2026, 1, 10), mal.pk, titel, within=20)
            clock.date(clock.at(day, mal.pk, titel), Aktivitet)


register_demo_step("mal", load_mal)
