"""The search backend chosen by SEARCH_ENGINE works against a real server."""

import pytest
from wagtail.search.backends import get_search_backend

from home.models import HomePage
from newsroom.settings.base import search_backends_from_env


@pytest.mark.search_server
@pytest.mark.django_db
def test_opensearch_engine_indexes_and_finds_a_page(settings, osmem_clone, home_page):
    settings.WAGTAILSEARCH_BACKENDS = search_backends_from_env(
        {"SEARCH_URL": osmem_clone.url, "SEARCH_ENGINE": "opensearch", "SEARCH_INDEX_PREFIX": "test_"}
    )
    backend = get_search_backend("default")
    from modelsearch.backends.opensearch3 import OpenSearch3SearchBackend

    assert isinstance(backend, OpenSearch3SearchBackend)

    backend.reset_indexes()
    index = backend.get_index_for_model(HomePage)
    assert index.name == "test_wagtailcore_page"
    index.add_model(HomePage)  # the mapping, as update_index puts it
    home_page.title = "Harmattan haze grounds flights in Kano"
    home_page.save_revision().publish()
    backend.add(home_page)
    backend.refresh_indexes()

    found = list(backend.search("harmattan", HomePage))
    assert [page.pk for page in found] == [home_page.pk]
    assert list(backend.search("tsunami", HomePage)) == []


@pytest.mark.django_db
def test_database_backend_finds_a_published_page(home_page):
    home_page.title = "Flood warning for Lokoja residents"
    home_page.save_revision().publish()
    backend = get_search_backend("default")
    assert [p.pk for p in backend.search("Lokoja", HomePage)] == [home_page.pk]


@pytest.mark.search_server
@pytest.mark.django_db
def test_update_index_rebuilds_behind_an_alias(settings, osmem_clone, home_page):
    """update_index builds a new index and swaps the alias, so readers never search a half-built one."""
    import io

    from django.core.management import call_command

    from news.factories import ArticlePageFactory, SectionPageFactory
    from news.models import ArticlePage

    settings.WAGTAILSEARCH_BACKENDS = search_backends_from_env(
        {"SEARCH_URL": osmem_clone.url, "SEARCH_ENGINE": "opensearch", "SEARCH_INDEX_PREFIX": "test_"}
    )
    section = SectionPageFactory(parent=home_page, title="News")
    for n in range(25):
        ArticlePageFactory(parent=section, title=f"Archive story {n}")
    backend = get_search_backend("default")

    def concrete_indexes():
        return set(backend.es.indices.get_alias(name="test_wagtailcore_page"))

    # The first rebuild replaces the index that saving pages created with an alias.
    call_command("update_index", "--chunk_size", "10", stdout=io.StringIO())
    (first,) = concrete_indexes()
    assert first.startswith("test_wagtailcore_page_")
    call_command("update_index", "--chunk_size", "10", stdout=io.StringIO())
    (second,) = concrete_indexes()
    assert second != first and not backend.es.indices.exists(index=first)
    backend.refresh_indexes()
    assert backend.search("archive", ArticlePage).count() == 25
