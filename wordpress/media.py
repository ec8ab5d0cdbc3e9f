"""Attachment files: read from a copy of wp-content/uploads, or fetched over HTTP.

HTTP fetches run a few at a time (bounded), each with a timeout and a couple
of retries for connection errors and 5xx answers; a 404 is final.
"""

import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlparse

FETCH_TIMEOUT = 15
FETCH_RETRIES = 2
FETCH_CONCURRENCY = 4
MAX_FILE_BYTES = 50 * 1024 * 1024


def relative_path(attached_file, attachment_url):
    """The file's path under uploads/: `_wp_attached_file`, else what follows /uploads/ in its URL."""
    if attached_file:
        return attached_file.lstrip("/")
    path = urlparse(attachment_url or "").path
    marker = "/uploads/"
    if marker in path:
        return path.split(marker, 1)[1]
    return path.lstrip("/")


class DirectorySource:
    def __init__(self, root):
        self.root = Path(root).resolve()

    def exists(self, relative):
        return self._path(relative) is not None

    def _path(self, relative):
        if not relative:
            return None
        path = (self.root / relative).resolve()
        # Never outside the uploads copy (an export naming ../../etc/passwd).
        if self.root not in path.parents or not path.is_file():
            return None
        return path

    def fetch_many(self, relatives):
        out = {}
        for relative in relatives:
            path = self._path(relative)
            if path is None:
                out[relative] = (None, "not in --media-dir")
            elif path.stat().st_size > MAX_FILE_BYTES:
                out[relative] = (None, "larger than 50 MB")
            else:
                out[relative] = (path.read_bytes(), "")
        return out


class HttpSource:
    def __init__(self, base_url, concurrency=FETCH_CONCURRENCY, timeout=FETCH_TIMEOUT, retries=FETCH_RETRIES):
        self.base_url = base_url.rstrip("/") + "/"
        self.concurrency = concurrency
        self.timeout = timeout
        self.retries = retries

    def exists(self, relative):
        return bool(relative)

    def url(self, relative):
        return self.base_url + quote(relative.lstrip("/"), safe="/%")

    def fetch(self, relative):
        if not relative:
            return None, "no file name"
        url = self.url(relative)
        error = ""
        for attempt in range(self.retries + 1):
            try:
                with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 (http/https only)
                    data = response.read(MAX_FILE_BYTES + 1)
                if len(data) > MAX_FILE_BYTES:
                    return None, "larger than 50 MB"
                return data, ""
            except urllib.error.HTTPError as exc:
                error = f"HTTP {exc.code}"
                if exc.code < 500:
                    return None, error
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                error = f"fetch failed: {getattr(exc, 'reason', exc)}"
            if attempt < self.retries:
                time.sleep(0.2 * (2**attempt))
        return None, error

    def fetch_many(self, relatives):
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return dict(zip(relatives, pool.map(self.fetch, relatives), strict=False))


def make_source(media_dir=None, media_base_url=None):
    if media_dir:
        return DirectorySource(media_dir)
    if media_base_url:
        if urlparse(media_base_url).scheme not in ("http", "https"):
            raise ValueError("--media-base-url must start with http:// or https://")
        return HttpSource(media_base_url)
    return None
