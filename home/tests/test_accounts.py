"""Signing in to the admin: lockout per (username, IP), its message, cool-off and unlock.

And the throttled password reset.
"""

import datetime
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core import counters
from home.accounts import LOCKED_OUT, RESET_THROTTLED
from home.permissions import EDITORS, setup_newsroom

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
LOGIN = "/admin/login/"
RESET = "/admin/password_reset/"
LIMIT = 5


@pytest.fixture(autouse=True)
def settings_for_signing_in(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    settings.NEWSROOM_TRUST_X_FORWARDED_FOR = False
    settings.NEWSROOM_PASSWORD_RESET_PER_IP = 5
    settings.NEWSROOM_PASSWORD_RESET_PER_EMAIL = 3
    cache.clear()
    forget_reset_counters()
    yield
    cache.clear()
    forget_reset_counters()


def forget_reset_counters():
    """The reset counters are counting marks: on Redis they outlive a test's database."""
    if django_settings.REDIS_URL:
        client = counters.redis_client()
        for key in list(client.scan_iter("newsroom:reset:*")):
            client.delete(key)


@pytest.fixture
def reporter(django_user_model):
    return django_user_model.objects.create_user("ada", "ada@example.com", PASSWORD, is_superuser=True)


@pytest.fixture
def other(django_user_model):
    return django_user_model.objects.create_user("ben", "ben@example.com", PASSWORD, is_superuser=True)


def sign_in(username, password, ip="203.0.113.7", **headers):
    """A fresh browser posting Wagtail's sign-in form; returns (client, response)."""
    client = Client(REMOTE_ADDR=ip, headers=headers)
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})
    return client, response


def signed_in(client):
    return client.get("/admin/").status_code == 200


def fail(username, times, ip="203.0.113.7", **headers):
    for _ in range(times):
        _, response = sign_in(username, "wrong", ip, **headers)
    return response


def lockout_message():
    return LOCKED_OUT.format(minutes=15).replace("'", "&#x27;")


def test_the_right_password_is_refused_after_repeated_failures(reporter):
    response = fail("ada", LIMIT)
    assert response.status_code == 429
    assert lockout_message() in response.content.decode()

    client, response = sign_in("ada", PASSWORD)

    # Wagtail's own sign-in page, saying why, not a bare text page.
    assert response.status_code == 429
    assert 'name="password"' in response.content.decode()
    assert lockout_message() in response.content.decode()
    assert not signed_in(client)


def test_fewer_failures_do_not_lock_and_a_success_clears_them(reporter):
    fail("ada", LIMIT - 1)
    client, response = sign_in("ada", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)

    fail("ada", LIMIT - 1)
    client, response = sign_in("ada", PASSWORD)
    assert response.status_code == 302


def test_another_address_or_another_user_is_not_locked(reporter, other):
    fail("ada", LIMIT)

    client, response = sign_in("ada", PASSWORD, ip="198.51.100.20")
    assert response.status_code == 302
    assert signed_in(client)

    client, response = sign_in("ben", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_the_address_is_read_as_the_site_reads_it(settings, reporter):
    # Behind a trusted proxy every request comes from the proxy: the client is X-Forwarded-For.
    settings.NEWSROOM_TRUST_X_FORWARDED_FOR = True
    fail("ada", LIMIT, ip="10.0.0.1", x_forwarded_for="192.0.2.1")

    assert sign_in("ada", PASSWORD, ip="10.0.0.1", x_forwarded_for="192.0.2.1")[1].status_code == 429
    assert sign_in("ada", PASSWORD, ip="10.0.0.1", x_forwarded_for="192.0.2.99")[1].status_code == 302

    # Untrusted, the header is the attacker's to change: it must not reset the count.
    settings.NEWSROOM_TRUST_X_FORWARDED_FOR = False
    fail("ada", LIMIT, ip="10.0.0.2", x_forwarded_for="192.0.2.2")
    assert sign_in("ada", PASSWORD, ip="10.0.0.2", x_forwarded_for="192.0.2.3")[1].status_code == 429


def test_the_lockout_ends_after_the_cool_off(reporter):
    fail("ada", LIMIT)
    assert sign_in("ada", PASSWORD)[1].status_code == 429

    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=16))

    client, response = sign_in("ada", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_a_superuser_unlocks_from_the_admin(reporter, django_user_model):
    fail("ada", LIMIT)
    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser("chief", "chief@example.com", "x"))

    listing = admin.get(reverse("newsroom_lockouts"))
    assert listing.status_code == 200
    assert "Locked until" in listing.content.decode()
    assert "203.0.113.7" in listing.content.decode()

    response = admin.post(reverse("newsroom_lockouts"), {"attempt": AccessAttempt.objects.get().pk}, follow=True)
    assert "Unlocked &#x27;ada&#x27; from 203.0.113.7." in response.content.decode()
    assert not AccessAttempt.objects.exists()

    client, response = sign_in("ada", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_an_unknown_or_junk_attempt_id_is_a_message(django_user_model):
    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser("chief", "chief@example.com", "x"))

    for junk in ("999999", "abc", "", "1" * 40):
        response = admin.post(reverse("newsroom_lockouts"), {"attempt": junk}, follow=True)
        assert response.status_code == 200
        assert "no longer exists" in response.content.decode()


def test_only_superusers_see_the_lockouts(home_page, django_user_model, reporter):
    fail("ada", LIMIT)
    setup_newsroom()
    editor = django_user_model.objects.create_user("editor", "editor@example.com", "x")
    editor.groups.add(Group.objects.get(name=EDITORS))
    client = Client()
    client.force_login(editor)

    assert client.get(reverse("newsroom_lockouts")).status_code == 302
    assert client.post(reverse("newsroom_lockouts"), {"attempt": AccessAttempt.objects.get().pk}).status_code == 302
    assert AccessAttempt.objects.exists()
    assert "Sign-in lockouts" not in client.get("/admin/").content.decode()


def test_the_reset_command_unlocks(reporter):
    fail("ada", LIMIT)

    call_command("axes_reset_username", "ada", stdout=StringIO())

    assert sign_in("ada", PASSWORD)[1].status_code == 302


# Password reset ----------------------------------------------------------------


def request_reset(email, ip="203.0.113.7"):
    return Client(REMOTE_ADDR=ip).post(RESET, {"email": email})


def test_password_reset_is_limited_per_address(reporter):
    for _ in range(3):
        assert request_reset("ada@example.com").status_code == 302
    assert len(mail.outbox) == 3

    response = request_reset("ada@example.com", ip="198.51.100.20")

    assert response.status_code == 429
    assert RESET_THROTTLED in response.content.decode()
    assert len(mail.outbox) == 3


def test_password_reset_is_limited_per_client_ip(reporter):
    for number in range(5):
        assert request_reset(f"someone{number}@example.com").status_code == 302

    response = request_reset("ada@example.com")
    assert response.status_code == 429
    assert RESET_THROTTLED in response.content.decode()
    assert mail.outbox == []

    assert request_reset("ada@example.com", ip="198.51.100.20").status_code == 302
    assert len(mail.outbox) == 1
