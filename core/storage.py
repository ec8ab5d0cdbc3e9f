"""Media on S3-compatible object storage (django-storages), when the S3 variables are set.

One bucket holds every upload, and the bucket itself is private. Only what
readers' pages show is public, by prefix:

- `images/` (Wagtail's renditions) and `ads/` (banner creatives) are linked
  as plain, unsigned URLs on `public_base_url` (the bucket's public address,
  or a CDN in front of it). The bucket's policy grants anonymous reads on
  exactly these prefixes (docker-compose.yml's `media-bucket` service sets it
  on MinIO; README, "Object storage and scaling"). An unsigned URL costs no
  signing per image and is the same on every node, so pages stay cacheable.
- Everything else, notably `original_images/` (originals may carry EXIF
  data, a source's GPS position) and `documents/`, gets a short-lived signed
  URL when it is linked at all. Documents are never linked straight to the
  bucket: WAGTAILDOCS_SERVE_METHOD is "serve_view", so every download goes
  through Wagtail's serve view, which checks the collection's view
  restrictions first and then streams the object from the bucket.

An upload never replaces another file of the same name (`file_overwrite` off:
django-storages' default would let two "photo.jpg" uploads overwrite each
other).

An unreachable store fails fast (`connect_timeout`, `read_timeout`, two
attempts) with one of the botocore errors in `storage_errors()`.
"""

from urllib.parse import urlsplit

from botocore.config import Config
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# Prefixes readers' pages link to; the bucket policy makes exactly these public.
PUBLIC_PREFIXES = ("images/", "ads/")


class MediaStorage(S3Storage):
    """S3Storage whose public prefixes get plain URLs and everything else signed ones."""

    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            "public_base_url": "",
            # The bucket's address as browsers reach it, when it differs from endpoint_url (the
            # compose stack: http://minio:9000 inside, http://localhost:9000 outside). A signed
            # URL is only valid for the host it was signed for, so private links are signed for this.
            "signing_endpoint_url": None,
            "public_prefixes": PUBLIC_PREFIXES,
            "connect_timeout": 2,
            "read_timeout": 10,
            "max_attempts": 2,
        }

    def __init__(self, **settings):
        if "client_config" not in settings:
            # botocore's defaults (60 s timeouts, retries with back-off) would hold an
            # editor's upload, or a reader's download, for minutes when the store is down.
            defaults = self.get_default_settings()
            settings["client_config"] = Config(
                s3={"addressing_style": settings.get("addressing_style", defaults["addressing_style"])},
                signature_version=settings.get("signature_version", defaults["signature_version"]),
                connect_timeout=settings.get("connect_timeout", defaults["connect_timeout"]),
                read_timeout=settings.get("read_timeout", defaults["read_timeout"]),
                retries={"max_attempts": settings.get("max_attempts", defaults["max_attempts"]), "mode": "standard"},
            )
        super().__init__(**settings)

    def url(self, name, parameters=None, expire=None, http_method=None):
        cleaned = clean_name(name)
        if self.public_base_url and not parameters and cleaned.startswith(tuple(self.public_prefixes)):
            return self.public_base_url + filepath_to_uri(self._normalize_name(cleaned))
        if self.signing_endpoint_url:
            params = {**(parameters or {}), "Bucket": self.bucket_name, "Key": self._normalize_name(cleaned)}
            return self._signing_client().generate_presigned_url(
                "get_object",
                Params=params,
                ExpiresIn=self.querystring_expire if expire is None else expire,
                HttpMethod=http_method,
            )
        return super().url(name, parameters=parameters, expire=expire, http_method=http_method)

    def _signing_client(self):
        # Signing is local (no request is made), so this client never needs to reach the address.
        client = getattr(self._connections, "signing_client", None)
        if client is None:
            client = self._connections.signing_client = self._create_session().client(
                "s3",
                region_name=self.region_name,
                endpoint_url=self.signing_endpoint_url,
                config=self.client_config,
            )
        return client


def storage_errors():
    """The exceptions a call to an unreachable or failing object store raises."""
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def is_storage_outage(error):
    """The store could not be reached, timed out or answered 5xx: worth a retry (unlike a missing object)."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, ClientError):
        return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500
    return isinstance(error, BotoCoreError)


def public_base_url(environ, bucket, endpoint_url, region):
    """Where readers fetch public media: the custom domain (a CDN), else the bucket's own address."""
    protocol = environ.get("AWS_S3_URL_PROTOCOL", "https:")
    domain = environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip().strip("/")
    if domain:
        return f"{protocol}//{domain}/"
    public_endpoint = environ.get("AWS_S3_PUBLIC_ENDPOINT_URL", "").strip() or endpoint_url
    if public_endpoint:
        # Path-style, as MinIO and most S3-compatible stores serve it.
        return f"{public_endpoint.rstrip('/')}/{bucket}/"
    return f"https://{bucket}.s3.{region or 'us-east-1'}.amazonaws.com/"


def s3_media_from_env(environ):
    """(STORAGES["default"], MEDIA_URL) for object storage, or None when AWS_STORAGE_BUCKET_NAME is unset."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return None
    endpoint_url = environ.get("AWS_S3_ENDPOINT_URL", "").strip() or None
    region = environ.get("AWS_S3_REGION_NAME", "").strip() or None
    base_url = public_base_url(environ, bucket, endpoint_url, region)
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url,
        "region_name": region,
        # Keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, which boto3 also reads itself
        # (an instance role needs neither).
        "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
        # No ACL on objects: the bucket is private, its policy opens the public prefixes.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": int(environ.get("AWS_QUERYSTRING_EXPIRE", 600)),
        "file_overwrite": False,
        "signature_version": "s3v4",
        # MinIO and most S3-compatible stores want path-style addressing.
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE", "path" if endpoint_url else "auto"),
        "object_parameters": {"CacheControl": environ.get("AWS_S3_CACHE_CONTROL", "max-age=86400")},
        "url_protocol": urlsplit(base_url).scheme + ":",
        "public_base_url": base_url,
        "signing_endpoint_url": environ.get("AWS_S3_PUBLIC_ENDPOINT_URL", "").strip() or None,
    }
    return {"BACKEND": "core.storage.MediaStorage", "OPTIONS": options}, base_url
