"""`/metrics`: Prometheus text for admins, counting what the tests themselves did."""

import asyncio
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.interceptions.test_csv_import import row, to_csv
from tests.tools.server import production_env, serving

LIST = "/api/interceptions"
ONE = "/api/interceptions/{interception_id}"


async def scrape(client, world) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of `/metrics` as admin, keyed by name and sorted labels."""
    response = await client.get("/metrics", headers=world.auth("admin"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels: str) -> float:
    """The sum of the samples of `name` whose labels include `labels` (0 when none)."""
    wanted = set(labels.items())
    return sum(v for (n, found), v in samples.items() if n == name and wanted <= set(found))


async def test_only_admins_read_the_metrics(client, world):
    anonymous = await client.get("/metrics")
    assert anonymous.status_code == 401
    assert "fangzha_requests" not in anonymous.text
    for user in ("staff_lk", "coord"):
        refused = await client.get("/metrics", headers=world.auth(user))
        assert refused.status_code == 403
        assert "fangzha_requests" not in refused.text
    assert (await client.get("/metrics", headers=world.auth("admin"))).status_code == 200


async def test_requests_are_counted_and_timed_by_route_template_and_status(client, world):
    before = await scrape(client, world)
    for _ in range(3):
        assert (await client.get(LIST, headers=world.auth("staff_lk"))).status_code == 200
    missing = await client.get(f"{LIST}/987654", headers=world.auth("staff_lk"))
    assert missing.status_code == 404
    after = await scrape(client, world)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    listed = {"method": "GET", "path": LIST, "status_code": "200"}
    assert grew("fangzha_requests_total", **listed) == 3
    assert grew("fangzha_request_duration_seconds_count", **listed) == 3
    assert grew("fangzha_request_duration_seconds_bucket", le="+Inf", **listed) == 3
    assert grew("fangzha_request_duration_seconds_sum", **listed) > 0
    # Labelled by the route template, never by the id asked for.
    assert grew("fangzha_requests_total", method="GET", path=ONE, status_code="404") == 1
    assert not any("987654" in str(labels) for _, labels in after)


async def test_feed_cache_hits_and_misses_are_counted(client, world):
    before = await scrape(client, world)
    for _ in range(3):
        assert (await client.get("/calendar.ics")).status_code == 200
    after = await scrape(client, world)
    name = "fangzha_feed_cache_requests_total"
    assert value(after, name, result="miss") - value(before, name, result="miss") == 1
    assert value(after, name, result="hit") - value(before, name, result="hit") == 2


async def test_imports_in_progress_are_counted_while_they_run(client, world, monkeypatch):
    import interceptions.import_controllers as controllers
    from interceptions.csv_import import import_csv as real_import

    started, proceed = asyncio.Event(), asyncio.Event()

    async def held_import(*args: Any, **kwargs: Any) -> Any:
        started.set()
        await proceed.wait()
        return await real_import(*args, **kwargs)

    monkeypatch.setattr(controllers, "import_csv", held_import)
    upload = asyncio.create_task(
        client.post(
            "/api/imports/interceptions",
            content=to_csv([row(n) for n in range(1, 4)]),
            headers={"Content-Type": "text/csv", **world.auth("staff_lk")},
        )
    )
    await asyncio.wait_for(started.wait(), 10)
    during = await scrape(client, world)
    proceed.set()
    response = await asyncio.wait_for(upload, 30)
    assert response.status_code == 201, response.text
    after = await scrape(client, world)
    assert value(during, "fangzha_imports_in_progress") == 1
    assert value(after, "fangzha_imports_in_progress") == 0


async def test_worker_processes_share_their_figures_through_the_multiprocess_folder(
    world, tmp_path
):
    folder = tmp_path / "metrics"
    folder.mkdir()
    # Figures an earlier run left behind must not be added to this one's.
    stale = folder / "counter_1.db"
    stale.write_bytes(b"left from an earlier run")
    env = production_env(PROMETHEUS_MULTIPROC_DIR=str(folder))
    with serving(env, tmp_path / "server.log") as base:
        async with httpx.AsyncClient(base_url=base) as client:
            for _ in range(4):
                assert (await client.get(LIST, headers=world.auth("staff_lk"))).status_code == 200
            samples = await scrape(client, world)
    listed = {"method": "GET", "path": LIST, "status_code": "200"}
    assert value(samples, "fangzha_requests_total", **listed) == 4
    assert value(samples, "fangzha_imports_in_progress") == 0
    # The figures went through files in the folder, where other workers' would be added.
    assert any(folder.glob("counter_*.db"))
    assert not stale.exists()
