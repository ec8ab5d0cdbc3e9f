"""Media on S3-compatible object storage (core/storage.py), end to end over HTTP.

No S3-compatible server (MinIO, Ceph, ...) can be installed on our machines, so
moto's standalone server stands in for one: each test starts it on a free port
(`moto.server.ThreadedMotoServer`, real HTTP on 127.0.0.1), and the application
talks to it through django-storages and the real boto3 client, exactly as it
talks to MinIO in the compose stack or to S3 in production. Readers' fetches
of public media go to it with `requests`, unsigned, as a browser's would.
Moto enforces the bucket policy for anonymous reads, so privacy is tested too.
"""

import io
import json
import re
import uuid

import boto3
import pytest
import requests
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction
from wagtail_factories import ImageFactory

from core.storage import PUBLIC_PREFIXES, s3_media_from_env
from core.upload_forms import STORAGE_DOWN_MESSAGE
from news.factories import ArticlePageFactory, SectionPageFactory
from newsroom.settings.base import content_security_policies

pytestmark = pytest.mark.django_db

KEYS = {"AWS_ACCESS_KEY_ID": "newsroom-test", "AWS_SECRET_ACCESS_KEY": "newsroom-test-secret"}


def public_read_policy(bucket):
    """Anonymous reads of the public prefixes only, as the compose stack sets on MinIO."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject"],
                    "Resource": [f"arn:aws:s3:::{bucket}/{prefix}*" for prefix in PUBLIC_PREFIXES],
                }
            ],
        }
    )


class Moto:
    """moto's S3 server on a free port; stop() and start() again keep the objects (same process)."""

    def __init__(self):
        self.port = 0
        self.server = None

    def start(self):
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        self.port = self.server.get_host_and_port()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.server:
            self.server.stop()
            self.server = None


@pytest.fixture
def moto():
    server = Moto()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3(moto, settings, tmp_path):
    """A fresh private bucket with public image prefixes, and the project's storage pointed at it."""
    bucket = f"newsroom-media-{uuid.uuid4().hex[:12]}"
    env = {
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": moto.endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        # Browsers reach the store under another name than the application does, as in the compose
        # stack (minio:9000 inside, localhost:9000 outside): public and signed links use this one.
        "AWS_S3_PUBLIC_ENDPOINT_URL": moto.endpoint.replace("127.0.0.1", "localhost"),
        **KEYS,
    }
    client = boto3.client(
        "s3",
        endpoint_url=moto.endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=bucket)
    client.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))
    storage, media_url = s3_media_from_env(env)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_URL = media_url
    # Anything written to local disk would land here; the tests check it stays empty.
    settings.MEDIA_ROOT = tmp_path / "media"
    client.bucket = bucket
    client.media_url = media_url
    client.media_root = settings.MEDIA_ROOT
    return client


def keys(s3, prefix=""):
    listing = s3.list_objects_v2(Bucket=s3.bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def png_bytes(size=(640, 480), colour=(200, 30, 30)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def editor(django_user_model):
    editor = Client()
    editor.force_login(django_user_model.objects.create_superuser("chief", "chief@example.com", "x"))
    return editor


def add_image(editor, title="Lagos at dawn", name="dawn.png"):
    return editor.post(
        reverse("wagtailimages:add"),
        {
            "title": title,
            "file": upload(name, png_bytes(), "image/png"),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def test_an_image_uploaded_in_the_admin_lands_in_the_bucket_and_the_original_stays_private(s3, editor):
    response = add_image(editor)
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="Lagos at dawn")
    assert image.file.name.startswith("original_images/dawn")
    assert keys(s3, "original_images/") == [image.file.name]
    stored = s3.get_object(Bucket=s3.bucket, Key=image.file.name)["Body"].read()
    assert PILImage.open(io.BytesIO(stored)).size == (640, 480)
    # Originals may carry a source's EXIF data: unsigned they are refused; the app's own URL is signed.
    assert requests.get(f"{s3.media_url}{image.file.name}", timeout=5).status_code == 403
    signed = image.file.url
    assert "X-Amz-Signature=" in signed
    assert signed.startswith(f"{s3.media_url}{image.file.name}?")
    assert requests.get(signed, timeout=5).content == stored
    assert not s3.media_root.exists()


def test_two_uploads_of_the_same_file_name_never_overwrite_each_other(s3, editor):
    assert add_image(editor, "First", "photo.png").status_code == 302
    assert add_image(editor, "Second", "photo.png").status_code == 302
    first, second = (get_image_model().objects.get(title=title) for title in ("First", "Second"))
    assert first.file.name != second.file.name
    assert keys(s3, "original_images/") == sorted([first.file.name, second.file.name])


def test_a_rendition_is_stored_in_the_bucket_and_served_straight_from_it(s3):
    image = ImageFactory(title="Assembly", collection=Collection.get_first_root_node())
    rendition = image.get_rendition("fill-80x50|format-webp")
    assert rendition.file.name.startswith("images/")
    assert rendition.file.name in keys(s3, "images/")
    # A plain, unsigned URL on the bucket's public address: the same on every node and cacheable.
    assert rendition.url == f"{s3.media_url}{rendition.file.name}"
    assert rendition.url.startswith(f"{s3.meta.endpoint_url.replace('127.0.0.1', 'localhost')}/{s3.bucket}/images/")
    assert "X-Amz-" not in rendition.url
    fetched = requests.get(rendition.url, timeout=5)
    assert fetched.status_code == 200
    assert PILImage.open(io.BytesIO(fetched.content)).size == (80, 50)
    assert fetched.headers["Content-Type"] == "image/webp"
    assert not s3.media_root.exists()


def test_the_reader_page_img_is_served_from_the_bucket(s3, home_page, client):
    section = SectionPageFactory(parent=home_page, title="Metro", slug="metro")
    hero = ImageFactory(title="Third Mainland Bridge", collection=Collection.get_first_root_node())
    article = ArticlePageFactory(parent=section, title="Bridge reopens", slug="bridge-reopens", hero_image=hero)
    article.save_revision().publish()

    page = client.get(article.url)
    assert page.status_code == 200
    sources = re.findall(r'<img[^>]+src="([^"]+)"', page.content.decode())
    from_bucket = [src for src in sources if src.startswith(s3.media_url)]
    assert from_bucket, sources
    for src in from_bucket:
        fetched = requests.get(src, timeout=5)
        assert fetched.status_code == 200, src
        assert fetched.headers["Content-Type"].startswith("image/")
        assert PILImage.open(io.BytesIO(fetched.content)).size[0] > 0


def test_the_bucket_address_is_admitted_by_the_content_security_policy(s3):
    reader, admin, _ = content_security_policies({}, media_url=s3.media_url)
    origin = s3.meta.endpoint_url.replace("127.0.0.1", "localhost")
    assert origin in reader["img-src"] and origin in admin["img-src"]


def add_document(editor, title, name, content, collection):
    return editor.post(
        reverse("wagtaildocs:add"),
        {"title": title, "file": upload(name, content, "application/pdf"), "collection": collection.pk},
    )


def served(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_document_uploads_to_the_bucket_and_is_served_through_wagtails_serve_view(s3, editor, client):
    content = b"%PDF-1.4\nThe budget in full.\n%%EOF\n"
    response = add_document(editor, "Budget 2027", "budget.pdf", content, Collection.get_first_root_node())
    assert response.status_code == 302, response.content.decode()[:2000]
    document = get_document_model().objects.get(title="Budget 2027")
    assert keys(s3, "documents/") == [document.file.name]
    # The link readers get is Wagtail's serve view, never the bucket.
    assert document.url == reverse("wagtaildocs_serve", args=[document.pk, document.filename])
    download = client.get(document.url)
    assert download.status_code == 200
    assert served(download) == content
    assert download["Content-Type"] == "application/pdf"
    # Straight from the bucket, unsigned, it is refused: documents are private objects.
    assert requests.get(f"{s3.media_url}{document.file.name}", timeout=5).status_code == 403
    assert not s3.media_root.exists()


def test_a_private_document_is_refused_to_an_anonymous_reader(s3, editor, client, django_user_model):
    legal = Collection.get_first_root_node().add_child(name="Legal")
    CollectionViewRestriction.objects.create(collection=legal, restriction_type=CollectionViewRestriction.LOGIN)
    content = b"%PDF-1.4\nSettlement terms.\n%%EOF\n"
    assert add_document(editor, "Settlement", "settlement.pdf", content, legal).status_code == 302
    document = get_document_model().objects.get(title="Settlement")
    assert keys(s3, "documents/") == [document.file.name]

    refused = client.get(document.url)
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("wagtailcore_login"))
    assert b"Settlement terms" not in served(refused)
    assert requests.get(f"{s3.media_url}{document.file.name}", timeout=5).status_code == 403

    client.force_login(django_user_model.objects.create_user("reader", "reader@example.com", "x"))
    allowed = client.get(document.url)
    assert allowed.status_code == 200
    assert served(allowed) == content


def test_stopping_the_storage_mid_run_refuses_uploads_with_a_form_error_and_loses_nothing(moto, s3, editor, client):
    assert add_image(editor, "Before the outage", "before.png").status_code == 302
    content = b"%PDF-1.4\nFiled before the outage.\n%%EOF\n"
    assert add_document(editor, "Filed", "filed.pdf", content, Collection.get_first_root_node()).status_code == 302
    document = get_document_model().objects.get(title="Filed")
    stored_before = keys(s3)
    stored_before_images = keys(s3, "original_images/")

    moto.stop()

    # The admin's upload form comes back with the error on the file field; nothing is saved.
    response = add_image(editor, "During the outage", "during.png")
    assert response.status_code == 200
    assert STORAGE_DOWN_MESSAGE in response.content.decode()
    assert not get_image_model().objects.filter(title="During the outage").exists()
    # Wagtail's multiple uploader (the usual "Add images" screen) shows the same message beside the file.
    multiple = editor.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": upload("also.png", png_bytes(), "image/png"), "collection": Collection.get_first_root_node().pk},
    )
    assert multiple.status_code == 200
    assert multiple.json() == {"success": False, "error_message": STORAGE_DOWN_MESSAGE}
    refused_document = add_document(editor, "Late filing", "late.pdf", b"%PDF-1.4\n", Collection.get_first_root_node())
    assert refused_document.status_code == 200
    assert STORAGE_DOWN_MESSAGE in refused_document.content.decode()
    assert not get_document_model().objects.filter(title="Late filing").exists()

    # A reader's download during the outage: our 503 "back in a moment", not a 500 or a traceback.
    client.raise_request_exception = False
    download = client.get(document.url)
    assert download.status_code == 503
    assert download["Retry-After"] == "60"
    assert b"Back in a moment" in download.content

    # Back up: everything stored before is still there, and the same upload now succeeds.
    moto.start()
    assert keys(s3) == stored_before
    assert add_image(editor, "During the outage", "during.png").status_code == 302
    retried = get_image_model().objects.get(title="During the outage")
    assert keys(s3, "original_images/") == sorted([*stored_before_images, retried.file.name]), retried.file.name
    assert served(client.get(document.url)) == content
    assert default_storage.exists(document.file.name)


def test_while_the_store_is_down_pages_with_existing_renditions_serve_and_new_ones_get_the_503_page(
    moto, s3, home_page, client
):
    section = SectionPageFactory(parent=home_page, title="Metro", slug="metro")
    root = Collection.get_first_root_node()
    shown = ArticlePageFactory(
        parent=section, title="Shown before", slug="shown-before", hero_image=ImageFactory(collection=root)
    )
    shown.save_revision().publish()
    fresh = ArticlePageFactory(
        parent=section, title="Never shown", slug="never-shown", hero_image=ImageFactory(collection=root)
    )
    fresh.save_revision().publish()
    # Rendered once: its renditions exist (rows and files) before the outage.
    assert client.get(shown.url).status_code == 200

    moto.stop()
    client.raise_request_exception = False
    # Rendition links are built without asking the store, so this page still renders.
    again = client.get(shown.url)
    assert again.status_code == 200
    assert s3.media_url.encode() in again.content
    # A rendition that does not exist yet needs the original from the store: the 503 page, not a 500.
    missing = client.get(fresh.url)
    assert missing.status_code == 503
    assert missing["Retry-After"] == "60"
    assert b"Back in a moment" in missing.content

    moto.start()
    assert client.get(fresh.url).status_code == 200


def test_only_an_unreachable_or_failing_store_counts_as_an_outage(moto, s3):
    """A missing object is a fault to fix (a 500 that is logged), not an outage to wait out (the 503 page)."""
    from botocore.exceptions import ClientError

    from core.storage import is_storage_outage

    with pytest.raises(ClientError) as missing:
        s3.head_object(Bucket=s3.bucket, Key="documents/never-uploaded.pdf")
    assert not is_storage_outage(missing.value)
    moto.stop()
    with pytest.raises(Exception) as unreachable:
        default_storage.size("documents/never-uploaded.pdf")
    assert is_storage_outage(unreachable.value), repr(unreachable.value)
