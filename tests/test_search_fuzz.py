"""Junk on /search/ and /search/suggest/: a results page or a clear message, never a 500 or a 503.

Engine syntax, huge and unicode queries and broken filter parameters are sent
as they travel on the wire (%-escapes left undecoded) to both backends: the
database backend and OpenSearch on osmem-server.
"""

import itertools
import json
from urllib.parse import quote

from django.contrib.auth.models import AnonymousUser
from django.core.signals import got_request_exception

from search import views
from search.tests.test_search import engine, make_article, sections  # noqa: F401  (fixtures)

TEN_KB = 10 * 1024

ENGINE_SYNTAX = [
    '"',
    '""',
    '"""',
    '"kano',
    'kano"',
    '"kano flood',
    '"kano" "',
    "*",
    "kano*",
    "*kano",
    "k*o",
    "?",
    "kan?",
    "~",
    "kano~",
    "kano~2",
    '"kano flood"~3',
    "AND",
    "OR",
    "NOT",
    "kano AND",
    "AND kano",
    "kano OR flood",
    "kano AND NOT flood",
    "kano && flood",
    "kano || flood",
    "!kano",
    "-kano",
    "+kano",
    "+kano -flood",
    ":",
    "title:kano",
    "title:",
    ":kano",
    "_all_text:kano",
    "body:(kano flood)",
    "\\",
    "\\\\",
    "kano\\",
    "\\kano",
    "kano\\ flood",
    "/",
    "/kano/",
    "kano/flood",
    "/.*/",
    "(",
    ")",
    "(kano",
    "kano)",
    "((kano)",
    "[",
    "]",
    "[kano TO flood]",
    "{",
    "}",
    "{kano TO *]",
    "^",
    "kano^2",
    "kano^",
    "&",
    "|",
    "<",
    ">",
    "<=2020",
    "=",
    "'",
    "''",
    "'kano'",
    "kano's",
    "o'brien",
    "'; DROP TABLE wagtailcore_page; --",
    "1' OR '1'='1",
    "%",
    "100%",
    "_",
    "kano_flood",
    "@",
    "#kano",
    "$(reboot)",
    "`ls`",
    "kano\tflood",
    "kano\nflood",
    "kano\r\nflood",
    ".",
    "...",
    ",",
    ";",
    "a:b:c",
    "NEAR(kano flood)",
    "kano NEAR flood",
    "MATCH",
    "kano -- flood",
    "/* comment */",
    "{'$ne': 1}",
    '{"query": {"match_all": {}}}',
    "<script>alert(1)</script>",
    "<mark>x</mark>",
    "&amp;",
    "&#0;",
]

UNICODE = [
    "Ọbásanjọ",
    "ỌBÁSANJỌ",
    "Ẹ̀kọ́",
    "Ọ̀yọ́",
    "São Paulo",
    "Øresund",
    "straße",
    "ﬁnance",
    "Ｌａｇｏｓ",
    "İstanbul",
    "ǅ",
    "Ωμέγα",
    "Москва",
    "北京",
    "東京の天気",
    "한국",
    "العربية",
    "עברית",
    "हिन्दी",
    "ไทย",
    "🔥",
    "🔥🔥🔥",
    "kano 🔥",
    "👩🏽‍⚕️ doctors",
    "🇳🇬",
    "\u200b",
    "kano\u200bflood",
    "\u202ekano",
    "\ufeffkano",
    "\u0301",
    "a\u0301\u0301\u0301",
    "\U0001f600" * 300,
    "½",
    "²",
    "١٢٣",
    "∞",
    "\u00a0kano\u00a0",
    "\ue000kano\ue001",
]

SIZES = [
    "a" * TEN_KB,
    "kano " * 2000,
    "k" * 300,
    " ".join(f"w{n}" for n in range(1500)),
    '"' * 5000,
    "(" * 5000,
    "\\" * 5000,
    "🔥" * 3000,
    "Ọ" * 4000,
    "AND " * 2500,
    '"kano flood" ' * 800,
    "x" * 2047,
    "x" * 2048,
    "x" * 2049,
    "word " * 40,
]

# Raw %-escapes the client sends verbatim: invalid UTF-8, NULs, overlong forms.
RAW_Q = [
    "%00",
    "kano%00flood",
    "%FF%FE",
    "%C0%AE",
    "%E2%82",
    "%ED%A0%80",
    "%F4%90%80%80",
    "%",
    "%ZZ",
    "%25",
    "kano%",
    "+",
    "+++",
    "%20%20%20",
    "%0A",
    "%0D%0A",
    "%1B%5B31m",
]

BAD_PARAMS = [
    "page=abc",
    "page=-1",
    "page=0",
    "page=1e9",
    "page=99999999999999999999",
    "page=" + "9" * 5000,
    "page=1.5",
    "page=%00",
    "page=%F0%9F%94%A5",
    "page=2&page=abc",
    "page[]=1",
    "order=oldest",
    "order=",
    "order=%00",
    "order=relevance&order=newest",
    "order=" + "x" * TEN_KB,
    "section=abc",
    "section=-1",
    "section=0",
    "section=99999999999999999999",
    "section=1%20OR%201=1",
    "section=" + "1" * 5000,
    "section=%F0%9F%94%A5",
    "kind=nonsense",
    "kind=NEWS",
    "kind=%00",
    "date=1y",
    "date=24h&date=7d",
    "date=%00",
    "date=custom",
    "date=custom&from=abc",
    "date=custom&from=2025-13-45",
    "date=custom&from=2025-02-30",
    "date=custom&from=0000-01-01",
    "date=custom&from=9999-12-31",
    "date=custom&from=-2025-01-01",
    "date=custom&from=2025-01-01&to=2020-01-01",
    "date=custom&to=" + "9" * 5000,
    "date=custom&from=2025-01-01T00:00:00",
    "date=custom&from=%F0%9F%94%A5",
    "from=2025-01-01",
    "to=2025-01-01",
    "date=7d&from=2025-01-01&to=2025-02-01",
    "q=&page=2",
    "q",
    "=kano",
    "&&&",
    "q=kano&q=flood",
    "q[]=kano",
    "q=kano;section=1",
]


def fuzz_urls():
    urls = []
    for q in itertools.chain(ENGINE_SYNTAX, UNICODE, SIZES):
        urls.append("/search/?q=" + quote(q, safe=""))
    urls += [f"/search/?q={raw}" for raw in RAW_Q]
    urls += [f"/search/?q=kano&{params}" for params in BAD_PARAMS]
    urls += [f"/search/?q=%22kano%20flood%22&order=newest&{params}" for params in BAD_PARAMS[::3]]
    urls += [f"/search/?q={quote(q, safe='')}&{params}" for q, params in zip(itertools.cycle(UNICODE), BAD_PARAMS)]
    urls += [f"/search/?q={quote(q, safe='')}&{params}" for q, params in zip(SIZES, reversed(BAD_PARAMS), strict=False)]
    return urls


def suggest_urls():
    queries = ENGINE_SYNTAX[::4] + UNICODE[::3] + SIZES[::3]
    return ["/search/suggest/?q=" + quote(q, safe="") for q in queries] + [f"/search/suggest/?q={r}" for r in RAW_Q]


def test_there_are_at_least_300_cases():
    assert len(fuzz_urls()) >= 300


def call_view(rf, view, url):
    """The view alone, past every middleware."""
    request = rf.get(url)
    request.user = AnonymousUser()
    response = view(request)
    if hasattr(response, "render"):
        response.render()
    return response


def refused_nul(url, response):
    """core.security refuses NUL bytes in any address with a plain 400 saying so."""
    return "%00" in url and response.status_code == 400 and b"NUL" in response.content


def test_junk_never_breaks_search(client, rf, engine, sections):  # noqa: F811
    make_article(sections["news"], "Kano flood relief arrives", body="Relief for Kano flood victims.")
    make_article(sections["africa"], "Ọbásanjọ visits Lagos", tags=["Politics"])
    engine.refresh()

    crashes = []

    def record(sender, request, **kwargs):
        crashes.append(request.get_full_path()[:120])

    got_request_exception.connect(record)
    failures = []
    try:
        for url in fuzz_urls():
            response = client.get(url)
            if not (response.status_code == 200 and b"Search</h1>" in response.content or refused_nul(url, response)):
                failures.append((url[:120], response.status_code))
            if "%00" in url:
                # Whatever the middleware does, the view itself copes with a NUL.
                direct = call_view(rf, views.search, url)
                if direct.status_code != 200:
                    failures.append((f"direct {url[:110]}", direct.status_code))
        for url in suggest_urls():
            response = call_view(rf, views.suggest, url) if "%00" in url else client.get(url)
            if response.status_code != 200 or not isinstance(json.loads(response.content)["results"], list):
                failures.append((url[:120], response.status_code))
    finally:
        got_request_exception.disconnect(record)
    assert not crashes
    assert not failures
