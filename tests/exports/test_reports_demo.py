"""The demo network's 2025 summary shows the figures of the Nujiang report."""

from tests.fixtures import PASSWORD


async def test_demo_2025_summary_matches_the_article(client):
    from accounts.cli_accounts import ensure_admin
    from app.demo.load import load_demo

    assert await load_demo()
    await ensure_admin(PASSWORD)
    login = await client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['token']}"}

    response = await client.get(
        "/api/reports/summary", params={"from": "2025-01-01", "to": "2026-01-01"}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["events"]["by_kind"]["lecture"] == 9
    assert body["interceptions"]["verified"] == 11
    assert body["interceptions"]["amount_saved"] == "860000.00"
    assert body["outreach"]["home_visits"] == 127
    assert body["outreach"]["remote_travel_km"] == "2800.0"
