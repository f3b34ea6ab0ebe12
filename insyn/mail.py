"""The subscription mails: the confirmation, a direct mail about one event (a revision with
the header fields that changed and a short text diff), and a digest of a window grouped by
document. Every mail carries a one-click unsubscribe link and the RFC 8058 headers, and a link
to change the subscription. Plain text, from templates under templates/insyn/mail/."""

import difflib
from dataclasses import dataclass, field
from email.utils import make_msgid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dokument.diff import header_changes
from dokument.models import Dokument, Dokumentversion
from insyn import handelser as h
from insyn.models import Prenumeration, Utskick
from insyn.prenumeration import avsluta_token, bekrafta_token, hantera_token

# Header fields a revision mail compares: what the public page shows of a decision. The
# responsible official and the secrecy fields are left out of mail.
PUBLIKA_FALT = {
    "Titel",
    "Fastställt av",
    "Beslutsdatum",
    "Paragraf",
    "Diarienummer",
    "Reviderad",
    "Revideringsansvarig",
    "Uppföljningsansvarig",
    "Gäller för",
    "Gäller från",
    "Gäller till",
    "Fil",
}
DIFF_KONTEXT = 2
DIFF_MAX_RADER = 40


def absolut(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _lankar(prenumeration: Prenumeration) -> dict:
    return {
        "avsluta_url": absolut(reverse("insyn:avsluta", args=[avsluta_token(prenumeration)])),
        "hantera_url": absolut(reverse("insyn:hantera", args=[hantera_token(prenumeration)])),
        "personuppgifter_url": absolut(reverse("insyn:personuppgifter")),
    }


def _message(prenumeration: Prenumeration, subject: str, body: str, lankar: dict, *, msgid=None):
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or None
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[prenumeration.epost],
        headers={
            "List-Unsubscribe": f"<{lankar['avsluta_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Message-ID": msgid or make_msgid(domain=domain),
        },
    )


def bekraftelse_meddelande(prenumeration: Prenumeration) -> EmailMessage:
    lankar = _lankar(prenumeration)
    context = {
        "beskrivning": prenumeration.urval.beskrivning(),
        "frekvens": prenumeration.get_frekvens_display().lower(),
        "bekrafta_url": absolut(reverse("insyn:bekrafta", args=[bekrafta_token(prenumeration)])),
        "giltig_timmar": settings.INSYN_BEKRAFTELSE_GILTIG // 3600,
        "kommun": settings.KOMMUN_NAMN,
        **lankar,
    }
    return _message(
        prenumeration,
        f"Bekräfta din prenumeration hos {settings.KOMMUN_NAMN}",
        render_to_string("insyn/mail/bekrafta.txt", context),
        lankar,
    )


# --- What changed in a revision -----------------------------------------------------------------


@dataclass
class Andringar:
    falt: list = field(default_factory=list)  # dokument.diff.FieldChange
    diff: list[str] = field(default_factory=list)
    avkortad: bool = False
    tidigare_url: str = ""


def andringar(handelse) -> Andringar | None:
    """For a revision: the public header fields that changed between the previous published
    version and the new one, and a short unified diff of the text (a few lines of context,
    cut after `DIFF_MAX_RADER` lines). None for any other event or when a version is gone."""
    if not h.is_revision(handelse):
        return None
    ny_nummer = handelse.data.get("versionsnummer")
    gammal_nummer = handelse.data.get("ersatter_version")
    versions = {
        v.versionsnummer: v
        for v in Dokumentversion.objects.filter(
            dokument_id=handelse.objekt_id,
            versionsnummer__in=[ny_nummer, gammal_nummer],
            status=Dokumentversion.Status.PUBLICERAD,
        )
        .select_related("faststalld_av")
        .prefetch_related("giltighetsomrade")
    }
    ny, gammal = versions.get(ny_nummer), versions.get(gammal_nummer)
    if ny is None or gammal is None:
        return None
    falt = [c for c in header_changes(gammal, ny) if c.label in PUBLIKA_FALT]
    rader = list(
        difflib.unified_diff(
            (gammal.text or "").splitlines(),
            (ny.text or "").splitlines(),
            fromfile=f"version {gammal.versionsnummer}",
            tofile=f"version {ny.versionsnummer}",
            n=DIFF_KONTEXT,
            lineterm="",
        )
    )
    return Andringar(
        falt=falt,
        diff=rader[:DIFF_MAX_RADER],
        avkortad=len(rader) > DIFF_MAX_RADER,
        tidigare_url=absolut(gammal.get_absolute_url()),
    )


# --- Event mails --------------------------------------------------------------------------------


def _rad(handelse) -> dict:
    return {
        "rubrik": h.rubrik(handelse),
        "url": absolut(h.lank(handelse)),
        "tid": timezone.localtime(handelse.tid),
    }


def _msgid(utskick: Utskick) -> str:
    """A Message-ID fixed per outbox row: should a mail ever go out twice (the process died
    between the server's acceptance and the commit), the receiving side sees the same id."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"<utskick-{utskick.pk}@{domain}>"


def _direkt(utskick: Utskick, lankar: dict) -> EmailMessage | None:
    handelse = utskick.handelse
    context = {
        "rad": _rad(handelse),
        "andringar": andringar(handelse),
        "beskrivning": utskick.prenumeration.urval.beskrivning(),
        "dokument_url": absolut(reverse("dokument:detalj", args=[handelse.objekt_id]))
        if handelse.handling in h.DOKUMENT_HANDLINGAR
        else "",
        "kommun": settings.KOMMUN_NAMN,
        **lankar,
    }
    return _message(
        utskick.prenumeration,
        h.rubrik(handelse),
        render_to_string("insyn/mail/handelse.txt", context),
        lankar,
        msgid=_msgid(utskick),
    )


def grupperade(events) -> list[dict]:
    """The events grouped by the document or report they concern, the group with the newest
    event first, each group's lines newest first."""
    grupper: dict[tuple, dict] = {}
    for handelse in sorted(events, key=lambda e: (e.tid, e.pk), reverse=True):
        key = (handelse.objekttyp_id, handelse.objekt_id)
        if key not in grupper:
            dokument_typ = ContentType.objects.get_for_model(Dokument).pk
            grupper[key] = {
                "namn": (handelse.data or {}).get("titel") or handelse.objekt_text,
                "url": absolut(reverse("dokument:detalj", args=[handelse.objekt_id]))
                if handelse.objekttyp_id == dokument_typ
                else absolut(h.lank(handelse)),
                "rader": [],
            }
        grupper[key]["rader"].append(_rad(handelse))
    return list(grupper.values())


def _sammandrag(utskick: Utskick, lankar: dict) -> EmailMessage | None:
    prenumeration = utskick.prenumeration
    fran = max(utskick.fonster_fran, prenumeration.bekraftad)
    events = list(h.handelser(prenumeration.urval, fran=fran, till=utskick.fonster_till))
    if not events:
        return None  # an empty digest is never sent
    grupper = grupperade(events)
    daglig = prenumeration.frekvens == Prenumeration.Frekvens.DAGLIG
    start = timezone.localtime(utskick.fonster_fran).date()
    slut = timezone.localtime(utskick.fonster_till).date()
    period = f"{start:%Y-%m-%d}" if daglig else f"veckan {start:%Y-%m-%d}–{slut:%Y-%m-%d}"
    antal = len(events)
    context = {
        "grupper": grupper,
        "period": period,
        "antal": antal,
        "beskrivning": prenumeration.urval.beskrivning(),
        "kommun": settings.KOMMUN_NAMN,
        **lankar,
    }
    ord_ = "händelse" if antal == 1 else "händelser"
    return _message(
        prenumeration,
        f"{'Dagens' if daglig else 'Veckans'} sammandrag {period}: {antal} {ord_}",
        render_to_string("insyn/mail/sammandrag.txt", context),
        lankar,
        msgid=_msgid(utskick),
    )


def utskick_meddelande(utskick: Utskick) -> EmailMessage | None:
    """The mail of an outbox row; None when there is nothing to say (a digest whose events
    are no longer public): the row is then marked done without a mail."""
    lankar = _lankar(utskick.prenumeration)
    if utskick.handelse_id:
        return _direkt(utskick, lankar)
    return _sammandrag(utskick, lankar)
