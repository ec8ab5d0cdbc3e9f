"""Signed tokens naming what a page showed: creative, slot, page and position.

Rendered into pages, so only ads we served can be counted, and a click can
only ever lead to the address stored on the creative the token names.
Impression and click tokens have their own salts: one cannot stand in for
the other.
"""

from dataclasses import dataclass

from django.core import signing

IMPRESSION_SALT = "newsroom.ads.impression"
CLICK_SALT = "newsroom.ads.click"
# Pages are cached for minutes and tabs stay open for days; older tokens are refused.
IMPRESSION_MAX_AGE = 24 * 3600
CLICK_MAX_AGE = 30 * 24 * 3600


class BadToken(Exception):
    """Not made here, altered, or malformed."""


class ExpiredToken(BadToken):
    def __init__(self, ref):
        super().__init__("expired")
        self.ref = ref


@dataclass(frozen=True)
class AdRef:
    creative_id: int
    slot_id: int
    page_id: int = 0
    position: int = 0

    def __str__(self):
        return f"{self.creative_id}.{self.slot_id}.{self.page_id}.{self.position}"

    @classmethod
    def parse(cls, value):
        parts = value.split(".")
        if len(parts) != 4 or not all(part.isdigit() and len(part) <= 12 for part in parts):
            raise BadToken("malformed")
        return cls(*map(int, parts))


def sign(ref, salt):
    return signing.TimestampSigner(salt=salt).sign(str(ref))


def impression_token(ref):
    return sign(ref, IMPRESSION_SALT)


def click_token(ref):
    return sign(ref, CLICK_SALT)


def read(token, salt, max_age):
    """The AdRef in `token`; BadToken if it was not made here, ExpiredToken (with the ref) if too old."""
    signer = signing.TimestampSigner(salt=salt)
    if not token or len(token) > 200:
        raise BadToken("missing or too long")
    try:
        return AdRef.parse(signer.unsign(token, max_age=max_age))
    except signing.SignatureExpired:
        return _expired(signer, token)
    except signing.BadSignature as error:
        raise BadToken("bad signature") from error


def _expired(signer, token):
    # The signature is good, only old: say which ad it named so the click can still be honoured.
    ref = AdRef.parse(signer.unsign(token))
    raise ExpiredToken(ref)
