"""One search across what the public may read: published documents, adopted goals and adopted
follow-up reports, ranked in one list, each hit with its kind and a snippet.

What each kind is, and who decides it is public, is read from the apps that own it:

- documents: `dokument.queries.published_documents()`, searched by `dokument.search.
  search_documents`, so the documents found and their order are exactly those of the document
  list's search (its stored vector on PostgreSQL, its FTS5 index on SQLite, its cap of
  `CANDIDATES` ranked hits, its snippets);
- goals: `mal.queries.mal_for_user` of an anonymous reader (adopted goals), searched in their
  title and number (weighted as a document's title) and their description, the requirement for
  fulfilment and how they are followed up (weighted as a document's body);
- reports: the latest adopted version (`Rapportversion.Slag.ANTAGEN`) of each report of
  `uppfoljning.views_publik.adopted_reports()`, which is what the public report page shows,
  searched in the report's kind and organisation (title) and the texts of its frozen content
  (`REPORT_TEXT_PATHS`: the sections, the goals' analyses, the forecast's motivation ...).

The words are the document search's: the same Swedish stems (`word_stems`), compounds begun
and ended (`AFFIX_MIN`), hyphenated coordinations, every word of the query required.

PostgreSQL: goals and adopted report versions have a stored vector, as a document version has:
the generated column `sokvektor` (mal `0005_sokvektor`, uppfoljning `0002_sokvektor`) with a GIN
index, built by the SQL function `styrning_sv_vektor(titel, brodtext)` from the same pieces as a
document's (`styrning_sv` and `swedish`, the coordinations expanded, the reversed stems for the
ends of compounds; title A, body B), read through `StoredVector`, matched by the same
`search_query` and ranked by the same `ts_rank`, so a goal's rank compares with a document's.
A report version's column is filled for adopted versions only, from its frozen content: the
texts at `REPORT_TEXT_PATHS` (the SQL function `styrning_rapporttext`) and, as its title, the
report's kind and organisation as the snapshot names them (`innehall["rapport"]`). PostgreSQL
computes the columns on every write, so a changed goal is found by its new words at once.
Measured on the large municipality's bench database (20,000 goals, 28,000 document versions,
two loaded cores), the whole /sok/ page: "skolan" (over 1,000 hits) 10-19 s when each goal was
parsed in the query, 0.12-0.13 s stored; a rare word ("självständigt", 3 hits) 9-12 s, 0.03 s.
The goals' ranked list alone: 12.3 s before, 0.42 s ("skolan") and 0.01 s ("självständigt")
after, the same goals in the same order with the same ranks. The first search of a connection
also pays some 250 ms for PostgreSQL to load the Hunspell dictionary.

SQLite: the same for goals and reports through a Python function (`sqlite_rank`) that SQLite
calls per row: the stems of the row's title and text against the query's stems, prefixes and
reversed stems, as `sqlite_match` matches the FTS5 index; its score weights the title as bm25's
weights do (10 to 4), and a word found as itself above a compound. A text's stems are kept per
process (`_stems`), so only the first search after a start stems them all.

One list: the three ranked lists are merged, each keeping its own order (so the documents
keep the order `search_documents` gives them), by how many words of the query the title holds
(a title hit comes before a body hit of another kind), then on PostgreSQL by `ts_rank`, one
measure for all three; on SQLite, where bm25 and `sqlite_rank` are not one measure, the kinds
take turns in their own order (`Kandidat.key`). Each kind's list is
capped at `CANDIDATES` + 1, as the document search is; only the page shown is then loaded, in
one query per kind.
"""

import functools
import heapq
import json
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchRank
from django.db import connection, models
from django.db.models import Exists, F, Func, OuterRef, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from dokument.queries import published_documents
from dokument.search import (
    CANDIDATES,
    StoredVector,
    _affixes,
    first_stem_match_in_context,
    index_stems,
    marked_to_html,
    search_documents,
    search_query,
    word_stems,
    words,
)
from mal.queries import mal_for_user
from uppfoljning.models import Rapportversion
from uppfoljning.views_publik import adopted_reports

DOKUMENT = "dokument"
MAL = "mal"
RAPPORT = "rapport"
SLAG = [(DOKUMENT, "Dokument"), (MAL, "Mål"), (RAPPORT, "Rapport")]
SLAG_NAMN = dict(SLAG)

# Weights of a title and a body hit (SQLite), as the documents' bm25 weights of FTS_WEIGHTS.
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 4.0

# The texts of a frozen report that are searched (`uppfoljning.innehall`, schema 1), as JSON
# paths: the Python extraction; uppfoljning `0002_sokvektor` holds a copy as jsonpaths (a test
# keeps the two the same).
REPORT_TEXT_PATHS = [
    ("rapport", "ackumulerad_label"),
    ("avsnitt", "*", "text"),
    ("mal", "*", "titel"),
    ("mal", "*", "analys"),
    ("uppdrag", "*", "titel"),
    ("uppdrag", "*", "kommentar"),
    ("atgarder", "*", "beskrivning"),
    ("atgardsuppfoljning", "*", "kommentar"),
    ("ekonomi", "prognos_motivering"),
    ("balanskrav", "kommentar"),
]


# --- The public of each kind --------------------------------------------------------------------


def public_goals():
    """Goals an anonymous reader may see: the goal chain's own definition."""
    return mal_for_user(AnonymousUser())


def public_report_versions():
    """The version each public report page shows: the latest adopted version of a report
    with one (`adopted_reports`), even one reopened since."""
    later = Rapportversion.objects.filter(
        rapport=OuterRef("rapport"), slag=Rapportversion.Slag.ANTAGEN, nummer__gt=OuterRef("nummer")
    )
    return Rapportversion.objects.filter(
        slag=Rapportversion.Slag.ANTAGEN,
        rapport__in=adopted_reports().order_by().values("pk"),
    ).exclude(Exists(later))


def report_text(innehall) -> str:
    """The searchable texts of a frozen report's content, one per line."""
    if isinstance(innehall, str):
        try:
            innehall = json.loads(innehall)
        except ValueError:
            return ""
    found = []
    for path in REPORT_TEXT_PATHS:
        found.extend(_walk(innehall, path))
    return "\n".join(text for text in found if text)


@functools.lru_cache(maxsize=2_000)
def _report_text_cached(innehall: str) -> str:
    """`report_text` of a stored content (SQLite hands it over as its JSON text); a frozen
    version never changes, so its text is kept per process."""
    return report_text(innehall)


def _walk(value, path) -> list[str]:
    if not path:
        return [value] if isinstance(value, str) else []
    head, *rest = path
    if head == "*":
        return [t for item in value for t in _walk(item, rest)] if isinstance(value, list) else []
    if isinstance(value, dict) and head in value:
        return _walk(value[head], rest)
    return []


# --- Matching words in Python (SQLite, the titles' tier) ----------------------------------------


@functools.lru_cache(maxsize=256)
def _query_terms(q: str) -> tuple:
    """For each word of `q`: its stems, the prefixes that begin a compound and the stems that
    end one (as `sqlite_match` builds them)."""
    terms = []
    for word in words(q):
        prefixes, reversed_ = _affixes(word)
        terms.append((frozenset(word_stems(word)), tuple(prefixes), tuple(reversed_)))
    return tuple(terms)


def _hit(term, stems: set[str]) -> int:
    """2 when a stem of the text is the word's own, 1 when it begins or ends with it, else 0."""
    exact, prefixes, reversed_ = term
    if exact & stems:
        return 2
    if prefixes and any(stem.startswith(prefixes) for stem in stems):
        return 1
    endings = tuple(r[::-1] for r in reversed_)
    if endings and any(stem.endswith(endings) for stem in stems if stem.isalpha()):
        return 1
    return 0


def title_words_found(q: str, titel: str) -> int:
    """How many words of `q` the title holds (as itself, or beginning or ending a compound)."""
    stems = _stems(titel)[1]
    return sum(1 for term in _query_terms(q) if _hit(term, stems))


@functools.lru_cache(maxsize=10_000)
def _stems(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A text's stems (in order, and as a set), kept per process for the texts searched
    again: stemming the goals and reports is most of a search's cost on SQLite."""
    stems = tuple(index_stems(text).split())
    return stems, frozenset(stems)


def sqlite_rank(q: str, titel: str | None, text: str | None) -> float:
    """The rank of a row whose title and text are given; 0 when a word of `q` is missing."""
    terms = _query_terms(q or "")
    if not terms:
        return 0.0
    title_stems = _stems(titel or "")[1]
    body_stems, body_set = _stems(text or "")
    score = 0.0
    for term in terms:
        in_title, in_body = _hit(term, title_stems), _hit(term, body_set)
        if not in_title and not in_body:
            return 0.0
        score += TITLE_WEIGHT * in_title + BODY_WEIGHT * in_body
        if in_body:
            # Repetition counts a little, as term frequency does in bm25.
            score += min(sum(1 for stem in body_stems if stem in term[0]), 10) / 10
    return score


def _register_sqlite_functions() -> None:
    connection.ensure_connection()
    raw = connection.connection
    raw.create_function("insyn_sok_rank", 3, sqlite_rank, deterministic=True)
    raw.create_function("insyn_rapporttext", 1, _report_text_cached, deterministic=True)


# --- The expressions of each kind ---------------------------------------------------------------


def _joined(*expressions) -> Func:
    """The texts joined by spaces, a missing one as empty (both databases)."""
    return Func(
        *(Coalesce(e, Value(""), output_field=models.TextField()) for e in expressions),
        arg_joiner=" || ' ' || ",
        template="(%(expressions)s)",
        output_field=models.TextField(),
    )


GOAL_TITLE = ("titel", "nummer")
GOAL_TEXT = ("beskrivning", "krav_uppfyllt", "uppfoljning")
REPORT_TITLE = ("rapport__rapportperiod__rapporttyp__namn", "rapport__organisation__namn")


def _kind_sources(kind: str):
    """(queryset, title expression, text expression) of a kind; the text is read on SQLite
    only (PostgreSQL reads the stored vector)."""
    if kind == MAL:
        titel = _joined(*(F(name) for name in GOAL_TITLE))
        text = _joined(*(F(name) for name in GOAL_TEXT))
        return public_goals(), titel, text
    titel = _joined(*(F(name) for name in REPORT_TITLE))
    text = Func(F("innehall"), function="insyn_rapporttext", output_field=models.TextField())
    return public_report_versions(), titel, text


def _ranked(kind: str, q: str):
    """(pk, rank, title) of the kind's matches, best first, at most CANDIDATES + 1."""
    queryset, titel, text = _kind_sources(kind)
    queryset = queryset.order_by().annotate(sok_titel=titel)
    if connection.vendor == "postgresql":
        # The stored `sokvektor` (mal 0005, uppfoljning 0002): matched through its GIN index,
        # ranked as a document's.
        query = search_query(q)
        ranked = (
            queryset.alias(sok_vektor=StoredVector())
            .filter(sok_vektor=query)
            .annotate(sok_rank=SearchRank(StoredVector(), query))
        )
    else:
        _register_sqlite_functions()
        rank = Func(
            Value(q), titel, text, function="insyn_sok_rank", output_field=models.FloatField()
        )
        ranked = queryset.annotate(sok_rank=rank).filter(sok_rank__gt=0)
    return list(
        ranked.order_by("-sok_rank", "sok_titel", "pk").values_list("pk", "sok_rank", "sok_titel")[
            : CANDIDATES + 1
        ]
    )


# --- The search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kandidat:
    slag: str
    pk: int
    rank: float
    titelord: int  # how many words of the query the title holds

    ordning: int = 0  # its place in its own kind's list

    def key(self):
        """Across kinds: a title hit first; then PostgreSQL's ts_rank, which is the same
        measure for every kind; on SQLite, whose bm25 (documents) and `sqlite_rank` (goals,
        reports) are not, the kinds take turns in their own order."""
        if connection.vendor == "postgresql":
            return (-self.titelord, -self.rank)
        return (-self.titelord, self.ordning)


@dataclass
class Traff:
    """A hit as the page shows it."""

    slag: str
    titel: str
    url: str
    utdrag: str  # safe HTML
    detaljer: list[str] = field(default_factory=list)

    @property
    def slag_namn(self) -> str:
        return SLAG_NAMN[self.slag]


@dataclass
class Resultat:
    kandidater: list[Kandidat]
    fler_an: bool  # some kind had more hits than it ranked

    def __len__(self):
        return len(self.kandidater)


def search(q: str, slag: list[str] | None = None) -> Resultat:
    """The ranked candidates of every kind asked for (all when `slag` is empty)."""
    kinds = [kind for kind, _ in SLAG if not slag or kind in slag]
    if not words(q):
        return Resultat([], False)  # no word to search for ("()", "§")
    lists = []
    for kind in kinds:
        if kind == DOKUMENT:
            rows = list(
                search_documents(published_documents(), q).values_list(
                    "pk", "sok_rank", "aktuell__titel"
                )
            )
        else:
            rows = _ranked(kind, q)
        more = len(rows) > CANDIDATES
        lists.append(
            (
                [
                    Kandidat(kind, pk, float(rank), title_words_found(q, t or ""), n)
                    for n, (pk, rank, t) in enumerate(rows[:CANDIDATES])
                ],
                more,
            )
        )
    merged = list(heapq.merge(*(hits for hits, _ in lists), key=Kandidat.key))
    return Resultat(merged, any(more for _, more in lists))


def load_hits(q: str, kandidater: list[Kandidat]) -> list[Traff]:
    """The page's hits, in the candidates' order: one query per kind on the page."""
    ids = {kind: [c.pk for c in kandidater if c.slag == kind] for kind, _ in SLAG}
    loaded = {}
    if ids[DOKUMENT]:
        documents = search_documents(published_documents().filter(pk__in=ids[DOKUMENT]), q)
        for dok in documents:
            version = dok.aktuell_version
            detaljer = [dok.typ.namn]
            if version.faststalld_av:
                detaljer.append(f"Fastställt av {version.faststalld_av.namn}")
            if version.beslutsdatum:
                detaljer.append(f"Beslut {version.beslutsdatum:%Y-%m-%d}")
            loaded[DOKUMENT, dok.pk] = Traff(
                DOKUMENT, version.titel, dok.get_absolute_url(), dok.sok_utdrag, detaljer
            )
    if ids[MAL]:
        for mal in public_goals().filter(pk__in=ids[MAL]):
            texts = [mal.beskrivning, mal.krav_uppfyllt, mal.uppfoljning, mal.titel]
            titel = f"{mal.nummer} {mal.titel}" if mal.nummer else mal.titel
            loaded[MAL, mal.pk] = Traff(
                MAL,
                titel,
                mal.get_absolute_url(),
                marked_to_html(first_stem_match_in_context(q, texts)),
                [mal.get_typ_display(), mal.agare.namn],
            )
    if ids[RAPPORT]:
        versions = Rapportversion.objects.filter(pk__in=ids[RAPPORT]).select_related(
            "rapport__rapportperiod__rapporttyp", "rapport__organisation", "rapport__antagen_av"
        )
        for version in versions:
            rapport = version.rapport
            texts = [report_text(version.innehall), rapport.organisation.namn]
            detaljer = [rapport.organisation.namn]
            if rapport.antagen_av:
                detaljer.append(f"Antagen av {rapport.antagen_av.namn}")
            loaded[RAPPORT, version.pk] = Traff(
                RAPPORT,
                f"{rapport.rapportperiod.rapporttyp.namn} {rapport.period.ackumulerad_label}",
                reverse("uppfoljning:las", args=[rapport.pk]),
                marked_to_html(first_stem_match_in_context(q, texts)),
                detaljer,
            )
    return [loaded[c.slag, c.pk] for c in kandidater if (c.slag, c.pk) in loaded]
