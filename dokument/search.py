"""Full-text search over governing documents: one behaviour on PostgreSQL and SQLite.

`search_documents(queryset, q)` takes a queryset of `Dokument` and returns it filtered to the
documents whose current version matches `q`, annotated with

- `sok_rank`: the relevance, higher is better (PostgreSQL: `ts_rank`; SQLite: FTS5's `bm25`,
  negated), weighting title and case number above the body above the text of the file,
- `sok_utdrag`: a short snippet where the words occur, as safe HTML: everything is escaped and
  the matched words are wrapped in `<mark>`,

and ordered best first. `no_hit_help(queryset, q)` is what the list says when nothing is found:
the words the index knows that are nearest to those searched for.

What a word finds, on both databases (every word of `q` must be found):

- its inflections: "medborgarkontraktet" finds "medborgarkontrakt" and the other way round,
  "skolan" finds "skola", "föräldrarna" finds "förälder";
- the compounds it begins ("skola" finds "skolplan") and ends ("plan" finds "skolplanen"), when
  has at least `AFFIX_MIN` letters (and its stem at least `STEM_AFFIX_MIN`), ranked below the
  same word found as itself;
- a compound written as a Swedish hyphenated coordination: "skol- och förskoleverksamhet"
  holds "skolverksamhet", "barn- och ungdomsnämnden" holds "barnnämnden". The coordination is
  expanded when the text is indexed (`coordinated_compounds`): the first parts ("skol-") are
  joined to every plausible ending of the last word ("-verksamhet", "-rksamhet", ...), because
  without a dictionary the joint of "förskole|verksamhet" cannot be known. The endings that are
  not words only cost a few index entries; they are never shown (suggestions come from the
  words as written).

PostgreSQL: the text search configuration `styrning_sv` (migration `0003_sokning`) runs each
word through the Swedish Hunspell dictionary (`sv_hunspell`, an ispell dictionary built from
Debian's hunspell-sv-se by `deploy/install-swedish-dictionary.sh`) and then the snowball
`swedish_stem`; where the server lacks the dictionary, it is a plain copy of `swedish`. The
vector is stored in the generated column `sokvektor` of `dokument_dokumentversion` with the GIN
index `dokument_sokindex`: title and case number weight A, body B, file text C, each through
`styrning_sv` and `swedish`, each with its coordinations expanded by the SQL function
`styrning_sv_samordning`, and the reversed `swedish` stems (marked `<`) weight D for the
endings of compounds (`styrning_sv_baklanges`, migration `0005_sok_svenska`). A second
generated column `sokord` holds the words as written (config `simple`, no positions) for the
suggestions. PostgreSQL computes both on every insert and update, so nothing in Python keeps
them up to date. Django's model state does not know these columns (SQLite has no tsvector), so
queries reach them through `StoredVector`. One consequence for migrations: PostgreSQL refuses
to change the type of a column a generated column reads (`titel`, `text`, `fil_text`,
`diarienummer`); such a migration must drop `sokvektor` and `sokord` first and add them back
after (as `0005_sok_svenska` does).

SQLite: the contentless FTS5 table `dokument_soktext` holds one row per current version (rowid = the
version's id) with the columns `titel` (title and case number), `text`, `fil` (file text),
`bak` (reversed stems, for the endings of compounds) and `ord` (the distinct words as written,
for the suggestions through the fts5vocab table `dokument_sokord`). SQLite cannot stem Swedish,
so the columns hold words already stemmed in Python (`index_stems`: Snowball's Swedish stemmer
through `snowballstemmer`, after `word_stems` has added the forms without a definite ending
that Snowball leaves alone, "-et", "-n", "-en"), and FTS5's own tokenizer only splits them on
spaces again. Queries are stemmed the same way (`sqlite_match`).

Why triggers keep the SQLite index in step, not a service call or a `post_save` signal: the
PostgreSQL vector follows every write by itself (a generated column), and the SQLite index
should do the same, whatever writes: the services, the demo, the admin, `QuerySet.update()`,
`bulk_create()`, a restore. So `0005_sok_svenska` puts triggers on `dokument_dokumentversion`
that call the stemmer as SQL functions (`styrning_sv_stammar`, `styrning_sv_baklanges`,
`styrning_sv_ord`), which `register_sqlite_functions` adds to every SQLite connection Django
opens (connected in `dokument/apps.py`). A write from outside Django (the `sqlite3` shell) to
a version's texts fails with "no such function": that is on purpose, better than a stale index.
Django's SQLite schema editor rebuilds a table to alter it and so drops its triggers; after
every `migrate`, `ensure_sqlite_index` (a `post_migrate` receiver) puts the triggers back and
rebuilds the index if they were missing, so a later migration of the versions cannot leave the
index behind unnoticed.
"""

import difflib
import functools
import importlib.metadata
import re
from dataclasses import dataclass

import snowballstemmer
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchQueryCombinable,
    SearchQueryField,
    SearchRank,
    SearchVectorField,
)
from django.db import connection, models
from django.db.models import F, FilteredRelation, Func, Q, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SEARCH_CONFIG = "styrning_sv"
FALLBACK_CONFIG = "swedish"
ISPELL_DICTIONARY = "sv_hunspell"

# Markers for the highlighted words: control characters that never occur in a document body,
# so that the whole headline can be escaped first and the markers turned into <mark> after.
_START = "\x02"
_STOP = "\x03"
_FIELD_SEPARATOR = "\x1f"
_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")
# Markdown punctuation that only clutters a snippet.
_MARKDOWN_NOISE = re.compile(r"(^|\s)#{1,6}\s|[*_`]{1,3}|^\s*[-+]\s|^\s*>\s?|\|", re.MULTILINE)
_WHITESPACE = re.compile(r"\s+")

SNIPPET_CONTEXT = 80  # characters on each side of the first match (SQLite)

# --- Swedish words: tokens, stems, coordinations ----------------------------------------------

# The letters of a word, on both databases (the same class is in the SQL function
# `styrning_sv_samordning`): ASCII letters and digits and Latin-1 letters (å, ä, ö, é, ü ...).
WORD_CHARS = "0-9A-Za-zÀ-ÖØ-öø-ÿ"
_WORD = re.compile(f"[{WORD_CHARS}]+")
_VOWEL = re.compile("[aeiouyåäöéèüæøAEIOUYÅÄÖÉÈÜÆØ]")
# "skol- och förskoleverksamhet", "hälso-, sjukvårds- och omsorgsnämnden", "barn- eller ..."
_COORDINATION = re.compile(
    rf"((?:[{WORD_CHARS}]+-,?\s+)+)(?:och|eller|samt)\s+([{WORD_CHARS}]+)", re.IGNORECASE
)
# A word this long, whose stem is at least STEM_AFFIX_MIN long, finds the compounds it begins or
# ends ("taxa" -> "tax" finds "renhållningstaxan"); a shorter one only itself ("lag").
AFFIX_MIN = 4
STEM_AFFIX_MIN = 3
# A reversed stem is indexed only when it can be a compound longer than the shortest affix (the
# same length is in the SQL function `styrning_sv_baklanges`).
_REVERSED_MIN = STEM_AFFIX_MIN + 1
_DOUBLED = re.compile(r"([bdfgklmnprstv])\1$")
# "vattnet" -> "vatten", "exemplet" -> "exempel", "fönstret" -> "fönster": the e that the
# definite form drops between a consonant and n, l or r.
_SYNCOPE = re.compile("^(.*[^aeiouyåäöé][^aeiouyåäöé])([nlr])(?:et|en)$")

_stemmer = snowballstemmer.stemmer("swedish")


def coordinated_compounds(text: str) -> list[str]:
    """The compounds a hyphenated coordination stands for: "barn- och ungdomsnämnden" ->
    "barnnämnden" (and "barnsnämnden", "barndomsnämnden" ...: every ending of the last word
    of at least three letters after a first part of at least two, both with a vowel)."""
    compounds = []
    for match in _COORDINATION.finditer(text or ""):
        heads = _WORD.findall(match.group(1))
        last = match.group(2)
        for split in range(2, len(last) - 2):
            first, tail = last[:split], last[split:]
            if _VOWEL.search(first) and _VOWEL.search(tail):
                compounds.extend(head + tail for head in heads)
    return compounds


def words(text: str) -> list[str]:
    """The words of `text`, lower case."""
    return _WORD.findall((text or "").lower())


@functools.lru_cache(maxsize=100_000)
def word_stems(word: str) -> tuple[str, ...]:
    """The stems a (lower-case) word is indexed and searched under: Snowball's, and Snowball's
    of the word without a definite ending where Snowball keeps it ("medborgarkontraktet" ->
    "medborgarkontrakt", "skolan" -> "skola", "policyn" -> "policy", "programmet" ->
    "program", "vattnet" -> "vatten", "skolans" -> "skola"). A false form ("planet" ->
    "plan") costs an odd hit, a missing one costs the hit the reader was looking for."""
    forms = {word}
    if len(word) > 4 and not word.isdigit():
        # The genitive of a definite form: "skolans", "beslutets".
        undefined = [word, word[:-1]] if word.endswith("s") else [word]
        for form in undefined:
            forms.add(form)
            if form.endswith(("et", "en")):
                base = form[:-2]
                forms.add(base)
                forms.add(_DOUBLED.sub(r"\1", base))
            if form[-1] in "nt" and _VOWEL.match(form[-2]):
                forms.add(form[:-1])
            if syncope := _SYNCOPE.match(form):
                forms.add(f"{syncope.group(1)}e{syncope.group(2)}")
    return tuple(sorted({_stemmer.stemWord(form) for form in forms}))


def _stems_of(text: str) -> list[str]:
    expanded = f"{text or ''} {' '.join(coordinated_compounds(text))}"
    return [stem for word in words(expanded) for stem in word_stems(word)]


def index_stems(text: str | None) -> str:
    """A text as FTS5 stores it: the stems of its words and of its coordinations."""
    return " ".join(_stems_of(text))


def index_reversed(text: str | None) -> str:
    """The reversed stems long enough to end in another word, each once ("skolplan" is stored
    as "nalploks", so a prefix query "nalp*" finds the compounds ending in "plan")."""
    stems = dict.fromkeys(
        stem[::-1] for stem in _stems_of(text) if len(stem) >= _REVERSED_MIN and stem.isalpha()
    )
    return " ".join(stems)


def index_words(text: str | None) -> str:
    """The distinct words of a text as written (lower case): the vocabulary for suggestions."""
    return " ".join(dict.fromkeys(words(text)))


def register_sqlite_functions(sender=None, connection=None, **kwargs) -> None:
    """Add the stemmer to a new SQLite connection as the SQL functions the index triggers call
    (a `connection_created` receiver)."""
    if connection is None or connection.vendor != "sqlite":
        return
    for name, function in (
        ("styrning_sv_stammar", index_stems),
        ("styrning_sv_baklanges", index_reversed),
        ("styrning_sv_ord", index_words),
    ):
        connection.connection.create_function(name, 1, function, deterministic=True)


# --- SQLite: the FTS5 index and the triggers that keep it in step -----------------------------

FTS_TABLE = "dokument_soktext"
FTS_VOCABULARY = "dokument_sokord"
# bm25 weights of the columns titel, text, fil, bak, ord: title and case number first, then the
# body, then the file; the endings of compounds least; the words as written are never searched.
FTS_WEIGHTS = (10.0, 4.0, 1.5, 0.5, 0.0)
_FTS_VALUES = (
    "styrning_sv_stammar({v}.titel || ' ' || {v}.diarienummer), "
    "styrning_sv_stammar({v}.text), styrning_sv_stammar({v}.fil_text), "
    "styrning_sv_baklanges({v}.titel || ' ' || {v}.diarienummer || ' ' || {v}.text || ' ' "
    "|| {v}.fil_text), "
    "styrning_sv_ord({v}.titel || ' ' || {v}.diarienummer || ' ' || {v}.text || ' ' "
    "|| {v}.fil_text)"
)
_FTS_COLUMNS = "rowid, titel, text, fil, bak, ord"
# The index is contentless (FTS5 keeps no copy of the stems: 84 MB less at 10,000 documents),
# so a row leaves it through FTS5's 'delete' command with the values it was indexed with,
# recomputed from the old row: the same functions give the same stems. That holds as long as
# the stemming does not change; when it does (this module, or the snowballstemmer package),
# the fingerprint changes and `ensure_sqlite_index` rebuilds the index after `migrate`.
_FTS_DELETE = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, {_FTS_COLUMNS}) "
    f"SELECT 'delete', old.id, {_FTS_VALUES.format(v='old')} WHERE old.ar_aktuell;"
)
SQLITE_TRIGGERS = {
    "dokument_soktext_ny": (
        "AFTER INSERT ON dokument_dokumentversion WHEN new.ar_aktuell BEGIN "
        f"INSERT INTO {FTS_TABLE}({_FTS_COLUMNS}) VALUES (new.id, {_FTS_VALUES.format(v='new')});"
        " END"
    ),
    "dokument_soktext_andrad": (
        "AFTER UPDATE OF titel, diarienummer, text, fil_text, ar_aktuell "
        f"ON dokument_dokumentversion BEGIN {_FTS_DELETE} "
        f"INSERT INTO {FTS_TABLE}({_FTS_COLUMNS}) SELECT new.id, {_FTS_VALUES.format(v='new')} "
        "WHERE new.ar_aktuell; END"
    ),
    "dokument_soktext_borttagen": (
        f"AFTER DELETE ON dokument_dokumentversion BEGIN {_FTS_DELETE} END"
    ),
}
# Change STEMMING_VERSION with any change to how words are stemmed or expanded above.
STEMMING_VERSION = 1
FTS_FINGERPRINT_TABLE = "dokument_soktext_stammning"


def stemming_fingerprint() -> str:
    return f"{STEMMING_VERSION}/snowballstemmer-{importlib.metadata.version('snowballstemmer')}"


def rebuild_sqlite_index(cursor) -> None:
    cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    cursor.execute(
        f"INSERT INTO {FTS_TABLE}({_FTS_COLUMNS}) SELECT id, {_FTS_VALUES.format(v='v')} "
        "FROM dokument_dokumentversion AS v WHERE v.ar_aktuell"
    )
    cursor.execute(f"DELETE FROM {FTS_FINGERPRINT_TABLE}")
    cursor.execute(
        f"INSERT INTO {FTS_FINGERPRINT_TABLE}(fingeravtryck) VALUES (%s)", [stemming_fingerprint()]
    )


def ensure_sqlite_index(sender=None, using="default", **kwargs) -> bool:
    """Put the index triggers back where a table rebuild dropped them, and rebuild the index
    then or when the stemming changed (a `post_migrate` receiver). Returns whether it rebuilt."""
    from django.db import connections

    db = connections[using]
    if db.vendor != "sqlite":
        return False
    with db.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE not in present or "dokument_dokumentversion" not in present:
            return False  # before 0005_sok_svenska, or after its reversal
        missing = [name for name in SQLITE_TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]}")
        cursor.execute(f"SELECT fingeravtryck FROM {FTS_FINGERPRINT_TABLE}")
        stemmed_with = [row[0] for row in cursor.fetchall()]
        rebuild = bool(missing) or stemmed_with != [stemming_fingerprint()]
        if rebuild:
            rebuild_sqlite_index(cursor)
    return rebuild


STORED_VECTOR_COLUMN = "sokvektor"


class StoredVector(models.Expression):
    """The stored `sokvektor` column of the version joined at `version_path` (e.g. "aktuell"),
    or, without a path, of the queryset's own table (the goals' and report versions' columns
    of the same name, read by insyn/sok.py).

    The column is not a model field, so this resolves the join through the version's primary
    key and names the column on the same table alias."""

    output_field = SearchVectorField()

    def __init__(self, version_path: str | None = None):
        super().__init__()
        self.source = F(f"{version_path}__id" if version_path else "pk")

    def get_source_expressions(self):
        return [self.source]

    def set_source_expressions(self, exprs):
        (self.source,) = exprs

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name(self.source.alias)
        return f"{alias}.{connection.ops.quote_name(STORED_VECTOR_COLUMN)}", []


class _AffixQuery(SearchQueryCombinable, Func):
    """A tsquery written out (`'skol':* | '<loks':*`), cast as it is: the affixes are lexemes
    already, which `to_tsquery` would parse again and break at "<"."""

    output_field = SearchQueryField()
    template = "%(expressions)s::tsquery"
    config = None

    def __init__(self, literal: str):
        super().__init__(Value(literal))


def _affixes(word: str) -> tuple[list[str], list[str]]:
    """The stems of a query word long enough to find the compounds that begin with them, and
    the same stems reversed, to find those that end with them."""
    if len(word) < AFFIX_MIN or not word.isalpha():
        return [], []
    stems = [stem for stem in word_stems(word) if len(stem) >= STEM_AFFIX_MIN]
    return stems, [stem[::-1] for stem in stems]


def search_query(q: str) -> SearchQuery:
    """Every word must match: through either configuration, or as the beginning or the end of
    a compound (PostgreSQL)."""
    query = None
    for word in query_words(q):
        either = SearchQuery(word, config=SEARCH_CONFIG) | SearchQuery(word, config=FALLBACK_CONFIG)
        tokens = words(word)
        if len(tokens) == 1:
            prefixes, reversed_ = _affixes(tokens[0])
            literal = " | ".join(
                [f"'{stem}':*" for stem in prefixes] + [f"'<{stem}':*" for stem in reversed_]
            )
            if literal:
                either = either | _AffixQuery(literal)
        query = either if query is None else query & either
    return query


def sqlite_match(q: str) -> str | None:
    """The FTS5 query for `q`: for each word, one of its stems as a word, or as the beginning of
    a word, in the title, body or file text, or reversed as the beginning of a reversed word
    (the end of a compound). A stem found as itself matches twice (as a word and as a
    beginning), so bm25 puts it above a compound. None when `q` has no words."""
    terms = []
    for word in words(q):
        stems = word_stems(word)
        prefixes, reversed_ = _affixes(word)
        found = [f'"{stem}"' for stem in stems] + [f'"{stem}"*' for stem in prefixes]
        term = f"{{titel text fil}} : ({' OR '.join(found)})"
        if reversed_:
            ends = " OR ".join(f'"{stem}"*' for stem in reversed_)
            term = f"({term} OR bak : ({ends}))"
        terms.append(term)
    return " AND ".join(terms) or None


def _clean_snippet(text: str) -> str:
    text = _MARKDOWN_NOISE.sub(lambda m: m.group(1) or " ", text)
    return _WHITESPACE.sub(" ", text).strip()


def marked_to_html(marked: str | None) -> SafeString:
    """Escape a headline and turn its `_START`/`_STOP` markers into <mark> elements."""
    if not marked:
        return mark_safe("")
    html = escape(_clean_snippet(marked))
    html = _MARKED.sub(r"<mark>\1</mark>", html)
    html = html.replace(_START, "").replace(_STOP, "")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own <mark> tags added


class HeadlineField(models.TextField):
    """A `ts_headline` result read back as safe HTML."""

    def from_db_value(self, value, expression, connection):
        return marked_to_html(value)


class FallbackSnippetField(models.TextField):
    """SQLite: the query and the version's texts, read back as a snippet around the first word
    that matches, highlighted and escaped. Computed in Python for the rows actually loaded."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return mark_safe("")
        q, *texts = value.split(_FIELD_SEPARATOR)
        return marked_to_html(first_stem_match_in_context(q, texts))


class _Headline(SearchHeadline):
    output_field = HeadlineField()


def _stem_matches(q: str):
    """A test whether a word of a text matches a word of `q` as `sqlite_match` matches it."""
    wanted = []
    for word in words(q):
        prefixes, reversed_ = _affixes(word)
        wanted.append((set(word_stems(word)), prefixes, [stem[::-1] for stem in reversed_]))

    def matches(token: str) -> bool:
        stems = word_stems(token.lower())
        return any(
            exact.intersection(stems)
            or any(stem.startswith(tuple(prefixes)) for stem in stems if prefixes)
            or any(stem.endswith(tuple(endings)) for stem in stems if endings)
            for exact, prefixes, endings in wanted
        )

    return matches


def first_stem_match_in_context(q: str, texts: list[str]) -> str:
    """The first word of the texts that a word of `q` finds (its inflections, the compounds it
    begins or ends), marked in its context; else as `first_match_in_context` with the first
    word of `q` (a coordination, a case number)."""
    matches = _stem_matches(q)
    for text in texts:
        for token in _WORD.finditer(text):
            if matches(token.group()):
                return _in_context(text, token.start(), token.end())
    return first_match_in_context(next(iter(query_words(q)), ""), texts)


def first_match_in_context(word: str, texts: list[str]) -> str:
    """The first text that contains `word` (case-insensitively), cut to whole words around the
    first occurrence, with the word it occurs in between the markers. The first non-empty text
    when no text contains the word."""
    needle = word.casefold()
    for text in texts:
        position = text.casefold().find(needle) if needle else -1
        if position < 0:
            continue
        # Mark the whole word ("förskolans" when "skola" was searched for).
        first, last = position, position + len(word)
        while first > 0 and text[first - 1].isalnum():
            first -= 1
        while last < len(text) and text[last].isalnum():
            last += 1
        return _in_context(text, first, last)
    first_text = next((t for t in texts if t.strip()), "")
    if len(first_text) <= 2 * SNIPPET_CONTEXT:
        return first_text
    return first_text[: _word_boundary(first_text, 2 * SNIPPET_CONTEXT, forward=False)] + " …"


def _in_context(text: str, first: int, last: int) -> str:
    """`text[first:last]` between the markers, with whole words around it."""
    start = _word_boundary(text, max(first - SNIPPET_CONTEXT, 0), forward=True)
    end = _word_boundary(text, min(last + SNIPPET_CONTEXT, len(text)), forward=False)
    return (
        ("… " if start > 0 else "")
        + text[start:first]
        + _START
        + text[first:last]
        + _STOP
        + text[last:end]
        + (" …" if end < len(text) else "")
    )


def _word_boundary(text: str, index: int, *, forward: bool) -> int:
    """`index` moved to the nearest whitespace (forward or back), so no word is cut."""
    if index <= 0 or index >= len(text):
        return index
    if forward:
        while index < len(text) and not text[index - 1].isspace():
            index += 1
        return index
    while index > 0 and not text[index].isspace():
        index -= 1
    return index


def query_words(q: str) -> list[str]:
    return [word for word in _WHITESPACE.split((q or "").replace('"', " ").strip()) if word]


def _with_current_version(queryset):
    """Join the current version as `aktuell`, unless the queryset already does (the querysets
    of dokument/queries.py do)."""
    if "aktuell" not in queryset.query._filtered_relations:
        queryset = queryset.annotate(
            aktuell=FilteredRelation("versioner", condition=Q(versioner__ar_aktuell=True))
        )
    # No `filter(aktuell__isnull=False)`: a second filter() on a multi-valued relation joins
    # the versions a second time. The search conditions below read the joined version, so a
    # document without a current version never matches.
    return queryset


# At most this many matching documents are ranked: a common word matches nearly every
# document, and ranking (reading every hit's vector) and counting them all cost 0.2-0.5 s at
# 10,000 documents. The candidates are the first this many (and one more, to know that there
# are more) that the index finds among the documents the filters leave; the list then says
# "fler än 1 000 träffar".
CANDIDATES = 1000


def search_documents(queryset, q: str):
    """Documents of `queryset` whose current version matches `q`, with `sok_rank` and
    `sok_utdrag` (safe HTML), best first. At most `CANDIDATES` + 1 documents are ranked
    (`has_more_hits` tells whether there were more). An empty `q` returns the queryset
    unchanged. Apply it after every other filter, so the candidates are drawn from what the
    reader asked for."""
    if not query_words(q):
        return queryset
    queryset = _with_current_version(queryset)
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, q)
    return _search_fallback(queryset, q)


def has_more_hits(count: int) -> bool:
    """Whether a search whose (capped) result holds `count` documents had more hits than it
    ranked."""
    return count > CANDIDATES


def _candidates(matching):
    """The primary keys of at most `CANDIDATES` + 1 matching documents, in no order: the index
    finds them without reading their vectors."""
    return matching.order_by().values("pk")[: CANDIDATES + 1]


def _search_postgresql(queryset, q: str):
    query = search_query(q)
    matching = queryset.alias(sok_vektor=StoredVector("aktuell")).filter(sok_vektor=query)
    body = Concat(
        F("aktuell__text"), Value("\n\n"), F("aktuell__fil_text"), output_field=models.TextField()
    )
    return (
        queryset.filter(pk__in=_candidates(matching))
        .annotate(
            sok_rank=SearchRank(StoredVector("aktuell"), query),
            # The snippet is parsed with the snowball configuration: the Hunspell one costs
            # some 6 ms per document of 4,000 characters (150 ms for a page of 25), snowball
            # under 1 ms. Its stems and the affixes of the query are those of `swedish`, so it
            # marks the same words but for the few inflections only Hunspell knows. PostgreSQL
            # computes it for the rows of the page only (after the sort and the limit).
            sok_utdrag=_Headline(
                body,
                query,
                config=FALLBACK_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=25,
                min_words=10,
                short_word=0,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-sok_rank", "aktuell__titel", "pk")
    )


def _search_fallback(queryset, q: str):
    match = sqlite_match(q)
    if match is None:
        return queryset.none()
    weights = ", ".join(str(weight) for weight in FTS_WEIGHTS)
    # A join with the FTS5 table, which the ORM cannot express otherwise: SQLite then runs the
    # full-text query once and reads bm25 as it goes. (A correlated subquery per document,
    # the first design, ran the query once per hit: 3 s for 1,900 hits among 10,000.) The
    # current version is the join `aktuell` of `_with_current_version`.
    fts = {
        "tables": [FTS_TABLE],
        "where": [f"{FTS_TABLE}.rowid = aktuell.id", f"{FTS_TABLE} MATCH %s"],
        "params": [match],
    }
    matching = queryset.extra(**fts)  # noqa: S610 - the only parameter is passed as a parameter
    return (
        queryset.filter(pk__in=_candidates(matching))
        .extra(select={"sok_rank": f"-bm25({FTS_TABLE}, {weights})"}, **fts)  # noqa: S610
        .annotate(
            sok_utdrag=Concat(
                Value(q.replace(_FIELD_SEPARATOR, "") + _FIELD_SEPARATOR),
                F("aktuell__text"),
                Value(_FIELD_SEPARATOR),
                F("aktuell__fil_text"),
                Value(_FIELD_SEPARATOR),
                F("aktuell__titel"),
                output_field=FallbackSnippetField(),
            ),
        )
        .order_by("-sok_rank", "aktuell__titel", "pk")
    )


# --- When nothing is found ---------------------------------------------------------------------

SUGGESTIONS = 5
_VOCABULARY_SAMPLE = 500  # documents read for the words of a beginning (PostgreSQL)
_SUGGESTION_SIMILARITY = 0.6  # difflib's ratio: 0.6 lets "skolplna" suggest "skolplan"


@dataclass
class NoHitHelp:
    """What the list says when a search finds nothing: the query and the nearest words the
    index knows (in the documents of the queryset, so nothing the reader may not see)."""

    fraga: str
    forslag: list[str]


def no_hit_help(queryset, q: str) -> NoHitHelp:
    """The words of the documents in `queryset` nearest to the words of `q`: words that begin
    with the same three letters (four, for a word of six or more: "med" is a word of its own
    and begins thousands more), most alike first. One query per word of `q` (at most three)."""
    visible, visible_params = (
        _with_current_version(queryset).values("aktuell__id").query.sql_with_params()
    )
    nearest = {}
    for word in list(dict.fromkeys(words(q)))[:3]:
        if len(word) < 3 or word.isdigit():
            continue
        prefix = word[: 4 if len(word) >= 6 else 3]
        for term, documents in _words_beginning(prefix, visible, visible_params):
            similarity = difflib.SequenceMatcher(None, word, term).ratio()
            if term != word and similarity >= _SUGGESTION_SIMILARITY:
                best = max(nearest.get(term, (0, 0)), (similarity, documents))
                nearest[term] = best
    ranked = sorted(nearest.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return NoHitHelp(fraga=q.strip(), forslag=[term for term, _ in ranked[:SUGGESTIONS]])


def _words_beginning(prefix: str, visible: str, visible_params) -> list[tuple[str, int]]:
    """The words as written that begin with `prefix`, with the number of documents of the
    subquery `visible` (current version ids) that hold them, through the index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                # Unpacking every vector that holds such a word costs 0.4 s at 10,000
                # documents for a common beginning; a sample of them knows the words as well
                # (the counts only order equally near words).
                "SELECT w.lexeme, count(*) FROM (SELECT v.sokord FROM dokument_dokumentversion "
                f"AS v WHERE v.sokord @@ %s::tsquery AND v.id IN ({visible}) LIMIT %s) AS v, "
                "unnest(v.sokord) AS w WHERE left(w.lexeme, %s) = %s GROUP BY w.lexeme",
                [f"'{prefix}':*", *visible_params, _VOCABULARY_SAMPLE, len(prefix), prefix],
            )
        else:
            after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            cursor.execute(
                f"SELECT term, count(DISTINCT doc) FROM {FTS_VOCABULARY} "
                f"WHERE col = 'ord' AND term >= %s AND term < %s AND doc IN ({visible}) "
                "GROUP BY term",
                [prefix, after, *visible_params],
            )
        return cursor.fetchall()


def uses_hunspell() -> bool:
    """Whether `styrning_sv` maps words to the Hunspell dictionary (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_ts_config_map m JOIN pg_ts_config c ON c.oid = m.mapcfg "
            "JOIN pg_ts_dict d ON d.oid = m.mapdict WHERE c.cfgname = %s AND d.dictname = %s",
            [SEARCH_CONFIG, ISPELL_DICTIONARY],
        )
        return cursor.fetchone() is not None
