"""The review queue in the browser: oldest first, one step to verify, never one's own."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.pages.coordinator_steps import VIEWPORTS, api_headers, signed_in_page


async def _log(http, headers, ref: str, amount: str, event_id: int | None, days_ago: int):
    occurred = (datetime.now(UTC) - timedelta(days=days_ago)).replace(microsecond=0)
    body = {
        "client_ref": ref,
        "occurred_at": occurred.isoformat(),
        "channel": "counter",
        "fraud_type": "fake_investment",
        "amount_saved": amount,
        "victim_age_band": "60_plus",
        "description": "客户欲转账至“理财导师”账户,柜员劝阻",
        "event_id": event_id,
    }
    response = await http.post("/api/interceptions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["phone", "desktop"])
async def test_coordinator_verifies_a_staff_interception_but_not_their_own(
    live_server, browser, demo, http, viewport
):
    coord = await api_headers(http, "nj_coord", demo.password)
    staff = await api_headers(http, "lk_staff", demo.password)
    events = (await http.get("/api/events", params={"limit": 100}, headers=staff)).json()
    lecture = next(e for e in events["items"] if e["status"] != "draft")
    tag = viewport["viewport"]["width"]
    theirs = await _log(http, staff, f"page-review-{tag}-staff", "23000.00", lecture["id"], 2)
    mine = await _log(http, coord, f"page-review-{tag}-coord", "5000.00", None, 1)

    page = await signed_in_page(browser, live_server, "nj_coord", demo.password, viewport)
    await page.goto(f"{live_server}/coordinator/review")
    queue = page.locator("article[data-interception]")
    pending = (
        await http.get(
            "/api/interceptions", params={"status": "logged", "limit": 200}, headers=coord
        )
    ).json()
    assert await queue.count() == pending["total"]
    assert await page.inner_text("#pending-total") == str(pending["total"])
    # Oldest first.
    occurred = [
        datetime.fromisoformat(await a.get_attribute("data-occurred")) for a in await queue.all()
    ]
    assert occurred == sorted(occurred)

    card = page.locator(f"#interception-{theirs['id']}")
    text = await card.inner_text()
    assert lecture["title"] in text
    for label in ("虚假投资理财", "60岁及以上", "柜面"):
        assert label in text
    for code in ("fake_investment", "60_plus", "counter"):
        assert code not in text

    # Their own record: no buttons, and the page says why.
    own = page.locator(f"#interception-{mine['id']}")
    assert await own.locator("button").count() == 0
    assert "第二人" in await own.locator(".why").inner_text()

    await card.locator("input[name=note]").first.fill("已电话回访客户确认")
    await card.locator("form.verify button").click()
    # The card changes in place (htmx) and the count follows; the queue stays where it was.
    done = page.locator(f"#review-done-{theirs['id']}")
    await done.wait_for()
    assert "已核实" in await done.inner_text()
    assert await page.inner_text("#pending-total") == str(pending["total"] - 1)
    assert await page.locator(f"#interception-{theirs['id']} button").count() == 0
    verified = (await http.get(f"/api/interceptions/{theirs['id']}", headers=coord)).json()
    assert verified["status"] == "verified"
    assert verified["review_note"] == "已电话回访客户确认"
    still = (await http.get(f"/api/interceptions/{mine['id']}", headers=coord)).json()
    assert still["status"] == "logged"

    # A hand-made request for their own record is refused by the service, said on the page.
    response = await page.request.post(
        f"{live_server}/coordinator/review/{mine['id']}/verify", form={"note": "自己核实"}
    )
    assert response.status == 403
    assert "第二人" in await response.text()
    await page.context.close()


async def test_review_works_without_scripts(live_server, browser, demo, http):
    coord = await api_headers(http, "nj_coord", demo.password)
    staff = await api_headers(http, "lk_staff", demo.password)
    logged = await _log(http, staff, "page-review-no-script", "800.00", None, 3)
    # Signed in through the API: the browser gets the session cookie, and no script runs.
    login = await http.post(
        "/api/auth/login", json={"username": "nj_coord", "password": demo.password}
    )
    session = [{"name": k, "value": v, "url": live_server} for k, v in login.cookies.items()]
    http.cookies.clear()
    context = await browser.new_context(**VIEWPORTS[0], java_script_enabled=False)
    await context.add_cookies(session)
    page = await context.new_page()
    await page.goto(f"{live_server}/coordinator/review")
    card = page.locator(f"#interception-{logged['id']}")
    await card.locator("form.reject input[name=note]").fill("金额与监控不符")
    await card.locator("form.reject button").click()
    await page.wait_for_url("**/coordinator/review?done=*")
    assert "已驳回" in await page.inner_text("#review-done")
    assert await page.locator(f"#interception-{logged['id']}").count() == 0
    rejected = (await http.get(f"/api/interceptions/{logged['id']}", headers=coord)).json()
    assert rejected["status"] == "rejected"
    assert rejected["review_note"] == "金额与监控不符"
    await page.context.close()
