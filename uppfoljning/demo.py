"""Demo step "uppfoljning": the follow-up of Ådalens kommun, 2024 to November 2026.

Borås' kinds of report (`kalender.boras_rapporttyper`), the two förvaltningar chosen each year
for the 10-dagarsuppföljning, the periods of 2024–2026 with their deadlines
(`kalender.skapa_perioder`, which also makes every reporting organisation's report), and the
economy of every organisation that reports: budget per account group and month, outcome with
the seasons of a municipality (personnel costs dip in July, December peaks), Socialförvaltningen
running a deficit in 2026. Amounts are kronor, net cost positive, from a fixed seed.

Everything with rules goes through the services, by the demo user who may, dated when a user
would have acted (see `_Clock`); only the budget and outcome rows, which in reality come from
the economy system's file, are written as the import writes them. Idempotent: a second run adds
nothing.
"""

import datetime
import random
import zlib
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

import mal.demo  # noqa: F401  (its step registers first: the reports gather its goals)
from styrning.demo import register_demo_step
from styrning.models import Handelse, Organisation
from styrning.queries import tree_per_request
from uppfoljning import kalender
from uppfoljning.models import (
    Ekonomirad,
    Rapport,
    Rapporteringsval,
    Rapportperiod,
    Rapporttyp,
)

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


def _rng(*parts) -> random.Random:
    return random.Random(zlib.crc32("|".join(str(p) for p in parts).encode()))


class _Clock:
    """Dates what the demo does at the time a user would have done it (the calendar before the
    year, a report after its month, an adoption at KF's meeting) rather than at the moment the
    demo runs: the act the service logged, the audit trail, and the row's own times. Whatever
    was saved since the last dating is dated, so every save is dated once (as in mal's demo)."""

    STAMPS = {
        Rapport: ["inlamnad", "granskad", "andrad"],
        Ekonomirad: ["andrad"],
    }

    def __init__(self):
        self.start = timezone.now()
        self.latest = self.start - datetime.timedelta(minutes=1)

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
            model.history.filter(history_date__gte=self.start).update(
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
    _ekonomi(orgs, clock)
    say(
        f"Uppföljning: {len(typer)} rapporttyper, {Rapportperiod.objects.count()} perioder, "
        f"{Rapport.objects.count()} rapporter, {Ekonomirad.objects.count()} ekonomirader."
    )


def _kalender(orgs, controller, clock: _Clock) -> dict[str, Rapporttyp]:
    """Borås' kinds, the chosen förvaltningar and each year's periods, made by the controller
    in December before the year."""
    typer = {t.kod: t for t in kalender.boras_rapporttyper()}
    clock.date(clock.at(datetime.date(2023, 12, 1), "rapporttyper"), Rapporttyp)
    for ar in AR:
        valda = [orgs[kod] for kod in TIODAGARS[ar]]
        have = set(
            Rapporteringsval.objects.filter(rapporttyp=typer["tiodagars"], ar=ar).values_list(
                "organisation_id", flat=True
            )
        )
        if have != {o.pk for o in valda}:
            kalender.valj_organisationer(
                rapporttyp=typer["tiodagars"], ar=ar, organisationer=valda, user=controller
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


def ekonomirader() -> list[tuple[str, str, int, int, Decimal, Decimal]]:
    """The demo's budget and outcome: (organisation kod, kontogrupp, year, month, budget,
    outcome) for every organisation in `BUDGET_2024`, 2024 to November 2026 (December 2026 has
    a budget, no outcome yet). Whole kronor, net cost positive (income negative)."""
    rows = []
    last_year, last_month = SISTA_MANAD
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
            level = rng.choice([0.985, 0.99, 0.995, 1.0, 1.0, 1.005, 1.01, 1.02])
            deficit = kod == UNDERSKOTT[0] or kod.startswith(UNDERSKOTT[0] + "-")
            for manad in range(1, 13):
                has_outcome = (ar, manad) <= (last_year, last_month)
                for grupp in KONTOGRUPPER:
                    budget = annual[grupp] / 12
                    utfall = Decimal(0)
                    if has_outcome:
                        factor = SASONG[grupp][manad - 1] * rng.uniform(0.97, 1.03)
                        if grupp != INTAKTER:
                            factor *= level
                            if deficit and ar == UNDERSKOTT[1]:
                                # Overtime, temporary staff and placements grow over the year.
                                extra = {PERSONAL: 0.06, KOP: 0.25, OVRIGT: 0.04}.get(grupp, 0)
                                factor *= 1 + extra * manad / 12
                        utfall = Decimal(round(budget * factor))
                    rows.append((kod, grupp, ar, manad, Decimal(round(budget)), utfall))
    return rows


def _ekonomi(orgs, clock: _Clock) -> None:
    """The budget and outcome as the economy system's file brings them in (the import writes
    plain rows: no rules but the file's own), made once."""
    if Ekonomirad.objects.exists():
        return
    nya = [
        Ekonomirad(
            organisation=orgs[kod],
            kontogrupp=grupp,
            ar=ar,
            manad=manad,
            budget=budget,
            utfall=utfall,
            importerad=True,
        )
        for kod, grupp, ar, manad, budget, utfall in ekonomirader()
    ]
    bulk_create_with_history(nya, Ekonomirad, batch_size=1000)
    clock.date(clock.at(datetime.date(2026, 12, 3), "ekonomi"), Ekonomirad)


register_demo_step("uppfoljning", load_uppfoljning)
