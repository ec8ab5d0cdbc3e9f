"""The reader's search: parameters in, a page of decorated results out. No HTTP here, so tests can call it directly."""

import datetime
import hashlib
import logging
import math
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page, PageViewRestriction
from wagtail.search.backends import get_search_backend
from wagtail.search.utils import normalise_query_string

from core import counters, marks
from home.models import StandardPage
from news.models import ArticleKind, ArticlePage, Author, SectionPage
from search import backends, vocabulary
from search.models import HiddenSearchTerm, SearchTermDay
from search.text import MAX_QUERY_CHARS, engine_fragment_html, excerpt, mark_terms, parse_query, raw_stream_text

logger = logging.getLogger(__name__)

PER_PAGE = 20
# Elasticsearch refuses to page past 10,000 hits; nobody reads past page 50.
MAX_PAGES = 50
DATE_WINDOWS = {
    "24h": ("Past 24 hours", datetime.timedelta(hours=24)),
    "7d": ("Past 7 days", datetime.timedelta(days=7)),
    "30d": ("Past 30 days", datetime.timedelta(days=30)),
}
CUSTOM_RANGE = "custom"
POPULAR_DAYS = 7
POPULAR_CACHE_KEY = "newsroom:search:popular"
POPULAR_CACHE_SECONDS = 600
# A visitor is counted once per term and day; its hash already changes daily.
SEEN_SECONDS = 26 * 3600
SECTIONS_CACHE_KEY = "newsroom:search:sections"
SECTIONS_CACHE_SECONDS = 300


@dataclass
class SearchParams:
    """What the reader asked for, every value checked; `problems` says what was ignored and why."""

    text: str = ""
    order: str = backends.RELEVANCE
    section: object = None
    kind: str = ""
    date: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    page: int = 1
    problems: list = field(default_factory=list)

    @property
    def query(self):
        return parse_query(self.text)

    @property
    def filtered(self):
        return bool(self.section or self.kind or self.date)

    def window(self, now=None):
        """(since, until) in UTC for the date filter; either may be None."""
        now = now or timezone.now()
        if self.date in DATE_WINDOWS:
            return now - DATE_WINDOWS[self.date][1], None
        if self.date == CUSTOM_RANGE:
            zone = timezone.get_current_timezone()
            since = self.date_from and datetime.datetime.combine(self.date_from, datetime.time.min, tzinfo=zone)
            until = self.date_to and datetime.datetime.combine(
                self.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            )
            return since, until
        return None, None


def _one(querydict, name):
    """The last value of a parameter, without control characters (PostgreSQL refuses NUL), no longer than a query."""
    values = querydict.getlist(name)
    value = (values[-1] if values else "")[: MAX_QUERY_CHARS * 2]
    return "".join(" " if unicodedata.category(char) == "Cc" else char for char in value).strip()


def _date(value, label, problems):
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        problems.append(f"“{value[:20]}” is not a date like 2025-01-31, so the {label} date was ignored.")
        return None
    if not datetime.date(1900, 1, 1) <= day <= datetime.date(2999, 12, 31):
        problems.append(f"{value} is out of range, so the {label} date was ignored.")
        return None
    return day


def section_choices():
    """Live sections in menu order, for the filter; nested sections follow their parent.

    Kept in the cache for a few minutes: sections change rarely, and the
    query joins every page.
    """
    sections = cache.get(SECTIONS_CACHE_KEY)
    if sections is None:
        sections = list(SectionPage.objects.live().order_by("path").only("id", "title", "depth", "path"))
        cache.set(SECTIONS_CACHE_KEY, sections, SECTIONS_CACHE_SECONDS)
    return sections


def parse_params(querydict, sections):
    params = SearchParams(text=" ".join(_one(querydict, "q").split())[:MAX_QUERY_CHARS])
    problems = params.problems

    order = _one(querydict, "order")
    if order in (backends.RELEVANCE, backends.NEWEST):
        params.order = order
    elif order:
        problems.append("Results are shown by relevance: that sort order is unknown.")

    section_id = _one(querydict, "section")
    if section_id:
        by_id = {str(section.pk): section for section in sections}
        params.section = by_id.get(section_id)
        if params.section is None:
            problems.append("That section does not exist, so results from every section are shown.")

    kind = _one(querydict, "kind")
    if kind in ArticleKind.values:
        params.kind = kind
    elif kind:
        problems.append("That kind of story is unknown, so every kind is shown.")

    date = _one(querydict, "date")
    if date in DATE_WINDOWS:
        params.date = date
    elif date == CUSTOM_RANGE or (not date and (_one(querydict, "from") or _one(querydict, "to"))):
        params.date_from = _date(_one(querydict, "from"), "start", problems)
        params.date_to = _date(_one(querydict, "to"), "end", problems)
        if params.date_from and params.date_to and params.date_from > params.date_to:
            params.date_from, params.date_to = params.date_to, params.date_from
            problems.append("The start date was after the end date, so the two were swapped.")
        params.date = CUSTOM_RANGE if (params.date_from or params.date_to) else ""
    elif date:
        problems.append("That date range is unknown, so stories from any date are shown.")

    raw_page = _one(querydict, "page")
    try:
        params.page = max(1, int(raw_page)) if raw_page else 1
    except ValueError:
        params.page = 1
    return params


def restricted_paths():
    """Paths of pages behind a view restriction: their subtrees never appear in search results."""
    return list(PageViewRestriction.objects.values_list("page__path", flat=True))


def _without_restricted(queryset, paths):
    for path in paths:
        queryset = queryset.exclude(path__startswith=path)
    return queryset


def article_queryset(params, restricted, exclude_paths=()):
    """Live, public articles within the reader's filters, with what a result shows loaded in bulk."""
    queryset = ArticlePage.objects.live().prefetch_related("article_authors__author")
    queryset = _without_restricted(queryset, restricted)
    if params.section is not None:
        queryset = queryset.filter(path__startswith=params.section.path)
    if params.kind:
        queryset = queryset.filter(kind=params.kind)
    since, until = params.window()
    if since:
        queryset = queryset.filter(display_date__gte=since)
    if until:
        queryset = queryset.filter(display_date__lt=until)
    if exclude_paths:
        # By path, not id: Django turns an id filter on a page subclass into one on its parent link, which
        # search servers ignore.
        queryset = queryset.exclude(path__in=list(exclude_paths))
    return queryset


def promotions(parsed, restricted):
    """Editors' promoted results for this query (as typed, or folded), live and public, in their order."""
    if not parsed:
        return []
    keys = {normalise_query_string(parsed.text), normalise_query_string(" ".join(parsed.terms))}
    keys |= {normalise_query_string(" ".join([*parsed.phrases, *parsed.terms]))}
    picks = (
        SearchPromotion.objects.filter(query__query_string__in=keys)
        .filter(Q(page__isnull=True) | Q(page__live=True))
        .select_related("page")
        .order_by("sort_order", "pk")
    )
    return [pick for pick in picks if pick.page is None or not any(pick.page.path.startswith(p) for p in restricted)]


@dataclass
class ResultsPage:
    """One page of results: the same attributes templates/components/pagination.html expects of a Django Page."""

    object_list: list
    number: int
    num_pages: int
    count: int

    def has_next(self):
        return self.number < self.num_pages

    def has_previous(self):
        return self.number > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    @property
    def start_index(self):
        return (self.number - 1) * PER_PAGE + 1 if self.count else 0


def paginate(results, number):
    """The reader's page of `results`; a page past the end shows the last one. Runs the search."""
    number = min(number, MAX_PAGES)
    with backends.engine_failures():
        items, count = results.page((number - 1) * PER_PAGE, PER_PAGE)
        num_pages = max(1, min(math.ceil(count / PER_PAGE), MAX_PAGES))
        if number > num_pages:
            number = num_pages
            items, count = results.page((number - 1) * PER_PAGE, PER_PAGE)
    return ResultsPage(items, number, num_pages, count)


def _engine_excerpt(article):
    highlights = getattr(article, "search_highlights", None) or {}
    for suffix in backends.HIGHLIGHT_FIELDS:
        for column, fragments in highlights.items():
            if column.endswith(suffix) and fragments:
                html = engine_fragment_html(fragments[0])
                if html:
                    return html
    return None


def decorate(articles, parsed):
    """Attach what a result shows: its section (one query for all), marked headline and excerpt."""
    parent_paths = {article.path[: -Page.steplen] for article in articles}
    parents = {
        page.path: page
        for page in Page.objects.filter(path__in=parent_paths).only("id", "title", "path", "url_path", "depth")
    }
    terms = parsed.highlight_terms
    for article in articles:
        article.search_section = parents.get(article.path[: -Page.steplen])
        article.search_title = mark_terms(article.title, terms)
        article.search_excerpt = _engine_excerpt(article) or excerpt(
            [article.standfirst, *raw_stream_text(list(article.body.raw_data))], terms
        )
    return articles


def others(parsed, restricted):
    """Authors and standard pages matching the query, shown beside the stories with less weight."""
    backend = get_search_backend()
    if backends.is_engine(backend) and backends.engine_marked_down():
        return [], []
    query = backends.build_query(parsed)
    pages = _without_restricted(StandardPage.objects.live(), restricted)
    with backends.engine_failures():
        authors = list(backend.search(query, Author.objects.filter(live=True))[:3])
        standard_pages = list(backend.search(query, pages)[:3])
    return authors, standard_pages


def _first_search_today(query_string, visitor, today):
    """True the first time this visitor searches this term today, through the counting marks (core.marks),
    which no cache eviction can reset. With Redis down it says no: an outage may under-count visitors,
    never let one machine pass for many."""
    term = hashlib.sha256(query_string.encode()).hexdigest()[:16]
    try:
        with counters.guarded():
            return marks.add(f"newsroom:search:seen:{today.isoformat()}:{term}:{visitor}", SEEN_SECONDS)
    except counters.CountersUnavailable:
        return False


def log_search(parsed, count, filtered=False, today=None, visitor=None):
    """Count the search for the editors' reports. Never fails the search.

    A filtered search that finds nothing says more about the filters than
    about the archive, so only unfiltered ones count as finding nothing.
    `visitor` (core.visitors.visitor_hash; None for bots) is counted once
    per term and day in `visitors`.
    """
    query_string = normalise_query_string(parsed.text)
    if not query_string:
        return
    today = today or timezone.localdate()
    empty = 1 if count == 0 and not filtered else 0
    try:
        new_visitor = 1 if visitor and _first_search_today(query_string, visitor, today) else 0
        updates = {
            "hits": F("hits") + 1,
            "no_result_hits": F("no_result_hits") + empty,
            "visitors": F("visitors") + new_visitor,
        }
        if SearchTermDay.objects.filter(date=today, query_string=query_string).update(**updates):
            return
        try:
            with transaction.atomic():
                SearchTermDay.objects.create(
                    date=today, query_string=query_string, hits=1, no_result_hits=empty, visitors=new_visitor
                )
        except IntegrityError:
            # Another request created today's row first.
            SearchTermDay.objects.filter(date=today, query_string=query_string).update(**updates)
    except DatabaseError:
        logger.exception("Could not log a search")


def popular_searches(limit=8):
    """Terms shown to readers on the no-results page: searched in the last week by at least
    NEWSROOM_POPULAR_SEARCH_MIN_VISITORS distinct visitors (summed over days), that found something,
    and not hidden by an editor."""
    cached = cache.get(POPULAR_CACHE_KEY)
    if cached is not None:
        return cached[:limit]
    since = timezone.localdate() - datetime.timedelta(days=POPULAR_DAYS)
    rows = (
        SearchTermDay.objects.filter(date__gte=since)
        .exclude(query_string__in=HiddenSearchTerm.objects.values("query_string"))
        .values("query_string")
        .annotate(total=Sum("hits"), empty=Sum("no_result_hits"), people=Sum("visitors"))
        .filter(people__gte=max(1, settings.NEWSROOM_POPULAR_SEARCH_MIN_VISITORS), empty__lt=F("total"))
        .order_by("-people", "-total", "query_string")[:20]
    )
    terms = [row["query_string"] for row in rows]
    cache.set(POPULAR_CACHE_KEY, terms, POPULAR_CACHE_SECONDS)
    return terms[:limit]


def forget_popular_searches():
    """After an editor hides or shows a term: the next reader gets the list recomputed."""
    cache.delete(POPULAR_CACHE_KEY)


def did_you_mean(parsed):
    """The corrected query, or None; a failure here never fails the search it accompanies."""
    backend = get_search_backend()
    if backends.is_engine(backend) and backends.engine_marked_down():
        return None
    try:
        with transaction.atomic():
            return vocabulary.suggestion(parsed, backend, ArticlePage)
    except (DatabaseError, *backends.engine_errors()) as error:
        if backends._is_cancelled(error):
            raise
        logger.warning("No spelling suggestion: %s", error)
        return None


def suggest_articles(text, limit):
    """Headlines for the overlay: only what a link needs is loaded."""
    articles = ArticlePage.objects.live().only("id", "title", "url_path", "path", "depth", "display_date")
    with backends.time_budget():
        return backends.suggest(_without_restricted(articles, restricted_paths()), text, limit=limit)


def latest_stories(count=5):
    return list(ArticlePage.objects.listing()[:count])


@dataclass
class SearchPage:
    params: SearchParams
    sections: list
    results: ResultsPage | None = None
    promoted: list = field(default_factory=list)
    authors: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    popular: list = field(default_factory=list)
    latest: list = field(default_factory=list)
    # "Did you mean": the query with misspelt words corrected (search/vocabulary.py), or None.
    did_you_mean: str | None = None

    @property
    def empty(self):
        found = (self.results and self.results.count) or self.promoted or self.authors or self.pages
        return bool(self.params.query) and not found


def run(querydict, visitor=None):
    """Everything the search page shows for these GET parameters; raises backends.SearchUnavailable.

    `visitor` is who searched (core.visitors.visitor_hash), None for a bot.
    """
    sections = section_choices()
    params = parse_params(querydict, sections)
    page = SearchPage(params=params, sections=sections)
    parsed = params.query
    if not parsed:
        if parsed.only_common:
            common = ", ".join(f"“{word}”" for word in parsed.only_common[:4])
            params.problems.append(
                f"{common} {'is' if len(parsed.only_common) == 1 else 'are'} too common to search for on "
                "its own: add a more specific word, or put a phrase in quotes."
            )
        elif parsed.excluded:
            params.problems.append("Type a word to search for as well as the ones to leave out (-word).")
        elif params.text:
            params.problems.append("Type a word or two to search for: symbols on their own cannot be searched.")
        return page
    restricted = restricted_paths()
    first_page = params.page == 1
    picks = promotions(parsed, restricted)
    # Promoted stories lead page 1 and are left out of the ranked results on every page.
    page.promoted = picks if first_page else []
    promoted_paths = [pick.page.path for pick in picks if pick.page_id]
    with backends.time_budget():
        results = backends.search(article_queryset(params, restricted, promoted_paths), parsed, params.order)
        page.results = paginate(results, params.page)
        if first_page and not params.filtered:
            page.authors, page.pages = others(parsed, restricted)
        page.did_you_mean = did_you_mean(parsed)
    decorate(page.results.object_list, parsed)
    if first_page:
        log_search(parsed, page.results.count + len(page.promoted), filtered=params.filtered, visitor=visitor)
    if page.empty:
        page.popular = popular_searches()
        page.latest = latest_stories()
    return page
