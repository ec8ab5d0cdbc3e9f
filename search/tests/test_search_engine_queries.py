"""The Elasticsearch 9 index, mapping and request bodies, as they leave the real client.

No Elasticsearch runs here and osmem refuses its client, so a small HTTP
server stands in for one: it answers like Elasticsearch 9 (the product header
the client insists on, acknowledgements, empty or canned hits) and records
every request. The Elasticsearch 9 backend and the official client run
unchanged against it, so what is checked is exactly what Elasticsearch would
receive. The same query code runs against osmem through the OpenSearch 3
backend in test_search.py.
"""

import datetime
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from modelsearch.backends.elasticsearch9 import Elasticsearch9SearchBackend
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from home.models import StandardPage
from news.factories import ArticlePageFactory, SectionPageFactory
from news.models import ArticlePage, Author, SectionPage
from newsroom.settings.base import search_backends_from_env
from search import backends, service
from search.text import ENGINE_POST_TAG, ENGINE_PRE_TAG, parse_query

pytestmark = pytest.mark.django_db


class FakeElasticsearch9(BaseHTTPRequestHandler):
    """Answers like Elasticsearch 9; `server.requests` keeps (method, path, body) of each request."""

    def _reply(self, payload, status=200):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.elasticsearch+json;compatible-with=9")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        path = self.path.split("?")[0]
        if path.endswith("/_bulk"):
            lines = [json.loads(line) for line in raw.splitlines() if line.strip()]
            self.server.requests.append((self.command, path, lines))
            items = [{"index": {"_id": action["index"]["_id"], "status": 201}} for action in lines[::2]]
            self._reply({"errors": False, "items": items})
            return
        body = json.loads(raw) if raw else None
        self.server.requests.append((self.command, path, body))
        if "/_alias" in path and self.command in ("GET", "HEAD"):
            self._reply({"error": "alias missing", "status": 404}, status=404)
        elif self.command == "DELETE":
            self._reply({"error": {"type": "index_not_found_exception"}, "status": 404}, status=404)
        elif path.endswith("/_count"):
            self._reply({"count": self.server.count})
        elif path.endswith("/_search"):
            self._reply({"took": 1, "timed_out": False, "hits": {"hits": self.server.hits}})
        else:
            self._reply({"acknowledged": True, "result": "created", "_shards": {"total": 1, "successful": 1}})

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    def log_message(self, *args):
        pass


@pytest.fixture
def es9_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeElasticsearch9)
    server.requests, server.hits, server.count = [], [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def es9(settings, es9_server):
    settings.WAGTAILSEARCH_BACKENDS = search_backends_from_env(
        {
            "SEARCH_URL": f"http://127.0.0.1:{es9_server.server_port}",
            "SEARCH_ENGINE": "elasticsearch",
            "SEARCH_INDEX_PREFIX": "newsroom_",
        }
    )
    cache.delete(backends.ENGINE_DOWN_KEY)
    backend = get_search_backend()
    assert isinstance(backend, Elasticsearch9SearchBackend)
    es9_server.requests.clear()
    yield es9_server
    cache.delete(backends.ENGINE_DOWN_KEY)


def sent(server, method, suffix):
    return [body for m, path, body in server.requests if m == method and path.endswith(suffix)]


def test_update_index_creates_the_index_mapping_and_alias(es9, home_page):
    SectionPageFactory(parent=home_page, title="News")
    es9.requests.clear()
    call_command("update_index", stdout=io.StringIO())
    created = [(path, body) for method, path, body in es9.requests if method == "PUT" and path.count("/") == 1]
    page_index, settings = next((path, body) for path, body in created if "wagtailcore_page_" in path)
    # Atomic rebuild: a new, suffixed index, then the alias readers search.
    assert page_index.startswith("/newsroom_wagtailcore_page_")
    assert ("PUT", f"{page_index}/_alias/newsroom_wagtailcore_page", None) in es9.requests
    analyzer = settings["settings"]["analysis"]["analyzer"]["edgengram_analyzer"]
    assert "asciifolding" in analyzer["filter"] and "lowercase" in analyzer["filter"]

    mappings = [body for method, path, body in es9.requests if path == f"{page_index}/_mapping"]
    article = next(m["properties"] for m in mappings if "news_articlepage__standfirst" in m["properties"])
    # Headline: the highest weight, and autocompleted.
    assert article["title"]["copy_to"] == ["_all_text", "_all_text_boost_2_0"]
    assert article["title_edgengrams"]["analyzer"] == "edgengram_analyzer"
    # Standfirst boosted below the headline; body, section and folded text plain.
    assert article["news_articlepage__standfirst"]["copy_to"] == ["_all_text", "_all_text_boost_1_5"]
    for name in ["body", "section_title", "search_folded_text"]:
        assert article[f"news_articlepage__{name}"] == {"type": "text", "copy_to": "_all_text"}, name
    # Bylines and tags, nested, feeding the same catch-all field.
    authors = article["news_articlepage__article_authors"]
    assert authors["type"] == "nested"
    assert authors["properties"]["author"]["properties"]["name"]["copy_to"] == "_all_text"
    assert article["news_articlepage__tags"]["properties"]["name"]["copy_to"] == "_all_text"
    # Filters: section (by path), kind, display date, and published.
    assert article["path_filter"]["type"] == "keyword"
    assert article["news_articlepage__kind_filter"]["type"] == "keyword"
    assert article["news_articlepage__display_date_filter"]["type"] == "date"
    assert article["live_filter"]["type"] == "boolean"
    # Standard pages share the page index; their body is unboosted.
    standard = next(m["properties"] for m in mappings if "home_standardpage__body" in m["properties"])
    assert standard["home_standardpage__body"]["copy_to"] == "_all_text"


def test_authors_index_with_the_name_boosted(es9):
    mapping = get_search_backend().mapping_class(Author).get_mapping()["properties"]
    assert mapping["name"]["copy_to"] == ["_all_text", "_all_text_boost_2_0"]
    assert get_search_backend().mapping_class(StandardPage).get_mapping()["properties"]["title"]["copy_to"] == [
        "_all_text",
        "_all_text_boost_2_0",
    ]


def search_body(server, text, order=backends.RELEVANCE, queryset=None):
    server.requests.clear()
    queryset = queryset if queryset is not None else ArticlePage.objects.live()
    results = backends.search(queryset, parse_query(text), order)
    results.page(0, 20)
    (body,) = sent(server, "POST", "/_search")
    return body


def test_relevance_query_body(es9):
    body = search_body(es9, 'Kano flood "national assembly"')
    assert es9.requests[0][1] == "/newsroom_wagtailcore_page/_search"
    assert (body["from"], body["size"], body["_source"], body["stored_fields"]) == (0, 20, False, "pk")
    bool_query = body["query"]["bool"]
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
    assert body["sort"] == [
        {"_score": {"order": "desc"}},
        {"news_articlepage__display_date_filter": {"order": "desc", "missing": "_last"}},
    ]
    assert body["highlight"] == {
        "pre_tags": [ENGINE_PRE_TAG],
        "post_tags": [ENGINE_POST_TAG],
        "require_field_match": False,
        "fields": {
            "news_articlepage__standfirst": {"fragment_size": 200, "number_of_fragments": 1},
            "news_articlepage__body": {"fragment_size": 200, "number_of_fragments": 1},
        },
    }


def test_single_word_has_no_all_words_clause(es9):
    body = search_body(es9, "obasanjo")
    assert "should" not in body["query"]["bool"]
    assert body["query"]["bool"]["must"]["function_score"]["query"]["multi_match"]["query"] == "obasanjo"


def test_newest_first_body_sorts_by_date_without_recency(es9):
    body = search_body(es9, "kano flood", order=backends.NEWEST)
    assert "function_score" not in json.dumps(body["query"])
    assert body["sort"] == [
        {"news_articlepage__display_date_filter": {"order": "desc", "missing": "_last"}},
        {"_score": {"order": "desc"}},
    ]


def test_filters_in_the_body(es9):
    section = SectionPage(path="000100010002", depth=3, title="Politics")
    params = service.SearchParams(text="x", section=section, kind="analysis", date="7d")
    queryset = service.article_queryset(params, restricted=["00010001000300"], exclude_paths=["000100010002000A"])
    body = search_body(es9, "budget", queryset=queryset)
    filters = json.dumps(body["query"]["bool"]["filter"])
    assert '{"prefix": {"path_filter": "000100010002"}}' in filters
    assert '{"bool": {"must_not": {"prefix": {"path_filter": "00010001000300"}}}}' in filters
    assert '{"term": {"news_articlepage__kind_filter": "analysis"}}' in filters
    assert '{"bool": {"must_not": {"terms": {"path_filter": ["000100010002000A"]}}}}' in filters
    (since,) = [
        clause["range"]["news_articlepage__display_date_filter"]["gte"]
        for clause in body["query"]["bool"]["filter"][1]["bool"]["must"]
        if "range" in clause
    ]
    week_ago = timezone.now() - datetime.timedelta(days=7)
    assert abs((datetime.datetime.fromisoformat(since) - week_ago).total_seconds()) < 60


def test_count_uses_the_same_query(es9):
    es9.count = 3
    results = backends.search(ArticlePage.objects.live(), parse_query("kano"), backends.RELEVANCE)
    assert results.count() == 3
    (count_body,) = sent(es9, "POST", "/_count")
    assert "function_score" in json.dumps(count_body["query"])


def test_autocomplete_body(es9):
    assert backends.suggest(ArticlePage.objects.live(), "Ọbás kad") == []
    (body,) = sent(es9, "POST", "/_search")
    assert body["query"]["bool"]["must"]["function_score"]["query"] == {
        "match": {"_edgengrams": {"query": "obas kad", "operator": "and"}}
    }
    assert body["size"] == 8


def test_the_search_page_runs_on_elasticsearch_9(client, es9, home_page):
    response = client.get("/search/", {"q": "harmattan", "order": "newest"})
    assert response.status_code == 200 and b"No stories for" in response.content
    assert [path for _method, path, _body in es9.requests if path.endswith(("_search", "_count"))]


def test_highlight_fragments_become_safe_marks(settings, home_page, es9_server):
    section = home_page.add_child(instance=SectionPage(title="News", slug="news"))
    article = ArticlePageFactory(parent=section, title="Rail", slug="rail", standfirst="Trains.")
    es9_server.hits = [
        {
            "_id": str(article.pk),
            "_score": 1.0,
            "fields": {"pk": [str(article.pk)]},
            "highlight": {"news_articlepage__body": [f"left <script> {ENGINE_PRE_TAG}Ibadan{ENGINE_POST_TAG} at dawn"]},
        }
    ]
    settings.WAGTAILSEARCH_BACKENDS = search_backends_from_env(
        {"SEARCH_URL": f"http://127.0.0.1:{es9_server.server_port}", "SEARCH_ENGINE": "elasticsearch"}
    )
    cache.delete(backends.ENGINE_DOWN_KEY)
    results = backends.search(ArticlePage.objects.live(), parse_query("ibadan"), backends.RELEVANCE)
    items, _count = results.page(0, 20)
    (found,) = service.decorate(items, parse_query("ibadan"))
    assert found.search_excerpt == "left &lt;script&gt; <mark>Ibadan</mark> at dawn"
    assert found.search_section.pk == section.pk
    assert isinstance(found, Page)
    cache.delete(backends.ENGINE_DOWN_KEY)
