"""The demo municipality: Ådalens kommun, a fictional municipality of about 60,000 inhabitants.

`manage.py demo` runs `load_organisation` first and then the steps that later apps register
with `register_demo_step` in their own `demo` module. Only the command imports those modules
(`autodiscover_modules("demo")`), so the demo data never loads with the application. Every step
is idempotent: it keys its rows on stable natural keys, so running the command twice gives the
same data. The command runs only with DEBUG on and on an empty database or the demo's own
(`other_data`), since the demo accounts have a published password; flags override both.
"""

import datetime
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction

from styrning.models import Budgetar, Mandatperiod, Organisation, Roll

DemoStep = Callable[[Callable[[str], None]], None]
_STEPS: list[tuple[str, DemoStep]] = []

DEMO_PASSWORD = "styrning-demo"
T = Organisation.Typ
START = datetime.date(2019, 1, 1)


def register_demo_step(name: str, step: DemoStep) -> None:
    if all(existing != name for existing, _ in _STEPS):
        _STEPS.append((name, step))


def demo_steps() -> list[tuple[str, DemoStep]]:
    return [("organisation", load_organisation), *_STEPS]


def other_data() -> str:
    """What the database holds besides the demo, in a few Swedish words for the command's
    refusal; "" when it is empty (no organisation, no user) or already the demo's (its one top
    organisation is the demo municipality)."""
    roots = list(
        Organisation.objects.filter(overordnad=None).order_by("namn").values_list("kod", "namn")
    )
    if roots == [(TREE[0], TREE[1])]:
        return ""
    users = get_user_model().objects.count()
    held = []
    if roots:
        held.append("organisationen " + ", ".join(namn for _, namn in roots))
    if users:
        held.append(f"{users} användare")
    return " och ".join(held)


def _units(prefix: str, names: list[str], typ=T.ENHET) -> list[tuple]:
    return [(f"{prefix}-{i + 1:02d}", name, "", "", typ, []) for i, name in enumerate(names)]


# (kod, namn, kortnamn, förkortning, typ, children)
TREE = (
    "2299",
    "Ådalens kommun",
    "Ådalens kommun",
    "",
    T.KOMMUN,
    [
        (
            "KF",
            "Kommunfullmäktige",
            "KF",
            "KF",
            T.KOMMUNFULLMAKTIGE,
            [
                (
                    "KS",
                    "Kommunstyrelsen",
                    "KS",
                    "KS",
                    T.KOMMUNSTYRELSE,
                    [
                        ("KSAU", "Kommunstyrelsens arbetsutskott", "KSAU", "KSAU", T.UTSKOTT, []),
                        ("KSPU", "Kommunstyrelsens personalutskott", "KSPU", "KSPU", T.UTSKOTT, []),
                        (
                            "KLF",
                            "Kommunledningsförvaltningen",
                            "KLF",
                            "KLF",
                            T.FORVALTNING,
                            [
                                ("KLF-EK", "Ekonomiavdelningen", "", "", T.AVDELNING, []),
                                ("KLF-HR", "HR-avdelningen", "", "", T.AVDELNING, []),
                                (
                                    "KLF-KA",
                                    "Kansliavdelningen",
                                    "Kommunledningskansliet",
                                    "",
                                    T.AVDELNING,
                                    [
                                        ("KLF-KA-01", "Överförmyndarkansliet", "", "", T.ENHET, []),
                                        ("KLF-KA-02", "Kontaktcenter", "", "", T.ENHET, []),
                                    ],
                                ),
                                ("KLF-KOM", "Kommunikationsavdelningen", "", "", T.AVDELNING, []),
                                (
                                    "KLF-NP",
                                    "Närings- och planeringsavdelningen",
                                    "",
                                    "",
                                    T.AVDELNING,
                                    [],
                                ),
                            ],
                        ),
                    ],
                ),
                (
                    "BUN",
                    "Barn- och utbildningsnämnden",
                    "BUN",
                    "BUN",
                    T.NAMND,
                    [
                        (
                            "BUF",
                            "Barn- och utbildningsförvaltningen",
                            "BUF",
                            "BUF",
                            T.FORVALTNING,
                            [
                                (
                                    "BUF-FSK",
                                    "Förskoleverksamheten",
                                    "",
                                    "",
                                    T.VERKSAMHET,
                                    _units(
                                        "BUF-FSK",
                                        [
                                            "Solrosens förskola",
                                            "Blåklockans förskola",
                                            "Ekbackens förskola",
                                            "Älvängens förskola",
                                            "Tallmons förskola",
                                            "Lärkans förskola",
                                            "Hagalunds förskola",
                                            "Stjärnans förskola",
                                        ],
                                    ),
                                ),
                                (
                                    "BUF-GR",
                                    "Grundskoleverksamheten",
                                    "",
                                    "",
                                    T.VERKSAMHET,
                                    _units(
                                        "BUF-GR",
                                        [
                                            "Centralskolan",
                                            "Älvdalsskolan",
                                            "Norrbyskolan",
                                            "Söderskolan",
                                            "Ekbackeskolan",
                                            "Tallmoskolan",
                                            "Hagaskolan",
                                            "Strömsskolan",
                                        ],
                                    ),
                                ),
                                (
                                    "BUF-GY",
                                    "Gymnasie- och vuxenutbildningen",
                                    "",
                                    "",
                                    T.VERKSAMHET,
                                    _units(
                                        "BUF-GY",
                                        ["Ådalsgymnasiet", "Vuxenutbildningen"],
                                    ),
                                ),
                                ("BUF-EH", "Centrala elevhälsan", "", "", T.ENHET, []),
                            ],
                        ),
                    ],
                ),
                (
                    "SN",
                    "Socialnämnden",
                    "SN",
                    "SN",
                    T.NAMND,
                    [
                        (
                            "SOF",
                            "Socialförvaltningen",
                            "SOF",
                            "SOF",
                            T.FORVALTNING,
                            [
                                (
                                    "SOF-ÄO",
                                    "Äldreomsorgen",
                                    "",
                                    "",
                                    T.VERKSAMHET,
                                    _units(
                                        "SOF-ÄO",
                                        [
                                            "Hemtjänst Centrum",
                                            "Hemtjänst Norr",
                                            "Hemtjänst Söder",
                                            "Hemtjänst Älvdalen",
                                            "Nattpatrullen",
                                            "Björkhagens särskilda boende",
                                            "Solgårdens särskilda boende",
                                            "Ängsgårdens särskilda boende",
                                            "Korttidsboendet Linden",
                                        ],
                                    ),
                                ),
                                (
                                    "SOF-IFO",
                                    "Individ- och familjeomsorgen",
                                    "",
                                    "",
                                    T.VERKSAMHET,
                                    _units(
                                        "SOF-IFO",
                                        [
                                            "Barn och familj",
                                            "Försörjningsstöd",
                                            "Vuxenenheten missbruk",
                                        ],
                                    ),
                                ),
                                (
                                    "SOF-FS",
                                    "Funktionsstöd",
                                    "",
                                    "",
                                    T.VERKSAMHET,
                                    _units(
                                        "SOF-FS",
                                        [
                                            "Gruppbostaden Vallmon",
                                            "Gruppbostaden Kastanjen",
                                            "Daglig verksamhet",
                                            "Personlig assistans",
                                        ],
                                    ),
                                ),
                            ],
                        ),
                    ],
                ),
                (
                    "KFN",
                    "Kultur- och fritidsnämnden",
                    "KFN",
                    "KFN",
                    T.NAMND,
                    [
                        (
                            "KFF",
                            "Kultur- och fritidsförvaltningen",
                            "KFF",
                            "KFF",
                            T.FORVALTNING,
                            [
                                (
                                    "KFF-BIB",
                                    "Biblioteken",
                                    "",
                                    "",
                                    T.VERKSAMHET,
                                    _units(
                                        "KFF-BIB",
                                        [
                                            "Stadsbiblioteket",
                                            "Norrby bibliotek",
                                            "Älvdalens bibliotek",
                                        ],
                                    ),
                                ),
                                (
                                    "KFF-FRI",
                                    "Fritid",
                                    "",
                                    "",
                                    T.VERKSAMHET,
                                    _units(
                                        "KFF-FRI",
                                        [
                                            "Ådalsbadet",
                                            "Ishallen",
                                            "Fritidsgården Norrby",
                                            "Fritidsgården Centrum",
                                        ],
                                    ),
                                ),
                                ("KFF-KS", "Kulturskolan", "", "", T.ENHET, []),
                            ],
                        ),
                    ],
                ),
                (
                    "TN",
                    "Tekniska nämnden",
                    "TN",
                    "TN",
                    T.NAMND,
                    [
                        (
                            "TF",
                            "Tekniska förvaltningen",
                            "TF",
                            "TF",
                            T.FORVALTNING,
                            _units(
                                "TF",
                                [
                                    "Gata och park",
                                    "Vatten och avlopp",
                                    "Fastighet",
                                    "Kostenheten",
                                    "Renhållning och återvinning",
                                ],
                            ),
                        ),
                    ],
                ),
                (
                    "MBN",
                    "Miljö- och byggnadsnämnden",
                    "MBN",
                    "MBN",
                    T.NAMND,
                    [
                        (
                            "SBF",
                            "Samhällsbyggnadsförvaltningen",
                            "SBF",
                            "SBF",
                            T.FORVALTNING,
                            _units(
                                "SBF",
                                ["Bygglov", "Miljö och hälsa", "Kart och mät"],
                            ),
                        ),
                    ],
                ),
                ("VN", "Valnämnden", "VN", "VN", T.NAMND, []),
                ("ÖFN", "Överförmyndarnämnden", "ÖFN", "ÖFN", T.NAMND, []),
                (
                    "ABO",
                    "Ådalsbostäder AB, styrelsen",
                    "Ådalsbostäder",
                    "ABO",
                    T.BOLAGSSTYRELSE,
                    [],
                ),
            ],
        ),
    ],
)

# A body dissolved at the last change of term: its history must stay readable.
DISSOLVED = (
    "GVN",
    "Gymnasie- och vuxenutbildningsnämnden",
    "GVN",
    "GVN",
    T.NAMND,
    "KF",
    datetime.date(2019, 1, 1),
    datetime.date(2022, 12, 31),
)

PERSONAS = [
    # username, first name, last name, role, organisation kod, description
    (
        "sekreterare",
        "Sara",
        "Lindqvist",
        Roll.Typ.NAMNDSEKRETERARE,
        "BUN",
        "nämndsekreterare i Barn- och utbildningsnämnden",
    ),
    ("chef", "Johan", "Berg", Roll.Typ.CHEF, "BUF-FSK-01", "förskolechef på Solrosens förskola"),
    (
        "controller",
        "Maria",
        "Ek",
        Roll.Typ.CONTROLLER,
        "KLF-EK",
        "controller på kommunledningskansliet",
    ),
    (
        "politiker",
        "Anders",
        "Holm",
        Roll.Typ.FORTROENDEVALD,
        "KF",
        "förtroendevald, ledamot i kommunfullmäktige",
    ),
    ("admin", "Eva", "Sjöberg", Roll.Typ.ADMINISTRATOR, "2299", "systemadministratör"),
]


def _save_org(kod, namn, kortnamn, forkortning, typ, parent, ordning, fran, till=None):
    values = {
        "namn": namn,
        "kortnamn": kortnamn,
        "forkortning": forkortning,
        "typ": typ,
        "overordnad": parent,
        "ordning": ordning,
        "aktiv_fran": fran,
        "aktiv_till": till,
    }
    org, created = Organisation.objects.get_or_create(kod=kod, defaults=values)
    if not created and any(getattr(org, k) != v for k, v in values.items()):
        # Only a real change is saved, so a second run adds nothing to the audit trail.
        for key, value in values.items():
            setattr(org, key, value)
        org.save()
    return org


def _load_tree(node, parent, ordning):
    kod, namn, kortnamn, forkortning, typ, children = node
    org = _save_org(kod, namn, kortnamn, forkortning, typ, parent, ordning, START)
    for i, child in enumerate(children):
        _load_tree(child, org, i)


@transaction.atomic
def load_organisation(say: Callable[[str], None]) -> None:
    for start in (2019, 2023, 2027):
        Mandatperiod.objects.get_or_create(start_ar=start, defaults={"slut_ar": start + 3})
    for ar in range(2019, 2028):
        period = Mandatperiod.objects.get(start_ar__lte=ar, slut_ar__gte=ar)
        Budgetar.objects.update_or_create(ar=ar, defaults={"mandatperiod": period})
    _load_tree(TREE, None, 0)
    kod, namn, kortnamn, forkortning, typ, parent_kod, fran, till = DISSOLVED
    _save_org(
        kod,
        namn,
        kortnamn,
        forkortning,
        typ,
        Organisation.objects.get(kod=parent_kod),
        90,
        fran,
        till,
    )
    User = get_user_model()
    for username, first, last, roll, org_kod, _ in PERSONAS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@adalen.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        if created:
            user.is_staff = user.is_superuser = roll == Roll.Typ.ADMINISTRATOR
            user.save()
        Roll.objects.get_or_create(
            anvandare=user, organisation=Organisation.objects.get(kod=org_kod), roll=roll
        )
    say(
        f"Organisation: {Organisation.objects.count()} organ och enheter, "
        f"{Roll.objects.count()} roller."
    )
