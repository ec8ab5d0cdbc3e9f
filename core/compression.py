"""Gzip for shared responses only, where gunicorn answers readers without an edge in front.

BREACH recovers a secret from a compressed response that also reflects
attacker-chosen text. A response marked `Cache-Control: public` (reader pages,
feeds, sitemaps, search results; core/cache_headers.py) is the same for every
reader and may sit in a shared cache, so it holds no CSRF token, session or
other per-user secret: compressing it discloses nothing. Everything else (the
admin, forms with CSRF tokens, previews, logged-in views, beacons) is sent as
it is. Django's GZipMiddleware also pads each compressed body with random bytes.
"""

from django.middleware.gzip import GZipMiddleware
from django.utils.cache import cc_delim_re


def is_public(response):
    directives = {
        part.strip().split("=", 1)[0].lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return "public" in directives and "private" not in directives and "no-store" not in directives


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not is_public(response):
            return response
        return super().process_response(request, response)
