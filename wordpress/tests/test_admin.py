"""Settings → Import from WordPress: superusers only; an upload becomes an ImportRun that the Celery task runs."""

import os

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from home.permissions import AD_MANAGERS, EDITORS, REPORTERS, setup_newsroom
from news.models import ArticlePage
from wordpress.models import ImportRun
from wordpress.tasks import run_import
from wordpress.tests.conftest import EXPORT, FIXTURES

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("group", [REPORTERS, EDITORS, AD_MANAGERS])
def test_only_superusers(home_page, django_user_model, group):
    setup_newsroom()
    user = django_user_model.objects.create_user(username="member", email="m@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = _client(user)
    upload = SimpleUploadedFile("export.xml", EXPORT.read_bytes(), content_type="text/xml")
    # Wagtail's admin answers a PermissionDenied with a redirect to the dashboard and a message.
    for response in (
        client.get(reverse("wordpress_import")),
        client.post(reverse("wordpress_import"), {"export": upload}),
        client.get(reverse("wordpress_import_run", args=[1])),
    ):
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or response["Location"] == reverse("wagtailadmin_home")
    assert not ImportRun.objects.exists()
    admin_home = client.get(reverse("wagtailadmin_home"))
    assert b"Import from WordPress" not in admin_home.content
    anonymous = Client().get(reverse("wordpress_import"))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_superuser_uploads_and_the_task_imports(home_page, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = _client(admin_user)
    page = client.get(reverse("wordpress_import"))
    assert page.status_code == 200 and b"Start the import" in page.content
    assert b"Import from WordPress" in client.get(reverse("wagtailadmin_home")).content

    # Not an XML file: a form error, nothing queued.
    wrong = SimpleUploadedFile("export.xml", b"PK\x03\x04 zip", content_type="text/xml")
    response = client.post(reverse("wordpress_import"), {"export": wrong})
    assert response.status_code == 200 and b"This is not an XML file." in response.content
    assert not ImportRun.objects.exists()

    upload = SimpleUploadedFile("export.xml", EXPORT.read_bytes(), content_type="text/xml")
    response = client.post(reverse("wordpress_import"), {"export": upload})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("wordpress_import_run", args=[run.pk])
    queued = client.get(response["Location"])
    assert b"Queued" in queued.content and b'http-equiv="refresh"' in queued.content

    stored = run.export.path
    run_import(run.pk)  # What the worker runs.
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    # The upload (emails, private posts, passwords) does not stay in media storage.
    assert not run.export and not os.path.exists(stored)
    assert run.summary["created"]["articles"] == 14
    assert ArticlePage.objects.count() == 14
    done = client.get(reverse("wordpress_import_run", args=[run.pk])).content.decode()
    assert "created: articles 14" in done and 'http-equiv="refresh"' not in done
    # No uploads address given: every file is reported missing.
    assert "no --media-dir or --media-base-url given" in done


def test_a_malformed_upload_fails_with_its_line(home_page, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = _client(admin_user)
    upload = SimpleUploadedFile("bad.xml", (FIXTURES / "malformed.xml").read_bytes(), content_type="text/xml")
    client.post(reverse("wordpress_import"), {"export": upload})
    run = ImportRun.objects.get()
    run_import(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "malformed XML at line 1" in run.error
    assert "malformed XML at line 1" in client.get(reverse("wordpress_import_run", args=[run.pk])).content.decode()
