"""Response compression for pages, JSON and text above a size, in the coding a client takes.

Litestar's CompressionMiddleware does the work; this subclass decides what it
may touch:

- a response that leaves already compressed (the calendar feeds and the
  vendored libraries, compressed once and cached) carries `Content-Encoding`
  or its route's `already_compressed` option, and passes untouched — never
  compressed twice;
- only text-like types are compressed (HTML, JSON, CSS, JavaScript, CSV, SVG);
  XLSX files and images are zip or compressed already;
- the coding follows the client's `Accept-Encoding` weights (RFC 9110), with
  brotli preferred to gzip, as the feeds choose theirs: `br;q=0` means no brotli.

Levels are moderate (gzip 6, brotli 4): the work happens on the event loop, a
chunk at a time, and a page of 10 KB costs well under a millisecond.
"""

from litestar.config.compression import CompressionConfig
from litestar.datastructures import Headers, MutableScopeHeaders
from litestar.enums import CompressionEncoding
from litestar.middleware.compression import CompressionMiddleware
from litestar.types import Message, Receive, Scope, Send

from exports.feed_encoding import BROTLI, GZIP, chosen_coding
from exports.feed_responses import ALREADY_COMPRESSED

# Below one network packet, compressing saves nothing worth the work.
MINIMUM_SIZE = 1024
_TEXT_TYPES = (
    "application/json",
    "application/javascript",
    "application/xml",
    "application/x-ndjson",
    "image/svg+xml",
)


def compressible(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return (
        media_type.startswith("text/")
        or media_type in _TEXT_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


class SelectiveCompression(CompressionMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        coding = chosen_coding(Headers.from_scope(scope).get("accept-encoding"))
        encoding = {BROTLI: CompressionEncoding.BROTLI, GZIP: CompressionEncoding.GZIP}.get(coding)
        if encoding is None:
            await self.app(scope, receive, send)
            return
        compressing = self.create_compression_send_wrapper(send, encoding, scope)
        passing: bool | None = None

        async def choose(message: Message) -> None:
            nonlocal passing
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                passing = "content-encoding" in headers or not compressible(
                    headers.get("content-type", "")
                )
                if not passing and (etag := headers.get("etag")) and not etag.startswith("W/"):
                    # The compressed bytes differ from the identity ones: the tag is weak now.
                    headers["etag"] = f"W/{etag}"
            await (send if passing else compressing)(message)

        await self.app(scope, receive, choose)


def compression_config() -> CompressionConfig:
    return CompressionConfig(
        backend="brotli",
        brotli_gzip_fallback=True,
        minimum_size=MINIMUM_SIZE,
        gzip_compress_level=6,
        brotli_quality=4,
        middleware_class=SelectiveCompression,
        exclude_opt_key=ALREADY_COMPRESSED,
    )
