"""Real-browser fixtures: Debian's chromium driven by Playwright, axe-core, a realistic newsroom.

Playwright's own browser download is never used: CI installs chromium with apt,
so the suite tests the browser readers actually get from the distribution.
"""

import datetime
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from wagtail.models import Collection
from wagtail_factories import ImageFactory

from home.models import StandardPage
from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory
from site_settings.models import FooterLink, SiteSettings

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_DIR = Path(__file__).resolve().parent
AXE_SCRIPT = BROWSER_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = BROWSER_DIR.parents[1] / "test-artifacts" / "screenshots"

# Without the background-networking flags chromium keeps dialling Google's
# hosts, which a closed CI network refuses; those requests would also muddle
# the check that pages call no other host.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PHONE, DESKTOP = 375, 1280
# How long a page may keep the network busy after "load".
SETTLE_SECONDS = 10


def _missing_browser_tooling():
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install --no-install-recommends chromium"
    if not AXE_SCRIPT.exists():
        return f"{AXE_SCRIPT.relative_to(BROWSER_DIR.parents[1])} is missing: npm ci --prefix tests/browser"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: .venv/bin/pip install -r requirements.lock"
    return None


def pytest_collection_modifyitems(config, items):
    # A skip names the install command; CI=true turns any skip into a failure,
    # so a CI machine without chromium or axe-core fails loudly.
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    reason = _missing_browser_tooling() if browser_items else None
    if reason:
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its event loop marked as running in this
    # thread between calls, and Django then refuses the ORM calls of our
    # fixtures and of the flush after each transactional test, although
    # nothing here runs concurrently. The flag lifts that refusal for exactly
    # as long as the browser lives; module scope (the suite is one module, so
    # still one browser per run) keeps Django's check on for every other test.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # launch() refuses --user-data-dir: it gives every launch a new, empty
        # profile directory of its own, which is what we want.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def expect():
    """Playwright's retrying assertions; imported late so a machine without playwright skips instead of erroring."""
    from playwright.sync_api import expect

    return expect


# Every frame reports each Content-Security-Policy violation (enforced or
# report-only) to the test; Chromium's console line says less (no frame, no disposition).
CSP_VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
    if (typeof window.newsroomCspViolation !== "function") return;
    window.newsroomCspViolation(
        `${event.disposition}: ${event.effectiveDirective} refused ${event.blockedURI || "inline"} `
        + `(${event.sourceFile || document.location.href}:${event.lineNumber}) "${event.sample}"`
    );
}, true);
"""


class Reader:
    """One browser tab at one width that records what a reader's visit costs and breaks."""

    def __init__(self, context, base_url, width):
        self.base_url = base_url.rstrip("/")
        self.width = width
        self.page = context.new_page()
        self.csp_violations = []
        self.page.expose_binding("newsroomCspViolation", lambda source, text: self.csp_violations.append(text))
        self.page.add_init_script(CSP_VIOLATION_LISTENER)
        self.console_errors = []
        self.requests = []
        self.unfinished = {}
        self.stalled = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
        self.page.on("request", self._on_request)
        # A response counts as an answer: Chromium never reports the end of a
        # stale-while-revalidate background refresh, though its response arrives.
        self.page.on("response", lambda response: self.unfinished.pop(id(response.request), None))
        self.page.on("requestfinished", lambda request: self.unfinished.pop(id(request), None))
        self.page.on("requestfailed", lambda request: self.unfinished.pop(id(request), None))

    def _on_request(self, request):
        self.requests.append(request.url)
        self.unfinished[id(request)] = request.url

    def _on_console(self, message):
        if message.type == "error":
            location = message.location or {}
            self.console_errors.append(f"{message.text} ({location.get('url', '')})")

    def visit(self, path, settle=False):
        """Open `path`; with `settle`, also wait until every request has an answer, so late ones are recorded.

        Requests still unanswered after SETTLE_SECONDS are kept in `stalled`
        rather than raised, so one slow endpoint fails one check, not the run.
        """
        self.console_errors.clear()
        self.csp_violations.clear()
        self.requests.clear()
        self.unfinished.clear()
        self.stalled = []
        response = self.page.goto(self.base_url + path, wait_until="load")
        if settle:
            self._settle()
        return response

    def _settle(self, quiet_seconds=0.5):
        # Lazy images, fragments and the favicon are fetched after "load";
        # their failures and destinations count too. Playwright's own
        # "networkidle" never comes when a stale-while-revalidate refresh runs.
        deadline = time.monotonic() + SETTLE_SECONDS
        quiet_since = None
        while time.monotonic() < deadline:
            if self.unfinished:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_seconds:
                return
            # Waiting inside Playwright lets it deliver the network events.
            self.page.wait_for_timeout(100)
        self.stalled = list(self.unfinished.values())

    def foreign_requests(self):
        own = urlsplit(self.base_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in {"data", "blob", "about"} and urlsplit(url).netloc != own
        ]

    def overflowing_elements(self):
        """Up to ten elements, in document order, that stick out past the right edge of the viewport."""
        return self.page.evaluate(
            """() => {
                const limit = document.documentElement.clientWidth;
                if (document.documentElement.scrollWidth <= limit) return [];
                const out = [];
                for (const el of document.body.querySelectorAll("*")) {
                    const box = el.getBoundingClientRect();
                    if (box.width && box.right > limit + 1) {
                        const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                            + (el.classList.length ? "." + [...el.classList].join(".") : "");
                        out.push(`${name} right=${Math.round(box.right)}px`);
                    }
                }
                return out.length ? out.slice(0, 10) : [`scrollWidth ${document.documentElement.scrollWidth}px`];
            }"""
        )

    def screenshot(self, name, full_page=True):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.width}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def serious_accessibility_violations(self):
        inject_axe(self.page)
        results = self.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return [
            f"{violation['impact']} {violation['id']}: {violation['help']} "
            f"at {[node['target'] for node in violation['nodes']][:5]}"
            for violation in results["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]


def inject_axe(page):
    """Load axe-core into the page the way DevTools would: the site's Content-Security-Policy
    (rightly) refuses the inline <script> element that add_script_tag would insert."""
    page.evaluate(AXE_SCRIPT.read_text() + "\n;true")


@pytest.fixture
def open_reader(browser, live_server):
    """Open a fresh context (no shared cookies or cache) at a given width; closed after the test."""
    contexts = []

    def open_at(width):
        height = 812 if width <= PHONE else 900
        # Not is_mobile: a mobile viewport zooms out to fit content that is too
        # wide, which would hide the very overflow the tests look for.
        context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
        contexts.append(context)
        return Reader(context, live_server.url, width)

    yield open_at
    for context in contexts:
        context.close()


@pytest.fixture
def newsroom(home_page, settings, tmp_path):
    """A small but realistic paper: menu sections, a "More" menu, illustrated stories, two authors, site chrome."""
    # Renditions are generated while the live server serves pages; keep them
    # out of the shared test media folder.
    settings.MEDIA_ROOT = tmp_path / "media"
    # The flush after an earlier transactional test also removes the root
    # collection that Wagtail's migrations create.
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")

    def publish(page):
        page.save_revision().publish()
        return page

    news = publish(SectionPageFactory(parent=home_page, title="News", intro="Breaking and developing stories."))
    politics = publish(SectionPageFactory(parent=home_page, title="Politics"))
    sports = publish(SectionPageFactory(parent=home_page, title="Sports"))
    more = publish(SectionPageFactory(parent=home_page, title="More"))
    africa = publish(SectionPageFactory(parent=more, title="Africa"))
    business = publish(SectionPageFactory(parent=more, title="Business"))

    about = publish(home_page.add_child(instance=StandardPage(title="About us", slug="about-us")))
    privacy = publish(home_page.add_child(instance=StandardPage(title="Privacy Policy", slug="privacy-policy")))

    site = home_page.get_site()
    site_settings = SiteSettings.for_site(site)
    site_settings.site_name = "Newsroom"
    site_settings.tagline = "Independent news from Lagos, Abuja and beyond"
    site_settings.facebook_url = "https://facebook.com/newsroom"
    site_settings.x_url = "https://x.com/newsroom"
    site_settings.instagram_url = "https://instagram.com/newsroom"
    site_settings.youtube_url = "https://youtube.com/@newsroom"
    site_settings.whatsapp_channel_url = "https://whatsapp.com/channel/0029VaNewsroom"
    site_settings.copyright_line = "© Newsroom Media Ltd."
    site_settings.save()
    FooterLink.objects.create(settings=site_settings, page=about, sort_order=0)
    FooterLink.objects.create(settings=site_settings, page=privacy, label="Privacy", sort_order=1)

    amaka = AuthorFactory(
        name="Amaka Eze",
        role="Judiciary Correspondent",
        bio="<p>Amaka covers the courts and the National Assembly.</p>",
        x_handle="amakaeze",
        website_url="https://example.com/amaka",
    )
    tunde = AuthorFactory(name="Tunde Bakare", role="Business Editor")

    colours = ["#7a2e2e", "#2e4f7a", "#2e7a4b", "#7a6a2e", "#4b2e7a"]
    images = [
        ImageFactory(
            title=f"Photo {n}",
            description=f"Photo {n} from the newsroom archive",
            collection=root_collection,
            file__width=1600,
            file__height=900,
            file__color=colour,
        )
        for n, colour in enumerate(colours)
    ]

    headlines = [
        (news, "Senate passes the 2026 budget after a marathon all-night sitting", "news"),
        (politics, "Governors meet in Abuja over the new revenue-sharing formula", "analysis"),
        (sports, "Super Eagles name a 23-man squad for the qualifiers", "news"),
        (africa, "Ghana and Nigeria agree a single visa for traders", "feature"),
        (business, "Naira steadies as the central bank holds rates", "news"),
        (news, "Flooding displaces thousands along the Benue river", "news"),
        (politics, "Why the electoral act amendment matters for 2027", "opinion"),
        (business, "Lagos start-ups raise record funding in the third quarter", "interview"),
        (sports, "Falconets reach the final after a penalty shoot-out", "news"),
        (news, "Court adjourns the petition hearing to next month", "news"),
    ]
    now = timezone.now()
    articles = []
    for n, (section, title, kind) in enumerate(headlines):
        article = ArticlePageFactory(
            parent=section,
            title=title,
            standfirst=f"{title}: what happened, who is affected and what comes next.",
            kind=kind,
            is_breaking=n == 0,
            hero_image=images[n % len(images)],
            hero_caption="Lawmakers leave the chamber" if n == 0 else "",
            hero_credit="Photo: Ayo Bello/Newsroom",
            display_date=now - datetime.timedelta(hours=3 * n),
            authors=[amaka, tunde] if n % 3 == 0 else [(amaka, tunde)[n % 2]],
            body=_story_body(images, n),
        )
        article.tags.add("Economy" if n % 2 else "Politics", "Lagos")
        articles.append(publish(article))

    lead = articles[0]
    lead.tags.add("Budget 2026")
    publish(lead)
    return {
        "home": "/",
        "section": news.url,
        "article": lead.url,
        "author": amaka.url,
        "tag": "/tags/economy/",
    }


def _story_body(images, n):
    paragraph = (
        "<p>The decision, reached after hours of debate, affects millions of households across the "
        "federation, and officials say its effects will be felt within weeks.</p>"
    )
    body = [
        ("paragraph", paragraph),
        ("heading", {"text": "What changes", "level": "h2"}),
        ("paragraph", paragraph),
    ]
    if n == 0:
        body += [
            (
                "image",
                {
                    "image": images[1].pk,
                    "alt_text": "Senators voting in the chamber",
                    "caption": "The vote",
                    "credit": "Photo: Newsroom",
                },
            ),
            (
                "pull_quote",
                {"text": "This budget is about roads, schools and power.", "attribution": "Senate President"},
            ),
            ("fact_box", {"title": "Key figures", "body": "<ul><li>Total: ₦54.9 trillion</li></ul>"}),
            ("embed", {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Watch: the final vote"}),
            ("embed", {"url": "https://x.com/newsroom/status/1234567890", "title": "Reaction on X"}),
            (
                "table",
                {
                    "caption": "Allocation by sector",
                    "columns": [{"type": "text", "heading": "Sector"}, {"type": "number", "heading": "₦ trillion"}],
                    "rows": [{"values": ["Defence", "4.9"]}, {"values": ["Education", "3.5"]}],
                },
            ),
            ("paragraph", paragraph),
        ]
    return [{"type": block_type, "value": value} for block_type, value in body]


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots():
    # Screenshots from an earlier run would pass for this run's in a CI artifact.
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
