"""Any language a visitor asks for, on any page: a language we have, Chinese by default."""

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from tests.events.conftest import event_body

# Lisu speakers are our users: Lisu has no catalog yet, so they read Chinese.
TO_CHINESE = [
    "lis",
    "lis-CN",
    "LIS",
    "xx",
    "zz-Latn-ZZ",
    "i-klingon",
    "und",
    "*",
    "",
    " ",
    "-",
    "_",
    "../../etc/passwd",
    "zh_CN_x_y_z",
    "😀",
    "x" * 500,
]
TO_ENGLISH = ["en", "en-GB", "EN_us", "xx, en;q=0.5", "lis;q=0, en", "zh;q=0,en"]


def page_paths(app: Litestar, values: dict[str, str]) -> list[str]:
    """Every GET route that is not the API, the schema, a static file or the admin."""
    paths = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "GET" not in route.methods:
            continue
        if route.path.startswith(("/api", "/schema", "/static", "/admin")):
            continue
        paths.add(re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "1"), route.path))
    return sorted(paths)


@pytest.fixture
async def pages(app, client, world) -> list[str]:
    created = await client.post(
        "/api/events", json=event_body(title="讲座"), headers=world.auth("coord")
    )
    assert created.status_code == 201, created.text
    event_id = str(created.json()["id"])
    paths = page_paths(app, {"name": event_id, "event_id": event_id, "code": "NJ-LK"})
    assert {"/", "/login", "/staff", "/dashboard", f"/events/{event_id}"} <= set(paths)
    return paths


def html_lang(response: Any) -> str | None:
    if not response.headers.get("content-type", "").startswith("text/html"):
        return None
    match = re.search(r'<html lang="([^"]+)"', response.text)
    assert match, response.text[:200]
    return match.group(1)


async def _get(client, world, path: str, **kwargs: Any) -> Any:
    # Signed in, so that /staff and /dashboard render instead of redirecting.
    headers = {**world.auth("coord_lk"), **kwargs.pop("headers", {})}
    response = await client.get(path, headers=headers, **kwargs)
    assert response.status_code < 500, (path, kwargs, response.status_code, response.text[:300])
    return response


@pytest.mark.parametrize("wanted", TO_CHINESE)
async def test_unknown_languages_fall_back_to_chinese_on_every_page(client, world, pages, wanted):
    for path in pages:
        for kwargs in (
            {"params": {"lang": wanted}},
            {"headers": {"Accept-Language": wanted.encode()}},
            {"headers": {"Cookie": b"fangzha_lang=" + wanted.encode()}},
        ):
            client.cookies.clear()
            response = await _get(client, world, path, **kwargs)
            assert html_lang(response) in (None, "zh-CN"), (path, kwargs)


@pytest.mark.parametrize("header", TO_ENGLISH)
async def test_an_english_reader_still_gets_english(client, world, pages, header):
    client.cookies.clear()
    response = await _get(client, world, "/", headers={"Accept-Language": header})
    assert html_lang(response) == "en"


async def test_a_lisu_phone_that_also_reads_english_gets_chinese(client, world, pages):
    client.cookies.clear()
    response = await _get(client, world, "/", headers={"Accept-Language": "lis-CN, en;q=0.8"})
    assert html_lang(response) == "zh-CN"
    response = await _get(client, world, "/", params={"lang": "lis"})
    assert html_lang(response) == "zh-CN"
    # The explicit choice is remembered as the language actually shown.
    assert response.cookies.get("fangzha_lang") == "zh_CN"
