"""Reader queries and article text, reduced to what every search backend treats the same way.

Nothing here touches the database or a search server: the query parser, the
diacritic folding used both when indexing and when searching, and the
excerpt highlighter are plain functions.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from core.text import fold

# What a reader can type is bounded before any backend sees it: a 10 kB
# paste becomes a short query, never a huge boolean one.
MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_PHRASES = 4
MAX_TERM_CHARS = 40

# Words, keeping inner apostrophes ("o'brien", "nigeria's") as the search
# engines' standard tokenizer does; underscores and symbols separate words.
WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Curly and typographic quotes mark a phrase as well as the ASCII one.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
# Words too common to say anything about a story (in news, "said" is in
# nearly every one). They are dropped from the any-word part of a query
# (PostgreSQL's English configuration drops most anyway) but kept inside
# quoted phrases.
STOP_WORDS = frozenset(
    "a about after also an and are as at be been but by can could for from had has have he her his i in into "
    "is it its not of on or our over said say says she so than that the their they this to was we were what "
    "when which who will with would you".split()
)


def words(text):
    """The folded words of `text`, apostrophes normalised."""
    return [match.replace("’", "'") for match in WORD_RE.findall(fold(text))]


@dataclass(frozen=True)
class ParsedQuery:
    """A reader's query: the words to match (any of them) and the quoted phrases (all of them)."""

    text: str
    terms: tuple = ()
    phrases: tuple = ()
    # Words typed with a leading minus ("-firms"): stories containing any of them are left out.
    excluded: tuple = ()
    # Common words typed on their own ("the", "and of"): too common to search for, so nothing is.
    only_common: tuple = ()

    def __bool__(self):
        return bool(self.terms or self.phrases)

    @property
    def highlight_terms(self):
        return frozenset(self.terms) | {word for phrase in self.phrases for word in phrase.split()}


def _clip(term):
    return term[:MAX_TERM_CHARS]


# A minus at the start of a word, outside quotes, leaves out the stories containing it: "fuel -subsidy".
_EXCLUDE_RE = re.compile(r"(?:^|(?<=\s))[-−–](?=[^\W_])")


def _split_plain(part):
    """(words to match, words to leave out) in an unquoted part of a query."""
    plain, excluded = [], []
    for token in part.split():
        if _EXCLUDE_RE.match(token):
            excluded.extend(_clip(word) for word in words(token[1:]))
        else:
            plain.extend(_clip(word) for word in words(token))
    return plain, excluded


def parse_query(raw):
    """Split what a reader typed into words, quoted phrases and -excluded words, dropping every engine's syntax.

    Quotes and a leading minus are the only syntax readers get: AND, OR, *,
    ~, :, brackets and backslashes are just characters, so nothing they type
    can make a query invalid on any backend. Common English words ("the",
    "and", "of") are dropped outside phrases; typed on their own they search
    nothing (`only_common` says which they were), as every story has them.
    """
    text = " ".join((raw or "").split())[:MAX_QUERY_CHARS]
    parts = text.translate(_QUOTES).split('"')
    # An unclosed quote quotes nothing: its text is searched as plain words.
    closed = len(parts) if len(parts) % 2 else len(parts) - 1
    plain, phrases, excluded = [], [], []
    for index, part in enumerate(parts):
        if index % 2 and index < closed:
            part_words = [_clip(word) for word in words(part)]
            if part_words:
                phrases.append(" ".join(part_words[:MAX_TERMS]))
        else:
            part_plain, part_excluded = _split_plain(part)
            plain.extend(part_plain)
            excluded.extend(part_excluded)
    phrases = list(dict.fromkeys(phrases))[:MAX_PHRASES]
    unique = list(dict.fromkeys(plain))
    terms = [word for word in unique if word not in STOP_WORDS]
    excluded = [word for word in dict.fromkeys(excluded) if word not in STOP_WORDS and word not in terms]
    only_common = tuple(unique) if unique and not terms and not phrases else ()
    return ParsedQuery(
        text=text,
        terms=tuple(terms[:MAX_TERMS]),
        phrases=tuple(phrases),
        excluded=tuple(excluded[:MAX_TERMS]),
        only_common=only_common,
    )


def _matches(word, terms):
    folded = fold(word).replace("’", "'")
    if folded in terms:
        return True
    # "election" marks "elections": backends that stem match them too.
    return any(len(term) >= 4 and folded.startswith(term) and len(folded) - len(term) <= 3 for term in terms)


# Private-use characters the engines echo around highlighted words; the text
# is escaped before they become <mark> tags, so stored text can never inject HTML.
ENGINE_PRE_TAG = "\ue000"
ENGINE_POST_TAG = "\ue001"


def engine_fragment_html(fragment):
    """An engine's highlighted fragment as safe HTML with <mark> tags, or None if it marks nothing."""
    if fragment.count(ENGINE_PRE_TAG) != fragment.count(ENGINE_POST_TAG) or ENGINE_PRE_TAG not in fragment:
        return None
    html = escape(" ".join(fragment.split()))
    return mark_safe(html.replace(ENGINE_PRE_TAG, "<mark>").replace(ENGINE_POST_TAG, "</mark>"))


def mark_terms(text, terms):
    """All of `text`, escaped, with the words matching `terms` in <mark>."""
    out, last = [], 0
    for match in WORD_RE.finditer(text):
        if _matches(match.group(), terms):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def excerpt(passages, terms, width=240):
    """A window of about `width` characters around the first passage mentioning a term, terms marked.

    None when no passage mentions one, so the caller can show the standfirst.
    """
    if not terms:
        return None
    for passage in passages:
        passage = " ".join(strip_tags(passage or "").split())
        first = next((m for m in WORD_RE.finditer(passage) if _matches(m.group(), terms)), None)
        if first is None:
            continue
        start = max(0, first.start() - width // 4)
        if start:
            # Start on a word, not in the middle of one.
            space = passage.find(" ", start)
            start = space + 1 if 0 <= space < first.start() else first.start()
        end = min(len(passage), start + width)
        if end < len(passage):
            space = passage.rfind(" ", first.end(), end)
            end = space if space > 0 else end
        body = mark_terms(passage[start:end], terms)
        prefix = "… " if start else ""
        suffix = " …" if end < len(passage) else ""
        return mark_safe(f"{prefix}{body}{suffix}")
    return None


def raw_stream_text(value):
    """Readable strings in a StreamField's raw JSON, without loading the images and documents it points to."""
    if isinstance(value, str):
        text = strip_tags(value)
        # Single words are choice values, URLs and ids, not prose.
        if len(text.split()) >= 4 and "://" not in text:
            yield text
    elif isinstance(value, dict):
        for item in value.values():
            yield from raw_stream_text(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from raw_stream_text(item)
