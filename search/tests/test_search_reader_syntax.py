"""What readers type: -word excludes, "phrases", common words, diacritics both ways, "Did you mean".

The same behavioural suite as test_search.py: every test runs on the
database backend (PostgreSQL full text or SQLite FTS5, by DATABASE_URL) and
on the OpenSearch 3 backend on a real osmem-server.
"""

import json

from django.core.management import call_command

from search import vocabulary
from search.models import SearchWord
from search.tests.test_search import engine, make_article, search, sections, titles  # noqa: F401  (fixtures)


def test_minus_word_leaves_out_the_stories_that_use_it(client, engine, sections):  # noqa: F811
    make_article(sections["news"], "Fuel subsidy debate in the Senate", body="Fintech firms stay quiet.")
    make_article(sections["news"], "Fuel queues lengthen in Kano", body="Drivers wait all night.")
    make_article(sections["news"], "Fintech firms raise funds", body="Lagos start-ups grow.")
    engine.refresh()
    assert set(titles(search(client, q="fuel"))) == {
        "Fuel subsidy debate in the Senate",
        "Fuel queues lengthen in Kano",
    }
    # The excluded word in the body counts too.
    assert titles(search(client, q="fuel -firms")) == ["Fuel queues lengthen in Kano"]
    assert titles(search(client, q="fuel −subsidy")) == ["Fuel queues lengthen in Kano"]
    assert titles(search(client, q='"fuel queues" -kano')) == []
    assert set(titles(search(client, q="firms -senate"))) == {"Fintech firms raise funds"}
    # A hyphen inside a word is not an exclusion.
    assert titles(search(client, q="start-ups")) == ["Fintech firms raise funds"]
    # Only exclusions: nothing to search for, and the reader is told why.
    page = search(client, q="-fuel").context["search"]
    assert page.results is None and "as well as the ones to leave out" in page.params.problems[0]


def test_quoted_phrases_keep_working(client, engine, sections):  # noqa: F811
    make_article(sections["news"], "Supreme Court rules on tax", body="The court sat late.")
    make_article(sections["news"], "Court of appeal sits in Abuja", body="A supreme effort by the clerks.")
    engine.refresh()
    assert titles(search(client, q='"supreme court"')) == ["Supreme Court rules on tax"]
    assert titles(search(client, q='"court of appeal"')) == ["Court of appeal sits in Abuja"]
    assert titles(search(client, q='"supreme court" -tax')) == []


def test_common_words_alone_match_nothing(client, engine, sections):  # noqa: F811
    make_article(sections["news"], "Bread and butter issues dominate the debate", body="Of all the issues, bread.")
    engine.refresh()
    for query in ["and", "AND", "the of", "The"]:
        response = search(client, q=query)
        page = response.context["search"]
        assert page.results is None, query
        assert "too common to search for" in page.params.problems[0]
        assert "too common to search for" in response.content.decode()
    # Beside a meaningful word they are ignored, not required.
    assert titles(search(client, q="the bread")) == ["Bread and butter issues dominate the debate"]
    # In quotes they are part of the phrase.
    assert titles(search(client, q='"bread and butter"')) == ["Bread and butter issues dominate the debate"]


def test_diacritics_fold_both_ways(client, engine, sections):  # noqa: F811
    make_article(sections["news"], "Ọbásanjọ opens library", body="In Abẹ́òkúta today.")
    make_article(sections["news"], "Obasanjo writes again", body="In Abeokuta yesterday.")
    engine.refresh()
    both = {"Ọbásanjọ opens library", "Obasanjo writes again"}
    assert set(titles(search(client, q="obasanjo"))) == both
    assert set(titles(search(client, q="Ọbásanjọ"))) == both
    assert set(titles(search(client, q="abeokuta"))) == both
    assert set(titles(search(client, q="Abẹ́òkúta"))) == both


def test_did_you_mean_corrects_misspelt_words_from_the_stories(client, engine, sections):  # noqa: F811
    make_article(sections["news"], "Government raises the minimum wage", body="Inflation worries unions.")
    make_article(sections["news"], "Governors meet in Abuja", body="The forum discussed inflation.")
    engine.refresh()
    response = search(client, q="goverment")
    page = response.context["search"]
    assert page.results.count == 0
    assert page.did_you_mean == "government"
    html = response.content.decode()
    assert 'Did you mean <a href="/search/?q=government">government</a>?' in html
    # Only the misspelt word changes; phrases and exclusions are kept.
    assert search(client, q="inflaton wage").context["search"].did_you_mean == "inflation wage"
    assert search(client, q='"minimum wage" inflaton -abuja').context["search"].did_you_mean == (
        '"minimum wage" inflation -abuja'
    )
    # Words the stories use are never "corrected".
    for correct in ["government", "inflation", "governors abuja"]:
        assert search(client, q=correct).context["search"].did_you_mean is None
    # Nothing close: no suggestion.
    assert search(client, q="xylophone").context["search"].did_you_mean is None


def test_the_overlay_offers_the_correction_when_nothing_matches(client, engine, sections):  # noqa: F811
    make_article(sections["news"], "Government raises the minimum wage")
    engine.refresh()
    data = json.loads(client.get("/search/suggest/", {"q": "goverment"}).content)
    assert data["results"] == []
    assert data["did_you_mean"] == {"query": "government", "url": "/search/?q=government"}
    found = json.loads(client.get("/search/suggest/", {"q": "governm"}).content)
    assert [r["title"] for r in found["results"]] == ["Government raises the minimum wage"]
    assert "did_you_mean" not in found


def test_vocabulary_follows_saves_and_rebuilds(engine, sections):  # noqa: F811
    article = make_article(sections["news"], "Harmattan grounds flights", body="Visibility is poor in Kano.")
    assert {"harmattan", "grounds", "flights", "visibility", "kano"} <= set(
        SearchWord.objects.values_list("word", flat=True)
    )
    assert not SearchWord.objects.filter(word__in=["is", "in", "the"]).exists()
    make_article(sections["news"], "Kano airport reopens")
    SearchWord.objects.all().delete()
    call_command("rebuild_search_words", stdout=__import__("io").StringIO())
    counts = dict(SearchWord.objects.values_list("word", "articles"))
    assert counts["kano"] == 2 and counts["harmattan"] == 1
    assert vocabulary.article_words(article) >= {"harmattan", "kano"}
