"""Demo step "mal": a full goal chain for Ådalens kommun, 2023–2026.

A vision with five goal areas in the style of Lysekil's and the four scorecard perspectives,
KF's goals, the nämnder's goals, goals for most units, about 80 indicators (some from Kolada
with real KPI ids), three years of values and this year's tertials, assessments with analyses,
and about 20 assignments. Idempotent: rows are keyed on natural keys and only missing ones are
created (in bulk).
"""

import datetime
import random
import zlib
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from mal.fulfilment import indicator_result
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
from styrning.demo import register_demo_step
from styrning.models import Budgetar, Mandatperiod, Organisation
from styrning.periods import Periodtyp

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


@transaction.atomic
def load_mal(say: Callable[[str], None]) -> None:
    period = Mandatperiod.objects.get(start_ar=2023)
    years = {b.ar: b for b in Budgetar.objects.filter(ar__in=range(2023, 2027))}
    orgs = {o.kod: o for o in Organisation.objects.all()}
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["controller", "chef"])}
    controller = users.get("controller")

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
        for m in Mal.objects.filter(agare__in=orgs.values()).select_related(
            "agare", "budgetar", "mandatperiod"
        )
    }
    existing_ids = {m.pk for m in existing.values()}
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
            ansvarig=users.get("chef") if owner.kod == "BUF-FSK-01" else None,
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

    for kod, nummer, titel, parent, ar in DRAFTS:
        parent_key = kf_keys.get(parent) or namnd_keys.get(parent)
        owner = orgs[kod]
        typ = T.STRATEGISKT if kod == "KF" else T.ENHETSMAL if ar else T.NAMNDMAL
        area = goal_by_spec_key(goal_specs, parent_key).malomrade if parent_key else areas[0]
        add_goal(
            owner, nummer, titel, typ, area, years.get(ar), parent_key, [], owner, Mal.Status.UTKAST
        )

    new_goals = [mal for _, mal, _, _, _ in goal_specs if mal.pk is None]
    if new_goals:
        # The history rows are written after the links and documents below, so that the
        # audit trail starts at the seed with the goal as it is, links included.
        Mal.objects.bulk_create(new_goals, batch_size=500)
        created = {
            (m.agare_id, m.titel, m.budgetar_id, m.mandatperiod_id): m
            for m in Mal.objects.filter(agare__in=orgs.values()).select_related(
                "agare", "budgetar", "mandatperiod"
            )
        }
        goal_specs = [(k, created[k], p, i, o) for k, _, p, i, o in goal_specs]
    goal_by_key = {k: m for k, m, _, _, _ in goal_specs}
    new_goal_ids = {m.pk for m in goal_by_key.values() if m.pk and m.pk not in existing_ids}
    Link = Mal.overordnade.through
    Link.objects.bulk_create(
        [
            Link(from_mal_id=mal.pk, to_mal_id=goal_by_key[parent].pk)
            for _, mal, parent, _, _ in goal_specs
            if parent
        ],
        ignore_conflicts=True,
    )

    existing_ind = {
        (i.mal_id, i.namn): i for i in Indikator.objects.filter(mal__in=goal_by_key.values())
    }
    new_ind = []
    ind_specs = []
    for _, mal, _, indicators, matt_for in goal_specs:
        for n, spec in enumerate(indicators):
            namn, enhet, riktning, dec, kalla, kpi, kon, summerbar, base, target = spec
            ind = existing_ind.get((mal.pk, namn))
            if ind is None:
                ind = Indikator(
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
                )
                new_ind.append(ind)
            ind_specs.append((ind, mal, spec))
    if new_ind:
        bulk_create_with_history(new_ind, Indikator, batch_size=500)
        existing_ind = {
            (i.mal_id, i.namn): i for i in Indikator.objects.filter(mal__in=goal_by_key.values())
        }
        ind_specs = [(existing_ind[(m.pk, s[0])], m, s) for _, m, s in ind_specs]

    targets, values, results = [], [], {}
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
            goal_value = base + (target - base) * progress
            targets.append(Malvarde(indikator=ind, ar=ar, varde=_q(goal_value, dec)))
            actual = (
                base
                + (target - base) * progress * reach
                + (abs(target - base) or 1) * rng.uniform(-0.05, 0.05)
            )
            if riktning == R.NARMARE:
                actual = target + (base - target) * (1 - progress) * rng.uniform(0.5, 1.5)
            periods = (
                [(ar, Periodtyp.AR, 0)]
                if ar < 2026
                else [(ar, Periodtyp.TERTIAL, 1), (ar, Periodtyp.TERTIAL, 2)]
            )
            for year, typ, nr in periods:
                v = actual if typ == Periodtyp.AR else actual * rng.uniform(0.95, 1.02)
                total = _q(v, dec)
                women = men = None
                if kon:
                    if summerbar:
                        women = _q(v * (women_share + rng.uniform(-0.002, 0.002)), dec)
                        men = total - women
                    else:
                        spread = abs(v) * (gap + rng.uniform(-0.005, 0.005))
                        women, men = _q(v + spread, dec), _q(v - spread, dec)
                values.append(
                    Varde(
                        indikator=ind,
                        organisation_id=ind.matt_for_id,
                        ar=year,
                        periodtyp=typ,
                        periodnummer=nr,
                        totalt=total,
                        kvinnor=women,
                        man=men,
                        preliminar=year == 2026,
                        importerad=ind.kalla == K.KOLADA,
                        kommentar="Preliminärt utfall, kan komma att justeras."
                        if year == 2026
                        else "",
                    )
                )
                if typ == Periodtyp.AR:
                    results.setdefault((mal.pk, year), []).append(
                        indicator_result(riktning, _q(goal_value, dec), ind.tolerans, total)
                    )
    have_targets = set(
        Malvarde.objects.filter(indikator__mal__in=goal_by_key.values()).values_list(
            "indikator_id", "ar"
        )
    )
    targets = [t for t in targets if (t.indikator.pk, t.ar) not in have_targets]
    have_values = set(
        Varde.objects.filter(indikator__mal__in=goal_by_key.values()).values_list(
            "indikator_id", "organisation_id", "ar", "periodtyp", "periodnummer"
        )
    )
    values = [
        v
        for v in values
        if (v.indikator.pk, v.organisation_id, v.ar, v.periodtyp, v.periodnummer) not in have_values
    ]
    if targets:
        bulk_create_with_history(targets, Malvarde, batch_size=1000)
    if values:
        bulk_create_with_history(values, Varde, batch_size=1000)

    # Assessments for the ended years, with analyses; sometimes the person differs from the rule.
    done = set(Bedomning.objects.filter(mal__in=goal_by_key.values()).values_list("mal_id", "ar"))
    order = list(reversed([m for _, m, _, _, _ in goal_specs]))  # units first, KF last
    status_of = {}
    new_assessments = []
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
            new_assessments.append(
                Bedomning(
                    mal=mal,
                    ar=ar,
                    periodtyp=Periodtyp.AR,
                    periodnummer=0,
                    utfall=status,
                    analys=rng.choice(ANALYSES[status]).format(t=mal.titel.lower()),
                    bedomd_av=users.get("chef") if mal.agare.kod == "BUF-FSK-01" else controller,
                )
            )
    if new_assessments:
        bulk_create_with_history(new_assessments, Bedomning, batch_size=500)

    known = {(u.givet_av_id, u.givet_till_id, u.titel) for u in Uppdrag.objects.all()}
    new_uppdrag = [
        Uppdrag(
            titel=titel,
            givet_av=orgs[av],
            givet_till=orgs[till],
            budgetar=years[ar],
            slutdatum=datetime.date.fromisoformat(due),
            status=status,
            beskrivning=f"{orgs[av].kort} ger {orgs[till].kort} i uppdrag att "
            f"{titel[0].lower()}{titel[1:]}.",
        )
        for av, till, ar, titel, status, due in UPPDRAG
        if (orgs[av].pk, orgs[till].pk, titel) not in known
    ]
    if new_uppdrag:
        bulk_create_with_history(new_uppdrag, Uppdrag)
    comments = []
    for u in Uppdrag.objects.filter(titel__in=[row[3] for row in UPPDRAG]):
        for ar, typ, nr in [
            (2025, Periodtyp.AR, 0),
            (2026, Periodtyp.TERTIAL, 1),
            (2026, Periodtyp.TERTIAL, 2),
        ]:
            if ar < u.budgetar.ar:
                continue
            comments.append(
                Uppdragskommentar(
                    uppdrag=u,
                    ar=ar,
                    periodtyp=typ,
                    periodnummer=nr,
                    status=u.status
                    if (ar, nr) == (2026, 2)
                    else (u.status if u.status != "genomfort" else "pagar"),
                    kommentar=UPPDRAG_KOMMENTARER[
                        u.status
                        if (ar, nr) == (2026, 2)
                        else (u.status if u.status != "genomfort" else "pagar")
                    ],
                    skriven_av=controller,
                )
            )
    have_comments = set(
        Uppdragskommentar.objects.filter(
            uppdrag__titel__in=[row[3] for row in UPPDRAG]
        ).values_list("uppdrag_id", "ar", "periodtyp", "periodnummer")
    )
    comments = [
        c
        for c in comments
        if (c.uppdrag.pk, c.ar, c.periodtyp, c.periodnummer) not in have_comments
    ]
    if comments:
        bulk_create_with_history(comments, Uppdragskommentar)

    activity_goals = [
        m for _, m, _, _, _ in goal_specs if m.typ == T.ENHETSMAL and m.forsta_ar == 2026
    ][::3]
    have = set(Aktivitet.objects.filter(mal__in=activity_goals).values_list("mal_id", "titel"))
    new_activities = []
    for n, mal in enumerate(activity_goals):
        for k, titel in enumerate(AKTIVITETER[: 1 + n % 3]):
            if (mal.pk, titel) in have:
                continue
            new_activities.append(
                Aktivitet(
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
                )
            )
    if new_activities:
        bulk_create_with_history(new_activities, Aktivitet)

    _link_documents(goal_by_key, kf_keys, namnd_keys)
    _goal_history_baseline(new_goal_ids)
    say(
        f"Mål: {Mal.objects.count()} mål ({unit_count} enhetsmål), "
        f"{Indikator.objects.count()} indikatorer, {Varde.objects.count()} värden, "
        f"{Bedomning.objects.count()} bedömningar, {Uppdrag.objects.count()} uppdrag."
    )


def goal_by_spec_key(goal_specs, key):
    return next(mal for k, mal, _, _, _ in goal_specs if k == key)


def _goal_history_baseline(goal_ids: set[int]) -> None:
    """The first history row of every goal the seed created, with its links to higher goals
    and documents: the audit trail starts at the seed."""
    if not goal_ids:
        return
    goals = list(Mal.objects.filter(pk__in=goal_ids).order_by("pk"))
    Mal.history.bulk_history_create(goals)
    history_ids = dict(
        Mal.history.filter(id__in=goal_ids, history_type="+").values_list("id", "history_id")
    )
    history_model = Mal.history.model
    for name, source in (("overordnade", "from_mal_id"), ("dokument", "mal_id")):
        through = getattr(Mal, name).through
        m2m_history = getattr(history_model, name).model
        target = "to_mal_id" if name == "overordnade" else "dokument_id"
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    history_id=history_ids[row[source]],
                    id=row["id"],
                    **{source: row[source], target: row[target]},
                )
                for row in through.objects.filter(**{f"{source}__in": goal_ids}).values(
                    "id", source, target
                )
            ],
            batch_size=1000,
        )


def _link_documents(goal_by_key, kf_keys, namnd_keys) -> None:
    """Let KF's and the nämnder's goals rest on documents of their owner, when the dokument
    demo has made any."""
    from dokument.models import Dokument

    docs_by_owner: dict[int, list[int]] = {}
    for pk, agare_id in Dokument.objects.order_by("pk").values_list("pk", "agare_id"):
        docs_by_owner.setdefault(agare_id, []).append(pk)
    Through = Mal.dokument.through
    rows = []
    for n, key in enumerate([*kf_keys.values(), *namnd_keys.values()]):
        mal = goal_by_key[key]
        docs = docs_by_owner.get(mal.agare_id) or []
        if docs:
            rows.append(Through(mal_id=mal.pk, dokument_id=docs[n % len(docs)]))
    Through.objects.bulk_create(rows, ignore_conflicts=True)


register_demo_step("mal", load_mal)
