"""Front-end libraries come from the locked npm packages and are served by the app."""

import gzip
import json
from pathlib import Path

import brotli

from app.vendor import NODE_MODULES, VENDOR_FILES

ROOT = Path(__file__).resolve().parents[1]
SERVED_TYPES = ("text/javascript", "text/css", "font/")


def test_every_served_package_is_locked_at_an_exact_version():
    manifest = json.loads((ROOT / "package.json").read_text())["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for package, _ in VENDOR_FILES.values():
        assert manifest[package][0].isdigit(), package  # exact, no range
        assert lock[f"node_modules/{package}"]["version"] == manifest[package]
    assert "axe-core" in manifest  # injected by the page tests, never served


async def test_vendor_files_are_served_compressed_once_and_cached(client):
    for lib, (package, files) in VENDOR_FILES.items():
        for name, inside in files.items():
            original = (NODE_MODULES / package / inside).read_bytes()
            path = f"/static/vendor/{lib}/{name}"
            plain = await client.get(path, headers={"Accept-Encoding": "identity"})
            assert plain.status_code == 200, path
            assert plain.content == original
            assert "max-age=604800" in plain.headers["cache-control"]
            assert plain.headers["vary"] == "Accept-Encoding"
            assert plain.headers["content-type"].startswith(SERVED_TYPES), path
            async with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as got:
                wire = b"".join([chunk async for chunk in got.aiter_raw()])
            assert got.headers["content-encoding"] == "gzip"
            assert gzip.decompress(wire) == original  # once, not twice
            async with client.stream("GET", path, headers={"Accept-Encoding": "br"}) as got:
                wire = b"".join([chunk async for chunk in got.aiter_raw()])
            assert got.headers["content-encoding"] == "br"
            assert brotli.decompress(wire) == original
            again = await client.get(
                path,
                headers={"Accept-Encoding": "identity", "If-None-Match": plain.headers["etag"]},
            )
            assert again.status_code == 304


async def test_only_the_listed_files_are_reachable(client):
    for path in (
        "/static/vendor/echarts/package.json",
        "/static/vendor/swagger-ui/index.html",
        "/static/vendor/axe-core/axe.min.js",
        "/static/vendor/nothing/x.js",
        "/static/vendor/echarts/..%2F..%2Fpackage.json",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
    # The app's own files are still there beside them.
    assert (await client.get("/static/site.css")).status_code == 200
