""" "Did you mean": a misspelt word corrected from the words the published stories actually use.

On a search server (Elasticsearch, OpenSearch) the engine's own term
suggester proposes corrections from its index (`_all_text`, every search
field, unstemmed). On the database backends the vocabulary is the
`SearchWord` table, kept up to date as articles are saved (`record`) and
rebuilt in bulk (`rebuild`, `manage.py rebuild_search_words`): PostgreSQL
finds the closest word with pg_trgm's similarity through a trigram GIN index
(search/migrations/0004); SQLite compares the few words of about the same
length and first letter with difflib.

Only words readers typed that no story uses are corrected, so a correct
query never gets a suggestion, and a suggestion always names words that
exist in the archive.
"""

import collections
import difflib
import re

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models.functions import Length

from search.models import SearchWord
from search.text import STOP_WORDS, raw_stream_text, words

# Folded words of plain letters: numbers, codes and URLs are not corrected or suggested.
WORD_RE = re.compile(r"^[a-z]{3,40}$")
# pg_trgm similarity a correction needs (0 to 1): "goverment" / "government" is 0.6, "lagos" / "logos" 0.33.
MIN_SIMILARITY = 0.4
# difflib's ratio a correction needs on SQLite (about the same words as the similarity above).
MIN_RATIO = 0.75
BATCH = 5000


def _vocabulary_words(texts):
    found = set()
    for text in texts:
        for word in words(text or ""):
            if WORD_RE.match(word) and word not in STOP_WORDS:
                found.add(word)
    return found


def article_words(article):
    """The vocabulary words of one article: headline, standfirst and body text."""
    return _vocabulary_words([article.title, article.standfirst, *raw_stream_text(list(article.body.raw_data))])


def record(article):
    """Add the words of a saved article that the vocabulary does not have yet (one INSERT)."""
    new = article_words(article)
    if new:
        SearchWord.objects.bulk_create([SearchWord(word=word) for word in sorted(new)], ignore_conflicts=True)


def rebuild():
    """Replace the vocabulary with the words of every live article, counting the stories using each one.

    On PostgreSQL with the database backend this reads the index's own plain
    text (modelsearch keeps it beside the vectors) through ts_stat; otherwise
    (SQLite, or a search server holding the index) it reads the articles.
    """
    from wagtail.search.backends import get_search_backend

    from news.models import ArticlePage
    from search.backends import is_engine

    if connection.vendor == "postgresql" and not is_engine(get_search_backend()):
        from wagtail.search.models import IndexEntry

        content_type = ContentType.objects.get_for_model(ArticlePage)
        documents = (
            f"SELECT to_tsvector('simple', title_text || ' ' || body_text) FROM {IndexEntry._meta.db_table} "
            f"WHERE content_type_id = {int(content_type.pk)}"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SearchWord._meta.db_table}")
            cursor.execute(
                f"INSERT INTO {SearchWord._meta.db_table} (word, articles) "
                "SELECT word, ndoc FROM ts_stat(%s) WHERE word ~ '^[a-z]{3,40}$' AND NOT (word = ANY(%s))",
                [documents, sorted(STOP_WORDS)],
            )
            cursor.execute(f"SELECT count(*) FROM {SearchWord._meta.db_table}")
            return cursor.fetchone()[0]
    counts = collections.Counter()
    for article in ArticlePage.objects.live().only("title", "standfirst", "body").iterator(chunk_size=500):
        counts.update(article_words(article))
    with transaction.atomic():
        SearchWord.objects.all().delete()
        SearchWord.objects.bulk_create(
            [SearchWord(word=word, articles=count) for word, count in counts.items()], batch_size=BATCH
        )
    return len(counts)


def _closest_postgres(term):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word FROM {SearchWord._meta.db_table} WHERE word %% %s AND similarity(word, %s) >= %s "
            "ORDER BY similarity(word, %s) DESC, articles DESC, word LIMIT 1",
            [term, term, MIN_SIMILARITY, term],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _closest_difflib(term):
    candidates = dict(
        SearchWord.objects.annotate(length=Length("word"))
        .filter(word__startswith=term[0], length__gte=len(term) - 2, length__lte=len(term) + 2)
        .values_list("word", "articles")
    )
    close = difflib.get_close_matches(term, list(candidates), n=5, cutoff=MIN_RATIO)
    if not close:
        return None
    return max(close, key=lambda w: (difflib.SequenceMatcher(None, term, w).ratio(), candidates[w], w))


def _database_corrections(terms):
    candidates = [term for term in terms if WORD_RE.match(term)]
    known = set(SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True))
    closest = _closest_postgres if connection.vendor == "postgresql" else _closest_difflib
    corrections = {}
    for term in candidates:
        if term not in known:
            word = closest(term)
            if word and word != term:
                corrections[term] = word
    return corrections


def _engine_corrections(backend, terms, model):
    candidates = [term for term in terms if WORD_RE.match(term)]
    if not candidates:
        return {}
    body = {
        "size": 0,
        "suggest": {
            "text": " ".join(candidates),
            "words": {"term": {"field": "_all_text", "suggest_mode": "missing", "sort": "score"}},
        },
    }
    index = backend.get_index_for_model(model).name
    if getattr(backend, "use_new_elasticsearch_api", False):
        response = backend.es.search(index=index, **body)
    else:
        response = backend.es.search(index=index, body=body)
    corrections = {}
    for entry in response.get("suggest", {}).get("words", []):
        options = entry.get("options") or []
        if options and entry.get("text") in candidates:
            corrections[entry["text"]] = options[0]["text"]
    return corrections


def suggestion(parsed, backend, model):
    """The query with its misspelt words corrected ("goverment" → "government"), or None.

    Phrases and -words are kept as typed; only the words to match are corrected.
    """
    from search.backends import is_engine

    if not parsed.terms:
        return None
    if is_engine(backend):
        corrections = _engine_corrections(backend, parsed.terms, model)
    else:
        corrections = _database_corrections(parsed.terms)
    if not corrections:
        return None
    parts = [f'"{phrase}"' for phrase in parsed.phrases]
    parts += [corrections.get(term, term) for term in parsed.terms]
    parts += [f"-{word}" for word in parsed.excluded]
    return " ".join(parts)
