"""Content-Security-Policy and Permissions-Policy on every response, and a policy that stays true for cached pages.

The page cache serves one rendering to many readers, so a policy that relied
on per-request nonces would stop matching the HTML of the second request.
These tests read each page's HTML, find everything inline that a policy
governs (scripts, event handlers, style elements and attributes,
javascript: URLs) and check that the header sent with that very copy admits
it, for the fresh copy and for the one from the page cache.
"""

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from django.core.cache import caches
from wagtail.models import Collection

from ads.factories import CampaignFactory, CreativeFactory
from ads.models import Creative
from ads.tests.support import ads_clean, campaign_with, slots  # noqa: F401 - fixtures
from core.csp import ADMIN_PREFIX
from news.tests.test_blocks import every_block_article, images, section  # noqa: F401 - fixtures

CSP = "Content-Security-Policy"
CSP_REPORT_ONLY = "Content-Security-Policy-Report-Only"
# Script types a browser runs; anything else (application/ld+json) is a data block CSP ignores.
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}


def parse_policy(header):
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def _sources(policy, *names):
    """The first directive present among `names` (most specific first), then default-src."""
    for name in (*names, "default-src"):
        if name in policy:
            return policy[name]
    return None


def _hash_source(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _admits_inline(sources, text, nonce=None, attribute=False):
    """CSP3's rules for an inline element or attribute: a matching nonce or hash, else 'unsafe-inline'."""
    if sources is None:
        return True
    if nonce and f"'nonce-{nonce}'" in sources:
        return True
    hashed = _hash_source(text) in sources and (not attribute or "'unsafe-hashes'" in sources)
    if hashed:
        return True
    # A nonce or hash in the list switches 'unsafe-inline' off.
    if any(source.startswith(("'nonce-", "'sha256-", "'sha384-", "'sha512-")) for source in sources):
        return False
    return "'unsafe-inline'" in sources


class InlineContent(HTMLParser):
    """Everything inline in a document that a Content-Security-Policy governs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []  # (kind, text, nonce)
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(("event handler", value or "", None))
            elif name == "style":
                self.found.append(("style attribute", value or "", None))
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(("javascript: URL", value, None))
        if tag == "script" and "src" not in attrs and (attrs.get("type") or "").lower() in SCRIPT_TYPES:
            self._open = ["script", [], attrs.get("nonce")]
        elif tag == "style":
            self._open = ["style element", [], attrs.get("nonce")]

    def handle_data(self, data):
        if self._open:
            self._open[1].append(data)

    def handle_endtag(self, tag):
        if self._open and tag in {"script", "style"}:
            kind, parts, nonce = self._open
            self.found.append((kind, "".join(parts), nonce))
            self._open = None


def refused_inline_content(html, header):
    """What in `html` the policy `header` would refuse, as readable lines."""
    policy = parse_policy(header)
    parser = InlineContent()
    parser.feed(html)
    refused = []
    for kind, text, nonce in parser.found:
        if kind == "script":
            admitted = _admits_inline(_sources(policy, "script-src-elem", "script-src"), text, nonce)
        elif kind in {"event handler", "javascript: URL"}:
            admitted = _admits_inline(_sources(policy, "script-src-attr", "script-src"), text, attribute=True)
        elif kind == "style element":
            admitted = _admits_inline(_sources(policy, "style-src-elem", "style-src"), text, nonce)
        else:
            admitted = _admits_inline(_sources(policy, "style-src-attr", "style-src"), text, attribute=True)
        if not admitted:
            refused.append(f"{kind}: {text[:80]!r}")
    return refused


@pytest.fixture(autouse=True)
def root_collection(db):
    # A transactional test's flush (this module has one) also removes the root collection
    # that Wagtail's migrations create, and the image fixtures need it.
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


@pytest.fixture
def page_cache(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    caches["fragments"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def ads_everywhere(slots, ads_clean):  # noqa: F811
    """An image creative and an HTML tag (with an inline script and styles) in every slot."""
    every_slot = tuple(slots)
    campaign_with(name="Banner", slot_keys=every_slot)
    campaign = CampaignFactory(name="Network")
    html_tag = '<div style="color:red" onclick="go()">Ad</div><script>document.title = "ad";</script>'
    creative = CreativeFactory(
        campaign=campaign, kind=Creative.HTML, html=html_tag, image=None, link_url="", slot_keys=every_slot
    )
    campaign.save()
    return creative


def test_the_checker_refuses_what_a_strict_policy_refuses():
    """Without this the cached-page test below could pass by finding nothing."""
    strict = "default-src 'self'; script-src 'self'; style-src 'self'"
    html = '<p style="x">a</p><button onclick="f()">b</button><script>alert(1)</script><style>p{}</style>'
    assert len(refused_inline_content(html, strict)) == 4
    assert refused_inline_content('<script type="application/ld+json">{"a": 1}</script>', strict) == []
    script = "alert(1)"
    assert refused_inline_content(f"<script>{script}</script>", f"script-src {_hash_source(script)}") == []
    assert refused_inline_content('<script nonce="abc">x()</script>', "script-src 'nonce-abc'") == []
    assert refused_inline_content('<script nonce="old">x()</script>', "script-src 'nonce-new'") != []


@pytest.mark.django_db(transaction=True)
def test_a_page_from_the_page_cache_has_a_policy_that_admits_everything_inline_in_it(
    client,
    page_cache,
    every_block_article,  # noqa: F811
    ads_everywhere,
):
    section_url = every_block_article.get_parent().url
    every_block_article.tags.add("Courts")
    every_block_article.save_revision().publish()
    for url in ["/", section_url, every_block_article.url, "/tags/courts/"]:
        first = client.get(url)
        second = client.get(url)
        assert first.status_code == 200, url
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit"), url
        html = second.content.decode()
        assert second[CSP] == first[CSP]
        assert refused_inline_content(html, second[CSP]) == [], url
        policy = parse_policy(second[CSP])
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in second[CSP]
    article_html = client.get(every_block_article.url).content.decode()
    # The article really has what the policy is about: JSON-LD (data, not script), ad slots, a video.
    assert '<script type="application/ld+json">' in article_html
    assert "data-ad-slot" in article_html and "data-embed-player" in article_html
    # The ad tag is not in the page at all: its frame has its own address and policy.
    assert 'onclick="go()"' not in article_html and "srcdoc" not in article_html
    assert f'src="/ads/f/{ads_everywhere.pk}/"' in article_html


@pytest.mark.django_db
def test_search_and_not_found_pages_admit_everything_inline_in_them(client, every_block_article):  # noqa: F811
    for url, status in [("/search/?q=court", 200), ("/no-such-page/", 404)]:
        response = client.get(url)
        assert response.status_code == status
        assert refused_inline_content(response.content.decode(), response[CSP]) == [], url


@pytest.mark.django_db
def test_every_kind_of_response_carries_both_headers(client, admin_client, home_page):
    responses = {
        "reader page": client.get("/"),
        "not found": client.get("/no-such-page/"),
        "NUL byte refused": client.get("/search/?q=%00"),
        "view beacon": client.post("/api/views/", {"token": "tampered"}),
        "ad impression beacon": client.post("/ads/i/", {"token": "tampered"}),
        "health": client.get("/health/"),
        "admin login": client.get("/admin/login/"),
        "admin dashboard": admin_client.get("/admin/"),
    }
    for name, response in responses.items():
        assert CSP in response, name
        assert "camera=()" in response["Permissions-Policy"], name
        assert "geolocation=()" in response["Permissions-Policy"], name
    assert responses["NUL byte refused"].status_code == 400
    assert responses["view beacon"].status_code == 400
    # Video players may play and go full screen; nothing else may use a device.
    assert (
        'fullscreen=(self "https://www.youtube-nocookie.com" "https://player.vimeo.com")'
        in (responses["reader page"]["Permissions-Policy"])
    )


@pytest.mark.django_db
def test_the_admin_has_its_own_looser_policy_and_readers_keep_the_strict_one(client, admin_client, home_page):
    reader = parse_policy(client.get("/")[CSP])
    admin = parse_policy(admin_client.get("/admin/")[CSP])
    assert reader["script-src"] == ["'self'"] and reader["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" in admin["script-src"] and "'unsafe-inline'" in admin["style-src"]
    # The preview panel frames the admin's own pages.
    assert admin["frame-ancestors"] == ["'self'"]
    assert admin["object-src"] == reader["object-src"] == ["'none'"]
    assert ADMIN_PREFIX == "/admin/"


@pytest.mark.django_db
def test_previews_carry_the_admin_policy_so_the_preview_panel_can_frame_them(
    client,
    every_block_article,  # noqa: F811
):
    # Wagtail renders a preview through a request for the page's own address.
    preview = every_block_article.make_preview_request()
    assert preview.status_code == 200
    assert parse_policy(preview[CSP])["frame-ancestors"] == ["'self'"]
    assert parse_policy(client.get(every_block_article.url)[CSP])["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_report_only_mode_sends_the_same_policies_without_enforcing_them(client, admin_client, home_page, settings):
    enforced_reader = client.get("/")[CSP]
    enforced_admin = admin_client.get("/admin/")[CSP]
    # What CSP_REPORT_ONLY=true makes of the settings (tests/test_settings.py checks the variable itself).
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    reader = client.get("/")
    admin = admin_client.get("/admin/")
    assert CSP not in reader and CSP not in admin
    assert reader[CSP_REPORT_ONLY] == enforced_reader
    assert admin[CSP_REPORT_ONLY] == enforced_admin


@pytest.mark.django_db
def test_html_ad_frames_have_their_own_sandboxing_policy(client, ads_everywhere, settings):
    response = client.get(f"/ads/f/{ads_everywhere.pk}/")
    assert response.status_code == 200
    assert response.content.decode() == ads_everywhere.html
    assert response[CSP] == (
        "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox; frame-ancestors 'self'"
    )
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "public" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    # In report-only mode the reader policy would only report the ad's own scripts: it is not sent.
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get(f"/ads/f/{ads_everywhere.pk}/")
    assert response[CSP].startswith("sandbox ") and CSP_REPORT_ONLY not in response

    image_creative = Creative.objects.filter(kind=Creative.IMAGE).first()
    assert client.get(f"/ads/f/{image_creative.pk}/").status_code == 404
    assert client.get("/ads/f/999999/").status_code == 404
    assert client.post(f"/ads/f/{ads_everywhere.pk}/").status_code == 405
