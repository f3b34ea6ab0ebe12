"""A large municipality for the benchmark suite (issue 9), deterministic from a seed and a scale.

At scale 1: Älvstads kommun with KF, KS and its förvaltning, about 25 nämnder and bolag, about
1,500 enheter under förvaltningar and their områden; 10,000 governing documents with about
three versions each (a register's mix of states), their case numbers, statute-book numbers,
links by rank, reviews, the log of acts and the audit trail; 20,000 goals in the chain (vision
and goal areas, KF, nämnd, förvaltning, enhet), 2,000 indicators with targets and the monthly
values of every reporting organisation (about a million rows), assessments, assignments and
activities. Scale 0.1 makes about a tenth of everything.

Everything is written with PostgreSQL's COPY (`Loader`), with ids given here: the database is
an empty migrated one (`check_empty`), so ids start at 1 and the sequences are set after. The
document versions, whose search vector PostgreSQL computes on insert (dokument/search.py), and
the values are copied over two connections at once at large scales.

The rows hold what the application's services would have made: one current version per
document and only a published one, no published version with confidentiality, a case number
per document (`Diarienummer`), statute-book numbers unique per year and their counters, links
that konkretiserar only documents of higher rank, goals that contribute only to goals of the
same or a higher body, values only for the indicator's organisation and those below it and
within the goal's period. `manage.py bench_data` runs it.
"""

import datetime
import io
import json
import math
import random
import threading
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, connections, models
from django.utils import timezone

from bench import vocabulary as V
from bench.models import Benchdata
from dokument.demo import TYPER
from dokument.models import (
    Diarienummer,
    Dokument,
    Dokumentlank,
    Dokumenttyp,
    Dokumentversion,
    Forfattningsnummer,
    Granskning,
)
from mal.models import (
    Aktivitet,
    Bedomning,
    Indikator,
    Mal,
    Malomrade,
    Malvarde,
    Uppdrag,
    Uppdragskommentar,
    Varde,
    Vision,
)
from styrning.models import Anvandare, Budgetar, Handelse, Mandatperiod, Organisation, Roll

# What the runner imports.
COMMON_WORD = "kommunen"  # in the opening paragraph of every document's text
RARE_WORD = "ekorre"  # in the text of RARE_COUNT published documents, nowhere else
RARE_COUNT = 5
PASSWORD = "bench-losenord"
FORTROENDEVALD = "bench_fortroendevald"
SEKRETERARE = "bench_sekreterare"
REGISTRATOR = "bench_registrator"
CONTROLLER = "bench_controller"

T = Organisation.Typ
H = Handelse.Handling
DS = Dokument.Status
VS = Dokumentversion.Status

# The project apps whose tables must be empty before a load (besides the marker).
PROJECT_APPS = ("styrning", "dokument", "mal", "uppfoljning", "bench")

PARALLEL_MIN_ROWS = 2_000  # below this, one connection (and the caller's transaction)
COPY_BATCH = 100_000


# --- Writing ----------------------------------------------------------------------------------


class Loader:
    """Writes rows with COPY: each row a dict by attname (or a tuple for `columns`); a field
    a row leaves out gets the field's default. Counts the rows per model."""

    def __init__(self, now: datetime.datetime):
        self.now = now
        self.counts: Counter = Counter()
        self.models: list = []

    def _spec(self, model, columns):
        fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
        by_attname = {f.attname: f for f in fields}
        named = [by_attname[c] for c in columns or ()]
        rest = [f for f in fields if f.attname not in set(columns or ())]
        defaults = []
        for f in rest:
            value = f.get_default()
            if value is None and (
                getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            ):
                value = self.now
            defaults.append(value)
        return named, rest, defaults

    def _sql(self, model, fields) -> str:
        qn = connection.ops.quote_name
        cols = ", ".join(qn(f.column) for f in fields)
        return f"COPY {qn(model._meta.db_table)} ({cols}) FROM STDIN"

    @staticmethod
    def _json(fields):
        return [isinstance(f, models.JSONField) for f in fields]

    def copy(self, model, rows: Iterable, *, columns: list[str] | None = None, parallel=False):
        """Copy `rows` into `model`'s table; `parallel` splits them over two connections when
        there are many and no transaction of the caller's is open."""
        rows = rows if isinstance(rows, list) else list(rows)
        if model not in self.models:
            self.models.append(model)
        self.counts[model._meta.label] += len(rows)
        if not rows:
            return
        if parallel and len(rows) >= PARALLEL_MIN_ROWS and not connection.in_atomic_block:
            half = len(rows) // 2
            errors = []

            def run(part):
                try:
                    self._copy(connections["default"], model, part, columns)
                except Exception as error:  # noqa: BLE001 - reported in the main thread
                    errors.append(error)
                finally:
                    connections["default"].close()

            other = threading.Thread(target=run, args=(rows[half:],))
            other.start()
            self._copy(connection, model, rows[:half], columns)
            other.join()
            if errors:
                raise errors[0]
        else:
            self._copy(connection, model, rows, columns)

    def _copy(self, conn, model, rows, columns):
        named, rest, defaults = self._spec(model, columns)
        fields = named + rest
        is_json = self._json(fields)
        any_json = any(is_json)
        with conn.cursor() as cursor:
            for start in range(0, len(rows), COPY_BATCH):
                with cursor.copy(self._sql(model, fields)) as copy:
                    for row in rows[start : start + COPY_BATCH]:
                        if columns:
                            values = [*row, *defaults]
                        else:
                            values = [
                                row.get(f.attname, d) for f, d in zip(rest, defaults, strict=True)
                            ]
                        if any_json:
                            values = [
                                json.dumps(v, ensure_ascii=False) if j and v is not None else v
                                for v, j in zip(values, is_json, strict=True)
                            ]
                        copy.write_row(values)

    def reset_sequences(self):
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), self.models):
                cursor.execute(sql)


# --- Checks -----------------------------------------------------------------------------------


def _project_models():
    for label in PROJECT_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        yield from config.get_models(include_auto_created=True)


def held_data() -> list[str]:
    """The project tables that hold rows besides the benchmark marker (label: count)."""
    held = []
    for model in _project_models():
        if model is Benchdata:
            continue
        if model._default_manager.exists():
            held.append(f"{model._meta.verbose_name_plural} ({model._meta.label})")
    return held


def marker() -> Benchdata | None:
    return Benchdata.objects.order_by("-pk").first()


def scale_text(scale: float) -> str:
    return format(Decimal(str(scale)).normalize(), "f")


# --- Small helpers ----------------------------------------------------------------------------


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` split by `weights`, largest remainder first (ties to the earlier)."""
    if not weights or sum(weights) <= 0:
        return [0] * len(weights)
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [math.floor(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _month_end(ar: int, manad: int) -> datetime.date:
    return datetime.date(ar + manad // 12, manad % 12 + 1, 1) - datetime.timedelta(days=1)


class Generator:
    def __init__(self, *, scale: float, seed: int, say: Callable[[str], None] = print):
        if scale <= 0:
            raise ValueError("Skalan måste vara större än noll.")
        self.scale = scale
        self.seed = seed
        self.say = say
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.term = 2023 + 4 * ((self.today.year - 2023) // 4)
        self.loader = Loader(self.now)
        self.targets: dict = {}
        self.timings: list[tuple[str, float]] = []
        self.ids: Counter = Counter()

    # Deterministic streams: one per part, so a change in one part leaves the others alone.
    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")

    def next_id(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def at(self, day: datetime.date, rng: random.Random, hour: int | None = None):
        """A moment in office hours on `day`, never after now."""
        moment = datetime.datetime.combine(
            day,
            datetime.time(hour if hour is not None else rng.randint(8, 16), rng.randint(0, 59)),
            tzinfo=self.tz,
        )
        return min(moment, self.now - datetime.timedelta(minutes=5))

    def n(self, at_scale_1: int, minimum: int = 1) -> int:
        return max(minimum, round(at_scale_1 * self.scale))

    # --- The run ------------------------------------------------------------------------------

    def run(self) -> dict:
        start = time.monotonic()
        for name, step in [
            ("Organisation, användare och roller", self.organisation),
            ("Styrdokument, versioner, länkar och prövningar", self.dokument),
            ("Mål, indikatorer och målvärden", self.mal),
            ("Värden", self.varden),
            ("Bedömningar, uppdrag och aktiviteter", self.uppfoljning),
            ("Historik och händelselogg", self.historik),
            ("Sekvenser och statistik", self.finish),
            ("Uppföljningens rapporter", lambda: rapporter(seed=self.seed, say=self.say)),
        ]:
            began = time.monotonic()
            step()
            spent = time.monotonic() - began
            self.timings.append((name, spent))
            self.say(f"{name}: {spent:.1f} s")
        total = time.monotonic() - start
        Benchdata.objects.create(
            skala=scale_text(self.scale),
            seed=self.seed,
            skapad=timezone.now(),
            sekunder=round(total, 1),
            rader=dict(sorted(self.loader.counts.items())),
            mal=self.targets,
        )
        return {"seconds": total, "counts": dict(self.loader.counts)}

    # --- Organisation -------------------------------------------------------------------------

    def organisation(self):
        rng = self.rng("organisation")
        orgs: list[dict] = []
        self.orgs = orgs

        def add(kod, namn, typ, parent, forkortning="", kortnamn="", **meta):
            org = {
                "id": self.next_id(Organisation),
                "kod": kod,
                "namn": namn,
                "kortnamn": kortnamn,
                "forkortning": forkortning,
                "typ": typ,
                "overordnad_id": parent["id"] if parent else None,
                "aktiv_fran": datetime.date(self.term - 8, 1, 1),
                "aktiv_till": None,
                "ordning": len(orgs),
                "_parent": parent,
                "_domain": meta.get("domain", parent["_domain"] if parent else "kommun"),
                "_organ": meta.get("organ", parent["_organ"] if parent else None),
                "_forv": meta.get("forv", parent["_forv"] if parent else None),
            }
            orgs.append(org)
            return org

        kommun = add(V.KOMMUN[0], V.KOMMUN[1], T.KOMMUN, None, kortnamn="Älvstad")
        kf = add("KF", "Kommunfullmäktige", T.KOMMUNFULLMAKTIGE, kommun, "KF", "KF")
        kf["_organ"] = kf
        ks = add("KS", "Kommunstyrelsen", T.KOMMUNSTYRELSE, kf, "KS", "KS")
        ks["_organ"] = ks
        add("KSAU", "Kommunstyrelsens arbetsutskott", T.UTSKOTT, ks, "KSAU", "KSAU")
        add("KSPU", "Kommunstyrelsens personalutskott", T.UTSKOTT, ks, "KSPU", "KSPU")
        self.kommun, self.kf, self.ks = kommun, kf, ks

        namnder = V.NAMNDER[: min(len(V.NAMNDER), self.n(len(V.NAMNDER), 2))]
        bolag = V.BOLAG[: min(len(V.BOLAG), self.n(len(V.BOLAG)))]
        # KS's förvaltning and each nämnd's share the units by weight.
        specs = [
            ("KS", None, ("SLK", "Stadsledningskontoret"), 2, ["Kontaktcenter {p}"], "service")
        ]
        specs += [(a, n, f, w, k, d) for a, n, f, w, k, d in namnder]
        unit_counts = _split(self.n(1500, 2), [w for _, _, f, w, _, _ in specs if f])
        organs, forvaltningar, units = [ks], [], []
        counts = iter(unit_counts)
        made: Counter = Counter()
        places = list(V.PLATSER)
        for abbr, namn, forv, _weight, kinds, domain in specs:
            if abbr == "KS":
                organ = ks
                ks["_domain"] = "kommun"
            else:
                organ = add(abbr, namn, T.NAMND, kf, abbr, abbr, domain=domain)
                organ["_organ"] = organ
                organs.append(organ)
            if forv is None:
                continue
            fabbr, fnamn = forv
            f = add(fabbr, fnamn, T.FORVALTNING, organ, fabbr, fabbr, domain=domain)
            f["_forv"] = f
            forvaltningar.append(f)
            stab = V.KS_AVDELNINGAR if abbr == "KS" else V.STAB_AVDELNINGAR
            for i, avd in enumerate(stab[: 2 if abbr != "KS" else len(stab)]):
                add(
                    f"{fabbr}-A{i + 1}",
                    avd if abbr == "KS" else f"{avd}, {fnamn.lower()}",
                    T.AVDELNING,
                    f,
                )
            count = next(counts)
            groups = max(1, math.ceil(count / 15)) if count else 0
            rng.shuffle(places)
            for g in range(groups):
                omrade = V.OMRADEN[g % len(V.OMRADEN)] + (
                    f" {g // len(V.OMRADEN) + 1}" if g >= len(V.OMRADEN) else ""
                )
                group = add(
                    f"{fabbr}-O{g + 1:02d}", f"Område {omrade}, {fnamn.lower()}", T.VERKSAMHET, f
                )
                share = _split(count, [1] * groups)[g]
                for _ in range(share):
                    i = made[fabbr]
                    made[fabbr] += 1
                    place = places[i % len(places)]
                    name = kinds[i % len(kinds)].format(p=place)
                    if i >= len(places):
                        name += f" {i // len(places) + 1}"
                    units.append(add(f"{fabbr}-{i + 1:04d}", name, T.ENHET, group))
        for abbr, namn in bolag:
            organ = add(abbr, namn, T.BOLAGSSTYRELSE, kf, abbr, namn.removesuffix(", styrelsen"))
            organ["_organ"] = organ
            organs.append(organ)
        self.organs, self.forvaltningar, self.units = organs, forvaltningar, units
        self.target_namnd = organs[1]  # Förskolenämnden: always there, with goals and units
        self.org_by_id = {o["id"]: o for o in orgs}
        self.children = defaultdict(list)
        for o in orgs:
            if o["overordnad_id"]:
                self.children[o["overordnad_id"]].append(o)
        self.loader.copy(Organisation, orgs)

        # Terms of office and budget years around today's term.
        self.terms = {}
        for start in range(self.term - 8, self.term + 5, 4):
            self.terms[start] = self.next_id(Mandatperiod)
        self.loader.copy(
            Mandatperiod,
            [{"id": i, "start_ar": s, "slut_ar": s + 3} for s, i in self.terms.items()],
        )
        self.years = {}
        rows = []
        for ar in range(self.term - 4, self.term + 5):
            self.years[ar] = self.next_id(Budgetar)
            start = ar - (ar - self.term) % 4
            rows.append({"id": self.years[ar], "ar": ar, "mandatperiod_id": self.terms[start]})
        self.loader.copy(Budgetar, rows)
        self.users()

    def users(self):
        rng = self.rng("anvandare")
        hashed = make_password(PASSWORD)
        rows = []

        def add(username, first, last, password="!", titel="", **extra):
            row = {
                "id": self.next_id(Anvandare),
                "username": username,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@alvstad.example",
                "password": password,
                "titel": titel,
                "is_active": True,
                "date_joined": self.at(datetime.date(self.term - 8, 1, 2), rng),
                **extra,
            }
            rows.append(row)
            return row["id"]

        self.registrator = add(REGISTRATOR, "Registrator", "Bench", hashed, "registrator")
        fortroendevald = add(FORTROENDEVALD, "Frida", "Förtroendevald", hashed, "ledamot")
        sekreterare = add(SEKRETERARE, "Selma", "Sekreterare", hashed, "nämndsekreterare")
        self.officials = []
        for i in range(self.n(200, 5)):
            first, last = rng.choice(V.FORNAMN), rng.choice(V.EFTERNAMN)
            username = f"{first}.{last}.{i}".lower()
            for a, b in (("å", "a"), ("ä", "a"), ("ö", "o")):
                username = username.replace(a, b)
            self.officials.append(add(username, first, last, titel="handläggare"))
        self.loader.copy(Anvandare, rows)
        namnd = self.target_namnd["id"]
        roller = [
            (self.registrator, self.kommun["id"], Roll.Typ.ADMINISTRATOR),
            (fortroendevald, namnd, Roll.Typ.FORTROENDEVALD),
            (sekreterare, namnd, Roll.Typ.NAMNDSEKRETERARE),
        ]
        for user, unit in zip(self.officials, self.units, strict=False):
            roller.append((user, unit["id"], Roll.Typ.CHEF))
        self.loader.copy(
            Roll,
            [
                {"id": self.next_id(Roll), "anvandare_id": u, "organisation_id": o, "roll": r}
                for u, o, r in roller
            ],
        )
        self.targets.update(
            {
                "anvandare_fortroendevald": FORTROENDEVALD,
                "anvandare_sekreterare": SEKRETERARE,
                "losenord": PASSWORD,
            }
        )

    # --- Documents ----------------------------------------------------------------------------

    def dokument(self):
        rng = self.rng("dokument")
        types = {}
        rows = []
        for namn, plural, rang, fs, regel, ar, antas_av, beskrivning in TYPER:
            row = {
                "id": self.next_id(Dokumenttyp),
                "namn": namn,
                "namn_plural": plural,
                "rang": rang,
                "forfattningssamling": fs,
                "granskningsregel": regel,
                "granskning_ar": ar,
                "antas_av_typer": [str(t) for t in antas_av],
                "beskrivning": beskrivning,
            }
            rows.append(row)
            types[namn] = row
        self.loader.copy(Dokumenttyp, rows)
        self.types = types

        total = self.n(10_000, 3)
        base = max(1, round(total / 1.05))  # the replacements of replaced documents come on top
        levels = [
            (
                [self.kf],
                {
                    "Strategi": 2,
                    "Program": 6,
                    "Policy": 8,
                    "Reglemente": 3,
                    "Riktlinje": 6,
                    "Plan": 6,
                    "Regel": 4,
                    "Taxa": 6,
                },
                3,
            ),
            ([self.ks], {"Anvisning": 1, "Riktlinje": 1}, 2),
            (
                [o for o in self.organs if o["typ"] == T.NAMND],
                {"Riktlinje": 3, "Plan": 2, "Regel": 1},
                12,
            ),
            (
                [o for o in self.organs if o["typ"] == T.BOLAGSSTYRELSE],
                {"Riktlinje": 2, "Plan": 1},
                3,
            ),
            (self.forvaltningar, {"Verksamhetsplan": 1, "Rutin": 3, "Handbok": 1}, 15),
            (
                [o for o in self.orgs if o["typ"] in (T.AVDELNING, T.VERKSAMHET, T.ENHET)],
                {"Rutin": 4, "Handbok": 1},
                65,
            ),
        ]
        levels = [level for level in levels if level[0]]
        per_level = _split(base - 1, [share for _, _, share in levels])
        plans = [{"owner": self.kf, "typ": "Vision", "titel": "Vision Älvstad 2035"}]
        for (owners, weights, _), count in zip(levels, per_level, strict=True):
            names = list(weights)
            for i in range(count):
                owner = owners[i % len(owners)] if i < len(owners) else rng.choice(owners)
                typ = rng.choices(names, weights=[weights[n] for n in names])[0]
                plans.append({"owner": owner, "typ": typ, "titel": self._title(rng, owner, typ)})
        self.docs, self.versions = [], []
        for plan in plans:
            fate = "gallande"
            if plan["typ"] != "Vision":
                roll = rng.random()
                fate = (
                    "utkast"
                    if roll < 0.05
                    else "sekretess"
                    if roll < 0.06
                    else "makulerad"
                    if roll < 0.063
                    else "upphavd"
                    if roll < 0.123
                    else "ersatt"
                    if roll < 0.173
                    else "gallande"
                )
            doc = self._document(rng, plan, fate)
            if fate == "ersatt":
                successor = self._document(rng, plan, "gallande", predecessor=doc)
                doc["_successor"] = successor
        self._rare_word(rng)
        self._statute_book()
        self._reviews(rng)
        self._files(rng)
        self.loader.copy(Dokument, self.docs)
        self.loader.copy(Dokumentversion, self.versions, parallel=True)
        self._scope_and_numbers()
        self._links(rng)
        published = [d for d in self.docs if d["status"] == DS.GALLANDE and d["_kf"]]
        target = max(published, key=lambda d: (len(d["_versions"]), -d["id"]))
        self.targets["dokument_id"] = target["id"]
        self.targets["dokument_url"] = f"/dokument/{target['id']}/"

    def _title(self, rng, owner, typ) -> str:
        subject = rng.choice(V.AMNEN[owner["_domain"]])
        if typ == "Reglemente":
            organ = rng.choice(self.organs)
            return f"Reglemente för {organ['namn'][0].lower()}{organ['namn'][1:]}"
        if typ == "Verksamhetsplan":
            return f"Verksamhetsplan för {owner['namn'][0].lower()}{owner['namn'][1:]}"
        pattern = {
            "Strategi": "Strategi för {a}",
            "Program": "Program för {a}",
            "Policy": "Policy för {a}",
            "Riktlinje": "Riktlinjer för {a}",
            "Plan": "Plan för {a}",
            "Regel": "Regler för {a}",
            "Taxa": "Taxa för {a}",
            "Anvisning": "Anvisningar för {a}",
            "Rutin": "Rutin för {a}",
            "Handbok": "Handbok för {a}",
        }[typ]
        title = pattern.format(a=subject)
        if owner["typ"] in (T.ENHET, T.VERKSAMHET, T.AVDELNING):
            title += f", {owner['namn']}"
        return title

    def _prefix(self, owner) -> str:
        organ = owner["_organ"]
        if organ is None or organ is self.kf:
            return "KS"
        return organ["forkortning"]

    def _dnr(self, rng, prefix: str, year: int) -> str:
        key = (prefix, year)
        self._dnr_counters = getattr(self, "_dnr_counters", Counter())
        self._dnr_counters[key] += rng.randint(1, 6)
        return f"{prefix} {year}/{self._dnr_counters[key]}"

    def _body(self, rng, doc, number: int, previous: list[str] | None) -> tuple[str, list[str]]:
        """The text of a version: an opening with COMMON_WORD, sections of the type, a list
        in rules and routines; a revision changes a section or two of the last version."""
        subject = doc["_subject"]
        owner = doc["_owner"]
        if previous is None:
            sections = []
            for heading in rng.sample(V.RUBRIKER, rng.randint(3, 4)):
                sentences = []
                for _ in range(rng.randint(2, 3)):
                    clause = rng.choice(V.SATSER).format(a=subject)
                    sentences.append(f"{rng.choice(V.SUBJEKT)} {rng.choice(V.VERB)} {clause}.")
                sentences.append(rng.choice(V.TILLAGG))
                text = f"## {heading}\n\n" + " ".join(sentences)
                if heading == "Så här gör vi":
                    steps = rng.sample(V.LISTA, rng.randint(3, 5))
                    text += "\n\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
                sections.append(text)
        else:
            sections = list(previous)
            i = rng.randrange(len(sections))
            heading = sections[i].split("\n", 1)[0]
            clause = rng.choice(V.SATSER).format(a=subject)
            sections[i] = (
                f"{heading}\n\n{rng.choice(V.SUBJEKT)} {rng.choice(V.VERB)} {clause}. "
                f"{rng.choice(V.TILLAGG)} {rng.choice(V.TILLAGG)}"
            )
        opening = (
            f"{doc['_titel']} gäller för {owner['namn']} och beskriver hur {COMMON_WORD} "
            f"arbetar med {subject}. {rng.choice(V.TILLAGG)}"
        )
        parts = [opening, *sections]
        if number > 1:
            parts.append(
                f"## Ändringar i denna version\n\nVersion {number} är reviderad efter "
                "aktualitetsprövning: ansvarsfördelningen är förtydligad och uppföljningen är "
                "anpassad till tertialrapporteringen."
            )
        return "\n\n".join(parts), sections

    def _document(self, rng, plan, fate, predecessor=None) -> dict:
        owner, typ = plan["owner"], self.types[plan["typ"]]
        doc_id = self.next_id(Dokument)
        latest = self.today - datetime.timedelta(days=10)
        if predecessor is not None:
            first = predecessor["upphavd_datum"]
            count = rng.choice([1, 2, 2])
        else:
            count = {
                "gallande": rng.choice([2, 3, 3, 3, 4, 4, 5]),
                "upphavd": rng.choice([2, 2, 3, 3, 4]),
                "ersatt": rng.choice([2, 2, 3, 3, 4]),
            }.get(fate, 1)
            if plan["typ"] == "Vision":
                count, first = 1, datetime.date(self.term - 1, 11, 25)
            else:
                span = (latest - datetime.date(self.today.year - 14, 1, 1)).days
                first = latest - datetime.timedelta(days=rng.randint(60, span))
        dates = [first]
        while len(dates) < count:
            step = dates[-1] + datetime.timedelta(days=rng.randint(150, 900))
            if step > latest:
                break
            dates.append(step)
        published = fate in ("gallande", "upphavd", "ersatt")
        doc = {
            "id": doc_id,
            "typ_id": typ["id"],
            "agare_id": owner["id"],
            "status": {
                "gallande": DS.GALLANDE,
                "upphavd": DS.UPPHAVD,
                "ersatt": DS.ERSATT,
                "makulerad": DS.MAKULERAD,
            }.get(fate, DS.UTKAST),
            "_owner": owner,
            "_typ": typ,
            "_titel": plan["titel"],
            "_subject": rng.choice(V.AMNEN[owner["_domain"]]),
            "_versions": [],
            "_kf": owner is self.kf,
            "_fate": fate,
        }
        self.docs.append(doc)
        prefix = self._prefix(owner)
        sections = None
        for number, beslut in enumerate(dates, 1):
            text, sections = self._body(rng, doc, number, sections)
            adopted = published or fate == "sekretess" or rng.random() < 0.4
            created = self.at(beslut - datetime.timedelta(days=rng.randint(14, 60)), rng)
            version = {
                "id": self.next_id(Dokumentversion),
                "dokument_id": doc_id,
                "versionsnummer": number,
                "status": VS.PUBLICERAD if published else VS.FASTSTALLD if adopted else VS.UTKAST,
                "ar_aktuell": False,
                "titel": plan["titel"],
                "text": text,
                "faststalld_av_id": owner["id"] if adopted else None,
                "beslutsdatum": beslut if adopted else None,
                "paragraf": f"§ {rng.randint(5, 240)}" if adopted else "",
                "diarienummer": self._dnr(rng, prefix, beslut.year)
                if adopted or rng.random() < 0.5
                else "",
                "reviderad_datum": beslut if number > 1 and adopted else None,
                "revideringsansvarig": "Kommunstyrelsen" if owner is self.kf else owner["namn"],
                "uppfoljningsansvarig": "Kommunstyrelsen" if owner is self.kf else owner["namn"],
                "giltig_fran": beslut if adopted else None,
                "giltig_till": (
                    datetime.date(beslut.year, 12, 31)
                    if plan["typ"] == "Verksamhetsplan"
                    else datetime.date(beslut.year + 3, 12, 31)
                    if plan["typ"] == "Plan"
                    else None
                ),
                "dokumentansvarig_id": rng.choice(self.officials),
                "publicerad_tid": self.at(beslut + datetime.timedelta(days=rng.randint(3, 14)), rng)
                if published
                else None,
                "sekretess": fate == "sekretess",
                "sekretess_paragraf": "26 kap. 1 § OSL" if fate == "sekretess" else "",
                "skapad": created,
                "skapad_av_id": self.registrator,
            }
            doc["_versions"].append(version)
            self.versions.append(version)
        if published:
            doc["_versions"][-1]["ar_aktuell"] = True
            # Now and then a revision is under way: a draft after the current version.
            if fate == "gallande" and rng.random() < 0.08:
                text, _ = self._body(rng, doc, len(dates) + 1, sections)
                last = doc["_versions"][-1]
                draft = {
                    **last,
                    "id": self.next_id(Dokumentversion),
                    "versionsnummer": len(dates) + 1,
                    "status": VS.UTKAST,
                    "ar_aktuell": False,
                    "text": text,
                    "faststalld_av_id": None,
                    "beslutsdatum": None,
                    "paragraf": "",
                    "diarienummer": "",
                    "reviderad_datum": None,
                    "giltig_fran": None,
                    "publicerad_tid": None,
                    "skapad": self.at(latest - datetime.timedelta(days=rng.randint(0, 60)), rng),
                }
                doc["_versions"].append(draft)
                self.versions.append(draft)
        first_version = doc["_versions"][0]
        doc["skapad"] = first_version["skapad"]
        last_published = [v for v in doc["_versions"] if v["status"] == VS.PUBLICERAD]
        if fate in ("upphavd", "ersatt"):
            last = last_published[-1]["beslutsdatum"]
            room = max(0, (self.today - datetime.timedelta(days=5) - last).days)
            end = last + datetime.timedelta(days=min(room, rng.randint(60, 1500)))
            doc["upphavd_datum"] = end
            doc["upphavd_beslut"] = f"{self._prefix(owner)} {end} § {rng.randint(5, 240)}"
        if fate == "makulerad":
            doc["makulerad_tid"] = first_version["skapad"] + datetime.timedelta(days=2)
            doc["makulerad_av_id"] = self.registrator
            doc["makulerad_orsak"] = "Registrerat två gånger av misstag."
        if predecessor is not None:
            doc["_predecessor"] = predecessor
            predecessor["upphavd_beslut"] = (
                f"{doc['_versions'][0]['paragraf']} {first} ({plan['titel']})"
            )
        return doc

    def _rare_word(self, rng):
        chosen = [d for d in self.docs if d["status"] == DS.GALLANDE]
        for doc in rng.sample(chosen, min(RARE_COUNT, len(chosen))):
            current = next(v for v in doc["_versions"] if v["ar_aktuell"])
            current["text"] += (
                f"\n\nI parken bakom {doc['_owner']['namn']} bor en {RARE_WORD} som barnen "
                "och medarbetarna följer under året."
            )

    def _statute_book(self):
        """Statute-book numbers in the order of first publication, per year, and the year's
        counter at the highest number given."""
        prefix = settings.FORFATTNINGSSAMLING_PREFIX
        numbered = []
        for doc in self.docs:
            if not doc["_typ"]["forfattningssamling"]:
                continue
            first = next((v for v in doc["_versions"] if v["status"] == VS.PUBLICERAD), None)
            if first:
                numbered.append((first["publicerad_tid"], doc["id"], doc))
        counters: Counter = Counter()
        for when, _, doc in sorted(numbered, key=lambda t: (t[0], t[1])):
            ar = when.astimezone(self.tz).year
            counters[ar] += 1
            doc.update(
                kfs_ar=ar, kfs_lopnummer=counters[ar], kfs_nummer=f"{prefix} {ar}:{counters[ar]}"
            )
        self.loader.copy(
            Forfattningsnummer,
            [
                {"id": self.next_id(Forfattningsnummer), "ar": ar, "senaste": n}
                for ar, n in sorted(counters.items())
            ],
        )

    def _next_review(self, typ, base: datetime.date) -> datetime.date | None:
        """The type's rule, as dokument.services.next_review_date."""
        if typ["granskningsregel"] == Dokumenttyp.Granskningsregel.AR and typ["granskning_ar"]:
            return _add_years(base, typ["granskning_ar"])
        if typ["granskningsregel"] == Dokumenttyp.Granskningsregel.MANDATPERIOD:
            year = base.year + 1
            return datetime.date(year - ((year - 2023) % 4) + 3, 12, 31)
        return None

    def _reviews(self, rng):
        rows = []
        officials = self.officials
        for doc in self.docs:
            if doc["status"] != DS.GALLANDE:
                continue
            current = next(v for v in doc["_versions"] if v["ar_aktuell"])
            senast = current["beslutsdatum"]
            nasta = self._next_review(doc["_typ"], senast)
            if senast <= self.today - datetime.timedelta(days=730) and rng.random() < 0.35:
                datum = senast + datetime.timedelta(
                    days=rng.randint(365, (self.today - senast).days - 7)
                )
                utfall = (
                    Granskning.Utfall.AKTUELL
                    if rng.random() < 0.85
                    else (Granskning.Utfall.REVIDERA)
                )
                nasta = self._next_review(doc["_typ"], datum)
                if utfall == Granskning.Utfall.REVIDERA:
                    nasta = datum + datetime.timedelta(days=365)
                rows.append(
                    {
                        "id": self.next_id(Granskning),
                        "dokument_id": doc["id"],
                        "datum": datum,
                        "granskad_av_id": rng.choice(officials),
                        "utfall": utfall,
                        "kommentar": "Dokumentet är fortfarande aktuellt. Inga ändringar behövs."
                        if utfall == Granskning.Utfall.AKTUELL
                        else "Ansvarsfördelningen behöver ses över vid nästa revidering.",
                        "nasta": nasta,
                    }
                )
                senast = datum
            doc["granskning_senast"] = senast
            doc["granskning_nasta"] = nasta
            if rng.random() < 0.02:
                doc["granskning_flagga"] = (
                    "Ett överordnat dokument har fått en ny version: pröva om dokumentet "
                    "behöver revideras."
                )
                doc["granskning_flaggad_tid"] = self.at(
                    self.today - datetime.timedelta(days=rng.randint(5, 200)), rng
                )
        self._granskningar = rows

    def _files(self, rng):
        """A few current versions are an uploaded Word file: the file in storage and the text
        read from it in `fil_text` (the page shows it), no text of their own."""
        current = [
            v
            for d in self.docs
            if d["status"] == DS.GALLANDE
            for v in d["_versions"]
            if v["ar_aktuell"] and RARE_WORD not in v["text"]
        ]
        for version in rng.sample(current, min(len(current), self.n(50))):
            text = version["text"].replace("## ", "")
            name = f"dokument/bench/{version['dokument_id']}-{version['versionsnummer']}.docx"
            if default_storage.exists(name):
                default_storage.delete(name)
            version["fil"] = default_storage.save(name, ContentFile(_docx(text)))
            version["fil_text"] = text
            version["text"] = ""

    def _scope_and_numbers(self):
        scope_model = Dokumentversion.giltighetsomrade.through
        everyone = [o["id"] for o in self.organs]
        scope, numbers = [], []
        for doc in self.docs:
            owner = doc["_owner"]
            targets = everyone if owner in (self.kf, self.ks) else [owner["id"]]
            for v in doc["_versions"]:
                for org in targets:
                    scope.append(
                        {
                            "id": self.next_id(scope_model),
                            "dokumentversion_id": v["id"],
                            "organisation_id": org,
                        }
                    )
            seen = set()
            for v in doc["_versions"]:
                key = v["diarienummer"].lower()
                if key and key not in seen:
                    seen.add(key)
                    numbers.append(
                        {
                            "id": self.next_id(Diarienummer),
                            "nummer": v["diarienummer"],
                            "dokument_id": doc["id"],
                            "ledigt": doc["status"] == DS.MAKULERAD,
                        }
                    )
        self.loader.copy(scope_model, scope)
        self.loader.copy(Diarienummer, numbers)
        self.loader.copy(Granskning, self._granskningar)

    def _links(self, rng):
        """Each document konkretiserar one or two of strictly higher rank (no cycle can
        form), of its own owner or one above it; strategies, programmes and policies the
        vision; a replacement ersätter the document it replaced."""
        by_owner = defaultdict(list)
        vision = self.docs[0]
        for doc in self.docs:
            if doc["status"] == DS.GALLANDE:
                by_owner[doc["agare_id"]].append(doc)
        rows = []
        for doc in self.docs:
            if doc is vision or doc["status"] == DS.MAKULERAD:
                continue
            rang = doc["_typ"]["rang"]
            chosen = []
            if doc["_typ"]["namn"] in ("Strategi", "Program", "Policy"):
                chosen = [vision]
            else:
                org = doc["_owner"]
                while org is not None and not chosen:
                    higher = [d for d in by_owner[org["id"]] if d["_typ"]["rang"] > rang]
                    if higher:
                        chosen.append(rng.choice(higher))
                    org = org["_parent"]
                kf_higher = [d for d in by_owner[self.kf["id"]] if d["_typ"]["rang"] > rang]
                if kf_higher and rng.random() < 0.3:
                    extra = rng.choice(kf_higher)
                    if extra not in chosen:
                        chosen.append(extra)
            for till in chosen:
                rows.append(
                    {
                        "id": self.next_id(Dokumentlank),
                        "fran_id": doc["id"],
                        "till_id": till["id"],
                        "typ": Dokumentlank.Typ.KONKRETISERAR,
                        "skapad": doc["skapad"],
                    }
                )
            if "_predecessor" in doc:
                rows.append(
                    {
                        "id": self.next_id(Dokumentlank),
                        "fran_id": doc["id"],
                        "till_id": doc["_predecessor"]["id"],
                        "typ": Dokumentlank.Typ.ERSATTER,
                        "skapad": doc["skapad"],
                    }
                )
        self.links = rows
        self.loader.copy(Dokumentlank, rows)

    # --- Goals --------------------------------------------------------------------------------

    def mal(self):
        rng = self.rng("mal")
        term = self.terms[self.term]
        self.loader.copy(
            Vision,
            [
                {
                    "id": self.next_id(Vision),
                    "mandatperiod_id": term,
                    "titel": "Vision Älvstad 2035",
                    "text": "Älvstad är en hållbar, trygg och växande stad där alla får "
                    "möjlighet att utvecklas.",
                }
            ],
        )
        areas = []
        for i, (namn, text) in enumerate(V.AREAS):
            areas.append(
                {
                    "id": self.next_id(Malomrade),
                    "mandatperiod_id": term,
                    "namn": namn,
                    "typ": Malomrade.Typ.MALOMRADE,
                    "beskrivning": text,
                    "ordning": i,
                }
            )
        for i, namn in enumerate(V.PERSPECTIVES):
            areas.append(
                {
                    "id": self.next_id(Malomrade),
                    "mandatperiod_id": term,
                    "namn": namn,
                    "typ": Malomrade.Typ.PERSPEKTIV,
                    "ordning": 10 + i,
                }
            )
        self.loader.copy(Malomrade, areas)

        total = self.n(20_000, 10)
        kf_count = max(2, round(total * 0.002))
        organ_counts = _split(max(len(self.organs), round(total * 0.017)), [1] * len(self.organs))
        organ_counts = [max(1, c) for c in organ_counts]
        forv_counts = _split(
            max(len(self.forvaltningar), round(total * 0.032)), [1] * len(self.forvaltningar)
        )
        forv_counts = [max(1, c) for c in forv_counts]
        unit_total = max(len(self.units), total - kf_count - sum(organ_counts) - sum(forv_counts))
        goals: list[dict] = []
        self.goals = goals
        links = []

        def add(owner, typ, titel, nummer, parents, area, **extra):
            goal = {
                "id": self.next_id(Mal),
                "titel": titel,
                "nummer": nummer,
                "agare_id": owner["id"],
                "typ": typ,
                "status": Mal.Status.ANTAGET,
                "mandatperiod_id": term,
                "budgetar_id": None,
                "malomrade_id": area,
                "krav_uppfyllt": "Målet är uppfyllt när indikatorerna når sina målvärden och "
                "analysen visar att arbetet bidragit till det övergripande målet.",
                "uppfoljning": f"Följs upp i tertialrapporterna och i årsredovisningen av "
                f"{owner['kortnamn'] or owner['namn']}.",
                "regel": Mal.Regel.MAJORITET,
                "ordning": len(goals),
                "_owner": owner,
                "_parents": parents,
                "_indicators": [],
                **extra,
            }
            goals.append(goal)
            for parent in parents:
                links.append((goal["id"], parent["id"]))
            return goal

        kf_goals = []
        per_area = Counter()
        for i in range(kf_count):
            titel, area_index, domains = V.KF_MAL[i % len(V.KF_MAL)]
            area = areas[area_index]
            per_area[area["id"]] += 1
            typ = [Mal.Typ.STRATEGISKT, Mal.Typ.VERKSAMHETSMAL, Mal.Typ.FINANSIELLT][i % 3]
            kf_goals.append(
                add(
                    self.kf,
                    typ,
                    titel,
                    f"{area_index + 1}.{per_area[area['id']]}",
                    [],
                    area["id"],
                    _domain="kommun",
                    _domains=domains,
                )
            )
        organ_goals = defaultdict(list)
        for organ, count in zip(self.organs, organ_counts, strict=True):
            domain = organ["_domain"]
            # A nämnd's goals contribute to KF's goals of its field, when KF has them.
            own = [g for g in kf_goals if domain in g["_domains"]] or kf_goals
            for k in range(count):
                parent = rng.choice(own)
                parents = [parent]
                if rng.random() < 0.05:
                    second = rng.choice(kf_goals)
                    if second is not parent:
                        parents.append(second)
                organ_goals[organ["id"]].append(
                    add(
                        organ,
                        Mal.Typ.NAMNDMAL,
                        rng.choice(V.MAL[domain]),
                        f"{organ['forkortning']} {k + 1}",
                        parents,
                        parent["malomrade_id"],
                        _domain=domain,
                    )
                )
        forv_goals = defaultdict(list)
        for forv, count in zip(self.forvaltningar, forv_counts, strict=True):
            above = organ_goals[forv["_organ"]["id"]]
            for k in range(count):
                parent = rng.choice(above)
                forv_goals[forv["id"]].append(
                    add(
                        forv,
                        Mal.Typ.FORVALTNINGSMAL,
                        rng.choice(V.MAL[forv["_domain"]]),
                        f"{forv['forkortning']} {k + 1}",
                        [parent],
                        parent["malomrade_id"],
                        _domain=forv["_domain"],
                    )
                )
        years = [ar for ar in range(self.term, self.term + 4) if ar <= self.today.year]
        unit_counts = _split(unit_total, [1] * len(self.units))
        unit_goals = []
        for unit, count in zip(self.units, unit_counts, strict=True):
            above = forv_goals[unit["_forv"]["id"]] or organ_goals[unit["_organ"]["id"]]
            for k in range(count):
                ar = years[k % len(years)]
                parent = rng.choice(above)
                draft = ar == self.today.year and rng.random() < 0.03
                # Half of the units take the goal above as their own, in its words.
                goal = add(
                    unit,
                    Mal.Typ.ENHETSMAL,
                    parent["titel"] if rng.random() < 0.5 else rng.choice(V.MAL[unit["_domain"]]),
                    "",
                    [parent],
                    parent["malomrade_id"],
                    mandatperiod_id=None,
                    budgetar_id=self.years[ar],
                    status=Mal.Status.UTKAST if draft else Mal.Status.ANTAGET,
                    _year=ar,
                    ansvarig_id=rng.choice(self.officials) if rng.random() < 0.3 else None,
                    _domain=unit["_domain"],
                )
                unit_goals.append(goal)
        for goal in goals:
            start = goal.get("_year", self.term)
            goal["_adopted"] = self.at(
                datetime.date(start - 1, 12, 1) + datetime.timedelta(days=rng.randint(0, 20))
                if goal["status"] == Mal.Status.ANTAGET
                else self.today - datetime.timedelta(days=rng.randint(1, 30)),
                rng,
            )
        self._indicators(rng, kf_goals, organ_goals, forv_goals, unit_goals)
        for goal in goals:
            if goal["_indicators"]:
                goal["regel"] = Mal.Regel.ALLA
            roll = rng.random()
            if roll < 0.08:
                goal["regel"] = Mal.Regel.VIKTAD
            elif roll < 0.11:
                goal["regel"] = Mal.Regel.MANUELL
        self.loader.copy(Mal, goals)
        through = Mal.overordnade.through
        self.goal_link_rows = [
            {"id": self.next_id(through), "from_mal_id": a, "to_mal_id": b} for a, b in links
        ]
        self.loader.copy(through, self.goal_link_rows)
        self.loader.copy(Indikator, self.indicators)
        self.loader.copy(Malvarde, self._malvarden)
        # KF's and the nämnder's goals rest on a document of their owner.
        doc_through = Mal.dokument.through
        by_owner = defaultdict(list)
        for doc in self.docs:
            if doc["status"] == DS.GALLANDE:
                by_owner[doc["agare_id"]].append(doc["id"])
        goal_docs = []
        for goal in [*kf_goals, *[g for gs in organ_goals.values() for g in gs]]:
            docs = by_owner[goal["agare_id"]]
            if docs and rng.random() < 0.5:
                goal_docs.append(
                    {
                        "id": self.next_id(doc_through),
                        "mal_id": goal["id"],
                        "dokument_id": rng.choice(docs),
                    }
                )
        self.loader.copy(doc_through, goal_docs)
        self.goal_doc_rows = goal_docs

        namnd = self.target_namnd
        unit_target = next(
            (
                g
                for g in unit_goals
                if g["_indicators"]
                and g.get("_year") == self.today.year - 1
                and g["status"] == Mal.Status.ANTAGET
            ),
            next(g for g in unit_goals if g["status"] == Mal.Status.ANTAGET),
        )
        self.targets.update(
            {
                "mal_kf_id": kf_goals[0]["id"],
                "mal_kf_url": f"/mal/{kf_goals[0]['id']}/",
                "mal_enhet_id": unit_target["id"],
                "mal_enhet_url": f"/mal/{unit_target['id']}/",
                "organ_id": namnd["id"],
                "organ_url": f"/mal/organ/{namnd['id']}/",
                "organisation_id": namnd["id"],
                "organisation_url": f"/organisation/{namnd['id']}/",
            }
        )

    def _indicators(self, rng, kf_goals, organ_goals, forv_goals, unit_goals):
        total = self.n(2000)
        upper = [
            *kf_goals,
            *[g for gs in organ_goals.values() for g in gs],
            *[g for gs in forv_goals.values() for g in gs],
        ]
        if len(upper) > total:
            upper = sorted(rng.sample(upper, total), key=lambda g: g["id"])
        rest = total - len(upper)
        adopted_units = [g for g in unit_goals if g["status"] == Mal.Status.ANTAGET]
        units = sorted(
            rng.sample(adopted_units, min(rest, len(adopted_units))), key=lambda g: g["id"]
        )
        rows, targets = [], []
        for goal in [*upper, *units]:
            domain = goal["_domain"]
            namn, enhet, riktning, dec, base, target = rng.choice(V.INDIKATORER[domain])
            owner = goal["_owner"]
            kalla, kpi = Indikator.Kalla.EGEN, ""
            if owner is self.kf and rng.random() < 0.3:
                kalla, kpi = Indikator.Kalla.KOLADA, rng.choice(V.KOLADA_IDS)
            elif owner["typ"] == T.ENHET and rng.random() < 0.1:
                kalla = Indikator.Kalla.NKI
            kon = enhet in ("%", "antal") and rng.random() < 0.2
            ind = {
                "id": self.next_id(Indikator),
                "mal_id": goal["id"],
                "matt_for_id": self.kommun["id"] if owner is self.kf else owner["id"],
                "namn": namn,
                "enhet": enhet,
                "riktning": riktning,
                "decimaler": dec,
                "kalla": kalla,
                "kpi_id": kpi,
                "konsuppdelad": kon,
                "summerbar": kon and enhet == "antal",
                "utgangsvarde": Decimal(str(base)),
                "utgangsar": goal.get("_year", self.term) - 1,
                "tolerans": Decimal("1.5") if riktning == "narmare" else Decimal(5),
                "ordning": len(goal["_indicators"]),
                "_goal": goal,
                "_base": base,
                "_target": target,
                "_reach": rng.choice([1.05, 1.0, 1.0, 0.97, 0.9, 0.6, 0.4, 1.1, 0.3]),
            }
            goal["_indicators"].append(ind)
            rows.append(ind)
            span = [goal["_year"]] if "_year" in goal else list(range(self.term, self.term + 4))
            for ar in span:
                progress = (ar - self.term + 1) / 4 if "_year" not in goal else 1
                varde = round(base + (target - base) * progress, dec)
                targets.append(
                    {
                        "id": self.next_id(Malvarde),
                        "indikator_id": ind["id"],
                        "ar": ar,
                        "varde": Decimal(str(varde)),
                        "andrad_av_id": rng.choice(self.officials),
                        "andrad": goal["_adopted"],
                    }
                )
        self.indicators = rows
        self._malvarden = targets

    # --- Values -------------------------------------------------------------------------------

    def _units_below(self, org) -> list[dict]:
        found, stack = [], [org]
        while stack:
            node = stack.pop()
            for child in self.children[node["id"]]:
                if child["typ"] == T.ENHET:
                    found.append(child)
                stack.append(child)
        return sorted(found, key=lambda o: o["id"])

    def varden(self):
        """Monthly values of every reporting organisation (the indicator's own and units below
        it), year and tertial values of the indicator's own organisation, within the goal's
        period and up to the last month that has ended."""
        rng = self.rng("varden")
        months_of = {}
        for ind in self.indicators:
            goal = ind["_goal"]
            years = [goal["_year"]] if "_year" in goal else range(self.term, self.term + 4)
            months_of[ind["id"]] = [
                (ar, m) for ar in years for m in range(1, 13) if _month_end(ar, m) < self.today
            ]
        # How many units below report on each indicator: as many as make about a million
        # monthly values at scale 1, at most all the units below.
        wanted = self.n(1_000_000)
        upper = [i for i in self.indicators if "_year" not in i["_goal"]]
        below = {i["id"]: self._units_below(self.org_by_id[i["matt_for_id"]]) for i in upper}
        fixed = sum(len(months_of[i["id"]]) for i in self.indicators)

        def rows_with(r):
            return fixed + sum(min(r, len(below[i["id"]])) * len(months_of[i["id"]]) for i in upper)

        low, high = 0, max((len(b) for b in below.values()), default=0)
        while low < high:
            mid = (low + high + 1) // 2
            if rows_with(mid) <= wanted:
                low = mid
            else:
                high = mid - 1
        reporting = low
        self.say(f"  {reporting} enheter per indikator rapporterar månadsvärden")

        stamps = {}
        for ar in range(self.term, self.term + 4):
            for m in range(1, 13):
                day = _month_end(ar, m) + datetime.timedelta(days=5)
                stamps[("m", ar, m)] = self.at(min(day, self.today), rng, hour=10)
        columns = [
            "id",
            "indikator_id",
            "organisation_id",
            "ar",
            "periodtyp",
            "periodnummer",
            "totalt",
            "kvinnor",
            "man",
            "preliminar",
            "registrerad_av_id",
            "andrad",
        ]
        rows = []
        manad, tertial, helar = "manad", "tertial", "ar"
        next_id = 0
        latest = max((m for ms in months_of.values() for m in ms), default=None)
        recent = set()
        if latest:
            ar, m = latest
            recent = {latest, (ar - 1, 12) if m == 1 else (ar, m - 1)}
        for ind in self.indicators:
            goal = ind["_goal"]
            months = months_of[ind["id"]]
            if not months:
                continue
            base, target, dec = ind["_base"], ind["_target"], ind["decimaler"]
            reach = ind["_reach"]
            first_year = goal.get("_year", self.term)
            span_months = 12 if "_year" in goal else 48
            orgs = [self.org_by_id[ind["matt_for_id"]]]
            units = below.get(ind["id"], [])
            if units and reporting:
                orgs += rng.sample(units, min(reporting, len(units)))
            kon, summerbar = ind["konsuppdelad"], ind["summerbar"]
            spread = abs(target - base) or abs(base) * 0.1 or 1
            fmt = f"{{:.{dec}f}}"
            for n_org, org in enumerate(orgs):
                level = base * (1 + rng.uniform(-0.08, 0.08)) if n_org else base
                user = self.officials[org["id"] % len(self.officials)]
                share = rng.uniform(0.47, 0.53)
                per_year = defaultdict(list)
                for ar, m in months:
                    progress = ((ar - first_year) * 12 + m) / span_months
                    v = (
                        level
                        + (target - base) * progress * reach
                        + spread * (rng.random() - 0.5) * 0.3
                    )
                    if n_org == 0:
                        per_year[ar].append(v)
                    women = men = None
                    if kon:
                        if summerbar:
                            women = v * share
                            men = v - women
                        else:
                            women, men = v * 1.02, v * 0.98
                        women, men = fmt.format(women), fmt.format(men)
                    next_id += 1
                    rows.append(
                        (
                            next_id,
                            ind["id"],
                            org["id"],
                            ar,
                            manad,
                            m,
                            fmt.format(v),
                            women,
                            men,
                            (ar, m) in recent,
                            user,
                            stamps[("m", ar, m)],
                        )
                    )
                if n_org:
                    continue
                # The indicator's own organisation: the year and tertial figures the roll-up
                # reads, for the years and tertials that have ended.
                for ar, values in per_year.items():
                    for t in range(1, 4):
                        part = values[(t - 1) * 4 : t * 4]
                        if len(part) == 4 and _month_end(ar, t * 4) < self.today:
                            next_id += 1
                            v = sum(part) / 4
                            rows.append(
                                (
                                    next_id,
                                    ind["id"],
                                    org["id"],
                                    ar,
                                    tertial,
                                    t,
                                    fmt.format(v),
                                    None,
                                    None,
                                    False,
                                    user,
                                    stamps[("m", ar, t * 4)],
                                )
                            )
                    if len(values) == 12:
                        next_id += 1
                        v = sum(values) / 12
                        rows.append(
                            (
                                next_id,
                                ind["id"],
                                org["id"],
                                ar,
                                helar,
                                0,
                                fmt.format(v),
                                None,
                                None,
                                False,
                                user,
                                stamps[("m", ar, 12)],
                            )
                        )
        self.ids[Varde] = next_id
        self.loader.copy(Varde, rows, columns=columns, parallel=True)

    # --- Follow-up ------------------------------------------------------------------------

    def uppfoljning(self):
        rng = self.rng("uppfoljning")
        rows = []
        weights = [45, 35, 20]
        choices = ["uppfyllt", "delvis", "ej_uppfyllt"]
        for goal in self.goals:
            if goal["status"] != Mal.Status.ANTAGET:
                continue
            years = [goal["_year"]] if "_year" in goal else range(self.term, self.term + 4)
            for ar in years:
                periods = []
                if datetime.date(ar, 12, 31) < self.today:
                    periods.append(("ar", 0, datetime.date(ar + 1, 2, 10)))
                for t in range(1, 4):
                    if _month_end(ar, t * 4) < self.today and ar == self.today.year:
                        periods.append(("tertial", t, _month_end(ar, t * 4)))
                for typ, nr, end in periods:
                    if rng.random() >= (0.45 if typ == "ar" else 0.2):
                        continue
                    utfall = rng.choices(choices, weights=weights)[0]
                    rows.append(
                        {
                            "id": self.next_id(Bedomning),
                            "mal_id": goal["id"],
                            "ar": ar,
                            "periodtyp": typ,
                            "periodnummer": nr,
                            "utfall": utfall,
                            "analys": V.ANALYSER[utfall],
                            "bedomd_av_id": rng.choice(self.officials),
                            "andrad": self.at(
                                min(end + datetime.timedelta(days=rng.randint(5, 30)), self.today),
                                rng,
                            ),
                        }
                    )
        self.loader.copy(Bedomning, rows)

        uppdrag, kommentarer = [], []
        years = [ar for ar in range(self.term, self.term + 4) if ar <= self.today.year]
        givers = []
        for organ in self.organs:
            givers.append((self.kf, organ))
        for forv in self.forvaltningar:
            givers.append((forv["_organ"], forv))
        statuses = list(Uppdrag.Status.values)
        for i in range(self.n(300)):
            av, till = givers[i % len(givers)] if i < len(givers) else rng.choice(givers)
            ar = rng.choice(years)
            subject = rng.choice(V.AMNEN[till["_domain"]])
            status = rng.choices(statuses, weights=[15, 50, 30, 5])[0]
            titel = rng.choice(V.UPPDRAG).format(a=subject)
            row = {
                "id": self.next_id(Uppdrag),
                "titel": titel,
                "beskrivning": f"{av['namn']} ger {till['namn']} i uppdrag att "
                f"{titel[0].lower()}{titel[1:]}.",
                "givet_av_id": av["id"],
                "givet_till_id": till["id"],
                "budgetar_id": self.years[ar],
                "mal_id": None,
                "slutdatum": datetime.date(ar + 1, 6, 30),
                "status": status,
            }
            uppdrag.append(row)
            for year in range(ar, self.today.year):
                reported = status if year == self.today.year - 1 else "pagar"
                kommentarer.append(
                    {
                        "id": self.next_id(Uppdragskommentar),
                        "uppdrag_id": row["id"],
                        "ar": year,
                        "periodtyp": "ar",
                        "periodnummer": 0,
                        "status": reported,
                        "kommentar": "Arbetet pågår enligt tidplan."
                        if reported == "pagar"
                        else "Uppdraget är redovisat för nämnden.",
                        "skriven_av_id": rng.choice(self.officials),
                        "skriven": self.at(datetime.date(year + 1, 1, 20), rng),
                    }
                )
        self.loader.copy(Uppdrag, uppdrag)
        self.loader.copy(Uppdragskommentar, kommentarer)

        aktiviteter = []
        current = [g for g in self.goals if g.get("_year") == self.today.year]
        for goal in current[::10]:
            for k, titel in enumerate(
                [
                    "Kartlägga nuläget tillsammans med medarbetarna",
                    "Genomföra en workshop om arbetssätt",
                    "Följa upp resultatet på arbetsplatsträff",
                ][: rng.randint(1, 3)]
            ):
                aktiviteter.append(
                    {
                        "id": self.next_id(Aktivitet),
                        "mal_id": goal["id"],
                        "titel": titel,
                        "ansvarig_text": f"Enhetschef, {goal['_owner']['namn']}",
                        "startdatum": datetime.date(self.today.year, 1 + 4 * k, 1),
                        "slutdatum": _month_end(self.today.year, 4 + 4 * k),
                        "status": ["klar", "pagar", "planerad"][k],
                    }
                )
        self.loader.copy(Aktivitet, aktiviteter)

    # --- History and the log of acts ----------------------------------------------------------

    def historik(self):
        rng = self.rng("historik")
        ct_dok = ContentType.objects.get_for_model(Dokument).pk
        ct_mal = ContentType.objects.get_for_model(Mal).pk
        acts = []

        def act(tid, handling, ct, objekt_id, text, org, data, publik, user=None):
            acts.append(
                {
                    "id": self.next_id(Handelse),
                    "tid": tid,
                    "anvandare_id": user or self.registrator,
                    "handling": handling,
                    "objekttyp_id": ct,
                    "objekt_id": objekt_id,
                    "objekt_text": text[:300],
                    "organisation_id": org,
                    "data": data,
                    "publik": publik,
                }
            )

        doc_history, version_history = [], []
        HD, HV = Dokument.history.model, Dokumentversion.history.model

        def hist(target, model, row, when, kind, **changes):
            target.append(
                {
                    **row,
                    **changes,
                    "history_id": self.next_id(model),
                    "history_date": when,
                    "history_type": kind,
                    "history_change_reason": None,
                    "history_user_id": self.registrator,
                }
            )

        for doc in self.docs:
            first = doc["_versions"][0]
            titel = doc["_titel"]
            owner_name = doc["_owner"]["namn"]

            def beslut(v, owner_name=owner_name):
                """The decision as `Dokumentversion.beslut_display` shows it."""
                parts = (
                    owner_name if v["faststalld_av_id"] else "",
                    v["beslutsdatum"].isoformat() if v["beslutsdatum"] else "",
                    v["paragraf"],
                )
                return " ".join(p for p in parts if p)

            act(
                doc["skapad"],
                H.REGISTRERAD,
                ct_dok,
                doc["id"],
                titel,
                doc["agare_id"],
                {
                    "typ": doc["_typ"]["namn"],
                    "versionsnummer": 1,
                    "titel": titel,
                    "status": first["status"],
                    "beslut": beslut(first),
                },
                False,
            )
            hist(
                doc_history,
                HD,
                doc,
                doc["skapad"],
                "+",
                status=DS.UTKAST,
                kfs_nummer="",
                kfs_ar=None,
                kfs_lopnummer=None,
                granskning_senast=None,
                granskning_nasta=None,
                upphavd_datum=None,
                upphavd_beslut="",
                makulerad_tid=None,
                makulerad_orsak="",
                makulerad_av_id=None,
            )
            previous = None
            for v in doc["_versions"]:
                created = {
                    "status": VS.FASTSTALLD if v["beslutsdatum"] else VS.UTKAST,
                    "ar_aktuell": False,
                    "publicerad_tid": None,
                }
                hist(version_history, HV, v, v["skapad"], "+", **created)
                if v["versionsnummer"] > 1:
                    act(
                        v["skapad"],
                        H.REVIDERAD,
                        ct_dok,
                        doc["id"],
                        titel,
                        doc["agare_id"],
                        {
                            "versionsnummer": v["versionsnummer"],
                            "titel": titel,
                            "status": created["status"],
                            "beslut": beslut(v),
                        },
                        False,
                    )
                if v["status"] != VS.PUBLICERAD:
                    continue
                when = v["publicerad_tid"]
                if previous is not None:
                    hist(version_history, HV, previous, when, "~", ar_aktuell=False)
                hist(version_history, HV, v, when, "~", ar_aktuell=True)
                if previous is None:
                    hist(
                        doc_history,
                        HD,
                        doc,
                        when,
                        "~",
                        status=DS.GALLANDE,
                        upphavd_datum=None,
                        upphavd_beslut="",
                    )
                act(
                    when,
                    H.PUBLICERAD,
                    ct_dok,
                    doc["id"],
                    titel,
                    doc["agare_id"],
                    {
                        "kfs_nummer": doc.get("kfs_nummer", ""),
                        "ersatter_version": previous["versionsnummer"] if previous else None,
                        "personnummer_bekraftat": False,
                        "versionsnummer": v["versionsnummer"],
                        "titel": titel,
                        "status": VS.PUBLICERAD,
                        "beslut": beslut(v),
                    },
                    True,
                )
                previous = v
            if doc["status"] in (DS.UPPHAVD, DS.ERSATT):
                when = self.at(doc["upphavd_datum"], rng, hour=15)
                hist(doc_history, HD, doc, when, "~")
                handling = H.UPPHAVD if doc["status"] == DS.UPPHAVD else H.ERSATT
                data = {"datum": doc["upphavd_datum"].isoformat(), "beslut": doc["upphavd_beslut"]}
                if "_successor" in doc:
                    data |= {"av_dokument": doc["_successor"]["id"], "av_titel": titel}
                act(when, handling, ct_dok, doc["id"], titel, doc["agare_id"], data, True)
            if doc["status"] == DS.MAKULERAD:
                hist(doc_history, HD, doc, doc["makulerad_tid"], "~")
                act(
                    doc["makulerad_tid"],
                    H.MAKULERAD,
                    ct_dok,
                    doc["id"],
                    titel,
                    doc["agare_id"],
                    {"orsak": doc["makulerad_orsak"]},
                    False,
                )
        for g in self._granskningar:
            doc_id = g["dokument_id"]
            act(
                self.at(g["datum"], rng),
                H.PROVAD,
                ct_dok,
                doc_id,
                self.docs[doc_id - 1]["_titel"],
                self.docs[doc_id - 1]["agare_id"],
                {"datum": g["datum"].isoformat(), "utfall": g["utfall"]},
                False,
            )

        goal_history = []
        HM = Mal.history.model
        for goal in self.goals:
            hist(goal_history, HM, goal, goal["_adopted"], "+")
            adopted = goal["status"] == Mal.Status.ANTAGET
            act(
                goal["_adopted"],
                H.MAL_ANTAGET if adopted else H.MAL_SPARAT,
                ct_mal,
                goal["id"],
                f"{goal['nummer']} {goal['titel']}".strip(),
                goal["agare_id"],
                {"ny": True, "status": goal["status"], "falt": []},
                adopted,
            )
        for row in goal_history:
            row["history_user_id"] = self.registrator
        # The links of a goal are part of its history record (simple-history's m2m_fields).
        HL = apps.get_model("mal", "HistoricalMal_overordnade")
        HLD = apps.get_model("mal", "HistoricalMal_dokument")
        self.loader.copy(HD, doc_history)
        self.loader.copy(HV, version_history, parallel=True)
        self.loader.copy(HM, goal_history)
        history_of = {row["id"]: row["history_id"] for row in goal_history}
        self.loader.copy(
            HL,
            [
                {
                    "m2m_history_id": self.next_id(HL),
                    "history_id": history_of[row["from_mal_id"]],
                    **row,
                }
                for row in self.goal_link_rows
            ],
        )
        self.loader.copy(
            HLD,
            [
                {
                    "m2m_history_id": self.next_id(HLD),
                    "history_id": history_of[row["mal_id"]],
                    **row,
                }
                for row in self.goal_doc_rows
            ],
        )
        acts.sort(key=lambda a: (a["tid"], a["id"]))
        for n, row in enumerate(acts, 1):
            row["id"] = n
        self.loader.copy(Handelse, acts)

    def finish(self):
        self.loader.reset_sequences()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _docx(text: str) -> bytes:
    """A minimal Word document holding `text`, one paragraph a line."""
    body = "".join(
        f"<w:p><w:r><w:t xml:space='preserve'>{xml_escape(line)}</w:t></w:r></w:p>"
        for line in text.split("\n")
    )
    document = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>"
        "<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>"
        f"<w:body>{body}</w:body></w:document>"
    )
    types = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'>"
        "<Default Extension='rels' ContentType='application/vnd.openxmlformats-package."
        "relationships+xml'/><Default Extension='xml' ContentType='application/xml'/>"
        "<Override PartName='/word/document.xml' ContentType='application/vnd."
        "openxmlformats-officedocument.wordprocessingml.document.main+xml'/></Types>"
    )
    rels = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<Relationships xmlns='http://schemas.openxmlformats.org/package/2006/relationships'>"
        "<Relationship Id='rId1' Type='http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/officeDocument' Target='word/document.xml'/></Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("[Content_Types].xml", types),
            ("_rels/.rels", rels),
            ("word/document.xml", document),
        ):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, data)
    return buffer.getvalue()


def generate(*, scale: float, seed: int, say: Callable[[str], None] = print) -> dict:
    """Load the municipality into the (empty, migrated, PostgreSQL) database."""
    return Generator(scale=scale, seed=seed, say=say).run()


def targets() -> dict:
    """What the runner measures: ids and URL paths of a published document, a KF goal, a unit
    goal, a nämnd with goals (its organ page and organisation page) and the bench users."""
    row = marker()
    if row is None:
        raise LookupError("Databasen har ingen genererad testkommun: kör manage.py bench_data.")
    return dict(row.mal)


# --- The follow-up's reports (added to a loaded municipality too) -----------------------------

REPORT_YEARS = 5  # the five years ending last year, and this year


def rapporter(*, seed: int, say: Callable[[str], None] = print, today=None) -> int:
    """Borås' kinds of report with five years of periods (and this year's passed ones), a
    report per reporting organisation and period, mostly submitted or approved, each submitted
    one with a small frozen version. Idempotent: does nothing when the reports are there (a
    database loaded before them gets them with `bench_data --reuse`). The number of reports."""
    from uppfoljning import innehall as schema
    from uppfoljning import kalender
    from uppfoljning.models import Rapport, Rapportperiod, Rapportversion

    if Rapport.objects.exists():
        return 0
    rng = random.Random(f"{seed}:rapporter")
    today = today or timezone.localdate()
    controller, _ = Anvandare.objects.get_or_create(
        username=CONTROLLER, defaults={"password": make_password(PASSWORD)}
    )
    kommun = Organisation.objects.filter(overordnad__isnull=True).order_by("pk").first()
    Roll.objects.get_or_create(anvandare=controller, organisation=kommun, roll=Roll.Typ.CONTROLLER)
    typer = kalender.boras_rapporttyper()
    perioder = []
    for typ in typer:
        for ar in range(today.year - REPORT_YEARS, today.year + 1):
            for period in kalender.perioder_for(typ, ar):
                sista_dag = kalender.frist(typ, period)
                if period.slut >= today:
                    continue
                perioder.append(
                    Rapportperiod(
                        rapporttyp=typ,
                        **Rapportperiod.period_lookup(period),
                        sista_dag=sista_dag,
                        beraknad_sista_dag=sista_dag,
                    )
                )
    Rapportperiod.objects.bulk_create(perioder, ignore_conflicts=True)
    orgs = {o.pk: o for o in Organisation.objects.all()}
    loader = Loader(timezone.now())
    next_id = (Rapport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    version_id = 1
    reports, versions = [], []
    for rp in Rapportperiod.objects.select_related("rapporttyp").order_by("ar", "pk"):
        period = rp.period
        latest = period.slut >= today - datetime.timedelta(days=120)
        for org_id in kalender.rapporterande_organisationer(
            rp.rapporttyp, rp.ar, period
        ).values_list("pk", flat=True):
            status = rng.choices(
                ["godkand", "inlamnad", "utkast", "ej_paborjad"],
                weights=[40, 20, 25, 15] if latest else [90, 8, 2, 0],
            )[0]
            submitted = status in ("godkand", "inlamnad")
            when = timezone.make_aware(
                datetime.datetime.combine(rp.sista_dag, datetime.time(12))
            ) - datetime.timedelta(days=rng.randint(0, 5))
            reports.append(
                {
                    "id": next_id,
                    "rapportperiod_id": rp.pk,
                    "organisation_id": org_id,
                    "status": status,
                    "andel_klar": 100 if submitted else rng.randint(0, 90),
                    "inlamnad": when if submitted else None,
                    "inlamnad_av_id": controller.pk if submitted else None,
                    "granskad": when if status == "godkand" else None,
                    "granskad_av_id": controller.pk if status == "godkand" else None,
                }
            )
            if submitted:
                org = orgs[org_id]
                content = {
                    "schema": schema.SCHEMA,
                    "rapport": {
                        "id": next_id,
                        "typ": rp.rapporttyp.pk,
                        "typ_kod": rp.rapporttyp.kod,
                        "typ_namn": rp.rapporttyp.namn,
                        "beloppsenhet": rp.rapporttyp.beloppsenhet,
                        "organisation": {
                            "id": org.pk,
                            "namn": org.namn,
                            "kod": org.kod,
                            "typ": org.typ,
                        },
                        "period": str(period),
                        "period_label": period.label,
                        "ackumulerad_label": period.ackumulerad_label,
                        "riktpunkt": str(period.riktpunkt),
                        "status": "inlamnad",
                        "version": 1,
                    },
                    "ekonomi": {"rader": [], "total": {}},
                    "mal": [],
                    "uppdrag": [],
                    "avsnitt": [
                        {
                            "kod": a["kod"],
                            "rubrik": a["rubrik"],
                            "slag": a["slag"],
                            "obligatorisk": a.get("obligatorisk", True),
                            "text": f"{org.namn} redovisar {a['rubrik'].lower()} för perioden.",
                            "klar": True,
                        }
                        for a in (rp.rapporttyp.avsnitt or [])
                        if a.get("slag") == "text"
                    ],
                    "atgarder": [],
                    "atgardsuppfoljning": [],
                    "delar": [],
                    "bilagor": [],
                    "balanskrav": None,
                }
                versions.append(
                    {
                        "id": version_id,
                        "rapport_id": next_id,
                        "nummer": 1,
                        "slag": "inlamnad",
                        "innehall": content,
                        "kontrollsumma": schema.checksum(content),
                        "skapad": when,
                        "skapad_av_id": controller.pk,
                    }
                )
                version_id += 1
            next_id += 1
    loader.copy(Rapport, reports)
    loader.copy(Rapportversion, versions)
    loader.reset_sequences()
    with connection.cursor() as cursor:
        for model in (Rapportperiod, Rapport, Rapportversion):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    say(f"Uppföljningens rapporter: {len(reports)} rapporter, {len(versions)} versioner.")
    return len(reports)
