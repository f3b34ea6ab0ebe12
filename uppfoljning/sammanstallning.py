"""Compilation upwards and adoption.

A förvaltning's report is compiled from its units' reports, a nämnd's from its förvaltning's,
KS's delårsrapport and årsredovisning from the nämnder's and bolagens reports: `delar` lists,
for a report, the reports it compiles (the nearest reporting organisations below, the same
kind or the kind it names as `sammanstaller`, whose period ends on the same day), each read
from its latest frozen (submitted) version, never from the live data. `summerad_ekonomi` sums
their economy per organisation (for KS's report of the whole municipality with KS's own
economy first). `saknade_delar` says what adoption still needs, `anta` records the adopting
body's decision, and `skillnader` lists what changed after adoption.

Queries: the organisation tree (once per request), the reports compiled (one query) and their
latest frozen versions (one query), whatever the number of parts; KS's own economy two more.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery

from mal.models import Utfall
from styrning import locking, permissions
from styrning.actionlog import Handling, log_action
from styrning.models import Organisation
from styrning.periods import Period, Periodtyp
from styrning.queries import organisation_tree
from uppfoljning.ekonomi import egen_ekonomi
from uppfoljning.models import (
    Avsnittstext,
    Balanskrav,
    Bilaga,
    Rapport,
    Rapporttyp,
    Rapportversion,
)

# A compiled report counts as at hand once it is frozen: submitted, approved or adopted.
FRUSNA = frozenset({Rapport.Status.INLAMNAD, Rapport.Status.GODKAND, Rapport.Status.ANTAGEN})
GODKANDA = frozenset({Rapport.Status.GODKAND, Rapport.Status.ANTAGEN})

# The order goal statuses are counted and shown in.
MALSTATUS = [Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT, Utfall.EJ_BEDOMT]

EKONOMI_BELOPP = (
    "budget_ar",
    "budget_hittills",
    "utfall_hittills",
    "utfall_hittills_fg",
    "prognos",
    "foregaende_prognos",
    "avvikelse",
)


def sammanstalld_typ(rapport: Rapport):
    """The kind of report a report compiles: the kind's `sammanstaller`, else its own kind."""
    typ = rapport.rapportperiod.rapporttyp
    return typ.sammanstaller if typ.sammanstaller_id else typ


def _perioder_med_slut(slut) -> Q:
    """The periods (any period type) of slut's year that end on the day `slut`."""
    ar = slut.year
    candidates = [Period(ar, Periodtyp.MANAD, slut.month)]
    if slut.month % 4 == 0:
        candidates.append(Period(ar, Periodtyp.TERTIAL, slut.month // 4))
    if slut.month == 12:
        candidates.append(Period.year(ar))
    condition = Q(pk__in=[])
    for period in candidates:
        if period.slut == slut:
            condition |= Q(
                rapportperiod__ar=period.ar,
                rapportperiod__periodtyp=period.typ,
                rapportperiod__periodnummer=period.nummer,
            )
    return condition


def _omfang(rapport: Rapport) -> int | None:
    """The node whose subtree a report compiles: its own organisation; for kommunstyrelsen's
    report to kommunfullmäktige (one that compiles another kind, or meets the law's
    requirements, or that KF adopts) the whole municipality, since the nämnder and bolag are
    not below KS in the tree. None: the whole tree."""
    if rapport.organisation.typ != Organisation.Typ.KOMMUNSTYRELSE:
        return rapport.organisation_id
    typ = rapport.rapportperiod.rapporttyp
    if typ.sammanstaller_id or typ.lagkrav or typ.antas_av == Organisation.Typ.KOMMUNFULLMAKTIGE:
        return None
    return rapport.organisation_id


def omfattar_kommunen(rapport: Rapport) -> bool:
    """Kommunstyrelsen's report of the whole municipality to kommunfullmäktige (the
    delårsrapport, the årsredovisning): it compiles the nämnder and bolag beside it, and its
    economy and goals are the municipality's."""
    return _omfang(rapport) is None


def _narmaste(tree, scope: int | None, candidates: set[int]) -> set[int]:
    """The candidates with no other candidate between them and the scope's node: a förvaltning
    compiles its units, not the units below a unit that reports itself."""
    nearest = set()
    for pk in candidates:
        chain = tree.ancestors(pk)
        if scope is not None:
            ids = [a.pk for a in chain]
            chain = chain[ids.index(scope) + 1 :] if scope in ids else []
        if not any(a.pk in candidates for a in chain):
            nearest.add(pk)
    return nearest


def delrapporter(rapport: Rapport) -> list[Rapport]:
    """The reports `rapport` compiles, in the tree's order (one query, plus the tree)."""
    typ = sammanstalld_typ(rapport)
    tree = organisation_tree()
    scope = _omfang(rapport)
    qs = (
        Rapport.objects.filter(
            _perioder_med_slut(rapport.period.slut), rapportperiod__rapporttyp=typ
        )
        .exclude(pk=rapport.pk)
        .select_related("organisation", "rapportperiod__rapporttyp")
    )
    if scope is not None:
        below = tree.descendant_ids(scope, include_self=False)
        if not below:
            return []
        qs = qs.filter(organisation_id__in=below)
    reports = {r.organisation_id: r for r in qs}
    nearest = _narmaste(tree, scope, set(reports))
    order = {node.pk: i for i, (node, _) in enumerate(tree.walk(scope))}
    return sorted(
        (reports[pk] for pk in nearest), key=lambda r: (order.get(r.organisation_id, 0), r.pk)
    )


def senaste_versioner(rapport_ids) -> dict[int, Rapportversion]:
    """The latest submitted (frozen) version of each report, in one query."""
    latest = (
        Rapportversion.objects.filter(
            rapport_id=OuterRef("rapport_id"), slag=Rapportversion.Slag.INLAMNAD
        )
        .order_by("-nummer")
        .values("nummer")[:1]
    )
    versions = Rapportversion.objects.filter(
        rapport_id__in=list(rapport_ids),
        slag=Rapportversion.Slag.INLAMNAD,
        nummer=Subquery(latest),
    )
    return {v.rapport_id: v for v in versions}


def _status_of_goal(mal: dict) -> str:
    """The responsible person's assessment; without one the computed suggestion (as the goal
    pages show it); anything else counts as not assessed."""
    status = mal.get("utfall")
    if not status or status == Utfall.EJ_BEDOMT:
        status = mal.get("forslag")
    return status if status in Utfall.values else Utfall.EJ_BEDOMT


def _malstatus(mal: list[dict]) -> list[dict]:
    """The goals' statuses counted per goal area, in the order the areas first appear:
    [{"malomrade", "antal": [{"status", "label", "antal"}], "totalt"}]."""
    areas: dict[str, dict[str, int]] = {}
    for item in mal:
        counts = areas.setdefault(item.get("malomrade") or "Utan målområde", {})
        status = _status_of_goal(item)
        counts[status] = counts.get(status, 0) + 1
    return [
        {
            "malomrade": area,
            "antal": [
                {"status": s, "label": Utfall(s).label, "antal": counts.get(s, 0)}
                for s in MALSTATUS
            ],
            "totalt": sum(counts.values()),
        }
        for area, counts in areas.items()
    ]


def _sammanfattning(innehall: dict) -> dict:
    """What the compilation takes from a part's frozen content."""
    mal = innehall.get("mal") or []
    uppdrag: dict[str, dict] = {}
    for item in innehall.get("uppdrag") or []:
        entry = uppdrag.setdefault(
            item.get("status", ""),
            {"status": item.get("status", ""), "label": item.get("status_label", ""), "antal": 0},
        )
        entry["antal"] += 1
    return {
        "ekonomi": (innehall.get("ekonomi") or {}).get("total") or {},
        "malstatus": _malstatus(mal),
        "analyser": [
            {
                "mal_id": item.get("id"),
                "nummer": item.get("nummer", ""),
                "titel": item.get("titel", ""),
                "malomrade": item.get("malomrade", ""),
                "status": _status_of_goal(item),
                "status_label": Utfall(_status_of_goal(item)).label,
                "analys": item.get("analys", ""),
            }
            for item in mal
            if (item.get("analys") or "").strip()
        ],
        "atgarder": list(innehall.get("atgarder") or []),
        "uppdrag": list(uppdrag.values()),
    }


def delar(rapport: Rapport) -> list[dict]:
    """The schema's "delar": one entry per report compiled, from its latest frozen version.
    A part not yet submitted (or reopened and not submitted again) has `inlamnad` False and
    no summary."""
    parts = delrapporter(rapport)
    versions = senaste_versioner(p.pk for p in parts)
    result = []
    for part in parts:
        version = versions.get(part.pk) if part.status in FRUSNA else None
        org = part.organisation
        summary = _sammanfattning(version.innehall) if version else None
        total = summary["ekonomi"] if summary else {}
        result.append(
            {
                "rapport_id": part.pk,
                "organisation": {"id": org.pk, "namn": org.namn, "kod": org.kod, "typ": org.typ},
                "typ_namn": part.rapportperiod.rapporttyp.namn,
                "period_label": part.period.ackumulerad_label,
                "status": part.status,
                "status_label": part.get_status_display(),
                "inlamnad": version is not None,
                "godkand": part.status in GODKANDA,
                "version": version.nummer if version else None,
                "kontrollsumma": version.kontrollsumma if version else "",
                "prognos": total.get("prognos", ""),
                "avvikelse": total.get("avvikelse", ""),
                "sammanfattning": summary,
            }
        )
    return result


# --- Economy -------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _forbrukat(utfall: Decimal | None, budget: Decimal | None) -> str:
    if utfall is None or not budget:
        return ""
    return str((Decimal(100) * utfall / budget).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _egen_rad(rapport: Rapport) -> tuple[dict | None, dict]:
    """Kommunstyrelsen's own economy (its subtree, live: its own report's part) as one row of
    the municipality's table, None when it holds no economy; and its own table."""
    own = egen_ekonomi(rapport)
    if not own["rader"]:
        return None, own
    org = rapport.organisation
    row = {"organisation_id": org.pk, "kod": org.kod, "namn": org.namn}
    row |= {key: own["total"][key] for key in (*EKONOMI_BELOPP, "forbrukat_procent")}
    return row, own


def summerad_ekonomi(rapport: Rapport, parts: list[dict] | None = None) -> dict:
    """The parts' economy in the schema's "ekonomi" shape: one row per compiled organisation
    (its frozen total; a part not submitted has a row with empty amounts) and the total of the
    rows. `parts`: the result of `delar(rapport)` when the caller has it already.

    Kommunstyrelsen's report of the whole municipality (`omfattar_kommunen`) has kommunstyrelsen
    itself first, its own subtree's total read live (`ekonomi.egen_ekonomi`): the forecast it
    gives in this report. Its total's "forslag" is the system's proposal for that forecast."""
    if parts is None:
        parts = delar(rapport)
    rows = []
    own = None
    if omfattar_kommunen(rapport):
        egen_rad, own = _egen_rad(rapport)
        if egen_rad is not None:
            rows.append(egen_rad)
    for part in parts:
        total = (part["sammanfattning"] or {}).get("ekonomi") or {}
        row = {
            "organisation_id": part["organisation"]["id"],
            "kod": part["organisation"]["kod"],
            "namn": part["organisation"]["namn"],
        }
        for key in EKONOMI_BELOPP:
            row[key] = _text(_decimal(total.get(key)))
        row["forbrukat_procent"] = _forbrukat(
            _decimal(total.get("utfall_hittills")), _decimal(total.get("budget_ar"))
        )
        rows.append(row)
    sums: dict[str, Decimal | None] = dict.fromkeys(EKONOMI_BELOPP)
    for row in rows:
        for key in EKONOMI_BELOPP:
            value = _decimal(row[key])
            if value is not None:
                sums[key] = (sums[key] or Decimal(0)) + value
    total_row = {key: _text(sums[key]) for key in EKONOMI_BELOPP}
    total_row["forbrukat_procent"] = _forbrukat(sums["utfall_hittills"], sums["budget_ar"])
    if own is not None:
        total_row["forslag"] = own["total"]["forslag"]
        total_row["forslag_regel"] = own["total"]["forslag_regel"]
    return {
        "rader": rows,
        "total": total_row,
        "prognos_motivering": own["prognos_motivering"] if own else "",
        "prognos_forslag": own["prognos_forslag"] if own else "",
        "riktpunkt": f"{rapport.period.riktpunkt:f}",
        "ackumulerad_label": rapport.period.ackumulerad_label,
    }


def malstatus_per_omrade(parts: list[dict]) -> list[dict]:
    """The parts' goal statuses counted together per goal area (the compilation's table)."""
    areas: dict[str, dict[str, int]] = {}
    for part in parts:
        for area in (part["sammanfattning"] or {}).get("malstatus") or []:
            counts = areas.setdefault(area["malomrade"], {})
            for count in area["antal"]:
                counts[count["status"]] = counts.get(count["status"], 0) + count["antal"]
    return [
        {
            "malomrade": area,
            "antal": [
                {"status": s, "label": Utfall(s).label, "antal": counts.get(s, 0)}
                for s in MALSTATUS
            ],
            "totalt": sum(counts.values()),
        }
        for area, counts in areas.items()
    ]


# --- Adoption ------------------------------------------------------------------------------


# The bodies of the whole municipality: the adopting body of a report from anywhere in it.
KOMMUNGEMENSAMMA = frozenset({Organisation.Typ.KOMMUNFULLMAKTIGE, Organisation.Typ.KOMMUNSTYRELSE})


def antagande_organ(rapport: Rapport) -> Organisation | None:
    """The body that adopts the report: the organisation of the kind's `antas_av` type at or
    above the report's organisation, for kommunstyrelsen and kommunfullmäktige the
    municipality's own (None: the kind is not adopted, or no such body)."""
    typ = rapport.rapportperiod.rapporttyp.antas_av
    if not typ:
        return None
    tree = organisation_tree()
    org = tree.nodes.get(rapport.organisation_id) or rapport.organisation
    chain = [org, *reversed(tree.ancestors(org.pk))]
    for node in chain:
        if node.typ == typ:
            return node
    if typ in KOMMUNGEMENSAMMA:
        # The nämnder report to kommunstyrelsen, which is not above them in the tree: the
        # municipality's own body of that type.
        root = chain[-1].pk
        for node, _ in tree.walk(root):
            if node.typ == typ:
                return node
    return None


def may_adopt(user, rapport: Rapport, organ: Organisation | None = None) -> bool:
    """Record the adopting body's decision: a controller, or who handles the body's documents
    (its nämndsekreterare; the KS secretariat for kommunfullmäktige)."""
    organ = organ or antagande_organ(rapport)
    if organ is None:
        return False
    return permissions.is_controller(user) or permissions.can_edit_documents(user, organ.pk)


def may_edit(user, rapport: Rapport) -> bool:
    """Write the report's own parts (attachments, balanskrav): those who write the report."""
    return permissions.can_report(user, rapport.organisation_id)


def kravda_avsnitt(rapport: Rapport) -> list[dict]:
    """The kind's sections that must be there before adoption: the required ones, and for a
    kind with the law's requirements every attachment, table and balanskrav section."""
    typ = rapport.rapportperiod.rapporttyp
    return [
        a
        for a in typ.avsnitt or []
        if a.get("obligatorisk")
        or (typ.lagkrav and a.get("slag") in ("fil", "tabell", "balanskrav"))
    ]


def saknade_delar(rapport: Rapport, parts: list[dict] | None = None) -> list[str]:
    """What adoption still needs, each as a noun phrase ("inlämnad rapport från …"): the report
    itself submitted, every compiled report submitted (approved, when its kind is reviewed),
    each required section written and marked ready, each attachment or table section its
    attachment and the balanskrav block (a forecast in the delårsrapport, an outcome in the
    årsredovisning). `parts`: `delar(rapport)` when the caller has it."""
    typ = rapport.rapportperiod.rapporttyp
    saknas = []
    if rapport.status in Rapport.OPPNA:
        saknas.append(f"rapportens egen inlämning (den är {rapport.get_status_display().lower()})")
    if parts is None:
        parts = delar(rapport)
    granskas = sammanstalld_typ(rapport).granskas
    for part in parts:
        namn = part["organisation"]["namn"]
        if not part["inlamnad"]:
            saknas.append(f"inlämnad rapport från {namn} ({part['status_label'].lower()})")
        elif granskas and not part["godkand"]:
            saknas.append(f"godkänd rapport från {namn} (inlämnad, inte godkänd)")
    avsnitt = kravda_avsnitt(rapport)
    if not avsnitt:
        return saknas
    texter = {
        t.kod: t for t in Avsnittstext.objects.filter(rapport=rapport).only("kod", "text", "klar")
    }
    bilagor = {
        b.kod: b for b in Bilaga.objects.filter(rapport=rapport).only("kod", "fil", "tabell")
    }
    balanskrav = Balanskrav.objects.filter(rapport=rapport).first()
    for a in avsnitt:
        kod, rubrik, slag = a.get("kod"), a.get("rubrik") or a.get("kod"), a.get("slag", "text")
        if slag in ("fil", "tabell"):
            bilaga = bilagor.get(kod)
            if bilaga is None or not (bilaga.fil or bilaga.tabell):
                saknas.append(f"{rubrik} (en bifogad fil eller en importerad tabell)")
        elif slag == "balanskrav":
            prognos = typ.lagkrav == Rapporttyp.Lagkrav.DELARSRAPPORT
            if balanskrav is None:
                saknas.append(
                    f"{rubrik} (balanskravsresultatet{' som prognos' if prognos else ''})"
                )
            elif typ.lagkrav and balanskrav.prognos != prognos:
                saknas.append(
                    f"{rubrik} (balanskravsresultatet som "
                    f"{'prognos' if prognos else 'utfall, inte prognos'})"
                )
        else:
            text = texter.get(kod)
            if text is None or not text.text.strip() or not text.klar:
                saknas.append(f"avsnittet ”{rubrik}”, skrivet och markerat klart")
    return saknas


def _frys(**kwargs):
    from uppfoljning.arbetsflode import frys

    return frys(**kwargs)


@transaction.atomic
def anta(
    *, rapport: Rapport, user, beslutsdatum: datetime.date, paragraf: str, diarienummer: str
) -> Rapportversion:
    """Record the adopting body's decision (date, paragraph, case number) on a submitted
    report and freeze the adopted version. Refused with every part still missing."""
    organ = antagande_organ(rapport)
    if organ is None:
        raise ValidationError(
            f"{rapport.rapportperiod.rapporttyp} antas inte av någon nämnd eller av "
            "fullmäktige i den här organisationen."
        )
    if not may_adopt(user, rapport, organ):
        raise PermissionDenied(f"Du får inte registrera beslut för {organ}.")
    paragraf, diarienummer = (paragraf or "").strip(), (diarienummer or "").strip()
    fel = {}
    if not beslutsdatum:
        fel["beslutsdatum"] = "Ange beslutsdatum."
    if not paragraf:
        fel["paragraf"] = "Ange protokollets paragraf, t.ex. § 112."
    if not diarienummer:
        fel["diarienummer"] = "Ange ärendets diarienummer."
    if fel:
        raise ValidationError(fel)
    current = (
        Rapport.objects.select_for_update(of=("self",))
        .select_related("rapportperiod__rapporttyp", "organisation")
        .get(pk=rapport.pk)
    )
    if current.status == Rapport.Status.ANTAGEN:
        raise ValidationError(
            f"Rapporten antogs redan {current.beslutsdatum:%Y-%m-%d} ({current.paragraf}). "
            "Öppna den igen med en anledning om den ska ändras och antas på nytt."
        )
    saknas = saknade_delar(current)
    if saknas:
        raise ValidationError("Rapporten kan inte antas: saknas " + "; ".join(saknas) + ".")
    current.status = Rapport.Status.ANTAGEN
    current.beslutsdatum = beslutsdatum
    current.paragraf = paragraf
    current.diarienummer = diarienummer
    current.antagen_av = organ
    current._history_user = user
    current.save(
        update_fields=["status", "beslutsdatum", "paragraf", "diarienummer", "antagen_av", "andrad"]
    )
    version = _frys(rapport=current, slag=Rapportversion.Slag.ANTAGEN, user=user)
    log_action(
        user=user,
        handling=Handling.RAPPORT_ANTAGEN,
        objekt=current,
        organisation=current.organisation_id,
        data={
            "organ": organ.pk,
            "beslutsdatum": beslutsdatum.isoformat(),
            "paragraf": paragraf,
            "diarienummer": diarienummer,
            "version": version.nummer,
            "kontrollsumma": version.kontrollsumma,
        },
        publik=True,
    )
    for field in ("status", "beslutsdatum", "paragraf", "diarienummer", "antagen_av_id"):
        setattr(rapport, field, getattr(current, field))
    return version


# --- Differences after adoption --------------------------------------------------------------

DELAR_NAMN = {
    "ekonomi": "Ekonomi",
    "mal": "Mål",
    "indikatorer": "Indikatorer",
    "uppdrag": "Uppdrag",
    "avsnitt": "Avsnitt",
    "atgarder": "Åtgärdsplan",
    "atgardsuppfoljning": "Uppföljning av åtgärder",
    "delar": "Sammanställda rapporter",
    "bilagor": "Bilagor",
    "balanskrav": "Balanskravsresultat",
    "rader": "Ekonomi",
    "total": "Ekonomi",
}

FALT_NAMN = {
    "budget_ar": "årsbudget",
    "budget_hittills": "budget hittills",
    "utfall_hittills": "utfall hittills",
    "utfall_hittills_fg": "utfall hittills föregående år",
    "prognos": "årsprognos",
    "foregaende_prognos": "föregående prognos",
    "avvikelse": "avvikelse",
    "forbrukat_procent": "förbrukat (%)",
    "prognos_motivering": "motivering av prognosen",
    "prognos_forslag": "systemets förslag till prognos",
    "forslag_label": "beräknat förslag",
    "utfall_label": "bedömning",
    "analys": "analys",
    "varde": "värde",
    "malvarde": "målvärde",
    "status_label": "status",
    "kommentar": "kommentar",
    "text": "text",
    "klar": "klar",
    "titel": "titel",
    "beskrivning": "beskrivning",
    "ansvarig": "ansvarig",
    "datum": "klart senast",
    "effekt_kronor": "förväntad effekt (kr)",
    "effekt_varde": "förväntad effekt",
    "version": "version",
    "kontrollsumma": "kontrollsumma",
    "filnamn": "fil",
    "tabell": "tabell",
    "arets_resultat": "årets resultat",
    "realisationsvinster": "realisationsvinster",
    "realisationsforluster_undantag": "realisationsförluster enligt undantag",
    "orealiserade_vardepapper": "orealiserade förluster i värdepapper",
    "resultatutjamningsreserv": "resultatutjämningsreserv",
    "balanskravsresultat": "balanskravsresultat",
}

# Keys that identify an item of a list, and keys that are no content of their own (ids, the
# raw codes beside their labels, what the summary repeats).
_NYCKLAR = ("id", "kod", "rapport_id", "atgard_id", "organisation_id")
_HOPPA_OVER = {"id", "kod", "rapport_id", "atgard_id", "organisation_id", "sammanfattning"}


def _namn(item: dict) -> str:
    if isinstance(item.get("organisation"), dict):
        return item["organisation"].get("namn", "")
    name = item.get("titel") or item.get("namn") or item.get("rubrik") or item.get("beskrivning")
    if name and item.get("nummer"):
        return f"{item['nummer']} {name}"
    return str(name or item.get("kod") or item.get("id") or "")


def _visa(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, dict | list):
        return "ändrad" if value else "–"
    return str(value)


def _nyckel(item: dict):
    for key in _NYCKLAR:
        if key in item:
            return (key, item[key])
    if isinstance(item.get("organisation"), dict):
        return ("organisation", item["organisation"].get("id"))
    return None


def _jamfor(del_: str, objekt: str, fore, nu, out: list[dict]) -> None:
    if isinstance(fore, dict) and isinstance(nu, dict):
        for key in dict.fromkeys([*fore, *nu]):
            if key in _HOPPA_OVER or f"{key}_label" in fore or f"{key}_label" in nu:
                continue
            a, b = fore.get(key), nu.get(key)
            if a == b:
                continue
            if isinstance(a, list | dict) or isinstance(b, list | dict):
                if key == "tabell" or key == "organisation":
                    out.append(_rad(del_, objekt, key, a, b))
                else:
                    _jamfor(DELAR_NAMN.get(key, del_), objekt, a, b, out)
            else:
                out.append(_rad(del_, objekt, key, a, b))
        return
    if (
        isinstance(fore, list)
        and isinstance(nu, list)
        and all(isinstance(i, dict) and _nyckel(i) for i in [*fore, *nu])
    ):
        before = {_nyckel(i): i for i in fore}
        after = {_nyckel(i): i for i in nu}
        for key in dict.fromkeys([*before, *after]):
            a, b = before.get(key), after.get(key)
            item = b if b is not None else a
            namn = " – ".join(x for x in (objekt, _namn(item)) if x)
            if a is None:
                out.append(
                    {"del": del_, "objekt": namn, "falt": "", "fore": "–", "nu": "tillkommit"}
                )
            elif b is None:
                out.append(
                    {
                        "del": del_,
                        "objekt": namn,
                        "falt": "",
                        "fore": "fanns",
                        "nu": "borttaget",
                    }
                )
            else:
                _jamfor(del_, namn, a, b, out)
        return
    if fore != nu:
        out.append(_rad(del_, objekt, "", fore, nu))


def _rad(del_: str, objekt: str, key: str, fore, nu) -> dict:
    return {
        "del": del_,
        "objekt": objekt,
        "falt": "prognos"
        if key == "prognos" and del_ == DELAR_NAMN["balanskrav"]
        else FALT_NAMN.get(key, key),
        "fore": _visa(fore),
        "nu": _visa(nu),
    }


def antagen_version(rapport: Rapport) -> Rapportversion | None:
    """The latest adopted version of the report."""
    return (
        Rapportversion.objects.filter(rapport=rapport, slag=Rapportversion.Slag.ANTAGEN)
        .order_by("-nummer")
        .first()
    )


def jamfor_innehall(fore: dict, nu: dict) -> list[dict]:
    """What differs between two contents of a report, as rows {"del", "objekt", "falt",
    "fore", "nu"} (the report's head, status and version, is no content)."""
    out: list[dict] = []
    for key in dict.fromkeys([*fore, *nu]):
        if key in ("schema", "rapport"):
            continue
        a, b = fore.get(key), nu.get(key)
        if a != b:
            _jamfor(DELAR_NAMN.get(key, key), "", a, b, out)
    return out


def skillnader(rapport: Rapport, version: Rapportversion | None = None) -> list[dict]:
    """The values that changed since the report was adopted: the adopted snapshot against the
    content as it is now (`rapportering.rapport_innehall`). Empty when never adopted."""
    version = version or antagen_version(rapport)
    if version is None:
        return []
    from uppfoljning.rapportering import rapport_innehall

    return jamfor_innehall(version.innehall, rapport_innehall(rapport))


# --- The law's parts: attachments and the balanskrav block -----------------------------------


def bilageavsnitt(rapport: Rapport) -> list[dict]:
    """The kind's sections that take an attachment (a file or an imported table)."""
    return [
        a
        for a in rapport.rapportperiod.rapporttyp.avsnitt or []
        if a.get("slag") in ("fil", "tabell")
    ]


def har_balanskrav(rapport: Rapport) -> bool:
    return any(
        a.get("slag") == "balanskrav" for a in rapport.rapportperiod.rapporttyp.avsnitt or []
    )


def _oppen(rapport: Rapport, user) -> Rapport:
    """The report locked for a write of its own parts: refused unless the user writes it and
    it is open (not submitted) in an open period."""
    if not may_edit(user, rapport):
        raise PermissionDenied(f"Du får inte skriva rapporten för {rapport.organisation}.")
    current = (
        Rapport.objects.select_for_update(of=("self",))
        .select_related("rapportperiod__rapporttyp", "organisation")
        .get(pk=rapport.pk)
    )
    if current.status not in Rapport.OPPNA:
        raise ValidationError(
            f"Rapporten är {current.get_status_display().lower()}; öppna den igen för att "
            "ändra bilagor och balanskravsresultat."
        )
    if not current.tar_emot_andringar:
        raise ValidationError(
            f"Perioden {current.period.ackumulerad_label} är stängd; rapporten kan inte ändras."
        )
    return current


def _andel_klar(rapport: Rapport, user) -> None:
    from uppfoljning.rapportering import uppdatera_andel_klar

    uppdatera_andel_klar(rapport=rapport, user=user)


@transaction.atomic
def spara_bilaga(
    *, rapport: Rapport, user, kod: str, fil=None, tabell: dict | None = None
) -> Bilaga:
    """Attach a file (checked by the form) or an imported table {"rubriker": [...], "rader":
    [[...]]} to one of the kind's attachment sections, replacing what was there."""
    current = _oppen(rapport, user)
    avsnitt = {a.get("kod"): a for a in bilageavsnitt(current)}
    if kod not in avsnitt:
        raise ValidationError({"kod": "Rapporttypen har ingen bilagedel med den koden."})
    if (fil is None) == (tabell is None):
        raise ValidationError("Bifoga antingen en fil eller en tabell.")
    bilaga = Bilaga.objects.select_for_update().filter(rapport=current, kod=kod).first()
    bilaga = bilaga or Bilaga(rapport=current, kod=kod)
    if fil is not None:
        bilaga.fil = fil
        bilaga.filnamn = fil.name.rsplit("/", 1)[-1][:255]
        bilaga.tabell = None
        data = {"kod": kod, "filnamn": bilaga.filnamn}
    else:
        bilaga.fil = ""
        bilaga.filnamn = ""
        bilaga.tabell = tabell
        data = {"kod": kod, "rader": len(tabell.get("rader") or [])}
    bilaga.uppladdad_av = user
    bilaga._history_user = user
    bilaga.save()
    log_action(
        user=user,
        handling=Handling.BILAGA_SPARAD,
        objekt=bilaga,
        organisation=current.organisation_id,
        data=data,
    )
    _andel_klar(current, user)
    return bilaga


BALANSKRAV_FALT = (
    "arets_resultat",
    "realisationsvinster",
    "realisationsforluster_undantag",
    "orealiserade_vardepapper",
    "resultatutjamningsreserv",
)


@transaction.atomic
def spara_balanskrav(
    *, rapport: Rapport, user, andringsmarke: str | None = None, kommentar: str = "", **belopp
) -> Balanskrav:
    """Save the balanskrav block (amounts in kronor); a forecast in the delårsrapport, the
    outcome in the årsredovisning. `andringsmarke`: the change token the form showed."""
    current = _oppen(rapport, user)
    if not har_balanskrav(current):
        raise ValidationError("Rapporttypen har inget balanskravsresultat.")
    balanskrav = Balanskrav.objects.select_for_update().filter(rapport=current).first()
    locking.check_unchanged(
        balanskrav, andringsmarke, detail="Läs balanskravsresultatet som det är nu."
    )
    balanskrav = balanskrav or Balanskrav(rapport=current, arets_resultat=0)
    for field in BALANSKRAV_FALT:
        setattr(balanskrav, field, belopp.get(field) or 0)
    balanskrav.prognos = current.rapportperiod.rapporttyp.lagkrav != (
        Rapporttyp.Lagkrav.ARSREDOVISNING
    )
    balanskrav.kommentar = kommentar or ""
    balanskrav._history_user = user
    balanskrav.save()
    log_action(
        user=user,
        handling=Handling.BALANSKRAV_SPARAT,
        objekt=balanskrav,
        organisation=current.organisation_id,
        data={
            "balanskravsresultat": str(balanskrav.balanskravsresultat),
            "prognos": balanskrav.prognos,
        },
    )
    _andel_klar(current, user)
    return balanskrav
