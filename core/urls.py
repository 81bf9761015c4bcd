import os

from litestar.connection import ASGIConnection


def public_base_url(connection: ASGIConnection) -> str:
    """The address the public reaches us at (behind a proxy, set FANGZHA_PUBLIC_URL)."""
    configured = os.environ.get("FANGZHA_PUBLIC_URL", "").strip()
    if configured:
        return configured.rstrip("/")
    return str(connection.base_url).rstrip("/")
