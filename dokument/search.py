"""Full-text search over governing documents.

`search_documents(queryset, q)` takes a queryset of `Dokument` and returns it filtered to the
documents whose current version matches `q`, annotated with

- `sok_rank`: the relevance (PostgreSQL: `ts_rank` over title and case number A, body B, file
  text C; SQLite: 0),
- `sok_utdrag`: a short snippet where the words occur, as safe HTML: everything is escaped and
  the matched words are wrapped in `<mark>`,

and ordered best first (PostgreSQL) or by title (SQLite).

PostgreSQL: the text search configuration `styrning_sv` (migration `0003_sokning`) runs
each word through the Swedish Hunspell dictionary (`sv_hunspell`, an ispell dictionary built from
Debian's hunspell-sv-se by `deploy/install-swedish-dictionary.sh`) and then the snowball
`swedish_stem`, so definite, plural and compound forms meet ("styrdokumentet" finds
"styrdokument", "skolan" finds "skola"). Where the server lacks the dictionary, the
configuration is a plain copy of `swedish`: search works, it just stems less.
The vector is stored: the same migration adds a generated column
`sokvektor` to `dokument_dokumentversion` on PostgreSQL (`GENERATED ALWAYS AS (...) STORED`,
see `STORED_VECTOR_SQL`), with the GIN index `dokument_sokindex` on it. PostgreSQL computes it
on every insert and update, so nothing in Python keeps it up to date: no signals, no `save()`,
no service call, no `update_search_vector()`. Django's model state does not know the column
(SQLite has no `to_tsvector`), so the ORM never reads or writes it; queries reach it through
`StoredVector`. One consequence for migrations: PostgreSQL refuses to change the type of a
column a generated column reads (`titel`, `text`, `fil_text`, `diarienummer`); such a migration
must drop `sokvektor` first and add it back after (as `0003_sokning` does).
(The first design, an expression index, was correct but slow: the planner does not know how
expensive an ispell `to_tsvector` is, computed it for every current version and ranked by
recomputing it, about 200 ms for 150 documents; the stored vector answers in a few ms.)

SQLite (development and tests): every word of `q` must occur (case-insensitively, as SQLite's
LIKE understands it) in the title, the case number, the body or the file text of the current
version.
"""

import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection, models
from django.db.models import F, FilteredRelation, Q, Value
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


STORED_VECTOR_COLUMN = "sokvektor"


class StoredVector(models.Expression):
    """The stored `sokvektor` column of the version joined at `version_path` (e.g. "aktuell").

    The column is not a model field, so this resolves the join through the version's primary
    key and names the column on the same table alias."""

    output_field = SearchVectorField()

    def __init__(self, version_path: str):
        super().__init__()
        self.source = F(f"{version_path}__id")

    def get_source_expressions(self):
        return [self.source]

    def set_source_expressions(self, exprs):
        (self.source,) = exprs

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name(self.source.alias)
        return f"{alias}.{connection.ops.quote_name(STORED_VECTOR_COLUMN)}", []


def search_query(q: str) -> SearchQuery:
    """Every word must match, each through either configuration."""
    query = None
    for word in query_words(q):
        either = SearchQuery(word, config=SEARCH_CONFIG) | SearchQuery(word, config=FALLBACK_CONFIG)
        query = either if query is None else query & either
    return query


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
    """SQLite: the searched word and the version's texts, read back as a snippet around the
    first match, highlighted and escaped. Computed in Python for the rows actually loaded."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return mark_safe("")
        word, *texts = value.split(_FIELD_SEPARATOR)
        return marked_to_html(first_match_in_context(word, texts))


class _Headline(SearchHeadline):
    output_field = HeadlineField()


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
    first_text = next((t for t in texts if t.strip()), "")
    if len(first_text) <= 2 * SNIPPET_CONTEXT:
        return first_text
    return first_text[: _word_boundary(first_text, 2 * SNIPPET_CONTEXT, forward=False)] + " …"


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
    # Only documents with a current version; it also makes the outer join an inner one.
    return queryset.filter(aktuell__isnull=False)


def search_documents(queryset, q: str):
    """Documents of `queryset` whose current version matches `q`, with `sok_rank` and
    `sok_utdrag` (safe HTML). An empty `q` returns the queryset unchanged."""
    if not query_words(q):
        return queryset
    queryset = _with_current_version(queryset)
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, q)
    return _search_fallback(queryset, q)


def _search_postgresql(queryset, q: str):
    query = search_query(q)
    body = Concat(
        F("aktuell__text"), Value("\n\n"), F("aktuell__fil_text"), output_field=models.TextField()
    )
    return (
        queryset.alias(sok_vektor=StoredVector("aktuell"))
        .filter(sok_vektor=query)
        .annotate(
            sok_rank=SearchRank(F("sok_vektor"), query),
            sok_utdrag=_Headline(
                body,
                query,
                config=SEARCH_CONFIG,
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
    words = query_words(q)
    condition = Q()
    for word in words:
        condition &= (
            Q(aktuell__titel__icontains=word)
            | Q(aktuell__diarienummer__icontains=word)
            | Q(aktuell__text__icontains=word)
            | Q(aktuell__fil_text__icontains=word)
        )
    return (
        queryset.filter(condition)
        .annotate(
            sok_rank=Value(0.0, output_field=models.FloatField()),
            sok_utdrag=Concat(
                Value(words[0].replace(_FIELD_SEPARATOR, "") + _FIELD_SEPARATOR),
                F("aktuell__text"),
                Value(_FIELD_SEPARATOR),
                F("aktuell__fil_text"),
                Value(_FIELD_SEPARATOR),
                F("aktuell__titel"),
                output_field=FallbackSnippetField(),
            ),
        )
        .order_by("aktuell__titel", "pk")
    )


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
