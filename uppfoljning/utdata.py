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
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.text import slugify

from mal.fulfilment import STATUS, status_label, status_shape
from mal.models import Utfall
from styrning import locking, pagecache
from styrning.actionlog import Handling, log_action
from styrning.formatting import format_number
from styrning.pdf import chapters, render_html, write_pdf
from uppfoljning import innehall as schema
from uppfoljning.models import AretSomGick, Rapportversion

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


def tal(value) -> str:
    """A number of the schema (a string with a decimal point) as Swedes write it."""
    number = decimal_or_none(value)
    return "–" if number is None else format_number(number).replace("-", "−")


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
    if len(shown) < 2:
        return None  # one bar pair says nothing the table does not
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
                    "text": f"{name} {belopp(rad.get(key), enhet)} {enhet}"
                    if value is not None
                    else f"{name} saknas",
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
    # the kind asks for a balanskrav block that is not there yet: the part is listed as missing
    balanskrav_saknas = not balanskrav and any(
        a.get("slag") == "balanskrav" for a in innehall.get("avsnitt") or []
    )

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
    if balanskrav or balanskrav_saknas:
        sektioner.append(("balanskrav", "Balanskravsresultat"))

    goals = []
    for goal in mal:
        goals.append(
            {
                **goal,
                "id_attr": f"{prefix}-mal-{goal.get('id')}",
                "bedomning": _status(goal_status(goal)),
                "forslag_status": _status(goal.get("forslag") or "saknas"),
                "indikatorer": [
                    {
                        **i,
                        "varde": tal(i.get("varde")),
                        "malvarde": tal(i.get("malvarde")),
                    }
                    for i in goal.get("indikatorer") or []
                ],
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
        "balanskrav_saknas": balanskrav_saknas,
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
        fakta={**version_fakta(version), "Kontrollsumma (SHA-256)": version.kontrollsumma},
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


# --- Året som gick ------------------------------------------------------------------------------

HOGDPUNKTER = 3
CITAT_TECKEN = 240


def kronor_i_ord(belopp) -> str:
    """An amount for everyone: "5,2 miljarder kronor", "180 miljoner kronor", "45 000 kronor"."""
    value = decimal_or_none(belopp)
    if value is None:
        return "–"
    size = abs(value)
    if size >= 1_000_000_000:
        text = f"{format_number(value / 1_000_000_000, 1)} miljarder kronor"
    elif size >= 1_000_000:
        text = f"{format_number(value / 1_000_000, 1 if size < 10_000_000 else 0)} miljoner kronor"
    else:
        text = f"{format_number(value, 0)} kronor"
    return text.replace(",0 ", " ").replace("-", "−")


def citat(text: str) -> str:
    """The first sentences of an analysis, at most CITAT_TECKEN characters, cut at a word."""
    text = " ".join(text.split())
    if len(text) <= CITAT_TECKEN:
        return text
    cut = text[:CITAT_TECKEN]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if end > CITAT_TECKEN // 3:
        return cut[: end + 1]
    return cut[: cut.rfind(" ")].rstrip(",;:") + " …"


def adopted_version(rapport) -> Rapportversion | None:
    if rapport is None:
        return None
    return rapport.versioner.filter(slag=Rapportversion.Slag.ANTAGEN).order_by("-nummer").first()


def _andelar(rader: list[dict]) -> list[dict]:
    """Lines {namn, belopp} with each one's share of the total in whole per cent (summing to
    100, as the hundred kronor; a line of no amount has none)."""
    shares = iter(hundra_kronor(rader, falt="belopp"))
    result = []
    for rad in rader:
        counted = rad.get("namn") is not None and (decimal_or_none(rad.get("belopp")) or 0) > 0
        result.append(
            {
                "namn": rad.get("namn", ""),
                "belopp_text": kronor_i_ord(rad.get("belopp")),
                "procent": next(shares)["kronor"] if counted else None,
            }
        )
    return result


def hundra_chart(andelar: list[dict], chart_id: str) -> dict | None:
    if not andelar:
        return None
    top = max(a["kronor"] for a in andelar) or 1
    plot_w = BAR_WIDTH - 260 - 90
    rows = []
    for n, a in enumerate(andelar):
        y = 6 + n * 30
        w = a["kronor"] / top * plot_w
        rows.append(
            {
                "namn": a["namn"],
                "kronor": a["kronor"],
                "y": y,
                "text_y": y + 15,
                "w": f"{w:.1f}",
                "count_x": f"{266 + w:.1f}",
            }
        )
    return {
        "id": chart_id,
        "width": BAR_WIDTH,
        "height": 12 + len(rows) * 30,
        "rows": rows,
        "title": "Så användes hundra kronor",
        "desc": "Av hundra kronor gick "
        + ", ".join(f"{a['kronor']} kronor till {a['namn']}" for a in andelar)
        + ".",
    }


def verksamheter(innehall: dict) -> list[dict]:
    """The rows the hundred kronor are shared between: the economy's rows per verksamhet;
    when the report has only its own row, the compiled parts' totals (one per nämnd)."""
    rader = (innehall.get("ekonomi") or {}).get("rader") or []
    delar = innehall.get("delar") or []
    if len(rader) >= 2 or not delar:
        return rader
    return [
        {
            "namn": ((d.get("organisation") or {}).get("namn")) or "",
            "utfall_hittills": ((d.get("sammanfattning") or {}).get("ekonomi") or {}).get(
                "utfall_hittills", ""
            ),
        }
        for d in delar
    ]


def aret_som_gick_context(aret) -> dict:
    """Året som gick for the page and the PDF: the controller's words and the figures of the
    adopted årsredovisning's frozen content."""
    version = adopted_version(aret.arsredovisning)
    innehall = version.innehall if version is not None else {}
    hundra = hundra_kronor(verksamheter(innehall))
    mal = innehall.get("mal") or []
    hogdpunkter = [
        {"titel": m.get("titel", ""), "citat": citat(m["analys"])}
        for m in mal
        if m.get("utfall") == Utfall.UPPFYLLT and (m.get("analys") or "").strip()
    ][:HOGDPUNKTER]
    malstatus = malstatus_counts(mal) if mal else []
    rapport = aret.arsredovisning
    return {
        "aret": aret,
        "ar": aret.ar,
        "version": version,
        "inkomster": _andelar(aret.inkomster or []),
        "inkomster_total": kronor_i_ord(
            sum((decimal_or_none(r.get("belopp")) or 0) for r in aret.inkomster or [])
        )
        if aret.inkomster
        else "",
        "hundra": hundra,
        "hundra_chart": hundra_chart(hundra, f"hundra-{aret.ar}"),
        "malstatus": malstatus,
        "mal_antal": len(mal),
        "mal_uppfyllda": sum(c["antal"] for c in malstatus if c["status"] == Utfall.UPPFYLLT),
        "hogdpunkter": hogdpunkter,
        "investeringar": [
            {"namn": r.get("namn", ""), "belopp_text": kronor_i_ord(r.get("belopp"))}
            for r in aret.investeringar or []
        ],
        "investeringar_total": kronor_i_ord(
            sum((decimal_or_none(r.get("belopp")) or 0) for r in aret.investeringar or [])
        )
        if aret.investeringar
        else "",
        "rapport": rapport if version is not None else None,
    }


def render_aret_som_gick_pdf(aret) -> bytes:
    context = aret_som_gick_context(aret)
    body, kapitel = chapters(
        render_to_string(
            "uppfoljning/publik/_aret_som_gick.html",
            {**context, "utskrift": True, "site": settings.SITE_URL.rstrip("/")},
        )
    )
    html = render_html(
        "uppfoljning/pdf/aret_som_gick.html",
        {**context, "body": body, "kapitel": kapitel},
        title=f"Året som gick {aret.ar}",
    )
    return write_pdf(html, identifier=f"styrning-aret-som-gick-{aret.ar}")


@transaction.atomic
def spara_aret_som_gick(*, user, ar: int, data: dict, andringsmarke: str | None = None):
    """Save Året som gick for a year (made on the first save); refused with who saved when if
    someone saved it since the form was shown (styrning.locking). Logged."""
    aret = AretSomGick.objects.select_for_update().filter(ar=ar).first()
    locking.check_unchanged(aret, andringsmarke, detail="Läs texten som den är nu och spara igen.")
    rapport = data.get("arsredovisning")
    if rapport is not None and rapport.rapportperiod.ar != ar:
        raise ValidationError("Årsredovisningen gäller ett annat år.")
    if aret is None:
        aret = AretSomGick(ar=ar)
    aret.arsredovisning = rapport
    for field in ("ingress", "resultat_mening", "handelser"):
        setattr(aret, field, data.get(field) or "")
    aret.inkomster = data.get("inkomster") or []
    aret.investeringar = data.get("investeringar") or []
    aret.publicerad = bool(data.get("publicerad"))
    aret.save()
    log_action(
        user=user,
        handling=Handling.ARET_SOM_GICK_SPARAT,
        objekt=aret,
        data={"ar": ar, "publicerad": aret.publicerad},
        publik=aret.publicerad,
    )
    return aret
