"""Settings shared by every environment.

Every service address and secret comes from the environment. An optional
service is switched on by its variable being present; without it the
embedded default runs (SQLite, database cache and search, a filesystem
Celery broker), so `make run` needs nothing installed.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
# Everything the embedded defaults write (SQLite file, broker queue, media)
# lives under var/, which is git-ignored.
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", BASE_DIR / "var"))


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The project's apps, bottom layer first (docs/architecture.md; `make lint` checks the
# layers). The order matters: each app's signal receivers run after those of the apps
# below it (search re-indexes a published article after news has set its display date).
NEWSROOM_APPS = [
    "core",
    "publishing",
    "site_settings",
    "news",
    "trending",
    "ads",
    "comments",
    "home",
    "search",
    # The WordPress import (issue 16): above everything it writes into.
    "wordpress",
]
INSTALLED_APPS = [
    *NEWSROOM_APPS,
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.sitemaps",
    # Wagtail's sitemap view renders the sitemap.xml template of Django's app.
    "django.contrib.sitemaps",
    "wagtail.contrib.typed_table_block",
    "wagtail_modeladmin",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_celery_beat",
    # Its system checks catch settings of the django-csp 3 style, which it would ignore.
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Failed sign-ins, lockouts (home/accounts.py).
    "axes",
]

MIDDLEWARE = [
    # First, so every response carries them: pages from the page cache, the
    # admin, beacons, errors and the 400 for a NUL byte.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "core.csp.NewsroomCSPMiddleware",
    "core.security.RejectNulBytesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the app server, compressed and cache-busted.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Gzip for public (shared, secret-free) responses, cached ones included (core/compression.py).
    "core.compression.PublicGZipMiddleware",
    # WordPress import: old /?p=ID and /?page_id=ID links, before the page cache keeps "/?p=…" as the home page.
    "wordpress.middleware.WordPressQueryRedirectMiddleware",
    # Before sessions: a cached page for an anonymous reader is served without touching them.
    "core.page_cache.PageCacheMiddleware",
    # One read of the fragment generation per request; a cached Site and home page.
    "core.fragments.FragmentGenerationMiddleware",
    "core.sites.CachedSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a lockout into home.accounts.lockout_response.
    "axes.middleware.AxesMiddleware",
]

# django-axes refuses a locked-out (username, IP) pair before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# Database: DATABASE_URL, else a SQLite file under var/.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # One writer at a time: wait for the lock instead of failing at once when
    # the web server, the worker and beat share the file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Write-ahead logging: readers never wait for the writer, and a commit is an
    # append without a sync per transaction (synchronous=NORMAL is safe in WAL
    # mode: a power cut may lose the last commits, never corrupt the file).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Two Redis roles. REDIS_URL is the durable one: counters, counting marks, locks and
# the Celery broker (run it with `maxmemory-policy noeviction` and AOF: nothing in it
# may be evicted). REDIS_CACHE_URL holds the caches (pages, fragments, renditions; run
# it with a `maxmemory` and `allkeys-lru`); it defaults to REDIS_URL, which is fine
# for development. Without REDIS_URL: the database cache and a filesystem broker.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", "") or REDIS_URL
# A Redis outage costs a request at most these timeouts once; then Redis is left
# alone for REDIS_RETRY_SECONDS at a time (core.circuit) and pages render without it.
NEWSROOM_REDIS_CONNECT_TIMEOUT = float(os.environ.get("REDIS_CONNECT_TIMEOUT", 0.5))
NEWSROOM_REDIS_COUNTER_TIMEOUT = float(os.environ.get("REDIS_COUNTER_TIMEOUT", 5))
NEWSROOM_REDIS_RETRY_SECONDS = float(os.environ.get("REDIS_RETRY_SECONDS", 5))
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": NEWSROOM_REDIS_CONNECT_TIMEOUT,
    "socket_timeout": float(os.environ.get("REDIS_CACHE_TIMEOUT", 1)),
}
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "newsroom",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        },
        "renditions": {
            # Skips Wagtail's write-back of every rendition it serves (see the module).
            "BACKEND": "core.cache_backends.RenditionCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "newsroom-renditions",
            "OPTIONS": REDIS_CACHE_OPTIONS,
            "TIMEOUT": 60 * 60 * 24,
        },
        "pages": {
            "BACKEND": "core.cache_backends.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "newsroom-pages",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        },
        "fragments": {
            "BACKEND": "core.cache_backends.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "newsroom-fragments",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsroom_cache",
        },
        # Wagtail looks renditions up in this cache on every {% image %}; a
        # database-backed cache would add a query per image, so it stays in memory.
        "renditions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom-renditions",
            "TIMEOUT": 60 * 60,
        },
        # Per process: the embedded default serves from one process, and a
        # publish in the worker reaches it within the fragments' short lifetime.
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "newsroom-pages"},
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "newsroom-fragments"},
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Africa/Lagos")
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = os.environ.get("STATIC_URL", "/static/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
# Let the app server serve uploads (the compose stack has no proxy in front).
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Media on object storage (core/storage.py; README, "Object storage and scaling").
# With AWS_STORAGE_BUCKET_NAME set, every upload (original images, renditions,
# documents, ad banners) goes to that S3-compatible bucket (AWS_S3_ENDPOINT_URL,
# AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_S3_REGION_NAME; AWS_S3_CUSTOM_DOMAIN
# for a CDN) and MEDIA_URL becomes its public address; nothing is written to local
# disk. Renditions and banners are public, originals and documents private.
# Unset: files under MEDIA_ROOT.
if os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip():
    from core.storage import s3_media_from_env

    STORAGES["default"], MEDIA_URL = s3_media_from_env(os.environ)
    # Media come from the bucket, never from the app server.
    SERVE_MEDIA = False
# Every document download goes through Wagtail's serve view, which checks the
# collection's view restrictions before streaming the file; never a link or a
# redirect to the bucket, which would outlive the check.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Uploads refused with a form error, not a 500, while the media storage is unreachable.
WAGTAILIMAGES_IMAGE_FORM_BASE = "core.upload_forms.ImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.upload_forms.DocumentForm"

# Complex page models exceed Django's default of 1000 fields per form.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Every page save runs Wagtail's small jobs through django-tasks, which
        # logs each one at INFO; only their failures are worth a line.
        "django_tasks": {"level": "WARNING"},
        # Wagtail logs every purged URL of every backend; core.page_cache logs one line per purge.
        "wagtail.frontendcache": {"level": "WARNING"},
        # django-axes logs its start and every attempt at INFO; failures and lockouts are WARNINGs.
        "axes": {"level": "WARNING"},
    },
}

# Only set behind a proxy that overwrites X-Forwarded-For; otherwise readers could spoof it.
NEWSROOM_TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
# Trending: score = sum of hourly views x 0.5 ** (age in hours / half-life).
NEWSROOM_TRENDING_HALF_LIFE_HOURS = float(os.environ.get("TRENDING_HALF_LIFE_HOURS", 6))
NEWSROOM_TRENDING_WINDOW_HOURS = 48
NEWSROOM_TRENDING_MAX_AGE_DAYS = int(os.environ.get("TRENDING_MAX_AGE_DAYS", 7))
NEWSROOM_TRENDING_SIZE = 10
NEWSROOM_VIEW_RATE_LIMIT_PER_MINUTE = int(os.environ.get("VIEW_RATE_LIMIT_PER_MINUTE", 120))
# One address, one article, one hour: past this many readers the views are counted as
# invalid traffic, kept out of trending. Nigerian mobile carriers put many readers
# behind one address (carrier NAT), so the cap is far above one reader's share; see
# README, "Counting". Tokens in pages count for this long after the page was rendered.
NEWSROOM_VIEW_CAP_PER_ADDRESS_HOUR = int(os.environ.get("VIEW_CAP_PER_ADDRESS_HOUR", 60))
NEWSROOM_VIEW_TOKEN_MAX_AGE = int(os.environ.get("VIEW_TOKEN_MAX_AGE", 24 * 3600))
# Ads: per address, creative and hour, impressions and clicks past these caps are invalid
# traffic, kept out of reports and goals (same reasoning as the view cap). Per minute,
# an address making more ad requests than the rate limit gets 429; within the dedupe
# window one reader's repeat of the same ad in the same place counts once.
NEWSROOM_ADS_IMPRESSION_CAP_PER_ADDRESS_HOUR = int(os.environ.get("ADS_IMPRESSION_CAP_PER_ADDRESS_HOUR", 300))
NEWSROOM_ADS_CLICK_CAP_PER_ADDRESS_HOUR = int(os.environ.get("ADS_CLICK_CAP_PER_ADDRESS_HOUR", 10))
NEWSROOM_ADS_RATE_LIMIT_PER_MINUTE = int(os.environ.get("ADS_RATE_LIMIT_PER_MINUTE", 600))
NEWSROOM_ADS_DEDUPE_SECONDS = int(os.environ.get("ADS_DEDUPE_SECONDS", 60))
# Ads: no ad shows on an article (or tag archive) carrying any of these tags (names or slugs).
NEWSROOM_ADS_SENSITIVE_TAGS = env_list(
    "ADS_SENSITIVE_TAGS",
    "obituary,obituaries,tragedy,disaster,terrorism,terror attack,mass shooting,suicide,sexual violence,child abuse",
)

# Full-page cache for anonymous readers; on by default only with Redis, where
# every process sees the same purges. 0 switches it off.
NEWSROOM_PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 600 if REDIS_URL else 0))
# Benchmarks measure uncached pages by sending this token in X-Newsroom-Bypass-Cache; unset in production.
NEWSROOM_PAGE_CACHE_BYPASS_TOKEN = os.environ.get("PAGE_CACHE_BYPASS_TOKEN", "")
NEWSROOM_BENCH_ENDPOINTS = env_bool("NEWSROOM_BENCH_ENDPOINTS", False)
# The query parameters pages read, with the values they accept; a request with any
# other parameter is rendered but not stored (core.page_cache.cache_query). These
# trackers never change a page and are left out of the key.
NEWSROOM_PAGE_CACHE_QUERY_PARAMS = {"page": r"[1-9][0-9]{0,5}", "p": r"[1-9][0-9]{0,5}"}
NEWSROOM_PAGE_CACHE_IGNORED_PARAMS = (
    *("utm_*", "fbclid", "gclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid"),
)
# /health/ tells the public only "ok" or "unhealthy"; monitoring that sends this in X-Health-Token
# (or a user signed in to the admin) gets every check. Unset: admin users only.
NEWSROOM_HEALTH_TOKEN = os.environ.get("HEALTH_TOKEN", "")
# A search term is offered to readers as a "Popular search" only once this many distinct
# visitors searched it in the last week (one visitor per term and day).
NEWSROOM_POPULAR_SEARCH_MIN_VISITORS = int(os.environ.get("POPULAR_SEARCH_MIN_VISITORS", 5))
NEWSROOM_FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", 600 if REDIS_URL else 60))

# Purges: every change hands the URLs it affects to each of these frontend caches
# (wagtail.contrib.frontend_cache; core.purge). Our Redis page cache is always one.
WAGTAILFRONTENDCACHE = {"pages": {"BACKEND": "core.page_cache.PageCacheBackend"}}


# --- Edge cache purges (core/edge.py; deploy/varnish/default.vcl; README "Edge cache") ---
def edge_caches_from_env(environ):
    """The frontend caches beside the page cache, from the environment, in the order they are purged.

    FRONTEND_CACHE_VARNISH_URLS: each Varnish's address ("http://varnish:6081,http://10.0.0.5:6081").
    CLOUDFLARE_ZONE_ID with CLOUDFLARE_BEARER_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY).
    CLOUDFRONT_DISTRIBUTION_ID (credentials as boto3 finds them: AWS_ACCESS_KEY_ID... or a role).
    FRONTEND_CACHE_HOSTNAMES: the hosts the edges serve (default: all).
    """
    hostnames = [host.strip() for host in environ.get("FRONTEND_CACHE_HOSTNAMES", "").split(",") if host.strip()]
    common = {"HOSTNAMES": hostnames} if hostnames else {}
    caches = {}
    varnishes = [url.strip() for url in environ.get("FRONTEND_CACHE_VARNISH_URLS", "").split(",") if url.strip()]
    for index, url in enumerate(varnishes):
        caches["varnish" if index == 0 else f"varnish-{index + 1}"] = {
            "BACKEND": "core.edge.VarnishBackend",
            "LOCATION": url,
            "TIMEOUT": float(environ.get("FRONTEND_CACHE_TIMEOUT", 2)),
            **common,
        }
    if environ.get("CLOUDFLARE_ZONE_ID"):
        credentials = (
            {"BEARER_TOKEN": environ["CLOUDFLARE_BEARER_TOKEN"]}
            if environ.get("CLOUDFLARE_BEARER_TOKEN")
            else {"EMAIL": environ.get("CLOUDFLARE_EMAIL", ""), "API_KEY": environ.get("CLOUDFLARE_API_KEY", "")}
        )
        caches["cloudflare"] = {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "ZONEID": environ["CLOUDFLARE_ZONE_ID"],
            **credentials,
            **common,
        }
    if environ.get("CLOUDFRONT_DISTRIBUTION_ID"):
        caches["cloudfront"] = {
            "BACKEND": "core.edge.CloudfrontBackend",
            "DISTRIBUTION_ID": environ["CLOUDFRONT_DISTRIBUTION_ID"],
            **common,
        }
    return caches


WAGTAILFRONTENDCACHE.update(edge_caches_from_env(os.environ))
# Remote APIs are purged only from the Celery task (core.tasks.retry_purge), never inside an
# editor's request; Varnish is purged at once and handed to the task only when it fails.
NEWSROOM_FRONTEND_CACHE_QUEUED = ("cloudflare", "cloudfront")
# The first retry of a failed purge; then exponential backoff up to 10 minutes, for about an hour.
NEWSROOM_PURGE_RETRY_SECONDS = int(os.environ.get("PURGE_RETRY_SECONDS", 5))
# --- end edge cache purges ---
# URL names any publish can change, purged with every page (feeds, sitemaps, robots.txt).
NEWSROOM_PURGE_SITE_URLS = ["feed", "sitemap", "news_sitemap", "robots_txt"]

# How long shared caches may keep a published page; publishing purges it sooner.
NEWSROOM_PAGE_S_MAXAGE = int(os.environ.get("PAGE_S_MAXAGE", 300))
NEWSROOM_PAGE_STALE_WHILE_REVALIDATE = int(os.environ.get("PAGE_STALE_WHILE_REVALIDATE", 60))
# Edge cache: how long Varnish (and a CDN honouring it) serves a public page while the
# backend is down or failing (Cache-Control stale-if-error). Hours; 6 by default.
NEWSROOM_PAGE_STALE_IF_ERROR = int(float(os.environ.get("EDGE_GRACE_HOURS", 6)) * 3600)

# Security headers (README, "Security headers").
#
# Content-Security-Policy. Reader pages carry no inline script, no inline
# event handler and no style attribute: every script and stylesheet is a
# static file, so 'self' admits them all and the policy needs neither nonces
# nor 'unsafe-inline'. Nonces would be wrong here: the page cache, the
# fragments and any edge cache serve one rendering of a page to many readers,
# and a nonce baked into that HTML cannot match the fresh header each later
# copy is sent with. A fixed inline script, if one is ever needed, goes in by
# its 'sha256-...' hash, which stays true for every cached copy. (The JSON-LD
# blocks are data, not script: CSP does not apply to them.) HTML ad tags run
# in sandboxed frames served by /ads/f/ with a policy of their own (ads/views.py).
#
# The Wagtail admin (/admin/, previews included) gets a looser policy
# (core/csp.py): Wagtail's own templates still write inline scripts (date
# pickers, inline panels) and style attributes, which a nonce cannot reach.
# It is only served to signed-in staff and is never cached.
EMBED_PLAYER_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
# Wagtail's dashboard asks this address whether a newer release exists.
WAGTAIL_RELEASES_ORIGIN = "https://releases.wagtail.org"


def _origin(url):
    """The scheme and host of an absolute STATIC_URL or MEDIA_URL (a CDN), else None."""
    parts = url.split("/")
    return "/".join(parts[:3]) if url.startswith(("https://", "http://")) else None


def content_security_policies(environ, static_url="/static/", media_url="/media/"):
    """(reader directives, admin directives, report only?) from the environment.

    CSP_REPORT_ONLY=true sends both policies as Content-Security-Policy-Report-Only
    (violations are reported, nothing is blocked); CSP_REPORT_URI adds a report-uri.
    """
    static = [origin for origin in [_origin(static_url)] if origin]
    media = [origin for origin in [_origin(media_url)] if origin]
    reader = {
        "default-src": [SELF],
        "script-src": [SELF, *static],
        "style-src": [SELF, *static],
        "img-src": [SELF, *static, *media],
        "font-src": [SELF, *static],
        "media-src": [SELF, *media],
        "connect-src": [SELF],
        # Ad frames (/ads/f/) and the video players a reader starts.
        "frame-src": [SELF, *EMBED_PLAYER_ORIGINS],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
    admin = {
        **reader,
        "script-src": [SELF, UNSAFE_INLINE, *static],
        "style-src": [SELF, UNSAFE_INLINE, *static],
        # Image previews, uploads in progress (blob:) and Wagtail's icons (data:);
        # avatars are uploaded ones, never gravatar.com (WAGTAIL_GRAVATAR_PROVIDER_URL).
        "img-src": [SELF, "data:", "blob:", *static, *media],
        "font-src": [SELF, "data:", *static],
        "connect-src": [SELF, WAGTAIL_RELEASES_ORIGIN],
        # The preview panel frames the admin's own preview pages.
        "frame-ancestors": [SELF],
    }
    report_uri = environ.get("CSP_REPORT_URI", "").strip()
    if report_uri:
        reader["report-uri"] = admin["report-uri"] = [report_uri]
    report_only = environ.get("CSP_REPORT_ONLY", "").strip().lower() in {"1", "true", "yes", "on"}
    return reader, admin, report_only


NEWSROOM_CSP_READER, NEWSROOM_CSP_ADMIN, NEWSROOM_CSP_REPORT_ONLY = content_security_policies(
    os.environ, STATIC_URL, MEDIA_URL
)
if NEWSROOM_CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": NEWSROOM_CSP_READER}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": NEWSROOM_CSP_READER}
    CONTENT_SECURITY_POLICY_REPORT_ONLY = None

# Permissions-Policy: no page of ours uses a device, sensor or payment API, so
# none may, frames included; the video players may play, go full screen and
# decrypt media.
_PLAYERS = ["self", *EMBED_PLAYER_ORIGINS]
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": _PLAYERS,
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": _PLAYERS,
    "fullscreen": _PLAYERS,
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": _PLAYERS,
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# Wagtail

WAGTAIL_SITE_NAME = "Newsroom"
# No avatar from gravatar.com: the admin makes no request to a third party (users can upload one).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Where readers reach the site (README, "Site address"): every absolute URL
# (canonical, og:url, JSON-LD, feeds, sitemaps, robots.txt, share buttons)
# comes from the default Wagtail Site, whose hostname and port `bootstrap_site`
# sets from this. The default is what `make run` serves.
NEWSROOM_SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", NEWSROOM_SITE_URL)
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Says "locked out" on the sign-in page itself (home/accounts.py).
WAGTAILADMIN_USER_LOGIN_FORM = "home.accounts.LoginForm"

# Sign-in lockout (django-axes; README, "Signing in"): per username and client
# IP together, so one address guessing cannot lock a reporter out everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", 15)))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.visitors.client_ip"
AXES_LOCKOUT_CALLABLE = "home.accounts.lockout_response"
# Failed attempts are kept (for the lockouts screen); one row per successful sign-in is not needed.
AXES_DISABLE_ACCESS_LOG = True
# Password reset emails per client IP and per address, per hour.
NEWSROOM_PASSWORD_RESET_PER_IP = int(os.environ.get("PASSWORD_RESET_PER_IP", 5))
NEWSROOM_PASSWORD_RESET_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_PER_EMAIL", 3))

# Wagtail's own background jobs (search index on save, reference index,
# cache purges) run through django-tasks. They stay on the immediate backend:
# enqueueing them elsewhere without transaction.on_commit indexes stale data.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

SEARCH_ENGINES = {
    "elasticsearch": "wagtail.search.backends.elasticsearch9",
    "opensearch": "wagtail.search.backends.opensearch3",
}


def search_backends_from_env(environ):
    """WAGTAILSEARCH_BACKENDS for SEARCH_URL + SEARCH_ENGINE, else the database backend."""
    url = environ.get("SEARCH_URL", "").strip()
    if not url:
        return {"default": {"BACKEND": "wagtail.search.backends.database"}}
    engine = environ.get("SEARCH_ENGINE", "").strip().lower()
    if engine not in SEARCH_ENGINES:
        raise ImproperlyConfigured(
            f"SEARCH_ENGINE must be one of {', '.join(sorted(SEARCH_ENGINES))} when SEARCH_URL is set (got {engine!r})."
        )
    return {
        "default": {
            "BACKEND": SEARCH_ENGINES[engine],
            "URLS": [url],
            # One index per root model, named <prefix><app>_<model>.
            "INDEX_PREFIX": environ.get("SEARCH_INDEX_PREFIX", "newsroom_"),
            # update_index builds a new index and swaps an alias, so readers
            # never see a half-built index.
            "ATOMIC_REBUILD": True,
            # Readers must never wait long on a slow search server.
            "TIMEOUT": int(environ.get("SEARCH_TIMEOUT", "2")),
            "OPTIONS": {},
            "INDEX_SETTINGS": {},
        }
    }


WAGTAILSEARCH_BACKENDS = search_backends_from_env(os.environ)

# Search at scale (search/backends.py `time_budget`, search/views.py): a database-backend search
# stops after this many milliseconds and asks the reader for a narrower search; each address may
# search and ask for suggestions this many times a minute (429 past it). 0 switches a limit off.
NEWSROOM_SEARCH_TIME_BUDGET_MS = int(os.environ.get("SEARCH_TIME_BUDGET_MS", 1500))
NEWSROOM_SEARCH_RATE_LIMIT_PER_MINUTE = int(os.environ.get("SEARCH_RATE_LIMIT_PER_MINUTE", 60))
NEWSROOM_SUGGEST_RATE_LIMIT_PER_MINUTE = int(os.environ.get("SUGGEST_RATE_LIMIT_PER_MINUTE", 300))

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport under
# var/celery/ (and a filesystem result backend beside it).
CELERY_DIR = Path(os.environ.get("CELERY_DATA_DIR", VAR_DIR / "celery"))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "control_folder": str(CELERY_DIR / "control"),
        "processed_folder": str(CELERY_DIR / "processed"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_DIR / 'results'}"
    for _folder in ("queue", "control", "results"):
        (CELERY_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
# A task is acknowledged only once it has run, and put back if its worker
# dies, so a crash never silently drops scheduled work; tasks are written to
# be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Queue exact-time Celery tasks for scheduled go-live and expiry times (the
# per-minute sweep is the safety net either way).
NEWSROOM_SCHEDULE_TASKS = env_bool("NEWSROOM_SCHEDULE_TASKS", True)
CELERY_BEAT_SCHEDULE = {
    "publish-scheduled-pages": {
        "task": "publishing.tasks.publish_scheduled_pages",
        "schedule": float(os.environ.get("PUBLISH_SWEEP_SECONDS", 60)),
        # A sweep that has not started within a minute is superseded by the next.
        "options": {"expires": 55},
    },
    "flush-views": {
        "task": "trending.tasks.flush_views",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "rollup-ad-stats": {
        "task": "ads.tasks.rollup_ad_stats",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "search-catch-up": {
        "task": "search.tasks.catch_up_search_index",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "purge-expired-marks": {
        "task": "core.tasks.purge_expired_marks",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    "recompute-trending": {
        "task": "trending.tasks.recompute_trending",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "expire-breaking-news": {
        "task": "site_settings.tasks.expire_breaking_news",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}

# --- Reader comments (comments/; README "Comments and moderation") ---
# Moderation mode, closing, report threshold, link cap, minimum time on the page and the
# word lists are site settings (Settings → Comment settings); these limits are deployment's.
NEWSROOM_COMMENTS_PER_ADDRESS_MINUTE = int(os.environ.get("COMMENTS_PER_ADDRESS_MINUTE", 5))
NEWSROOM_COMMENTS_PER_EMAIL_HOUR = int(os.environ.get("COMMENTS_PER_EMAIL_HOUR", 20))
