"""The Elasticsearch 9 mapping and request bodies, checked without a server.

No Elasticsearch runs here and osmem refuses its client, so the bodies the
Elasticsearch 9 backend would send are built and inspected directly; the same
code runs against osmem through the OpenSearch 3 backend in test_search.py.
"""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from modelsearch.backends.elasticsearch9 import Elasticsearch9SearchBackend
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from news.models import ArticlePage, Author, SectionPage
from newsroom.settings.base import search_backends_from_env
from search import backends, service
from search.text import ENGINE_POST_TAG, ENGINE_PRE_TAG, parse_query

ES_URL = "http://search.internal:9200"

pytestmark = pytest.mark.django_db


@pytest.fixture
def es9(settings):
    return make_es9(settings)


def make_es9(settings):
    settings.WAGTAILSEARCH_BACKENDS = search_backends_from_env(
        {"SEARCH_URL": ES_URL, "SEARCH_ENGINE": "elasticsearch", "SEARCH_INDEX_PREFIX": "newsroom_"}
    )
    backend = get_search_backend()
    assert isinstance(backend, Elasticsearch9SearchBackend)
    cache.delete(backends.ENGINE_DOWN_KEY)
    return backend


class FakeElasticsearch:
    """Stands in for the client: records each request and answers with `hits`."""

    def __init__(self, hits=(), count=0):
        self.requests = []
        self.hits = list(hits)
        self.total = count

    def search(self, **kwargs):
        self.requests.append(("search", kwargs))
        return {"hits": {"hits": self.hits}}

    def count(self, **kwargs):
        self.requests.append(("count", kwargs))
        return {"count": self.total}


def test_article_mapping(es9):
    mapping = es9.mapping_class(ArticlePage).get_mapping()["properties"]
    # Headline: weighted field, and autocompleted.
    assert mapping["title"]["copy_to"] == ["_all_text", "_all_text_boost_2_0"]
    assert mapping["title_edgengrams"]["analyzer"] == "edgengram_analyzer"
    # Standfirst boosted below the headline; body, section and folded text plain.
    assert mapping["news_articlepage__standfirst"]["copy_to"] == ["_all_text", "_all_text_boost_1_5"]
    for name in ["body", "section_title", "search_folded_text"]:
        assert mapping[f"news_articlepage__{name}"] == {"type": "text", "copy_to": "_all_text"}, name
    # Bylines and tags, nested, feeding the same catch-all field.
    authors = mapping["news_articlepage__article_authors"]
    assert authors["type"] == "nested"
    assert authors["properties"]["author"]["properties"]["name"]["copy_to"] == "_all_text"
    assert mapping["news_articlepage__tags"]["properties"]["name"]["copy_to"] == "_all_text"
    # Filters: section (by path), kind and display date.
    assert mapping["path_filter"]["type"] == "keyword"
    assert mapping["news_articlepage__kind_filter"]["type"] == "keyword"
    assert mapping["news_articlepage__display_date_filter"]["type"] == "date"
    assert mapping["live_filter"]["type"] == "boolean"


def test_index_settings_fold_autocomplete(es9):
    analyzer = es9.settings["settings"]["analysis"]["analyzer"]["edgengram_analyzer"]
    assert "asciifolding" in analyzer["filter"] and "lowercase" in analyzer["filter"]


def test_author_and_standard_pages_are_indexed_with_less_weight(es9):
    author = es9.mapping_class(Author).get_mapping()["properties"]
    assert author["name"]["copy_to"] == ["_all_text", "_all_text_boost_2_0"]
    from home.models import StandardPage

    standard = es9.mapping_class(StandardPage).get_mapping()["properties"]
    assert standard["home_standardpage__body"]["copy_to"] == "_all_text"


def _search_body(es9, text, order=backends.RELEVANCE, queryset=None):
    fake = es9.es = FakeElasticsearch()
    queryset = queryset if queryset is not None else ArticlePage.objects.live()
    results = backends.search(queryset, parse_query(text), order, backend=es9)
    list(results[0:20])
    (kind, request), *_ = fake.requests
    assert kind == "search"
    return request


def test_relevance_query_body(es9):
    request = _search_body(es9, 'Kano flood "national assembly"')
    assert request["index"] == "newsroom_wagtailcore_page"
    assert (request["from_"], request["size"], request["_source"], request["stored_fields"]) == (0, 20, False, "pk")
    bool_query = request["query"]["bool"]
    scored = bool_query["must"]["function_score"]
    # Recency: score x (1 + decay of the display date's age).
    assert scored["functions"] == [
        {"weight": 1},
        {
            "gauss": {
                "news_articlepage__display_date_filter": {"origin": "now", "offset": "1d", "scale": "30d", "decay": 0.5}
            },
            "weight": 1,
        },
    ]
    assert (scored["score_mode"], scored["boost_mode"]) == ("sum", "multiply")
    phrase, words = scored["query"]["bool"]["must"]
    fields = phrase["multi_match"]["fields"]
    assert sorted(fields) == ["_all_text", "_all_text_boost_1_5^1.5", "_all_text_boost_2_0^2.0"]
    assert phrase == {"multi_match": {"query": "national assembly", "fields": fields, "type": "phrase"}}
    # Any word matches...
    assert words == {"multi_match": {"query": "kano flood", "fields": fields}}
    # ...and stories with all of them score far higher.
    assert bool_query["should"] == [
        {
            "constant_score": {
                "filter": {"multi_match": {"query": "kano flood", "operator": "and", "fields": fields}},
                "boost": backends.ALL_WORDS_BONUS,
            }
        }
    ]
    assert bool_query["filter"] == [
        {"match": {"_django_content_type": "news.ArticlePage"}},
        {"term": {"live_filter": True}},
    ]
    # Ties: newest first.
    assert request["sort"] == [
        {"_score": {"order": "desc"}},
        {"news_articlepage__display_date_filter": {"order": "desc", "missing": "_last"}},
    ]
    assert request["highlight"] == {
        "pre_tags": [ENGINE_PRE_TAG],
        "post_tags": [ENGINE_POST_TAG],
        "require_field_match": False,
        "fields": {
            "news_articlepage__standfirst": {"fragment_size": 200, "number_of_fragments": 1},
            "news_articlepage__body": {"fragment_size": 200, "number_of_fragments": 1},
        },
    }


def test_single_word_has_no_all_words_clause(es9):
    request = _search_body(es9, "obasanjo")
    assert "should" not in request["query"]["bool"]
    inner = request["query"]["bool"]["must"]["function_score"]["query"]
    assert inner["multi_match"]["query"] == "obasanjo"


def test_newest_first_body_sorts_by_date_without_recency(es9):
    request = _search_body(es9, "kano flood", order=backends.NEWEST)
    assert "function_score" not in str(request["query"])
    assert request["sort"] == [
        {"news_articlepage__display_date_filter": {"order": "desc", "missing": "_last"}},
        {"_score": {"order": "desc"}},
    ]


def test_filters_in_the_body(es9):
    since = timezone.now() - datetime.timedelta(days=7)
    section = SectionPage(path="000100010002", depth=3, title="Politics")
    params = service.SearchParams(text="x", section=section, kind="analysis", date="7d")
    queryset = service.article_queryset(params, restricted=["00010001000300"], exclude_paths=["000100010002000A"])
    request = _search_body(es9, "budget", queryset=queryset)
    filters = str(request["query"]["bool"]["filter"])
    assert "{'prefix': {'path_filter': '000100010002'}}" in filters
    assert "{'bool': {'must_not': {'prefix': {'path_filter': '00010001000300'}}}}" in filters
    assert "{'term': {'news_articlepage__kind_filter': 'analysis'}}" in filters
    assert "'news_articlepage__display_date_filter': {'gte':" in filters
    assert "{'bool': {'must_not': {'terms': {'path_filter': ['000100010002000A']}}}}" in filters
    window = service.SearchParams(date="7d").window()[0]
    assert abs((window - since).total_seconds()) < 5


def test_count_uses_the_same_query(es9):
    fake = es9.es = FakeElasticsearch(count=3)
    results = backends.search(ArticlePage.objects.live(), parse_query("kano"), backends.RELEVANCE, backend=es9)
    assert results.count() == 3
    (kind, request), *_ = fake.requests
    assert kind == "count" and "function_score" in str(request["body"]["query"])


def test_autocomplete_body(es9):
    fake = es9.es = FakeElasticsearch()
    assert backends.suggest(ArticlePage.objects.live(), "Ọbás kad", backend=es9) == []
    (_kind, request), *_ = fake.requests
    scored = request["query"]["bool"]["must"]["function_score"]
    assert scored["query"] == {"match": {"_edgengrams": {"query": "obas kad", "operator": "and"}}}
    assert request["size"] == 8


def test_highlight_fragments_become_safe_marks(settings, home_page):
    section = home_page.add_child(instance=SectionPage(title="News", slug="news"))
    article = section.add_child(instance=ArticlePage(title="Rail", slug="rail", standfirst="Trains."))
    es9 = make_es9(settings)
    hits = [
        {
            "_id": str(article.pk),
            "_score": 1.0,
            "fields": {"pk": [str(article.pk)]},
            "highlight": {"news_articlepage__body": [f"left <script> {ENGINE_PRE_TAG}Ibadan{ENGINE_POST_TAG} at dawn"]},
        }
    ]
    es9.es = FakeElasticsearch(hits=hits, count=1)
    results = backends.search(ArticlePage.objects.live(), parse_query("ibadan"), backends.RELEVANCE, backend=es9)
    (found,) = service.decorate(list(results[0:20]), parse_query("ibadan"))
    assert found.search_excerpt == "left &lt;script&gt; <mark>Ibadan</mark> at dawn"
    assert found.search_section.pk == section.pk
    assert isinstance(found, Page)
