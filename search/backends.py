"""Running reader searches on whichever backend DESIGN.md's settings chose, tuned for news.

modelsearch gives every backend the same `search()` API but no hook for the
two things a news archive needs on top of plain relevance:

* Stories matching all the words come before stories matching some, and
  among equally relevant stories the recent one comes first.
* A search server that is down or slow is a clear, expected outcome
  (`SearchUnavailable`), never a 500, and the next readers do not each wait
  for the same timeout.

On Elasticsearch / OpenSearch the query compiler and results classes of the
configured backend are extended (`_engine_classes`): the match is wrapped in
a `function_score` with a Gaussian decay on the display date, an all-words
`constant_score` clause lifts stories that match every word, ties sort
newest first, and matched words come back highlighted. On the database
backends (PostgreSQL full text, SQLite FTS5) the match is any-word (both
default to all-words), then ordered by an all-words flag, the backend's
rank, and the display date.
"""

import contextlib
import functools
import logging
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, Count, F, FloatField, IntegerField, Value, When, Window
from django.db.models.expressions import RawSQL
from modelsearch.backends.elasticsearchbase import ElasticsearchBaseSearchBackend
from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, Not, Phrase, PlainText

from search.text import ENGINE_POST_TAG, ENGINE_PRE_TAG, MAX_TERMS, STOP_WORDS, words

logger = logging.getLogger(__name__)

RELEVANCE = "relevance"
NEWEST = "newest"

# After a failure, readers get the "unavailable" page at once for this long
# instead of each waiting for the server's timeout; it is also the
# Retry-After sent with that page.
RETRY_AFTER_SECONDS = 30
ENGINE_DOWN_KEY = "newsroom:search:engine-down"

# Added to the score of a story matching every word: BM25 scores of news
# text stay far below it, so all-word matches always rank first.
ALL_WORDS_BONUS = 1000.0
# How much more a word in the headline counts than one elsewhere, on the
# database backends (the engines use the fields' boosts).
SQLITE_HEADLINE_WEIGHT = 5.0
POSTGRES_HEADLINE_WEIGHT = 2.0
# A story's score is multiplied by 1 + decay(age): up to twice as much for
# today's story, 1.5x at a month old, close to 1x after a few months. That
# orders near-equal stories newest first without burying an old story that
# matches much better.
RECENCY_DECAY = {"origin": "now", "offset": "1d", "scale": "30d", "decay": 0.5}
# The fields an engine highlights, by their search_fields name; the excerpt
# prefers the standfirst.
HIGHLIGHT_FIELDS = ("standfirst", "body")


class SearchUnavailable(Exception):
    """The search server is down, too slow, or refused the query."""


class SearchTooSlow(Exception):
    """The database backend ran past the search's time budget (NEWSROOM_SEARCH_TIME_BUDGET_MS): ask for a
    narrower search rather than keep a worker busy."""


def _is_cancelled(error):
    """True for a statement cancelled by statement_timeout (PostgreSQL) or the progress handler (SQLite)."""
    cause = error.__cause__ or error
    if getattr(cause, "sqlstate", None) == "57014":  # query_canceled
        return True
    return connection.vendor == "sqlite" and "interrupted" in str(error).lower()


@contextlib.contextmanager
def time_budget(milliseconds=None):
    """Run the database backend's search queries within `milliseconds` (default: the setting), or raise
    SearchTooSlow.

    PostgreSQL: one transaction with `SET LOCAL statement_timeout`, so every
    query of the search gets the budget and nothing outlives the block (and
    no parallel workers: see below). SQLite: a progress handler
    that interrupts the statement once the budget is spent. A search server
    has its own timeout (SEARCH_TIMEOUT), so this does nothing there.
    """
    from django.conf import settings

    budget = settings.NEWSROOM_SEARCH_TIME_BUDGET_MS if milliseconds is None else milliseconds
    if is_engine(get_search_backend()) or not budget:
        yield
        return
    try:
        if connection.vendor == "postgresql":
            nested = connection.in_atomic_block
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # One round trip: the settings as they were (to restore below), then the budget. One core per
                    # search: parallel workers each rebuild the same hash of matches, which under load only takes
                    # cores from the other readers' pages.
                    cursor.execute(
                        "SELECT current_setting('statement_timeout'), "
                        "current_setting('max_parallel_workers_per_gather'), "
                        "set_config('statement_timeout', %s, true), "
                        "set_config('max_parallel_workers_per_gather', '0', true)",
                        [str(int(budget))],
                    )
                    before = cursor.fetchone()[:2]
                yield
                if nested:
                    # Inside an outer transaction (tests, ATOMIC_REQUESTS) SET LOCAL would outlive this block.
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT set_config('statement_timeout', %s, true), "
                            "set_config('max_parallel_workers_per_gather', %s, true)",
                            list(before),
                        )
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            deadline = time.monotonic() + budget / 1000
            connection.connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
            try:
                yield
            finally:
                connection.connection.set_progress_handler(None, 0)
        else:
            yield
    except DatabaseError as error:
        if _is_cancelled(error):
            logger.warning("Search stopped at its %s ms budget", budget)
            raise SearchTooSlow(str(error)) from error
        raise


def is_engine(backend):
    return isinstance(backend, ElasticsearchBaseSearchBackend)


@functools.cache
def engine_errors():
    """Every exception the Elasticsearch and OpenSearch clients raise for a failed request."""
    errors = []
    with contextlib.suppress(ImportError):
        from opensearchpy.exceptions import OpenSearchException

        errors.append(OpenSearchException)
    with contextlib.suppress(ImportError):
        from elastic_transport import TransportError
        from elasticsearch import ApiError

        errors += [ApiError, TransportError]
    return tuple(errors)


def mark_engine_down():
    cache.set(ENGINE_DOWN_KEY, True, RETRY_AFTER_SECONDS)


def engine_marked_down():
    return bool(cache.get(ENGINE_DOWN_KEY))


def engine_reachable(backend):
    try:
        return bool(backend.es.ping())
    except engine_errors():
        return False


@contextlib.contextmanager
def engine_failures():
    """Turn a search server's failure into SearchUnavailable, and open the breaker for the next readers."""
    try:
        yield
    except engine_errors() as error:
        logger.warning("Search server unavailable: %s", error)
        mark_engine_down()
        raise SearchUnavailable(str(error)) from error
    except DatabaseError as error:
        if _is_cancelled(error):
            logger.warning("Search stopped at its time budget: %s", error)
            raise SearchTooSlow(str(error)) from error
        # The database backend should never fail on a reader's query (the
        # parser strips all syntax); if it does, say so in the logs and give
        # the reader the unavailable page rather than a 500.
        logger.exception("Database search failed")
        raise SearchUnavailable(str(error)) from error


def build_query(parsed, all_words=False, excluding=True):
    """The modelsearch query for a ParsedQuery: every phrase, any (or all) of the words, none of the -words."""
    parts = [Phrase(phrase) for phrase in parsed.phrases]
    if parsed.terms:
        parts.append(PlainText(" ".join(parsed.terms), operator="and" if all_words else "or"))
    if excluding and parsed.excluded:
        parts.append(Not(PlainText(" ".join(parsed.excluded), operator="or")))
    return parts[0] if len(parts) == 1 else And(parts)


class EngineQueryMixin:
    """Recency, all-words-first and newest-first ties for modelsearch's Elasticsearch/OpenSearch compilers."""

    all_words_query = None
    highlight_fields = ()

    def _compile_top_level(self, query, fields):
        if isinstance(query, Phrase):
            return self._compile_phrase_query(query, fields)
        return self._compile_plaintext_query(query, fields)

    def get_inner_query(self):
        # modelsearch compiles And() per field (phrase and words in the same
        # field); a story should match when they are anywhere in it, and
        # when an excluded word is nowhere in it.
        if isinstance(self.query, And):
            fields = self.remapped_fields
            subqueries = self.query.subqueries
            clauses = {"must": [self._compile_top_level(q, fields) for q in subqueries if not isinstance(q, Not)]}
            excluded = [self._compile_top_level(q.subquery, fields) for q in subqueries if isinstance(q, Not)]
            if excluded:
                clauses["must_not"] = excluded
            return {"bool": clauses}
        return super().get_inner_query()

    def _date_column(self):
        date_field = self._get_filterable_field("display_date")
        return self.mapping.get_field_column_name(date_field) if date_field else None

    def get_query(self):
        query = super().get_query()
        date_column = self._date_column()
        if not self.order_by_relevance or "bool" not in query:
            return query
        clauses = query["bool"]
        if date_column:
            clauses["must"] = {
                "function_score": {
                    "query": clauses["must"],
                    "functions": [{"weight": 1}, {"gauss": {date_column: RECENCY_DECAY}, "weight": 1}],
                    "score_mode": "sum",
                    "boost_mode": "multiply",
                }
            }
        if self.all_words_query is not None:
            clauses["should"] = [
                {
                    "constant_score": {
                        "filter": self._compile_top_level(self.all_words_query, self.remapped_fields),
                        "boost": ALL_WORDS_BONUS,
                    }
                }
            ]
        return query

    def get_sort(self):
        date_column = self._date_column()
        by_date = [{date_column: {"order": "desc", "missing": "_last"}}] if date_column else []
        by_score = [{"_score": {"order": "desc"}}]
        return by_score + by_date if self.order_by_relevance else by_date + by_score


class EngineResultsMixin:
    """Asks the engine to highlight matched words and keeps its fragments on each result."""

    def _get_es_body(self, for_count=False):
        body = super()._get_es_body(for_count=for_count)
        columns = self.query_compiler.highlight_fields
        if not for_count and columns:
            body["highlight"] = {
                # Private-use markers, not HTML: the fragment is escaped before they become <mark>.
                "pre_tags": [ENGINE_PRE_TAG],
                "post_tags": [ENGINE_POST_TAG],
                "require_field_match": False,
                "fields": {column: {"fragment_size": 200, "number_of_fragments": 1} for column in columns},
            }
        return body

    def _get_results_from_hits(self, hits):
        highlights = {str(hit["fields"]["pk"][0]): hit.get("highlight", {}) for hit in hits}
        for obj in super()._get_results_from_hits(hits):
            obj.search_highlights = highlights.get(str(obj.pk), {})
            yield obj


@functools.cache
def _extend(mixin, base):
    return type(f"Newsroom{base.__name__}", (mixin, base), {})


def _engine_classes(backend_class):
    return (
        _extend(EngineQueryMixin, backend_class.query_compiler_class),
        _extend(EngineQueryMixin, backend_class.autocomplete_query_compiler_class),
        _extend(EngineResultsMixin, backend_class.results_class),
    )


def _highlight_columns(compiler):
    by_name = {f.field_name: f for f in compiler.queryset.model.get_searchable_search_fields()}
    return [compiler.mapping.get_field_column_name(by_name[name]) for name in HIGHLIGHT_FIELDS if name in by_name]


@dataclass
class Results:
    """Matches in reader order; page() and count() run the search (call them inside engine_failures()).

    With a `loader` (the database backends), a page first ranks, counts and
    pages the matches' ids alone, then loads just those stories through the
    loader: sorting thousands of matches with their whole rows (bodies
    included), then counting them again, was most of a search's time on
    50,000 articles.
    """

    items: object
    counter: object = None
    loader: object = None

    def count(self):
        # Not `counter or items`: modelsearch results define __len__, so truth-testing them runs the whole search.
        return (self.items if self.counter is None else self.counter).count()

    def page(self, start, size):
        """(the matches from `start`, at most `size` of them; how many match in all)."""
        if self.loader is None:
            return list(self.items[start : start + size]), self.count()
        # One query ranks, counts (a window over all matches) and pages the ids.
        rows = list(self.items.annotate(_total=Window(Count("pk"))).values_list("pk", "_total")[start : start + size])
        if not rows:
            return [], self.count()
        loaded = self.loader.filter(pk__in=[pk for pk, _total in rows]).in_bulk()
        return [loaded[pk] for pk, _total in rows if pk in loaded], rows[0][1]


def search(queryset, parsed, order=RELEVANCE, backend=None):
    """Stories in `queryset` matching `parsed`, in `order`; raises SearchUnavailable when the engine is known down."""
    backend = backend or get_search_backend()
    if is_engine(backend) and engine_marked_down():
        raise SearchUnavailable("The search server failed recently.")
    with engine_failures():
        if is_engine(backend):
            return _engine_search(backend, queryset, parsed, order)
        return _database_search(backend, queryset, parsed, order)


def _engine_search(backend, queryset, parsed, order):
    compiler_class, _autocomplete_class, results_class = _engine_classes(type(backend))
    relevance = order != NEWEST
    compiler = compiler_class(
        queryset if relevance else queryset.order_by("-display_date"), build_query(parsed), order_by_relevance=relevance
    )
    if relevance and len(parsed.terms) > 1:
        compiler.all_words_query = PlainText(" ".join(parsed.terms), operator="and")
    compiler.highlight_fields = _highlight_columns(compiler)
    compiler.check()
    return Results(results_class(backend, compiler))


class SQLiteHeadlineWeightMixin:
    """Rank SQLite FTS5 matches with the headline column weighing most.

    modelsearch calls bm25() without column weights, so a word in the body
    counts as much as one in the headline; PostgreSQL and the engines weigh
    fields by their boost. The FTS table's columns are (autocomplete, body,
    title).
    """

    def _build_rank_expression(self, vectors, config):
        from wagtail.search.models import SQLiteFTSIndexEntry

        table = connection.ops.quote_name(SQLiteFTSIndexEntry._meta.db_table)
        return RawSQL(f"bm25({table}, 0.0, 1.0, {SQLITE_HEADLINE_WEIGHT})", [], output_field=FloatField())


class PostgresHeadlineWeightMixin:
    """Rank PostgreSQL matches with the headline weighing most, the same for every story.

    modelsearch multiplies the headline's rank by a length factor recomputed
    only for new index entries, so two identical stories indexed at
    different times rank differently (and newest-first tie-breaking never
    applies), and a long headline can rank below a standfirst mention.
    """

    def _build_rank_expression(self, vectors, config):
        (headline, _length_factor), *others = vectors
        rank = self.build_tsrank(headline, self.query, config=config) * POSTGRES_HEADLINE_WEIGHT
        for vector, boost in others:
            rank += self.build_tsrank(vector, self.query, config=config) * boost
        return rank


RANK_MIXINS = {"SQLiteSearchBackend": SQLiteHeadlineWeightMixin, "PostgresSearchBackend": PostgresHeadlineWeightMixin}


def _database_results(backend, query, queryset):
    """modelsearch's results for `query`, unordered (the caller orders), ranked with the headline weighted."""
    mixin = RANK_MIXINS.get(type(backend).__name__)
    if mixin is None:
        return backend.search(query, queryset, order_by_relevance=False)
    compiler = _extend(mixin, backend.query_compiler_class)(queryset, query, order_by_relevance=False)
    compiler.check()
    return backend.results_class(backend, compiler)


def _database_rank():
    # SQLite's bm25() is negative, best first in ascending order; PostgreSQL's ts_rank is the other way round.
    return F("_score").asc() if connection.vendor == "sqlite" else F("_score").desc()


def _database_search(backend, queryset, parsed, order):
    if type(backend).__name__ == "PostgresSearchBackend":
        return PostgresResults(backend, queryset, parsed, order)
    results = _database_results(backend, build_query(parsed), queryset.order_by("-display_date"))
    if not hasattr(results, "get_queryset"):
        # The substring fallback backend (a database without full text search): no rank to order by.
        return Results(results)
    counter = results
    if order == NEWEST:
        return Results(results.get_queryset().order_by("-display_date", "-pk"), counter, loader=queryset)
    matches = results.annotate_score("_score").get_queryset()
    ordering = [_database_rank(), "-display_date", "-pk"]
    if len(parsed.terms) > 1:
        all_words = _database_results(
            backend, build_query(parsed, all_words=True, excluding=False), queryset.order_by()
        )
        matches = matches.annotate(_all_words=_member_of(all_words.get_queryset().values("pk")))
        ordering.insert(0, "-_all_words")
    return Results(matches.order_by(*ordering), counter, loader=queryset)


def _member_of(subquery):
    return Case(When(pk__in=subquery, then=Value(1)), default=Value(0), output_field=IntegerField())


# PostgreSQL: how many of the best candidates are ranked with ts_rank (a multiple of the page size: see
# PostgresResults).
POSTGRES_RANKED = 200


class PostgresResults:
    """A reader's search on PostgreSQL full text, costing about the same for 50 matches or 50,000.

    Where a search's time went on 50,000 articles (EXPLAIN ANALYZE; see
    docs/architecture.md, "Search at scale"): modelsearch joins every
    article to its index entry and tests `(title || body) @@ query` on the
    joined row, so the planner walked articles and read each one's whole
    body vector out of TOAST (about 70 µs each) instead of asking the GIN
    index; ts_rank then read every match's vectors again, the all-words flag
    a third time, and counting joined every match once more. Here:

    * matching, the all-words flag and the headline flag are semi-joins on
      `wagtailsearch_indexentry` that the GIN indexes answer alone
      (`(title || body)` from search/migrations/0002, modelsearch's own on
      `title`): no body vector is read to find, flag or count a match;
    * candidates are ordered by (all words, a word in the headline, newest),
      and only the first POSTGRES_RANKED are ranked with ts_rank and
      re-ordered; later pages continue in candidate order, the order the
      ranked set was cut from, so no story is shown twice or skipped;
    * the count is a window over the candidates' query, which reads every
      match's id anyway: no second pass over the matches to count them;
    * only the shown page's stories are loaded, by id.
    """

    def __init__(self, backend, queryset, parsed, order):
        self.backend = backend
        self.loader = queryset
        self.parsed = parsed
        self.order = order
        self.compiler_class = _extend(PostgresHeadlineWeightMixin, backend.query_compiler_class)
        self.query = build_query(parsed)
        compiler = self.compiler_class(queryset.order_by(), self.query, order_by_relevance=False)
        compiler.check()
        self.compiler = compiler
        self.tsquery = compiler.build_tsquery(self.query, config=backend.config)
        self.matches = queryset.order_by().filter(pk__in=self._hits(self.tsquery))

    def _hits(self, tsquery, headline_only=False):
        """Ids of the articles whose index entry matches `tsquery`: a subquery the GIN index answers alone."""
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.postgres.search import SearchVectorField
        from django.db.models import IntegerField as Integer
        from django.db.models.expressions import CombinedExpression
        from django.db.models.functions import Cast
        from wagtail.search.models import IndexEntry

        vector = (
            F("title")
            if headline_only
            else CombinedExpression(F("title"), "||", F("body"), output_field=SearchVectorField())
        )
        content_type = ContentType.objects.get_for_model(self.loader.model)
        return (
            IndexEntry.objects.filter(content_type_id=content_type.pk)
            .annotate(_vector=vector)
            .filter(_vector=tsquery)
            .annotate(_id=Cast("object_id", Integer()))
            .values("_id")
        )

    def _all_words_flag(self):
        if len(self.parsed.terms) < 2:
            return Value(1, output_field=IntegerField())
        query = build_query(self.parsed, all_words=True, excluding=False)
        return _member_of(self._hits(self.compiler.build_tsquery(query, config=self.backend.config)))

    def _candidates(self):
        """Matches in candidate order: all words first, then a word in the headline, then newest."""
        in_headline = _member_of(self._hits(self.tsquery, headline_only=True))
        return self.matches.annotate(_all_words=self._all_words_flag(), _in_headline=in_headline).order_by(
            "-_all_words", "-_in_headline", "-display_date", "-pk"
        )

    def _page_ids(self, start, size):
        """(the ids of the stories from `start`, at most `size`; how many match in all).

        The count is a window over the query that orders the candidates: that
        query reads every match's id from the index anyway, so counting them
        there is free, where a separate COUNT read them all again.
        """
        total = Window(Count("pk"))
        if self.order == NEWEST:
            # NULLS LAST (display dates are never null) so the planner cannot walk the date index backwards and
            # test every article against the matches one by one, as it did for a LIMIT 20 at 50,000 articles.
            rows = list(
                self.matches.annotate(_total=total)
                .order_by(F("display_date").desc(nulls_last=True), "-pk")
                .values_list("pk", "_total")[start : start + size]
            )
            return [pk for pk, _total in rows], (rows[0][1] if rows else None)
        candidates = self._candidates().annotate(_total=total)
        if start >= POSTGRES_RANKED:
            rows = list(candidates.values_list("pk", "_total")[start : start + size])
            return [pk for pk, _total in rows], (rows[0][1] if rows else None)
        top = list(candidates.values_list("pk", "_all_words", "_total")[:POSTGRES_RANKED])
        if not top:
            return [], 0
        position = {pk: (index, all_words) for index, (pk, all_words, _total) in enumerate(top)}
        # An ordered queryset: without one, modelsearch scores every result with its pk instead of its rank.
        ranked = self.compiler_class(
            self.loader.order_by("-display_date").filter(pk__in=list(position)), self.query, order_by_relevance=False
        )
        ranked.check()
        scored = self.backend.results_class(self.backend, ranked).annotate_score("_score").get_queryset()
        scores = dict(scored.order_by().values_list("pk", "_score"))
        # All words first (the candidates' first key), then rank, then candidate order (newest first).
        ids = sorted(scores, key=lambda pk: (-position[pk][1], -scores[pk], position[pk][0]))
        return ids[start : min(start + size, POSTGRES_RANKED)], top[0][2]

    def count(self):
        return self.matches.count()

    def page(self, start, size):
        ids, total = self._page_ids(start, size)
        if total is None:
            # A page past the end: the caller asks again for the last page.
            total = self.count()
        if not ids:
            return [], total
        loaded = self.loader.filter(pk__in=ids).in_bulk()
        return [loaded[pk] for pk in ids if pk in loaded], total


def suggest(queryset, text, limit=8, backend=None):
    """At most `limit` stories whose headline (or standfirst, or byline) starts with the words typed.

    Common words are left out, the last one too unless it may still grow
    ("the" is dropped, "thea" is kept): every story matches them, so they
    only slow the suggestions down.
    """
    terms = [term for term in words(text)[:MAX_TERMS] if term not in STOP_WORDS]
    if not terms:
        return []
    query = PlainText(" ".join(terms), operator="and")
    backend = backend or get_search_backend()
    if is_engine(backend):
        if engine_marked_down():
            raise SearchUnavailable("The search server failed recently.")
        _compiler_class, autocomplete_class, results_class = _engine_classes(type(backend))
        compiler = autocomplete_class(queryset, query, order_by_relevance=True)
        compiler.check()
        results = results_class(backend, compiler)
        with engine_failures():
            return list(results[:limit])
    results = backend.autocomplete(query, queryset.order_by("-display_date"), order_by_relevance=False)
    if hasattr(results, "get_queryset"):
        matches = results.annotate_score("_score").get_queryset()
        results = matches.order_by(_database_rank(), "-display_date", "-pk")
    with engine_failures():
        return list(results[:limit])
