"""Private calendar tokens: shown again on request, useless to whoever copies the database.

The token in a private feed address is an HMAC-SHA256, under the server's secret
key, of a random seed kept with the user. The database holds the seed and a
SHA-256 digest of the token (to find the feed's owner), neither of which gives
a working address without the key. A fresh seed starts "unissued": its digest
column holds the digest of a random value nobody knows, so no address works
until the app shows one to its owner.
"""

import base64
import hashlib
import hmac
import secrets


def new_calendar_seed() -> str:
    return secrets.token_urlsafe(32)


def unissued_calendar_token_hash() -> str:
    return calendar_token_hash(secrets.token_urlsafe(32))


def calendar_token_for(seed: str, key: bytes) -> str:
    mac = hmac.new(key, b"private-calendar:" + seed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def calendar_token_hash(token: str) -> str:
    """What the database keeps of a token, and what a feed request is looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()
