"""Subscriptions by mail: subscribe (double opt-in), confirm, change, unsubscribe, purge, and
the outbox from which every mail goes out exactly once.

Links carry signed tokens (`django.core.signing`, one salt per purpose) naming the subscription
and a random key stored with it: unsubscribing deletes the row, so its links die with it; a
confirmation link names a key that confirming clears, so it works once, and it expires.

Sending (`forbered` then `skicka`): the outbox (`Utskick`) gets one row per subscriber and event
(direct) or per subscriber and window (daily, weekly digests), under unique constraints, so a
mail cannot be queued twice. Each row is then sent in a transaction that holds it locked and
marks it sent once the SMTP server has accepted it; a row marked sent is never picked again.
A server that is down stops the run with the rows unsent; the next run sends them.
"""

import contextlib
import datetime
import secrets
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from insyn.handelser import Urval, handelser
from insyn.models import Prenumeration, Utskick

F_ = Prenumeration.Frekvens

SALT_BEKRAFTA = "insyn.prenumeration.bekrafta"
SALT_AVSLUTA = "insyn.prenumeration.avsluta"
SALT_HANTERA = "insyn.prenumeration.hantera"

# Unconfirmed subscriptions are deleted after this many days (the privacy text says so).
OBEKRAFTAD_DAGAR = 7
# A direct mail is made for events at most this old (a worker that was down catches up).
DIREKT_BAKAT = datetime.timedelta(days=7)
# Digest windows looked back on: a worker that missed a day or a week still sends it.
DAGAR_BAKAT = 3
VECKOR_BAKAT = 2


class OgiltigLank(Exception):
    """A link that is forged, expired, already used, or whose subscription is gone. The page
    shown for it is the same in every case."""


# --- Tokens -------------------------------------------------------------------------------------


def urval_nyckel(urval: Urval) -> str:
    """The selection in a fixed form: what "the same selection" means."""
    query = urval.as_query()
    return "&".join(f"{key}={query[key]}" for key in sorted(query)) or "alla"


def bekrafta_token(prenumeration: Prenumeration) -> str:
    return signing.dumps(
        {"p": prenumeration.pk, "n": prenumeration.bekraftelse_nyckel}, salt=SALT_BEKRAFTA
    )


def avsluta_token(prenumeration: Prenumeration) -> str:
    return signing.dumps({"p": prenumeration.pk, "n": prenumeration.nyckel}, salt=SALT_AVSLUTA)


def hantera_token(prenumeration: Prenumeration) -> str:
    return signing.dumps({"p": prenumeration.pk, "n": prenumeration.nyckel}, salt=SALT_HANTERA)


def _load(token: str, salt: str, max_age=None) -> dict:
    if not isinstance(token, str) or len(token) > 300:
        raise OgiltigLank
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):  # SignatureExpired is a BadSignature
        raise OgiltigLank from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("p"), int)
        or not isinstance(data.get("n"), str)
        or not data["n"]
    ):
        raise OgiltigLank
    return data


def _by_key(data: dict, field: str, *, lock: bool = False) -> Prenumeration:
    qs = Prenumeration.objects.select_for_update() if lock else Prenumeration.objects
    prenumeration = qs.filter(pk=data["p"]).first()
    if prenumeration is None or not secrets.compare_digest(
        getattr(prenumeration, field), data["n"]
    ):
        raise OgiltigLank
    return prenumeration


def prenumeration_for_token(token: str, *, syfte: str, lock: bool = False) -> Prenumeration:
    """The subscription an unsubscribe (`syfte="avsluta"`) or manage (`"hantera"`) link names;
    OgiltigLank when it is forged or the subscription is gone."""
    salt = {"avsluta": SALT_AVSLUTA, "hantera": SALT_HANTERA}[syfte]
    return _by_key(_load(token, salt), "nyckel", lock=lock)


def check_bekrafta_token(token: str) -> Prenumeration:
    """The unconfirmed subscription a confirmation link names; OgiltigLank when it is forged,
    expired, already used or the subscription is gone."""
    data = _load(token, SALT_BEKRAFTA, max_age=settings.INSYN_BEKRAFTELSE_GILTIG)
    return _by_key(data, "bekraftelse_nyckel")


# --- Subscribe, confirm, change, unsubscribe ----------------------------------------------------


def _new_key() -> str:
    return secrets.token_urlsafe(32)


def _urval_fields(urval: Urval) -> dict:
    return {
        "slag": urval.slag,
        "organ_id": urval.organ,
        "typ_id": urval.typ,
        "omrade_id": urval.omrade,
        "q": urval.q,
        "dokument_id": urval.dokument,
        "urval_nyckel": urval_nyckel(urval),
    }


@transaction.atomic
def prenumerera(*, epost: str, urval: Urval, frekvens: str) -> Prenumeration:
    """Register a subscription awaiting confirmation and queue its confirmation mail. The same
    address and selection again makes no second subscription: an unconfirmed one gets its
    confirmation mail again, a confirmed one nothing (the page the subscriber sees is the same
    either way, so it tells nobody whether an address subscribes)."""
    epost = epost.strip().lower()
    nyckel = urval_nyckel(urval)
    prenumeration = (
        Prenumeration.objects.select_for_update().filter(epost=epost, urval_nyckel=nyckel).first()
    )
    if prenumeration is None:
        try:
            with transaction.atomic():
                prenumeration = Prenumeration.objects.create(
                    epost=epost,
                    frekvens=frekvens,
                    nyckel=_new_key(),
                    bekraftelse_nyckel=_new_key(),
                    **_urval_fields(urval),
                )
        except IntegrityError:  # the same request twice at once: the first one made it
            return Prenumeration.objects.get(epost=epost, urval_nyckel=nyckel)
    elif prenumeration.ar_bekraftad:
        return prenumeration
    else:
        prenumeration.frekvens = frekvens
        prenumeration.save(update_fields=["frekvens"])
    from insyn.tasks import skicka_bekraftelse

    pk = prenumeration.pk
    transaction.on_commit(lambda: skicka_bekraftelse.enqueue(pk))
    return prenumeration


@transaction.atomic
def bekrafta(*, token: str) -> Prenumeration:
    """Confirm the subscription the link names; the link then stops working."""
    data = _load(token, SALT_BEKRAFTA, max_age=settings.INSYN_BEKRAFTELSE_GILTIG)
    prenumeration = _by_key(data, "bekraftelse_nyckel", lock=True)
    prenumeration.bekraftad = timezone.now()
    prenumeration.bekraftelse_nyckel = ""
    prenumeration.save(update_fields=["bekraftad", "bekraftelse_nyckel"])
    return prenumeration


@transaction.atomic
def avsluta(*, token: str) -> None:
    """Delete the subscription the link names, its address and its unsent mails with it."""
    prenumeration_for_token(token, syfte="avsluta", lock=True).delete()


class UrvalFinnsRedan(Exception):
    pass


@transaction.atomic
def andra(*, prenumeration: Prenumeration, urval: Urval, frekvens: str) -> Prenumeration:
    """Change what a subscription follows and how often. UrvalFinnsRedan when the address
    already follows that selection in another subscription."""
    fields = _urval_fields(urval)
    if (
        Prenumeration.objects.filter(epost=prenumeration.epost, urval_nyckel=fields["urval_nyckel"])
        .exclude(pk=prenumeration.pk)
        .exists()
    ):
        raise UrvalFinnsRedan
    for name, value in fields.items():
        setattr(prenumeration, name, value)
    prenumeration.frekvens = frekvens
    try:
        with transaction.atomic():
            prenumeration.save(update_fields=[*fields, "frekvens"])
    except IntegrityError:
        raise UrvalFinnsRedan from None
    return prenumeration


def rensa_obekraftade(nu: datetime.datetime | None = None) -> int:
    """Delete the subscriptions not confirmed within a week of being made; how many."""
    nu = nu or timezone.now()
    gransen = nu - datetime.timedelta(days=OBEKRAFTAD_DAGAR)
    _, per_model = Prenumeration.objects.filter(bekraftad__isnull=True, skapad__lt=gransen).delete()
    return per_model.get(Prenumeration._meta.label, 0)


# --- Digest windows -----------------------------------------------------------------------------


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _midnatt(dag: datetime.date) -> datetime.datetime:
    """Local midnight as an instant in UTC (so that differences count real hours: Python
    subtracts two times of the same zone by the clock on the wall)."""
    return datetime.datetime.combine(dag, datetime.time(0), tzinfo=_zone()).astimezone(datetime.UTC)


@dataclass(frozen=True)
class Fonster:
    """A half-open interval [fran, till) of local time in Europe/Stockholm."""

    fran: datetime.datetime
    till: datetime.datetime

    def __contains__(self, tid: datetime.datetime) -> bool:
        return self.fran <= tid < self.till


def dag(datum: datetime.date) -> Fonster:
    """The local day: midnight to midnight (23 or 25 hours when the clock changes)."""
    return Fonster(_midnatt(datum), _midnatt(datum + datetime.timedelta(days=1)))


def vecka(datum: datetime.date) -> Fonster:
    """The week of `datum`: Monday midnight to the next Monday midnight, local time."""
    mandag = datum - datetime.timedelta(days=datum.weekday())
    return Fonster(_midnatt(mandag), _midnatt(mandag + datetime.timedelta(days=7)))


def fardiga_fonster(frekvens: str, nu: datetime.datetime) -> list[Fonster]:
    """The complete windows of a digest frequency ending at or before `nu`, the latest first
    (a few, so a run that was missed is caught up)."""
    idag = timezone.localtime(nu, _zone()).date()
    if frekvens == F_.DAGLIG:
        return [dag(idag - datetime.timedelta(days=n)) for n in range(1, DAGAR_BAKAT + 1)]
    if frekvens == F_.VECKOVIS:
        return [vecka(idag - datetime.timedelta(weeks=n)) for n in range(1, VECKOR_BAKAT + 1)]
    return []


# --- Filling the outbox -------------------------------------------------------------------------


def _confirmed(frekvens: str):
    return Prenumeration.objects.filter(bekraftad__isnull=False, frekvens=frekvens)


def _by_urval(prenumerationer) -> dict[Urval, list[Prenumeration]]:
    grupper: dict[Urval, list[Prenumeration]] = {}
    for prenumeration in prenumerationer:
        grupper.setdefault(prenumeration.urval, []).append(prenumeration)
    return grupper


def forbered(nu: datetime.datetime | None = None) -> int:
    """Put the mails due at `nu` in the outbox: one per confirmed direct subscriber and event
    since the confirmation, one per digest subscriber and complete window with at least one
    event since the confirmation (an empty digest is never queued). Rows already there are
    left be (the unique constraints); the number of rows added."""
    nu = nu or timezone.now()
    rows: list[Utskick] = []
    for urval, prenumerationer in _by_urval(_confirmed(F_.DIREKT).iterator()).items():
        events = list(handelser(urval, fran=nu - DIREKT_BAKAT, till=nu).values_list("pk", "tid"))
        for prenumeration in prenumerationer:
            rows += [
                Utskick(prenumeration=prenumeration, handelse_id=pk)
                for pk, tid in events
                if tid >= prenumeration.bekraftad
            ]
    for frekvens in (F_.DAGLIG, F_.VECKOVIS):
        fonster = fardiga_fonster(frekvens, nu)
        if not fonster:
            continue
        for urval, prenumerationer in _by_urval(_confirmed(frekvens).iterator()).items():
            tider = list(
                handelser(urval, fran=fonster[-1].fran, till=fonster[0].till).values_list(
                    "tid", flat=True
                )
            )
            for prenumeration in prenumerationer:
                for f in fonster:
                    if any(t in f and t >= prenumeration.bekraftad for t in tider):
                        rows.append(
                            Utskick(
                                prenumeration=prenumeration,
                                fonster_fran=f.fran,
                                fonster_till=f.till,
                            )
                        )
    before = Utskick.objects.count()
    Utskick.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return Utskick.objects.count() - before


# --- Sending ------------------------------------------------------------------------------------


@dataclass
class Resultat:
    skickade: int = 0
    fel: str = ""


def skicka(*, max_antal: int | None = None) -> Resultat:
    """Send the unsent rows of the outbox, oldest first, over one SMTP connection. Each row is
    locked, sent and marked sent in one transaction: a row another worker holds is skipped,
    a row marked sent is never read again. The first failure (the server down, a refusal)
    stops the run: the row stays unsent with the error noted, to be sent by a later run."""
    from insyn.mail import utskick_meddelande

    resultat = Resultat()
    connection = mailers.default
    try:
        pending = Utskick.objects.filter(skickad__isnull=True).order_by("pk")
        ids = list(pending.values_list("pk", flat=True)[:max_antal])
        for pk in ids:
            try:
                with transaction.atomic():
                    utskick = (
                        Utskick.objects.select_for_update(skip_locked=True, of=("self",))
                        .select_related("prenumeration", "handelse")
                        .filter(pk=pk, skickad__isnull=True)
                        .first()
                    )
                    if utskick is None:
                        continue  # sent by another worker, or its subscription ended
                    meddelande = utskick_meddelande(utskick)
                    if meddelande is not None:
                        connection.open()  # once; a no-op while the connection is open
                        if connection.send_messages([meddelande]) != 1:
                            raise RuntimeError("E-postservern tog inte emot brevet.")
                    utskick.skickad = timezone.now()
                    utskick.forsok = F("forsok") + 1
                    utskick.save(update_fields=["skickad", "forsok"])
            except Exception as error:  # noqa: BLE001 - any failure leaves the row unsent
                Utskick.objects.filter(pk=pk, skickad__isnull=True).update(
                    forsok=F("forsok") + 1, senaste_fel=str(error)[:300] or type(error).__name__
                )
                resultat.fel = str(error) or type(error).__name__
                return resultat
            resultat.skickade += 1
    finally:
        with contextlib.suppress(Exception):  # closing a connection that died
            connection.close()
    return resultat


def ej_skickade() -> int:
    return Utskick.objects.filter(skickad__isnull=True).count()
