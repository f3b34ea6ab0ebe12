"""Which events count for the subscriptions, their mails and the Atom feeds, and how a
subscription's or a feed's selection (`Urval`) picks them: the one definition.

The events are the public acts of the log of acts (`styrning.models.Handelse`, written by the
services through `styrning.actionlog.log_action` with `publik=True`):

- `publicerad` on a document: a new document ("Nytt", no earlier version) or a revision
  ("Reviderat": `data["ersatter_version"]` names the version it replaced);
- `upphavd` / `ersatt` on a document: repealed or replaced;
- `provad` on a document: a completed review (aktualitetsprövning);
- `rapport_antagen` on a follow-up report: an adopted report.

Nothing else counts: a typo fixed in a draft (`andrad`), a saved draft, a link, an adoption not
yet published are internal acts (`publik=False`) or not in the set. Documents are only those
the public may read (`dokument.queries.published_documents`), reports only those with an
adopted version.
"""

import datetime
from dataclasses import dataclass, fields

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.urls import reverse

from dokument.filters import SOK_MAX
from dokument.models import Dokument, Dokumenttyp
from dokument.queries import published_documents
from dokument.search import search_documents
from styrning.forms import forbidden_character
from styrning.models import Handelse, Organisation
from uppfoljning.models import Rapport

Handling = Handelse.Handling

DOKUMENT = "dokument"
RAPPORTER = "rapporter"
SLAG = (DOKUMENT, RAPPORTER)

DOKUMENT_HANDLINGAR = frozenset(
    {Handling.PUBLICERAD, Handling.UPPHAVD, Handling.ERSATT, Handling.PROVAD}
)
RAPPORT_HANDLINGAR = frozenset({Handling.RAPPORT_ANTAGEN})
RAKNADE: frozenset[str] = DOKUMENT_HANDLINGAR | RAPPORT_HANDLINGAR

# The query-string keys; the document list calls the scope `omfattar`, accepted as well.
_INT_KEYS = ("organ", "typ", "omrade", "dokument")
_ALIASES = {"omfattar": "omrade"}


@dataclass(frozen=True)
class Urval:
    """What a subscription or a feed follows."""

    slag: str = DOKUMENT  # "dokument" | "rapporter"
    organ: int | None = None  # adopting body (Dokumentversion.faststalld_av) / report's body
    typ: int | None = None  # Dokumenttyp pk
    omrade: int | None = None  # scope: an Organisation in Dokumentversion.giltighetsomrade
    q: str = ""  # words (a saved search), matched like the document list's search
    dokument: int | None = None  # a single document

    def as_query(self) -> dict:
        """The query-string form (for links): only what is set, `slag` only when not the
        default."""
        query: dict = {}
        if self.slag != DOKUMENT:
            query["slag"] = self.slag
        for name in _INT_KEYS:
            value = getattr(self, name)
            if value is not None:
                query[name] = str(value)
        if self.q:
            query["q"] = self.q
        return query

    @classmethod
    def from_query(cls, data) -> "Urval":
        """Parse and check a QueryDict (or a dict of strings). Unknown keys are ignored (the
        document list's status, year and sorting); empty values mean "all". A value that is
        not a whole number, an id no public object has, a search that is too long or holds
        control characters, or a filter that does not apply to reports raises ValueError with
        a Swedish message."""
        values: dict = {}
        for key in ("slag", "q", *_INT_KEYS, *_ALIASES):
            raw = data.get(key)
            if raw is None:
                continue
            if not isinstance(raw, str):
                raise ValueError("Urvalet är felaktigt.")
            raw = raw.strip()
            if raw == "":
                continue
            values[_ALIASES.get(key, key)] = raw
        slag = values.pop("slag", DOKUMENT)
        if slag not in SLAG:
            raise ValueError("Välj styrdokument eller rapporter.")
        q = values.pop("q", "")
        if len(q) > SOK_MAX:
            raise ValueError(f"Sökorden får vara högst {SOK_MAX} tecken.")
        if forbidden_character(q) is not None:
            raise ValueError("Sökorden innehåller ett otillåtet tecken.")
        ints: dict = {}
        for key, raw in values.items():
            if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
                raise ValueError(f"Värdet för {key} ska vara ett heltal.")
            ints[key] = int(raw)
        urval = cls(slag=slag, q=q, **ints)
        urval.check()
        return urval

    def check(self) -> None:
        """Raise ValueError when a filter names nothing the public may follow."""
        if self.slag == RAPPORTER:
            if self.typ is not None or self.omrade is not None or self.q or self.dokument:
                raise ValueError("Rapporter kan bara följas per organ.")
            if self.organ is not None and not Organisation.objects.filter(pk=self.organ).exists():
                raise ValueError("Organet finns inte.")
            return
        if self.organ is not None and not Organisation.objects.filter(pk=self.organ).exists():
            raise ValueError("Organet finns inte.")
        if self.omrade is not None and not Organisation.objects.filter(pk=self.omrade).exists():
            raise ValueError("Organisationen finns inte.")
        if self.typ is not None and not Dokumenttyp.objects.filter(pk=self.typ).exists():
            raise ValueError("Dokumenttypen finns inte.")
        if (
            self.dokument is not None
            and not published_documents().filter(pk=self.dokument).exists()
        ):
            raise ValueError("Dokumentet finns inte.")

    def beskrivning(self) -> str:
        """Swedish text: "Nya, reviderade och upphävda styrdokument från Kommunfullmäktige av
        typen Policy"."""
        names = _names(self)
        if self.slag == RAPPORTER:
            text = "Antagna uppföljningsrapporter"
            if self.organ is not None:
                text += f" från {names.get('organ', 'ett organ som inte längre finns')}"
            return text
        if self.dokument is not None:
            namn = names.get("dokument", "ett dokument")
            return f"Nya versioner, upphävande och prövningar av {namn}"
        text = "Nya, reviderade och upphävda styrdokument"
        if self.organ is not None:
            text += f" fastställda av {names.get('organ', 'ett organ')}"
        if self.typ is not None:
            text += f" av typen {names.get('typ', 'okänd')}"
        if self.omrade is not None:
            text += f" som gäller för {names.get('omrade', 'en organisation')}"
        if self.q:
            text += f" som matchar ”{self.q}”"
        return text

    def is_empty(self) -> bool:
        """True when nothing but the kind is chosen (everything of that kind)."""
        return all(getattr(self, f.name) in (None, "") for f in fields(self) if f.name != "slag")


def _names(urval: Urval) -> dict[str, str]:
    names: dict[str, str] = {}
    org_ids = [pk for pk in (urval.organ, urval.omrade) if pk is not None]
    if org_ids:
        orgs = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "namn"))
        for key in ("organ", "omrade"):
            if getattr(urval, key) in orgs:
                names[key] = orgs[getattr(urval, key)]
    if urval.typ is not None:
        typ = Dokumenttyp.objects.filter(pk=urval.typ).values_list("namn", flat=True).first()
        if typ:
            names["typ"] = typ
    if urval.dokument is not None:
        dokument = published_documents().filter(pk=urval.dokument).first()
        if dokument:
            names["dokument"] = str(dokument)
    return names


def _document_ids(urval: Urval):
    """The public documents the selection follows: a subquery, or a list of at most
    `dokument.search.CANDIDATES` + 1 ids when words are searched (ranked like the list)."""
    docs = published_documents()
    if urval.dokument is not None:
        docs = docs.filter(pk=urval.dokument)
    if urval.organ is not None:
        docs = docs.filter(aktuell__faststalld_av=urval.organ)
    if urval.typ is not None:
        docs = docs.filter(typ_id=urval.typ)
    if urval.omrade is not None:
        docs = docs.filter(aktuell__giltighetsomrade=urval.omrade)
    if urval.q:
        return [d.pk for d in search_documents(docs, urval.q)]
    return docs.order_by().values("pk")


def handelser(
    urval: Urval,
    *,
    fran: datetime.datetime | None = None,
    till: datetime.datetime | None = None,
) -> QuerySet[Handelse]:
    """The counted public events the selection follows, newest first, in the half-open
    interval [fran, till), with what a line or an entry needs loaded (`rubrik` and `lank` make
    no query)."""
    qs = Handelse.objects.filter(publik=True)
    if urval.slag == RAPPORTER:
        qs = qs.filter(
            handling__in=RAPPORT_HANDLINGAR,
            objekttyp=ContentType.objects.get_for_model(Rapport),
        )
        if urval.organ is not None:
            qs = qs.filter(Q(organisation_id=urval.organ) | Q(data__organ=urval.organ))
    else:
        qs = qs.filter(
            handling__in=DOKUMENT_HANDLINGAR,
            objekttyp=ContentType.objects.get_for_model(Dokument),
            objekt_id__in=_document_ids(urval),
        )
    if fran is not None:
        qs = qs.filter(tid__gte=fran)
    if till is not None:
        qs = qs.filter(tid__lt=till)
    return qs.select_related("organisation").order_by("-tid", "-id")


def is_revision(handelse: Handelse) -> bool:
    return (
        handelse.handling == Handling.PUBLICERAD
        and handelse.data.get("ersatter_version") is not None
    )


def slag_text(handelse: Handelse) -> str:
    """The kind of event in one word: "Nytt", "Reviderat", "Upphävt", "Ersatt", "Prövat",
    "Antagen rapport"."""
    if handelse.handling == Handling.PUBLICERAD:
        return "Reviderat" if is_revision(handelse) else "Nytt"
    return {
        Handling.UPPHAVD: "Upphävt",
        Handling.ERSATT: "Ersatt",
        Handling.PROVAD: "Prövat",
        Handling.RAPPORT_ANTAGEN: "Antagen rapport",
    }.get(handelse.handling, handelse.get_handling_display())


def rubrik(handelse: Handelse) -> str:
    """ "Reviderat: Policy för ... (version 3)"."""
    data = handelse.data or {}
    titel = data.get("titel") or handelse.objekt_text
    if handelse.handling == Handling.PUBLICERAD and data.get("versionsnummer"):
        return f"{slag_text(handelse)}: {titel} (version {data['versionsnummer']})"
    return f"{slag_text(handelse)}: {titel}"


def lank(handelse: Handelse) -> str:
    """The permanent absolute path of the version or report the event concerns."""
    data = handelse.data or {}
    if handelse.handling == Handling.RAPPORT_ANTAGEN:
        if data.get("version"):
            return reverse("uppfoljning:version", args=[handelse.objekt_id, data["version"]])
        return reverse("uppfoljning:las", args=[handelse.objekt_id])
    if handelse.handling == Handling.PUBLICERAD and data.get("versionsnummer"):
        return reverse("dokument:version", args=[handelse.objekt_id, data["versionsnummer"]])
    return reverse("dokument:detalj", args=[handelse.objekt_id])
