import os

from .base import *  # noqa: F403
from .base import DATABASES, INSTALLED_APPS, STATIC_ROOT, VAR_DIR

SECRET_KEY = "newsroom-test-secret-key-not-used-anywhere-else-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# No stray exact-time publish tasks into a broker no test worker reads; the
# tests that exercise them switch this on beside a real worker.
NEWSROOM_SCHEDULE_TASKS = False
# Tests render pages fresh unless they test the page cache itself.
NEWSROOM_PAGE_CACHE_SECONDS = 0
MEDIA_ROOT = VAR_DIR / "test-media"
# WhiteNoise warns on every request when the collected-static folder is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a real Celery worker process started by a test
    # sees the same test database.
    # The process id keeps two test runs on one machine from sharing a file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-newsroom-{os.getpid()}.sqlite3")}

# seed_demo and the demo newsroom: never installed in production.
INSTALLED_APPS = ["demo", *INSTALLED_APPS]

# Search rate limits (search/views.py) out of reach of suites that search hundreds of times from
# one address; search/tests/test_search_limits.py sets them low.
NEWSROOM_SEARCH_RATE_LIMIT_PER_MINUTE = 0
NEWSROOM_SUGGEST_RATE_LIMIT_PER_MINUTE = 0
