"""The reports as HTML and PDF, and Året som gick: what the one content template
(`uppfoljning/innehall/_rapport.html`) reads, made from a report's content dict
(`uppfoljning.innehall`), for the page and the PDF alike.

`rapport_context(innehall)` prepares the dict for the template: amounts in the kind's unit
(kr, tkr, mnkr), statuses as text and shape, the server-side SVG charts (budget against
forecast per verksamhet, goal statuses as counts) and the list of the report's sections for
the table of contents. The template only loops and branches.

A frozen version's PDF is rendered once by a background task (`render_rapportversion_pdf`,
Django's tasks) and stored on the version (`Rapportversion.pdf`); the request serves the
stored file. A draft's PDF is rendered in the request.
"""

import hashlib
import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.text import slugify

from mal.fulfilment import STATUS, status_label, status_shape
from mal.models import Utfall
from styrning import pagecache
from styrning.formatting import format_number
from styrning.pdf import chapters, render_html, write_pdf
from uppfoljning import innehall as schema
from uppfoljning.models import Rapportversion

logger = logging.getLogger(__name__)

CONTENT_TEMPLATE = "uppfoljning/innehall/_rapport.html"
PDF_TEMPLATE = "uppfoljning/pdf/rapport.html"
# U3's economy table partial; used when it is there, else the content template's own table.
EKONOMI_TABELL = "uppfoljning/ekonomi/_tabell.html"

# kronor per unit and decimals shown
ENHETER = {
    "kr": (Decimal(1), 0),
    "tkr": (Decimal(1000), 0),
    "mnkr": (Decimal(1_000_000), 1),
}

# Goal statuses in the order they are counted and drawn; colours only add to text and shape.
MALSTATUS = [Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT, Utfall.EJ_BEDOMT]
STATUSFARG = {
    Utfall.UPPFYLLT: "#1e6b34",
    Utfall.DELVIS: "#7a4e00",
    Utfall.EJ_UPPFYLLT: "#a11d1d",
    Utfall.EJ_BEDOMT: "#4a4a4a",
}

EKONOMI_KOLUMNER = [
    ("budget_ar", "Budget helår"),
    ("budget_hittills", "Budget hittills"),
    ("utfall_hittills", "Utfall hittills"),
    ("utfall_hittills_fg", "Utfall hittills i fjol"),
    ("prognos", "Årsprognos"),
    ("avvikelse", "Avvikelse mot budget"),
]

BALANSKRAV_RADER = [
    ("arets_resultat", "Årets resultat"),
    ("realisationsvinster", "Samtliga realisationsvinster (−)"),
    ("realisationsforluster_undantag", "Realisationsförluster enligt undantagsmöjlighet (+)"),
    ("orealiserade_vardepapper", "Orealiserade förluster och återföringar i värdepapper"),
    ("resultatutjamningsreserv", "Reservering till (−) och disposition från (+) RUR"),
    ("balanskravsresultat", "Balanskravsresultat"),
]


# --- Numbers ------------------------------------------------------------------------------------


def decimal_or_none(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def belopp(value, enhet: str) -> str:
    """An amount in kronor (a string of the schema) in the report's unit, as Swedes write it;
    a dash when missing."""
    number = decimal_or_none(value)
    if number is None:
        return "–"
    divisor, decimals = ENHETER.get(enhet, ENHETER["tkr"])
    return format_number(number / divisor, decimals).replace("-", "−")


def procent(value) -> str:
    number = decimal_or_none(value)
    return "–" if number is None else f"{format_number(number, 1)} %".replace("-", "−")


def hundra_kronor(rader: list[dict], *, falt: str = "utfall_hittills") -> list[dict]:
    """How a hundred kronor was spent: each row's share of the net cost (`falt`) × 100, in
    whole kronor that sum to exactly 100 (the largest remainders are rounded up). Rows with no
    net cost (zero, negative or missing) are left out."""
    kostnader = [
        (rad, decimal_or_none(rad.get(falt))) for rad in rader if rad.get("namn") is not None
    ]
    kostnader = [(rad, v) for rad, v in kostnader if v is not None and v > 0]
    total = sum((v for _, v in kostnader), Decimal(0))
    if not kostnader or total <= 0:
        return []
    exakta = [v * 100 / total for _, v in kostnader]
    heltal = [int(x) for x in exakta]  # floor: the shares are positive
    kvar = 100 - sum(heltal)
    ordning = sorted(range(len(exakta)), key=lambda i: (-(exakta[i] - heltal[i]), i))
    for i in ordning[:kvar]:
        heltal[i] += 1
    return [
        {"namn": rad["namn"], "kronor": kr, "belopp": v}
        for (rad, v), kr in zip(kostnader, heltal, strict=True)
    ]


# --- Charts (server-side SVG) -------------------------------------------------------------------

BAR_WIDTH = 640
BAR_LEFT = 8
BAR_VALUE_ROOM = 120


def budget_chart(rader: list[dict], enhet: str, chart_id: str) -> dict | None:
    """Budget for the year against the annual forecast per verksamhet, as horizontal bars: the
    budget a solid bar, the forecast an outlined bar with a hatch, each with its value in text.
    Negative amounts (a net income) are drawn from zero as nothing, their value still written."""
    shown = [
        r
        for r in rader
        if decimal_or_none(r.get("budget_ar")) is not None
        or decimal_or_none(r.get("prognos")) is not None
    ]
    if not shown:
        return None
    values = [
        max(decimal_or_none(r.get(k)) or Decimal(0), Decimal(0))
        for r in shown
        for k in ("budget_ar", "prognos")
    ]
    top = max(values) or Decimal(1)
    plot_w = BAR_WIDTH - BAR_LEFT - BAR_VALUE_ROOM
    row_h, label_h, bar_h = 56, 18, 14
    legend_h = 28
    bars = []
    for n, rad in enumerate(shown):
        y = legend_h + n * row_h
        row = {"label": rad.get("namn") or "", "label_y": y + 13, "bars": []}
        for k, (key, name) in enumerate((("budget_ar", "Budget"), ("prognos", "Prognos"))):
            value = decimal_or_none(rad.get(key))
            width = 0 if value is None else float(max(value, 0) / top) * plot_w
            by = y + label_h + k * (bar_h + 3)
            row["bars"].append(
                {
                    "slag": key,
                    "x": BAR_LEFT,
                    "y": f"{by:.1f}",
                    "w": f"{width:.1f}",
                    "h": bar_h,
                    "text_x": f"{BAR_LEFT + width + 6:.1f}",
                    "text_y": f"{by + bar_h - 3:.1f}",
                    "text": f"{name} {belopp(rad.get(key), enhet)} {enhet}",
                }
            )
        bars.append(row)
    height = legend_h + len(shown) * row_h
    return {
        "id": chart_id,
        "width": BAR_WIDTH,
        "height": height,
        "rows": bars,
        "title": "Budget och årsprognos per verksamhet",
        "desc": (
            f"Stapeldiagram med {len(shown)} verksamheter: för varje verksamhet en hel stapel "
            f"för budgeten och en randig stapel för årsprognosen, i {enhet}. Samma belopp "
            "finns i tabellen."
        ),
    }


def status_chart(mal: list[dict], chart_id: str) -> dict | None:
    """The goals' statuses as counts: one bar per status with its shape, text and number."""
    if not mal:
        return None
    counts = malstatus_counts(mal)
    top = max(c["antal"] for c in counts) or 1
    plot_w = BAR_WIDTH - 220 - 60
    rows = []
    for n, c in enumerate(counts):
        y = 8 + n * 30
        rows.append(
            {
                **c,
                "y": y,
                "text_y": y + 15,
                "w": f"{c['antal'] / top * plot_w:.1f}",
                "farg": STATUSFARG[c["status"]],
                "count_x": f"{226 + c['antal'] / top * plot_w:.1f}",
            }
        )
    return {
        "id": chart_id,
        "width": BAR_WIDTH,
        "height": 16 + len(rows) * 30,
        "rows": rows,
        "title": "Målens bedömning",
        "desc": "Antal mål per bedömning: "
        + ", ".join(f"{c['label'].lower()} {c['antal']}" for c in counts)
        + ".",
    }


def goal_status(goal: dict) -> str:
    """A goal's status in the report: the assessment; a goal not assessed is "ej bedömt"
    whatever the computed suggestion says."""
    return goal.get("utfall") or Utfall.EJ_BEDOMT


def malstatus_counts(mal: list[dict]) -> list[dict]:
    antal = dict.fromkeys(MALSTATUS, 0)
    for goal in mal:
        status = goal_status(goal)
        antal[status if status in antal else Utfall.EJ_BEDOMT] += 1
    return [
        {
            "status": s,
            "label": status_label(s),
            "shape": status_shape(s),
            "antal": antal[s],
        }
        for s in MALSTATUS
    ]


# --- The content template's context -------------------------------------------------------------


def _status(key: str) -> dict:
    known = key in STATUS
    return {
        "key": key if known else "saknas",
        "label": status_label(key),
        "shape": status_shape(key),
    }


def _ekonomi_mall() -> str:
    try:
        get_template(EKONOMI_TABELL)
    except TemplateDoesNotExist:
        return ""
    return EKONOMI_TABELL


def _ekonomi_rad(rad: dict, enhet: str) -> dict:
    celler = [belopp(rad.get(key), enhet) for key, _ in EKONOMI_KOLUMNER]
    avvikelse = decimal_or_none(rad.get("avvikelse"))
    return {
        "namn": rad.get("namn") or "Totalt",
        "kod": rad.get("kod") or "",
        "celler": celler,
        "foregaende_prognos": belopp(rad.get("foregaende_prognos"), enhet)
        if decimal_or_none(rad.get("foregaende_prognos")) is not None
        else "",
        "forbrukat": procent(rad.get("forbrukat_procent")),
        # The deviation in words too: the sign alone is easy to miss in print.
        "avvikelse_text": ""
        if avvikelse is None
        else ("underskott" if avvikelse < 0 else "överskott" if avvikelse > 0 else "i balans"),
    }


def rapport_context(innehall: dict, *, prefix: str = "r") -> dict:
    """What the content template reads, made from a content dict (schema 1)."""
    rapport = innehall.get("rapport") or {}
    enhet = rapport.get("beloppsenhet") or "tkr"
    ekonomi = innehall.get("ekonomi") or {}
    rader = ekonomi.get("rader") or []
    mal = innehall.get("mal") or []
    uppdrag = innehall.get("uppdrag") or []
    avsnitt = [a for a in innehall.get("avsnitt") or [] if a.get("slag", "text") == "text"]
    atgarder = innehall.get("atgarder") or []
    uppfoljning = innehall.get("atgardsuppfoljning") or []
    delar = innehall.get("delar") or []
    bilagor = innehall.get("bilagor") or []
    balanskrav = innehall.get("balanskrav") or None

    sektioner = []
    if rader or ekonomi.get("total"):
        sektioner.append(("ekonomi", "Ekonomi"))
    if mal:
        sektioner.append(("mal", "Mål och indikatorer"))
    if uppdrag:
        sektioner.append(("uppdrag", "Uppdrag"))
    for a in avsnitt:
        sektioner.append((f"avsnitt-{a.get('kod')}", a.get("rubrik") or a.get("kod")))
    if atgarder:
        sektioner.append(("atgarder", "Åtgärdsplan"))
    if uppfoljning:
        sektioner.append(("atgardsuppfoljning", "Uppföljning av tidigare åtgärder"))
    if delar:
        sektioner.append(("delar", "Sammanställda rapporter"))
    if bilagor:
        sektioner.append(("bilagor", "Räkenskaper och bilagor"))
    if balanskrav:
        sektioner.append(("balanskrav", "Balanskravsresultat"))

    goals = []
    for goal in mal:
        goals.append(
            {
                **goal,
                "id_attr": f"{prefix}-mal-{goal.get('id')}",
                "bedomning": _status(goal_status(goal)),
                "forslag_status": _status(goal.get("forslag") or "saknas"),
                "indikatorer": goal.get("indikatorer") or [],
            }
        )

    balans = None
    if balanskrav:
        balans = {
            "rader": [
                {"label": label, "belopp": belopp(balanskrav.get(key), enhet)}
                for key, label in BALANSKRAV_RADER
                if key in balanskrav
            ],
            "prognos": bool(balanskrav.get("prognos")),
            "kommentar": balanskrav.get("kommentar") or "",
        }

    total = ekonomi.get("total")
    return {
        "r": rapport,
        "prefix": prefix,
        "enhet": enhet,
        "enhet_label": {"kr": "kronor", "tkr": "tusen kronor (tkr)", "mnkr": "miljoner kronor"}.get(
            enhet, enhet
        ),
        "sektioner": [{"id": f"{prefix}-{key}", "rubrik": rubrik} for key, rubrik in sektioner],
        # U3's table partial reads the period's riktpunkt and label from `ekonomi` too
        "ekonomi": {
            **ekonomi,
            "riktpunkt": rapport.get("riktpunkt") or "",
            "ackumulerad_label": rapport.get("ackumulerad_label") or "",
        },
        "beloppsenhet": enhet,
        "ekonomi_mall": _ekonomi_mall() if rader else "",
        "ekonomi_kolumner": [label for _, label in EKONOMI_KOLUMNER],
        "ekonomi_rader": [_ekonomi_rad(rad, enhet) for rad in rader],
        "ekonomi_total": _ekonomi_rad(total, enhet) if total else None,
        "riktpunkt_text": procent(rapport.get("riktpunkt")),
        # what U3's table partial reads besides `ekonomi` and `beloppsenhet`
        "riktpunkt": rapport.get("riktpunkt") or "",
        "ackumulerad_label": rapport.get("ackumulerad_label") or "",
        "budget_chart": budget_chart(rader, enhet, f"{prefix}-budget"),
        "status_chart": status_chart(mal, f"{prefix}-malstatus"),
        "mal": goals,
        "uppdrag": uppdrag,
        "avsnitt": avsnitt,
        "atgarder": [
            {
                **a,
                "effekt_kronor_text": belopp(a.get("effekt_kronor"), enhet)
                if decimal_or_none(a.get("effekt_kronor")) is not None
                else "",
            }
            for a in atgarder
        ],
        "atgardsuppfoljning": uppfoljning,
        "delar": [_del(d, enhet) for d in delar],
        "bilagor": bilagor,
        "balanskrav": balans,
    }


def _del(d: dict, enhet: str) -> dict:
    """A compiled report's summary ("delar", U4's sammanstallning.delar): the organisation,
    what the report was and its figures where the summary has them."""
    org = d.get("organisation") or {}
    namn = org.get("namn") if isinstance(org, dict) else str(org)
    return {
        **d,
        "namn": namn or d.get("namn") or "",
        "status_text": d.get("status_label") or d.get("status") or "",
        "prognos_text": belopp(d.get("prognos"), enhet)
        if decimal_or_none(d.get("prognos")) is not None
        else "",
        "avvikelse_text": belopp(d.get("avvikelse"), enhet)
        if decimal_or_none(d.get("avvikelse")) is not None
        else "",
    }


def render_content(innehall: dict, *, prefix: str = "r", extra: dict | None = None) -> str:
    """The content template rendered on its own (the PDF's body)."""
    return render_to_string(
        CONTENT_TEMPLATE, {**rapport_context(innehall, prefix=prefix), **(extra or {})}
    )


# --- The PDF ------------------------------------------------------------------------------------


def rapport_titel(innehall: dict) -> str:
    r = innehall.get("rapport") or {}
    return f"{r.get('typ_namn', 'Rapport')} {r.get('ackumulerad_label', '')}".strip()


def rapport_organisation(innehall: dict) -> str:
    return ((innehall.get("rapport") or {}).get("organisation") or {}).get("namn", "")


def pdf_filename(innehall: dict, nummer: int | None = None) -> str:
    name = slugify(f"{rapport_titel(innehall)} {rapport_organisation(innehall)}")[:90] or "rapport"
    return f"{name}-version-{nummer}.pdf" if nummer else f"{name}-utkast.pdf"


def render_rapport_html(innehall: dict, *, fakta: dict | None = None, created=None) -> str:
    """The HTML WeasyPrint makes the PDF of: the print base with a cover (the report's kind,
    organisation, period and the version's facts), the table of contents (the h2 sections)
    and the content template."""
    body, kapitel = chapters(render_content(innehall, prefix="p", extra={"utskrift": True}))
    titel = rapport_titel(innehall)
    return render_html(
        PDF_TEMPLATE,
        {
            "body": body,
            "kapitel": kapitel,
            "r": innehall.get("rapport") or {},
            "organisation": rapport_organisation(innehall),
            "fakta": fakta or {},
            "sidhuvud": f"{titel} · {rapport_organisation(innehall)}",
        },
        title=f"{titel}, {rapport_organisation(innehall)}",
        created=created,
    )


def render_rapport_pdf(innehall: dict, *, identifier: str, fakta=None, created=None) -> bytes:
    return write_pdf(
        render_rapport_html(innehall, fakta=fakta, created=created), identifier=identifier
    )


def version_fakta(version: Rapportversion) -> dict:
    """The facts of a frozen version as the page and the PDF cover show them."""
    rapport = version.rapport
    fakta = {
        "Version": f"{version.nummer}, {version.get_slag_display().lower()} "
        f"{timezone.localtime(version.skapad):%Y-%m-%d}",
        "Kontrollsumma (SHA-256)": version.kontrollsumma,
    }
    if version.anledning:
        fakta["Skäl till ny version"] = version.anledning
    if version.slag == Rapportversion.Slag.ANTAGEN and rapport.beslutsdatum:
        beslut = f"{rapport.beslutsdatum:%Y-%m-%d}"
        if rapport.paragraf:
            beslut += f", {rapport.paragraf}"
        fakta["Antagen"] = beslut
        if rapport.antagen_av_id:
            fakta["Antagen av"] = str(rapport.antagen_av)
        if rapport.diarienummer:
            fakta["Diarienummer"] = rapport.diarienummer
    return fakta


def checksum_ok(version: Rapportversion) -> bool:
    return schema.checksum(version.innehall) == version.kontrollsumma


def render_version_pdf(version: Rapportversion) -> bytes:
    return render_rapport_pdf(
        version.innehall,
        identifier=f"styrning-rapport-{version.rapport_id}-{version.nummer}-{version.slag}",
        fakta=version_fakta(version),
        created=timezone.localtime(version.skapad),
    )


def content_etag(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()[:32]


# --- The stored PDF of a frozen version ---------------------------------------------------------


def has_stored_pdf(version: Rapportversion) -> bool:
    return bool(version.pdf) and version.pdf.storage.exists(version.pdf.name)


def rapport_scope(rapport_id) -> str:
    # Here and not in cache_scopes (which imports this module's neighbours): one name.
    return f"uppfoljning:rapport:{rapport_id}"


def store_version_pdf(version_id: int) -> bool:
    """Render a frozen version's PDF and store it on the version. Idempotent: a version whose
    PDF is stored is left as it is. Returns whether a PDF was stored."""
    version = (
        Rapportversion.objects.select_related("rapport__antagen_av").filter(pk=version_id).first()
    )
    if version is None or has_stored_pdf(version):
        return False
    data = render_version_pdf(version)
    field = version.pdf.field
    name = field.storage.save(
        field.generate_filename(version, pdf_filename(version.innehall, version.nummer)),
        ContentFile(data),
    )
    # An update, not save(): storing the rendering changes nothing of the record, and must not
    # overwrite a file stored meanwhile.
    stored = Rapportversion.objects.filter(pk=version.pk, pdf=version.pdf.name or "").update(
        pdf=name
    )
    if not stored:
        field.storage.delete(name)
        return False
    pagecache.invalidate({rapport_scope(version.rapport_id)})
    return True


@task()
def render_rapportversion_pdf(version_id: int) -> bool:
    """Render a frozen version's PDF and store it (enqueued when it is first asked for, or
    when the version is frozen). Returns whether a PDF was stored."""
    return store_version_pdf(version_id)


ENQUEUE_SECONDS = 15 * 60


def enqueue_pdf(version: Rapportversion) -> bool:
    """Enqueue the rendering of a frozen version's PDF once: a second ask within
    ENQUEUE_SECONDS (the page reloaded while the worker renders) enqueues nothing. The task
    is enqueued when the transaction commits. Returns whether it was enqueued."""
    if not cache.add(f"uppfoljning:pdf-koad:{version.pk}", 1, ENQUEUE_SECONDS):
        return False
    version_id = version.pk
    transaction.on_commit(lambda: render_rapportversion_pdf.enqueue(version_id))
    return True


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path
