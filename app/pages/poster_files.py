"""What WeasyPrint may read while it lays out a poster: the app's vendor files, from disk.

It fetches nothing over the network: the server need not reach its own public
address (often it cannot, behind the bank's proxy), nor any other.
"""

import mimetypes
from typing import Any
from urllib.parse import urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.vendor import vendor_path

VENDOR_PREFIX = "/static/vendor/"


class AppFilesOnly(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        found = None
        if parts.scheme in ("http", "https", "file") and parts.path.startswith(VENDOR_PREFIX):
            lib, _, name = parts.path.removeprefix(VENDOR_PREFIX).partition("/")
            found = vendor_path(lib, name)
        if found is None:
            raise ValueError(f"{url} is not a file the app serves")
        media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": media_type})
