"""Writes with rules on governing documents: register, adopt, publish, revise, link, review,
repeal. Each takes the acting user, checks that the user may act, runs in a transaction, raises
a ValidationError with a Swedish message when a rule stops it, and writes its act to the log of
acts (`styrning.actionlog`) on the document, in the same transaction."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from dokument.models import (
    Diarienummer,
    Dokument,
    Dokumentlank,
    Dokumenttyp,
    Dokumentversion,
    Forfattningsnummer,
    Granskning,
)
from dokument.personnummer import find_personnummer, mask
from dokument.queries import dokument_for_user
from styrning import locking, permissions
from styrning.actionlog import Handling, log_action
from styrning.models import Mandatperiod, Organisation
from styrning.queries import organisation_tree

# The header and content fields a version carries (the M2M scope and the file come apart).
VERSION_FIELDS = [
    "titel",
    "text",
    "faststalld_av",
    "beslutsdatum",
    "paragraf",
    "diarienummer",
    "reviderad_datum",
    "revideringsansvarig",
    "uppfoljningsansvarig",
    "giltig_fran",
    "giltig_till",
    "dokumentansvarig",
    "sekretess",
    "sekretess_paragraf",
]


# --- Rules, usable from forms too --------------------------------------------------------------


def check_may_edit(user, organisation: Organisation) -> None:
    if not permissions.can_edit_documents(user, organisation.pk):
        raise PermissionDenied("Du får inte hantera styrdokument för den här organisationen.")


def check_adoption(typ: Dokumenttyp, organisation: Organisation) -> None:
    """The adoption matrix: refuse a body whose kind may not adopt the type, naming the rule."""
    if typ.may_be_adopted_by(organisation.typ):
        return
    raise ValidationError(
        {
            "faststalld_av": (
                f"{organisation} får inte anta {typ.namn_plural.lower()}: enligt regeln för "
                f"dokumenttypen {typ.namn.lower()} får den antas av {typ.antas_av_display}, "
                f"inte av en {organisation.get_typ_display().lower()}."
            )
        },
        code="antagande",
    )


def check_adopter(*, user, agare: Organisation, faststalld_av: Organisation) -> None:
    """Who may adopt a document of this owner: the owner itself or a body above it in the
    organisation (a nämnd's programme may be adopted by fullmäktige, never by another nämnd or
    by a unit below the owner); and the user registering the decision must handle the
    documents of the adopting body (fullmäktige's decisions are registered by those who handle
    fullmäktige's documents, not by a nämnd's secretary). `user` None: the first rule only."""
    if not organisation_tree().is_at_or_above(faststalld_av.pk, agare.pk):
        raise ValidationError(
            {
                "faststalld_av": (
                    f"{faststalld_av} kan inte fastställa ett dokument som {agare} äger: ett "
                    "dokument fastställs av sin ägare eller av ett organ över ägaren i "
                    "organisationen. Välj ett annat organ, eller ändra ägaren om dokumentet "
                    f"hör till {faststalld_av}."
                )
            },
            code="agare_faststallt_av",
        )
    if user is not None and not permissions.can_edit_documents(user, faststalld_av.pk):
        raise ValidationError(
            {
                "faststalld_av": (
                    f"Du hanterar inte de dokument som {faststalld_av} fastställer och kan inte "
                    "registrera dess beslut. Be den som hanterar dem (för fullmäktige och "
                    "kommunstyrelsen: kommunstyrelsens sekretariat) att registrera dokumentet, "
                    "eller välj ett organ vars dokument du hanterar."
                )
            },
            code="faststallt_av_behorighet",
        )


def check_decision(
    *, user, typ: Dokumenttyp, agare: Organisation, faststalld_av: Organisation
) -> None:
    """Every rule on who adopts: the type's adoption matrix first, then owner and user."""
    check_adoption(typ, faststalld_av)
    check_adopter(user=user, agare=agare, faststalld_av=faststalld_av)


def _case_number_taken(nummer: str, *, dokument_id: int | None, user) -> str | None:
    """The Swedish error when another document holds the case number, or None. A withdrawn
    (makulerad) registration holds none. The message links to the holder when `user` may see
    it, so a mistaken registration can be found and withdrawn or corrected."""
    taken = Dokumentversion.objects.filter(diarienummer__iexact=nummer.strip()).exclude(
        dokument__status=Dokument.Status.MAKULERAD
    )
    if dokument_id is not None:
        taken = taken.exclude(dokument_id=dokument_id)
    holder = taken.order_by("-versionsnummer").values_list("dokument_id", "titel").first()
    if holder is None:
        return None
    if user is not None and dokument_for_user(user).filter(pk=holder[0]).exists():
        return format_html(
            'Diarienumret {} används redan av <a href="{}">{}</a>.',
            nummer,
            reverse("dokument:detalj", args=[holder[0]]),
            holder[1],
        )
    return f"Diarienumret {nummer} används redan av ett annat dokument."


def _hold_case_numbers(dokument: Dokument, user) -> None:
    """Keep the document's rows of `Diarienummer` in step with the numbers its versions carry.
    The database refuses a number another document holds: when a registration at the same
    moment took it first, that is the same Swedish error as the form gives."""
    numbers = {
        nummer.strip().lower(): nummer.strip()
        for nummer in dokument.versioner.values_list("diarienummer", flat=True)
        if nummer.strip()
    }
    rows = {row.nummer.lower(): row for row in dokument.diarienummer.filter(ledigt=False)}
    gone = [row.pk for key, row in rows.items() if key not in numbers]
    if gone:
        Diarienummer.objects.filter(pk__in=gone).delete()  # a draft's number was changed
    for key, nummer in numbers.items():
        if key in rows:
            continue
        try:
            with transaction.atomic():
                Diarienummer.objects.create(nummer=nummer, dokument=dokument)
        except IntegrityError as error:
            message = _case_number_taken(nummer, dokument_id=dokument.pk, user=user)
            raise ValidationError(
                {"diarienummer": message or f"Diarienumret {nummer} används redan."}
            ) from error


def check_header(
    *,
    dokument_id: int | None,
    beslutsdatum: datetime.date | None,
    giltig_fran: datetime.date | None,
    giltig_till: datetime.date | None,
    diarienummer: str,
    user=None,
) -> None:
    """Header rules: no decision in the future, valid-until not before valid-from, a case
    number belongs to one document only (not counting withdrawn ones). `user`: the one who
    asks, for a link to the document that holds the number."""
    errors: dict[str, str] = {}
    if beslutsdatum and beslutsdatum > timezone.localdate():
        errors["beslutsdatum"] = "Beslutsdatumet kan inte ligga i framtiden."
    if giltig_fran and giltig_till and giltig_till < giltig_fran:
        errors["giltig_till"] = "Gäller till och med kan inte vara före gäller från."
    if diarienummer:
        taken = _case_number_taken(diarienummer, dokument_id=dokument_id, user=user)
        if taken:
            errors["diarienummer"] = taken
    if errors:
        raise ValidationError(errors)


def next_review_date(typ: Dokumenttyp, base: datetime.date) -> datetime.date | None:
    """When a document adopted or reviewed on `base` is next due for review, by its type's rule.

    Once per mandatperiod: by the end of the term of office that the year after `base` falls
    in (a document adopted in a term's last year is due by the end of the next term).
    """
    regel = Dokumenttyp.Granskningsregel
    if typ.granskningsregel == regel.AR and typ.granskning_ar:
        year = base.year + typ.granskning_ar
        try:
            return base.replace(year=year)
        except ValueError:  # 29 February
            return base.replace(year=year, day=28)
    if typ.granskningsregel == regel.MANDATPERIOD:
        year = base.year + 1
        period = Mandatperiod.objects.filter(start_ar__lte=year, slut_ar__gte=year).first()
        # Swedish terms of office run four years from 2023, 2027 …
        last = period.slut_ar if period else year - ((year - 2023) % 4) + 3
        return datetime.date(last, 12, 31)
    return None


# --- Optimistic concurrency (styrning.locking) ----------------------------------------------------


def _check_no_newer_version(dokument: Dokument, senaste_version: int) -> None:
    """Refuse a revision based on an older version than the document's latest, in the words of
    the one locking message."""
    last = dokument.versioner.select_related("skapad_av").order_by("-versionsnummer").first()
    if (last.versionsnummer if last else 0) == senaste_version:
        return
    raise ValidationError(
        f"{locking.changed_message(last.skapad_av, last.skapad)} Version {last.versionsnummer} "
        "har lagts till. Öppna revideringen igen så utgår den från den senaste versionen. "
        "Ingenting har sparats.",
        code="ny_version",
    )


def _lock_dokument(pk: int) -> Dokument:
    return Dokument.objects.select_for_update().select_related("typ", "agare").get(pk=pk)


def _lock_version(version: Dokumentversion) -> None:
    """Re-read the version under a row lock, so its status is the committed one."""
    version.refresh_from_db(from_queryset=Dokumentversion.objects.select_for_update())


# --- The log of acts ----------------------------------------------------------------------------


def _log(*, user, handling: str, dokument: Dokument, publik: bool = False, **data) -> None:
    """Write the act to the log of acts on the document, for its owner."""
    log_action(
        user=user,
        handling=handling,
        objekt=dokument,
        organisation=dokument.agare_id,
        data=data,
        publik=publik,
        objekt_text=str(dokument) if dokument.aktuell_version else data.get("titel", ""),
    )


def _datum(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _version_data(version: Dokumentversion) -> dict:
    """What an act on a version records: its number, title, status and decision."""
    return {
        "versionsnummer": version.versionsnummer,
        "titel": version.titel,
        "status": version.status,
        "beslut": version.beslut_display,
    }


# --- Register, revise, adopt --------------------------------------------------------------------


def _has_decision(data: dict) -> bool:
    return bool(data.get("faststalld_av") and data.get("beslutsdatum"))


def _create_version(
    *, user, dokument: Dokument, data: dict, giltighetsomrade, fil, fil_text: str
) -> Dokumentversion:
    if data.get("faststalld_av"):
        check_decision(
            user=user, typ=dokument.typ, agare=dokument.agare, faststalld_av=data["faststalld_av"]
        )
    check_header(
        dokument_id=dokument.pk,
        beslutsdatum=data.get("beslutsdatum"),
        giltig_fran=data.get("giltig_fran"),
        giltig_till=data.get("giltig_till"),
        diarienummer=data.get("diarienummer", ""),
        user=user,
    )
    last = dokument.versioner.order_by("-versionsnummer").first()
    version = Dokumentversion(
        dokument=dokument,
        versionsnummer=(last.versionsnummer + 1) if last else 1,
        status=(
            Dokumentversion.Status.FASTSTALLD
            if _has_decision(data)
            else Dokumentversion.Status.UTKAST
        ),
        skapad_av=user,
        fil_text=fil_text or "",
        **{key: data[key] for key in VERSION_FIELDS if key in data},
    )
    version._history_user = user
    if fil:
        version.fil = fil
    elif last and last.fil:
        # A revision without a new file keeps the last one.
        version.fil = last.fil.name
        version.fil_text = last.fil_text
    version.save()
    version.giltighetsomrade.set(giltighetsomrade or [])
    _hold_case_numbers(dokument, user)
    return version


@transaction.atomic
def registrera_dokument(
    *,
    user,
    typ: Dokumenttyp,
    agare: Organisation,
    data: dict,
    giltighetsomrade=(),
    fil=None,
    fil_text: str = "",
    overordnade=(),
) -> Dokument:
    """Register a new document with its first version; with a decision it is adopted."""
    check_may_edit(user, agare)
    dokument = Dokument.objects.create(typ=typ, agare=agare)
    version = _create_version(
        user=user,
        dokument=dokument,
        data=data,
        giltighetsomrade=giltighetsomrade,
        fil=fil,
        fil_text=fil_text,
    )
    _log(
        user=user,
        handling=Handling.REGISTRERAD,
        dokument=dokument,
        typ=typ.namn,
        **_version_data(version),
    )
    for hogre in overordnade:
        try:
            add_lank(user=user, fran=dokument, till=hogre, typ=Dokumentlank.Typ.KONKRETISERAR)
        except ValidationError as error:
            # The links are the `overordnade` of this service: its errors belong there.
            raise ValidationError({"overordnade": error.messages}) from error
    return dokument


@transaction.atomic
def revidera_dokument(
    *,
    user,
    dokument: Dokument,
    data: dict,
    giltighetsomrade=(),
    fil=None,
    fil_text: str = "",
    senaste_version: int | None = None,
) -> Dokumentversion:
    """A revision: a new version of the same document, with its own decision.

    The document row is locked, so two revisions at once get consecutive numbers. With
    `senaste_version` (the latest version number when the form was opened) a revision based
    on an older version than the latest is refused."""
    dokument = _lock_dokument(dokument.pk)
    check_may_edit(user, dokument.agare)
    if senaste_version is not None:
        _check_no_newer_version(dokument, senaste_version)
    check_not_withdrawn(dokument)
    if dokument.status in (Dokument.Status.UPPHAVD, Dokument.Status.ERSATT):
        raise ValidationError(
            f"Dokumentet är {dokument.status_display.lower()} och kan inte revideras."
        )
    version = _create_version(
        user=user,
        dokument=dokument,
        data=data,
        giltighetsomrade=giltighetsomrade,
        fil=fil,
        fil_text=fil_text,
    )
    _log(user=user, handling=Handling.REVIDERAD, dokument=dokument, **_version_data(version))
    return version


@transaction.atomic
def andra_utkast(
    *,
    user,
    version: Dokumentversion,
    data: dict,
    giltighetsomrade=(),
    fil=None,
    fil_text: str = "",
    andringsmarke: str | None = None,
    agare: Organisation | None = None,
) -> Dokumentversion:
    """Change a draft in place. An adopted version is never edited: it is revised; but a
    registration that was never published is corrected here, adopted or not, owner
    (`agare`) and decision included, so a mistake in it is mended without the database.

    The document and the version are locked; with `andringsmarke` (the version's change token,
    `styrning.locking.token`, when the form was opened) a change made meanwhile by somebody
    else is not overwritten: `locking.Konflikt` is raised and nothing is saved."""
    dokument = _lock_dokument(version.dokument_id)
    check_may_edit(user, dokument.agare)
    _lock_version(version)
    locking.check_unchanged(
        version,
        andringsmarke,
        detail="Läs utkastet som det är nu; sparar du igen ersätter dina uppgifter ändringen.",
    )
    check_not_withdrawn(dokument)
    if not is_correctable(dokument, version):
        raise ValidationError(
            "Bara utkast kan ändras. En fastställd version revideras med en ny version."
        )
    tidigare_agare = None
    if agare is not None and agare.pk != dokument.agare_id:
        if dokument.status != Dokument.Status.UTKAST:
            raise ValidationError(
                {"agare": "Ägaren kan bara rättas innan dokumentet har publicerats."}
            )
        if not permissions.can_edit_documents(user, agare.pk):
            raise ValidationError(
                {"agare": f"Du hanterar inte styrdokument för {agare} och kan inte ge dem det."}
            )
        tidigare_agare = str(dokument.agare)
        dokument.agare = agare
        dokument._history_user = user
        dokument.save(update_fields=["agare"])
    if data.get("faststalld_av"):
        check_decision(
            user=user, typ=dokument.typ, agare=dokument.agare, faststalld_av=data["faststalld_av"]
        )
    check_header(
        dokument_id=dokument.pk,
        beslutsdatum=data.get("beslutsdatum"),
        giltig_fran=data.get("giltig_fran"),
        giltig_till=data.get("giltig_till"),
        diarienummer=data.get("diarienummer", ""),
        user=user,
    )
    fields = [key for key in VERSION_FIELDS if key in data]
    changed = [key for key in fields if getattr(version, key) != data[key]]
    for key in fields:
        setattr(version, key, data[key])
    status = (
        Dokumentversion.Status.FASTSTALLD if _has_decision(data) else Dokumentversion.Status.UTKAST
    )
    if status != version.status:
        version.status = status
        fields.append("status")
        changed.append("status")
    if tidigare_agare is not None:
        changed.insert(0, "agare")
    if fil:
        version.fil = fil
        version.fil_text = fil_text or ""
        fields += ["fil", "fil_text"]
        changed.append("fil")
    scope = {org.pk for org in giltighetsomrade or []}
    if scope != set(version.giltighetsomrade.values_list("pk", flat=True)):
        changed.append("giltighetsomrade")
    version._history_user = user
    version.save(update_fields=fields)
    version.giltighetsomrade.set(giltighetsomrade or [])
    _hold_case_numbers(dokument, user)
    _log(
        user=user,
        handling=Handling.ANDRAD,
        dokument=dokument,
        falt=changed,
        **({"tidigare_agare": tidigare_agare} if tidigare_agare else {}),
        **_version_data(version),
    )
    return version


@transaction.atomic
def faststall_version(
    *,
    user,
    version: Dokumentversion,
    faststalld_av: Organisation,
    beslutsdatum: datetime.date,
    paragraf: str,
    diarienummer: str,
) -> Dokumentversion:
    """Record the decision that adopts a draft version. The version is re-read under a lock:
    of two people adopting the same draft, the second is refused."""
    dokument = _lock_dokument(version.dokument_id)
    check_may_edit(user, dokument.agare)
    _lock_version(version)
    if version.status != Dokumentversion.Status.UTKAST:
        raise ValidationError(
            f"Versionen är redan fastställd ({version.beslut_display}). Ingenting har ändrats.",
            code="faststalld",
        )
    check_not_withdrawn(dokument)
    check_decision(user=user, typ=dokument.typ, agare=dokument.agare, faststalld_av=faststalld_av)
    check_header(
        dokument_id=version.dokument_id,
        beslutsdatum=beslutsdatum,
        giltig_fran=version.giltig_fran,
        giltig_till=version.giltig_till,
        diarienummer=diarienummer,
        user=user,
    )
    version.faststalld_av = faststalld_av
    version.beslutsdatum = beslutsdatum
    version.paragraf = paragraf
    version.diarienummer = diarienummer
    version.status = Dokumentversion.Status.FASTSTALLD
    version._history_user = user
    version.save(
        update_fields=["faststalld_av", "beslutsdatum", "paragraf", "diarienummer", "status"]
    )
    _hold_case_numbers(dokument, user)
    _log(
        user=user,
        handling=Handling.FASTSTALLD,
        dokument=dokument,
        diarienummer=diarienummer,
        **_version_data(version),
    )
    return version


def is_correctable(dokument: Dokument, version: Dokumentversion) -> bool:
    """A version may be changed in place while it is a draft, and any unpublished version of
    a registration that was never published (its owner and decision may be corrected).
    Nothing of a withdrawn registration is changed."""
    if dokument.status == Dokument.Status.MAKULERAD:
        return False
    if version.status == Dokumentversion.Status.UTKAST:
        return True
    return (
        version.status == Dokumentversion.Status.FASTSTALLD
        and dokument.status == Dokument.Status.UTKAST
    )


# --- Withdraw a registration -------------------------------------------------------------------


def may_be_withdrawn(dokument: Dokument) -> bool:
    """Only a registration that was never published is withdrawn; a published one is
    repealed by a decision."""
    return dokument.status == Dokument.Status.UTKAST


def check_not_withdrawn(dokument: Dokument) -> None:
    if dokument.status == Dokument.Status.MAKULERAD:
        raise ValidationError(
            "Registreringen är makulerad och kan inte ändras. Registrera dokumentet på nytt om "
            "det behövs.",
            code="makulerad",
        )


@transaction.atomic
def makulera_dokument(*, user, dokument: Dokument, orsak: str) -> Dokument:
    """Withdraw a registration that was never published (registered by mistake, twice, or
    for the wrong body). Nothing is deleted: the document and its versions keep their history,
    the act and its reason go to the log of acts, and the document leaves every list; its
    case numbers are free for another document. A published document is repealed instead."""
    dokument = _lock_dokument(dokument.pk)
    check_may_edit(user, dokument.agare)
    check_not_withdrawn(dokument)
    if (
        not may_be_withdrawn(dokument)
        or dokument.versioner.filter(status=Dokumentversion.Status.PUBLICERAD).exists()
    ):
        raise ValidationError(
            "Bara en registrering som aldrig har publicerats kan makuleras. Ett publicerat "
            "dokument upphävs med ett beslut.",
            code="publicerad",
        )
    orsak = orsak.strip()
    if not orsak:
        raise ValidationError({"orsak": "Ange varför registreringen makuleras."})
    version = dokument.versioner.order_by("-versionsnummer").first()
    dokument.status = Dokument.Status.MAKULERAD
    dokument.makulerad_tid = timezone.now()
    dokument.makulerad_av = user
    dokument.makulerad_orsak = orsak
    dokument._history_user = user
    dokument.save(update_fields=["status", "makulerad_tid", "makulerad_av", "makulerad_orsak"])
    dokument.diarienummer.update(ledigt=True)
    _log(
        user=user,
        handling=Handling.MAKULERAD,
        dokument=dokument,
        orsak=orsak,
        diarienummer=sorted(
            set(dokument.versioner.exclude(diarienummer="").values_list("diarienummer", flat=True))
        ),
        **(_version_data(version) if version else {}),
    )
    return dokument


# --- Publish --------------------------------------------------------------------------------------


def personnummer_in(version: Dokumentversion) -> list:
    return find_personnummer(f"{version.titel}\n{version.text}\n{version.fil_text}")


def _flag(dokument: Dokument, orsak: str) -> None:
    dokument.granskning_flagga = orsak
    dokument.granskning_flaggad_tid = timezone.now()
    dokument.save(update_fields=["granskning_flagga", "granskning_flaggad_tid"])


def flag_underdokument(dokument: Dokument, orsak: str) -> int:
    """Flag for review every document in force that implements `dokument`."""
    below = Dokument.objects.filter(
        lankar_fran__till=dokument,
        lankar_fran__typ=Dokumentlank.Typ.KONKRETISERAR,
        status=Dokument.Status.GALLANDE,
    ).distinct()
    count = 0
    for lower in below:
        _flag(lower, orsak)
        count += 1
    return count


def assign_kfs_nummer(dokument: Dokument, ar: int) -> str:
    """Take the next statute-book number of the year. The year's counter row is locked
    (select_for_update) so two publishers at once get different numbers. When the counter lags
    behind the numbers already given (set by hand, or restored from a backup), it catches up:
    the next number follows the highest one given that year, so a retry succeeds."""
    Forfattningsnummer.objects.get_or_create(ar=ar)
    counter = Forfattningsnummer.objects.select_for_update().get(ar=ar)
    highest = (
        Dokument.objects.filter(kfs_ar=ar).aggregate(highest=Max("kfs_lopnummer"))["highest"] or 0
    )
    counter.senaste = max(counter.senaste, highest) + 1
    counter.save(update_fields=["senaste"])
    prefix = settings.FORFATTNINGSSAMLING_PREFIX
    dokument.kfs_ar = ar
    dokument.kfs_lopnummer = counter.senaste
    dokument.kfs_nummer = f"{prefix} {ar}:{counter.senaste}"
    dokument.save(update_fields=["kfs_ar", "kfs_lopnummer", "kfs_nummer"])
    return dokument.kfs_nummer


def _end_document(dokument: Dokument, status: str, datum, beslut: str, orsak: str) -> None:
    dokument.status = status
    dokument.upphavd_datum = datum
    dokument.upphavd_beslut = beslut
    dokument.granskning_nasta = None
    dokument.save(update_fields=["status", "upphavd_datum", "upphavd_beslut", "granskning_nasta"])
    flag_underdokument(dokument, orsak)


def _apply_outgoing_links(*, user, dokument: Dokument, version: Dokumentversion) -> None:
    """A document in force that ersätter or upphäver others ends them; each ended document
    gets its act (ersatt, upphävd) in the log of acts."""
    links = dokument.lankar_fran.filter(
        typ__in=[Dokumentlank.Typ.ERSATTER, Dokumentlank.Typ.UPPHAVER],
        till__status=Dokument.Status.GALLANDE,
    ).select_related("till")
    for link in links:
        if link.typ == Dokumentlank.Typ.ERSATTER:
            status, verb, handling = Dokument.Status.ERSATT, "ersatt", Handling.ERSATT
        else:
            status, verb, handling = Dokument.Status.UPPHAVD, "upphävt", Handling.UPPHAVD
        datum = version.beslutsdatum or timezone.localdate()
        beslut = f"{version.beslut_display} ({version.titel})"
        _end_document(
            link.till,
            status,
            datum,
            beslut,
            f"Det överordnade dokumentet {link.till} har {verb}s av {version.titel}.",
        )
        _log(
            user=user,
            handling=handling,
            dokument=link.till,
            publik=True,
            datum=_datum(datum),
            beslut=beslut,
            av_dokument=dokument.pk,
            av_titel=version.titel,
        )


@transaction.atomic
def publicera_version(
    *, user, version: Dokumentversion, bekraftat_personnummer: bool = False
) -> Dokumentversion:
    """Publish an adopted version: it becomes the document's current version, the document is
    in force, a statute-book number is given if the type has one, the next review is set, and
    the documents below are flagged when this is a revision."""
    dokument = (
        Dokument.objects.select_for_update(of=("self",))
        .select_related("typ", "agare")
        .get(pk=version.dokument_id)
    )
    check_may_edit(user, dokument.agare)
    # Re-read the version under the lock: a second publisher of the same version sees it
    # published and is refused, instead of publishing (and flagging) a second time.
    _lock_version(version)
    check_not_withdrawn(dokument)
    if dokument.status in (Dokument.Status.UPPHAVD, Dokument.Status.ERSATT):
        raise ValidationError(
            f"Dokumentet är {dokument.status_display.lower()} och kan inte publiceras."
        )
    if version.sekretess:
        raise ValidationError(
            "Versionen innehåller sekretessbelagda uppgifter "
            f"({version.sekretess_paragraf or 'OSL'}) och kan inte publiceras.",
            code="sekretess",
        )
    if version.status == Dokumentversion.Status.UTKAST:
        raise ValidationError(
            "Versionen måste fastställas (beslut registreras) innan den publiceras.",
            code="utkast",
        )
    if version.status == Dokumentversion.Status.PUBLICERAD:
        when = (
            f" {timezone.localtime(version.publicerad_tid):%Y-%m-%d %H:%M}"
            if version.publicerad_tid
            else ""
        )
        raise ValidationError(
            f"Versionen är redan publicerad{when}. Ingenting har ändrats.", code="publicerad"
        )
    newer = dokument.versioner.filter(
        status=Dokumentversion.Status.PUBLICERAD, versionsnummer__gt=version.versionsnummer
    )
    if newer.exists():
        raise ValidationError("En senare version är redan publicerad.", code="aldre")
    found = personnummer_in(version)
    if found and not bekraftat_personnummer:
        numbers = ", ".join(f.text for f in found)
        raise ValidationError(
            {
                "bekrafta": (
                    f"Texten innehåller det som ser ut som person- eller samordningsnummer "
                    f"({numbers}). Ta bort dem, eller bekräfta att de får publiceras."
                )
            },
            code="personnummer",
        )
    previous = dokument.versioner.filter(ar_aktuell=True).first()
    if previous:
        previous.ar_aktuell = False
        previous._history_user = user
        previous.save(update_fields=["ar_aktuell"])
    version.status = Dokumentversion.Status.PUBLICERAD
    version.ar_aktuell = True
    version.publicerad_tid = timezone.now()
    fields = ["status", "ar_aktuell", "publicerad_tid"]
    if found:
        # The publisher's confirmation goes into the audit trail: who, when, which numbers.
        version.personnummer_bekraftat_av = user
        version.personnummer_bekraftat_tid = version.publicerad_tid
        version.personnummer_maskerade = ", ".join(dict.fromkeys(mask(f.text) for f in found))
        fields += [
            "personnummer_bekraftat_av",
            "personnummer_bekraftat_tid",
            "personnummer_maskerade",
        ]
    version._history_user = user
    version.save(update_fields=fields)

    today = timezone.localdate()
    dokument.status = Dokument.Status.GALLANDE
    dokument.granskning_senast = version.beslutsdatum or today
    if not dokument.granskning_manuell:
        dokument.granskning_nasta = next_review_date(dokument.typ, dokument.granskning_senast)
    dokument.granskning_flagga = ""
    dokument.granskning_flaggad_tid = None
    dokument.paminnelse_skickad_for = None
    dokument.save(
        update_fields=[
            "status",
            "granskning_senast",
            "granskning_nasta",
            "granskning_flagga",
            "granskning_flaggad_tid",
            "paminnelse_skickad_for",
        ]
    )
    if dokument.typ.forfattningssamling and not dokument.kfs_nummer:
        assign_kfs_nummer(dokument, today.year)
    if previous:
        flag_underdokument(
            dokument,
            f"Det överordnade dokumentet {version.titel} har fått en ny version "
            f"(version {version.versionsnummer}, {version.beslut_display}).",
        )
    _log(
        user=user,
        handling=Handling.PUBLICERAD,
        dokument=dokument,
        publik=True,
        kfs_nummer=dokument.kfs_nummer,
        ersatter_version=previous.versionsnummer if previous else None,
        personnummer_bekraftat=bool(found),
        **_version_data(version),
    )
    _apply_outgoing_links(user=user, dokument=dokument, version=version)
    # The PDF is rendered once, in the background, after the publication is committed.
    from dokument.tasks import render_version_pdf

    transaction.on_commit(lambda: render_version_pdf.enqueue(version.pk))
    return version


# --- Links, review, repeal ---------------------------------------------------------------------


def _implements_transitively(start: Dokument, target: Dokument) -> bool:
    edges: dict[int, list[int]] = {}
    for fran, till in Dokumentlank.objects.filter(typ=Dokumentlank.Typ.KONKRETISERAR).values_list(
        "fran_id", "till_id"
    ):
        edges.setdefault(fran, []).append(till)
    stack, seen = [start.pk], set()
    while stack:
        current = stack.pop()
        if current == target.pk:
            return True
        if current not in seen:
            seen.add(current)
            stack.extend(edges.get(current, []))
    return False


@transaction.atomic
def add_lank(*, user, fran: Dokument, till: Dokument, typ: str) -> Dokumentlank:
    """Link two documents. A document may only konkretisera one of the same or higher rank."""
    check_may_edit(user, fran.agare)
    check_not_withdrawn(fran)
    check_not_withdrawn(till)
    if fran.status in (Dokument.Status.UPPHAVD, Dokument.Status.ERSATT):
        ended = "upphävt" if fran.status == Dokument.Status.UPPHAVD else "ersatt"
        raise ValidationError(f"Dokumentet är {ended} och kan inte få nya länkar.")
    if fran.pk == till.pk:
        raise ValidationError({"till": "Ett dokument kan inte länka till sig självt."})
    if typ == Dokumentlank.Typ.KONKRETISERAR:
        if till.typ.rang < fran.typ.rang:
            raise ValidationError(
                {
                    "till": (
                        f"{till} är en {till.typ.namn.lower()} och har lägre rang än en "
                        f"{fran.typ.namn.lower()}; ett dokument kan bara konkretisera "
                        "dokument av samma eller högre rang."
                    )
                },
                code="rang",
            )
        if _implements_transitively(till, fran):
            raise ValidationError(
                {"till": f"{till} konkretiserar redan detta dokument (det skulle bli en cykel)."}
            )
    if Dokumentlank.objects.filter(fran=fran, till=till, typ=typ).exists():
        raise ValidationError({"till": "Länken finns redan."})
    link = Dokumentlank.objects.create(fran=fran, till=till, typ=typ)
    _log(
        user=user,
        handling=Handling.LANKAD,
        dokument=fran,
        typ=typ,
        till=till.pk,
        till_titel=str(till),
    )
    if typ != Dokumentlank.Typ.KONKRETISERAR and fran.status == Dokument.Status.GALLANDE:
        version = fran.versioner.filter(ar_aktuell=True).first()
        if version:
            _apply_outgoing_links(user=user, dokument=fran, version=version)
    return link


@transaction.atomic
def registrera_granskning(
    *,
    user,
    dokument: Dokument,
    datum: datetime.date,
    utfall: str,
    kommentar: str = "",
    nasta: datetime.date | None = None,
) -> Granskning:
    """Record a review: who, when, the outcome; set the next due date and clear any flag."""
    check_may_edit(user, dokument.agare)
    today = timezone.localdate()
    if datum > today:
        raise ValidationError({"datum": "Prövningen kan inte vara gjord i framtiden."})
    if nasta and nasta <= datum:
        raise ValidationError({"nasta": "Nästa prövning måste ligga efter denna."})
    if dokument.status != Dokument.Status.GALLANDE:
        raise ValidationError("Bara gällande dokument prövas.")
    if nasta is None and not dokument.granskning_manuell:
        nasta = next_review_date(dokument.typ, datum)
    granskning = Granskning.objects.create(
        dokument=dokument,
        datum=datum,
        granskad_av=user,
        utfall=utfall,
        kommentar=kommentar,
        nasta=nasta,
    )
    dokument.granskning_senast = datum
    if nasta is not None:
        dokument.granskning_nasta = nasta
    dokument.granskning_flagga = ""
    dokument.granskning_flaggad_tid = None
    dokument.paminnelse_skickad_for = None
    dokument.save(
        update_fields=[
            "granskning_senast",
            "granskning_nasta",
            "granskning_flagga",
            "granskning_flaggad_tid",
            "paminnelse_skickad_for",
        ]
    )
    _log(
        user=user,
        handling=Handling.PROVAD,
        dokument=dokument,
        publik=True,
        datum=_datum(datum),
        utfall=utfall,
        nasta=_datum(nasta),
    )
    return granskning


@transaction.atomic
def satt_granskningsdatum(
    *, user, dokument: Dokument, datum: datetime.date | None, andringsmarke: str | None = None
) -> Dokument:
    """Set the review due date by hand (or, with None, go back to the type's rule). The
    document row is locked; with `andringsmarke` (the document's change token when the form
    was opened, `styrning.locking`) a change made meanwhile is not overwritten:
    `locking.Konflikt` is raised and nothing is saved."""
    dokument.refresh_from_db(from_queryset=Dokument.objects.select_for_update())
    check_may_edit(user, dokument.agare)
    nasta = f"{dokument.granskning_nasta:%Y-%m-%d}" if dokument.granskning_nasta else "inte satt"
    locking.check_unchanged(
        dokument,
        andringsmarke,
        detail=f"Nästa aktualitetsprövning är nu {nasta}.",
    )
    check_not_withdrawn(dokument)
    if datum is None:
        dokument.granskning_manuell = False
        base = dokument.granskning_senast or timezone.localdate()
        dokument.granskning_nasta = next_review_date(dokument.typ, base)
    else:
        dokument.granskning_manuell = True
        dokument.granskning_nasta = datum
    dokument.paminnelse_skickad_for = None
    dokument._history_user = user
    dokument.save(
        update_fields=["granskning_manuell", "granskning_nasta", "paminnelse_skickad_for"]
    )
    _log(
        user=user,
        handling=Handling.PROVNINGSDATUM_SATT,
        dokument=dokument,
        datum=_datum(dokument.granskning_nasta),
        manuell=dokument.granskning_manuell,
    )
    return dokument


@transaction.atomic
def upphav_dokument(*, user, dokument: Dokument, datum: datetime.date, beslut: str) -> Dokument:
    """Repeal a document in force, with the decision; the documents below are flagged."""
    dokument = Dokument.objects.select_for_update().get(pk=dokument.pk)
    check_may_edit(user, dokument.agare)
    if dokument.status != Dokument.Status.GALLANDE:
        raise ValidationError("Bara gällande dokument kan upphävas.")
    if datum > timezone.localdate():
        raise ValidationError({"datum": "Beslutsdatumet kan inte ligga i framtiden."})
    if not beslut.strip():
        raise ValidationError({"beslut": "Ange beslutet: organ, datum och paragraf."})
    version = dokument.versioner.filter(ar_aktuell=True).first()
    titel = version.titel if version else str(dokument.pk)
    _end_document(
        dokument,
        Dokument.Status.UPPHAVD,
        datum,
        beslut.strip(),
        f"Det överordnade dokumentet {titel} har upphävts ({beslut.strip()}).",
    )
    _log(
        user=user,
        handling=Handling.UPPHAVD,
        dokument=dokument,
        publik=True,
        datum=_datum(datum),
        beslut=beslut.strip(),
    )
    return dokument
