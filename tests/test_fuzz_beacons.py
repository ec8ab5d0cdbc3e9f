"""Junk sent to the reader endpoints that are not pages: the view and ad beacons, ad clicks, fragments, health.

Anyone can post to a beacon, and scripts do: every malformed method, body,
content type, length, token and header must get a 2xx, 3xx or 4xx answer,
never a 500. The requests are drawn from a seeded generator, so a failure
repeats.
"""

import itertools
import random
import sys

import pytest
from django.core.signals import got_request_exception
from django.test import Client

from ads import tokens
from ads.factories import CreativeFactory
from news.factories import ArticlePageFactory, SectionPageFactory
from trending.counting import view_token

SEED = 20261128
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


@pytest.fixture
def tokens_in_play(home_page, settings):
    # The point is the parsing, not the rate limit (whose 429 is fine anyway).
    settings.NEWSROOM_VIEW_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.NEWSROOM_ADS_RATE_LIMIT_PER_MINUTE = 1_000_000
    section = SectionPageFactory(parent=home_page, title="News")
    section.save_revision().publish()
    article = ArticlePageFactory(parent=section, title="A story")
    article.save_revision().publish()
    creative = CreativeFactory()
    slot = creative.slots.first()
    ref = tokens.AdRef(creative.pk, slot.pk, article.pk, 1)
    view = view_token(article.pk)
    impression = tokens.impression_token(ref)
    click = tokens.click_token(ref)
    return {
        "view": view,
        "impression": impression,
        "click": click,
        "section": section.pk,
        "forged": [
            view[:-1] + ("A" if view[-1] != "A" else "B"),
            view.split(":")[0] + ":",
            ":" + view.split(":")[-1],
            view_token(987654),
            impression.replace(str(creative.pk), str(creative.pk + 1000), 1),
            tokens.sign("1.2.3", tokens.IMPRESSION_SALT),
            tokens.sign("a.b.c.d", tokens.IMPRESSION_SALT),
            tokens.sign("9" * 13 + ".1.1.1", tokens.IMPRESSION_SALT),
            tokens.sign("987654.987654.0.0", tokens.IMPRESSION_SALT),
            tokens.sign("987654.987654.0.0", tokens.CLICK_SALT),
            tokens.sign(str(ref), "another salt"),
        ],
    }


JUNK_TOKENS = [
    "",
    " ",
    "token",
    "token=",
    "=",
    "abc",
    ":",
    "::::",
    "1:abc",
    "1:" + "a" * 27,
    "x" * 200,
    "x" * 201,
    "x" * 1023,
    "x" * 1025,
    "x" * 5000,
    "🔥" * 50,
    "%00",
    "\x00",
    "a\x00b",
    "%FF%FE",
    "<script>alert(1)</script>",
    "'; DROP TABLE trending_articleviewhour; --",
    '{"token": "x"}',
    "[]",
    "null",
    "1",
    "-1",
    "99999999999999999999",
    "1.2.3.4",
    "../../etc/passwd",
]
CONTENT_TYPES = [
    "text/plain",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "application/json",
    "multipart/form-data",
    "multipart/form-data; boundary=xyz",
    "application/octet-stream",
    "",
    "garbage/garbage",
    "text/plain; charset=utf-16",
]
HEADER_SETS = [
    {},
    {"HTTP_USER_AGENT": BROWSER_UA},
    {"HTTP_USER_AGENT": "Googlebot/2.1 (+http://www.google.com/bot.html)"},
    {"HTTP_USER_AGENT": "x" * 5000},
    {"HTTP_USER_AGENT": "\ud800".encode("utf-8", "surrogatepass").decode("latin-1")},
    {"HTTP_USER_AGENT": BROWSER_UA, "HTTP_SEC_PURPOSE": "prefetch"},
    {"HTTP_USER_AGENT": BROWSER_UA, "HTTP_PURPOSE": "prefetch;prerender"},
    {"HTTP_USER_AGENT": BROWSER_UA, "HTTP_X_FORWARDED_FOR": "not-an-ip, 1.2.3.4, ::1"},
    {"HTTP_USER_AGENT": BROWSER_UA, "REMOTE_ADDR": ""},
    {"HTTP_USER_AGENT": BROWSER_UA, "REMOTE_ADDR": "::1"},
    {"HTTP_USER_AGENT": BROWSER_UA, "CONTENT_LENGTH": "abc"},
    {"HTTP_USER_AGENT": BROWSER_UA, "CONTENT_LENGTH": "-1"},
    {"HTTP_USER_AGENT": BROWSER_UA, "CONTENT_LENGTH": "99999999999999999999"},
    {"HTTP_USER_AGENT": BROWSER_UA, "CONTENT_LENGTH": ""},
]
METHODS = ["post", "post", "post", "get", "put", "delete", "patch", "head", "options"]
RAW_BODIES = [b"\xff\xfe\xfd", b"token=\xc0\xae", b"\x00" * 10, b"token=%E2%82", b"token=%", "token=Ωμέγα".encode()]


def beacon_requests(in_play, rng, count):
    """(method, path, body, content_type, headers) for the two beacons, drawn from the lists above."""
    requests = []
    for _ in range(count):
        path = rng.choice(["/api/views/", "/ads/i/"])
        valid = in_play["view"] if path == "/api/views/" else in_play["impression"]
        choice = rng.random()
        if choice < 0.15:
            token = valid
        elif choice < 0.35:
            token = rng.choice(in_play["forged"] + [in_play["click"], in_play["view"], in_play["impression"]])
        else:
            token = rng.choice(JUNK_TOKENS)
        shape = rng.random()
        if shape < 0.1:
            body = rng.choice(RAW_BODIES)
        elif shape < 0.55:
            body = f"token={token}"
        else:
            body = token
        content_type = rng.choice(CONTENT_TYPES)
        if isinstance(body, bytes):
            # The test client re-encodes a body for a named charset; raw bytes go as they are.
            content_type = content_type.split(";")[0]
        requests.append((rng.choice(METHODS), path, body, content_type, dict(rng.choice(HEADER_SETS))))
    return requests


def other_requests(in_play, rng):
    """Clicks, trending fragments, health and ads.txt, with junk in the path and query."""
    requests = []
    for token in [*JUNK_TOKENS, *in_play["forged"], in_play["impression"], in_play["view"], in_play["click"]]:
        # Slashes and NULs cannot be in a path segment the way a browser sends them; escape them.
        segment = token.replace("%", "%25").replace("/", "%2F").replace("\x00", "%00").replace(" ", "%20")
        if not segment:
            continue
        for method in ("get", "head", "post"):
            requests.append((method, f"/ads/c/{segment}/", "", "", {"HTTP_USER_AGENT": BROWSER_UA}))
    scopes = ["site", "section:", f"section:{in_play['section']}", "section:abc", "section:-1", "section:" + "9" * 30]
    scopes += ["SITE", "section:١٢", "section:²", "x" * 300, "%00", "%F0%9F%94%A5", "section%3A1"]
    styles = ["list", "ticker", "", "LIST", "grid", "x" * 5000, "%00", "%FF"]
    for scope, style in itertools.product(scopes, styles):
        requests.append(("get", f"/fragments/trending/{scope}/?style={style}", "", "", {}))
    for query in ["", "x", "format=json", "verbose=1&verbose=abc", "x=" + "y" * 5000, "%ZZ=1", "a=%00"]:
        for path in ("/health/", "/ads.txt", "/robots.txt"):
            requests.append((rng.choice(["get", "head"]), f"{path}?{query}", "", "", {}))
    return requests


@pytest.mark.django_db
def test_junk_on_beacons_and_reader_endpoints_never_causes_a_server_error(tokens_in_play, settings, record_property):
    assert settings.DEBUG is False
    rng = random.Random(SEED)
    client = Client(raise_request_exception=False)
    requests = beacon_requests(tokens_in_play, rng, 3200) + other_requests(tokens_in_play, rng)
    record_property("fuzz_requests", len(requests))

    raised = []

    def remember(sender, request, **kwargs):
        raised.append(repr(sys.exc_info()[1])[:300])

    got_request_exception.connect(remember)
    failures = []
    statuses = {}
    try:
        for method, path, body, content_type, headers in requests:
            raised.clear()
            kwargs = dict(headers)
            if method in ("get", "head"):
                response = getattr(client, method)(path, **kwargs)
            else:
                response = getattr(client, method)(path, data=body, content_type=content_type, **kwargs)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {method.upper()} {path[:80]} {str(body)[:60]!r}: {raised[:1]}")
    finally:
        got_request_exception.disconnect(remember)
    assert not failures, f"{len(failures)} of {len(requests)} requests answered 5xx:\n" + "\n".join(failures[:40])
    # The mix reached every kind of answer, not just one early refusal.
    assert {204, 400, 405}.issubset(statuses), statuses
