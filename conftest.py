import os

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.services import needs_variable

pytest_plugins = ["tests.fixtures.celery_worker"]


def pytest_collection_modifyitems(config, items):
    """Skip service-marked tests whose service is not configured, naming the variable."""
    for item in items:
        for marker in item.iter_markers():
            reason = needs_variable(marker.name)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # CI switches every service on, so a skip there means a test silently did
    # not run: that must fail the build.
    if os.environ.get("CI", "").lower() == "true" and _skipped:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(f"CI=true: {len(_skipped)} test(s) skipped, which fails the run:", red=True)
            for nodeid in _skipped:
                reporter.write_line(f"  {nodeid}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The embedded default caches in a database table that migrations do not create."""
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        with django_db_blocker.unblock():
            call_command("createcachetable", verbosity=0)


@pytest.fixture
def home_page(db):
    """The site root, created the way `make setup` creates it."""
    from home.models import HomePage

    call_command("bootstrap_site", "--no-superuser", verbosity=0)
    return HomePage.objects.get()


@pytest.fixture(autouse=True)
def fresh_shared_caches():
    """Rendition, fragment and page caches outlive a test's database; an image id reused
    after a flush must not find the previous image's renditions."""
    from django.core.cache import caches

    for alias in ("renditions", "fragments", "pages"):
        if alias in settings.CACHES:
            caches[alias].clear()
