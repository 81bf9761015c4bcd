"""Front-end libraries from the locked npm packages, served by the app itself.

No page loads anything from a CDN: a bank's offline network (and much of
mainland China) cannot reach one. `make run` installs `node_modules` from
`package-lock.json`; only the files a page uses are reachable, under
`/static/vendor/<lib>/<file>`.

The files are large (ECharts is 1 MB), so each is read and compressed once, in a
worker thread, and kept in memory in every coding (as the feeds are); the route
carries the feeds' "already compressed" option so the app's response
compression does not compress them again.
"""

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.status_codes import HTTP_304_NOT_MODIFIED

from core.errors import Missing
from exports.feed_encoding import IDENTITY, chosen_coding, compress
from exports.feed_responses import ALREADY_COMPRESSED

NODE_MODULES = Path(__file__).resolve().parents[1] / "node_modules"

# URL name → (npm package, {served file name: path inside the package}).
VENDOR_FILES: dict[str, tuple[str, dict[str, str]]] = {
    # The interactive API documentation at /schema.
    "swagger-ui": (
        "swagger-ui-dist",
        {
            "swagger-ui-bundle.js": "swagger-ui-bundle.js",
            "swagger-ui-standalone-preset.js": "swagger-ui-standalone-preset.js",
            "swagger-ui.css": "swagger-ui.css",
        },
    ),
    # The dashboard's charts.
    "echarts": ("echarts", {"echarts.min.js": "dist/echarts.min.js"}),
    # Partial page updates (Litestar's HTMX support answers its requests).
    "htmx": ("htmx.org", {"htmx.min.js": "dist/htmx.min.js"}),
    # Lisu script (the Nujiang outlets' posters and event texts), the same face on every
    # phone and in the PDF poster whatever fonts they have. Its Lisu subset only; a
    # page fetches it when Lisu text is shown.
    "noto-sans-lisu": (
        "@fontsource/noto-sans-lisu",
        {
            f"lisu-{weight}.{kind}": f"files/noto-sans-lisu-lisu-{weight}-normal.{kind}"
            for weight in (400, 700)
            for kind in ("woff2", "woff")
        },
    ),
}

# A week, revalidated by ETag afterwards: the URLs carry no version, so an upgrade
# of a package reaches browsers within a week at the latest.
VENDOR_CACHE = "public, max-age=604800"


def vendor_url(lib: str, name: str) -> str:
    if name not in VENDOR_FILES[lib][1]:
        raise KeyError(f"{lib}/{name} is not a served vendor file")
    return f"/static/vendor/{lib}/{name}"


def vendor_path(lib: str, name: str) -> Path | None:
    """The file a served vendor URL names, or None when no such file is served."""
    package, files = VENDOR_FILES.get(lib, ("", {}))
    inside = files.get(name)
    path = NODE_MODULES / package / inside if inside else None
    return path if path is not None and path.is_file() else None


@dataclass(frozen=True)
class _Asset:
    bodies: dict[str, bytes]
    etag: str
    media_type: str


_assets: dict[tuple[str, str], _Asset] = {}


def _load(path: Path) -> _Asset:
    body = path.read_bytes()
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type.endswith("javascript"):
        media_type += "; charset=utf-8"
    return _Asset(
        bodies=compress(body),
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        media_type=media_type,
    )


async def _asset(lib: str, name: str) -> _Asset:
    key = (lib, name)
    if key not in _assets:
        path = vendor_path(lib, name)
        if path is None:
            raise Missing("No front-end file {lib}/{name} is served here.", lib=lib, name=name)
        # Reading and compressing a megabyte is CPU work: not on the event loop.
        _assets[key] = await anyio.to_thread.run_sync(_load, path)
    return _assets[key]


@get(
    "/static/vendor/{lib:str}/{name:str}",
    opt={ALREADY_COMPRESSED: True},
    include_in_schema=False,
)
async def vendor_file(request: Request, lib: FromPath[str], name: FromPath[str]) -> Response[bytes]:
    """One file of a locked front-end package, in the coding the browser takes best."""
    asset = await _asset(lib, name)
    coding = chosen_coding(request.headers.get("accept-encoding"))
    headers = {
        "Cache-Control": VENDOR_CACHE,
        "ETag": asset.etag if coding == IDENTITY else f'{asset.etag[:-1]}-{coding}"',
        "Vary": "Accept-Encoding",
    }
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    if coding != IDENTITY:
        headers["Content-Encoding"] = coding
    return Response(asset.bodies[coding], media_type=asset.media_type, headers=headers)
