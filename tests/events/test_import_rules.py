"""A calendar import obeys the rules of the events API, reports every failing event, and
neither reveals nor changes events the importer cannot see."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.events.conftest import event_body
from tests.events.test_calendar_import import ics, stamp, vevent
from tests.fixtures import detail_of


def _times(start: str, end: str) -> tuple[str, ...]:
    return (f"DTSTART;TZID=Asia/Shanghai:{start}", f"DTEND;TZID=Asia/Shanghai:{end}")


async def _upload(
    client: httpx.AsyncClient, world: Any, body: bytes, user: str = "coord", branch: str = "NJ"
) -> httpx.Response:
    return await client.post(
        "/api/imports/calendar",
        files={"file": ("police.ics", body, "text/calendar")},
        data={"branch_id": str(world.branches[branch])},
        headers=world.auth(user),
    )


async def _stored() -> list[dict[str, Any]]:
    from events.tables import Event

    return await Event.select(Event.id, Event.uid, Event.title, Event.branch).order_by(Event.id)


# Each fault as an .ics event, and the same event as a body of POST /api/events.
FAULTS = [
    (
        _times("19991231T100000", "19991231T110000"),
        {"starts_at": "1999-12-31T10:00:00+08:00", "ends_at": "1999-12-31T11:00:00+08:00"},
    ),
    (
        _times("20250301T100000", "20250410T100000"),
        {"starts_at": "2025-03-01T10:00:00+08:00", "ends_at": "2025-04-10T10:00:00+08:00"},
    ),
    (
        (*_times("20250314T100000", "20250314T110000"), "RRULE:FREQ=WEEKLY;COUNT=3;BYDAY=MO"),
        {
            "starts_at": "2025-03-14T10:00:00+08:00",
            "ends_at": "2025-03-14T11:00:00+08:00",
            "rrule": "FREQ=WEEKLY;COUNT=3;BYDAY=MO",
        },
    ),
    (
        (*_times("20250314T100000", "20250314T110000"), "RRULE:FREQ=DAILY;INTERVAL=5000"),
        {
            "starts_at": "2025-03-14T10:00:00+08:00",
            "ends_at": "2025-03-14T11:00:00+08:00",
            "rrule": "FREQ=DAILY;INTERVAL=5000",
        },
    ),
]


@pytest.mark.parametrize(("lines", "body"), FAULTS)
async def test_an_event_the_api_refuses_is_refused_for_the_same_reason(client, world, lines, body):
    api = await client.post(
        "/api/events", json=event_body(status="draft", **body), headers=world.auth("coord")
    )
    assert api.status_code == 422, api.text
    response = await _upload(
        client, world, ics(vevent("ok@police", "好的"), vevent("bad@police", "坏的", extra=lines))
    )
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error == {"event": 2, "uid": "bad@police", "title": "坏的", "reason": detail_of(api)}
    assert detail_of(api) in detail_of(response)
    assert await _stored() == []


async def test_every_failing_event_is_reported_and_nothing_is_stored(client, world):
    body = ics(
        vevent("a@police", "好的一"),
        vevent("b@police", "太早", extra=FAULTS[0][0]),
        vevent("c@police", "好的二"),
        vevent("d@police", "太长", extra=FAULTS[1][0]),
        vevent("", "没有UID"),
        vevent("a@police", "重复"),
    )
    response = await _upload(client, world, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["event"], e["title"]) for e in errors] == [
        (2, "太早"),
        (4, "太长"),
        (5, "没有UID"),
        (6, "重复"),
    ]
    assert "Nothing was imported: 4 events have problems." in detail_of(response)
    assert "twice" in errors[3]["reason"]
    assert await _stored() == []


async def _history(client, world, event_id: int) -> list[dict[str, Any]]:
    response = await client.get(f"/api/events/{event_id}/history", headers=world.auth("coord"))
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_a_reimport_updates_a_draft_and_says_so_in_its_history(client, world):
    first = await _upload(client, world, ics(vevent("d@police", "草稿讲座")))
    (created,) = first.json()["events"]
    again = await _upload(client, world, ics(vevent("d@police", "草稿讲座(改)", sequence=1)))
    assert (again.json()["updated"], again.json()["created"]) == (1, 0)
    event = (await client.get(f"/api/events/{created['id']}", headers=world.auth("coord"))).json()
    assert (event["title"], event["status"], event["sequence"]) == ("草稿讲座(改)", "draft", 1)
    items = await _history(client, world, created["id"])
    assert [(i["action"], i["user"]) for i in items] == [("import", "coord"), ("import", "coord")]
    assert items[0]["changes"]["uid"] == [None, "d@police"]
    assert items[1]["changes"] == {"title": ["草稿讲座", "草稿讲座(改)"], "sequence": [0, 1]}


async def test_a_reimport_of_a_published_event_bumps_its_sequence(client, world):
    first = await _upload(client, world, ics(vevent("p@police", "公开讲座")))
    event_id = first.json()["events"][0]["id"]
    published = await client.patch(
        f"/api/events/{event_id}", json={"status": "scheduled"}, headers=world.auth("coord")
    )
    assert published.json()["sequence"] == 1
    # The source still says SEQUENCE:0 but was modified after our last change.
    later = stamp(datetime.now(UTC) + timedelta(minutes=1))
    moved = vevent(
        "p@police",
        "公开讲座(改期)",
        last_modified=later,
        extra=_times("20250320T150000", "20250320T163000"),
    )
    again = await _upload(client, world, ics(moved))
    assert again.status_code == 200, again.text
    assert again.json()["updated"] == 1
    event = (await client.get(f"/api/events/{event_id}")).json()
    assert (event["title"], event["status"]) == ("公开讲座(改期)", "scheduled")
    assert event["starts_at"] == "2025-03-20T15:00:00+08:00"
    assert event["sequence"] == 2
    feed = await client.get(f"/events/{event_id}.ics")
    assert feed.status_code == 200
    assert "SEQUENCE:2" in feed.text
    last = (await _history(client, world, event_id))[-1]
    assert (last["action"], last["user"]) == ("import", "coord")
    assert last["changes"]["title"] == ["公开讲座", "公开讲座(改期)"]
    assert last["changes"]["sequence"] == [1, 2]


async def test_a_reimport_that_would_double_book_is_refused(client, world):
    body = ics(
        vevent("a@police", "讲座甲", extra=_times("20250314T100000", "20250314T110000")),
        vevent("b@police", "讲座乙", extra=_times("20250314T140000", "20250314T150000")),
    )
    first = await _upload(client, world, body)
    ids = {e["uid"]: e["id"] for e in first.json()["events"]}
    for event_id in ids.values():
        response = await client.patch(
            f"/api/events/{event_id}", json={"status": "scheduled"}, headers=world.auth("coord")
        )
        assert response.status_code == 200
    onto_a = vevent(
        "b@police", "讲座乙", sequence=5, extra=_times("20250314T103000", "20250314T113000")
    )
    response = await _upload(client, world, ics(onto_a))
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["event"] == 1
    assert "“讲座甲”" in error["reason"]
    assert "clashes" in error["reason"]
    b = (await client.get(f"/api/events/{ids['b@police']}")).json()
    assert (b["starts_at"], b["sequence"]) == ("2025-03-14T14:00:00+08:00", 1)


async def test_a_uid_the_importer_cannot_see_is_neither_revealed_nor_changed(client, world):
    hidden = await _upload(client, world, ics(vevent("ls@police", "泸水内部")), branch="NJ-LS")
    assert hidden.status_code == 200
    hidden_id = hidden.json()["events"][0]["id"]
    # To NJ-LK's coordinator that UID is as good as new: the answer is the one a new UID gets.
    mine = await _upload(
        client, world, ics(vevent("ls@police", "六库活动")), user="coord_lk", branch="NJ-LK"
    )
    fresh = await _upload(
        client, world, ics(vevent("new@police", "六库活动")), user="coord_lk", branch="NJ-LK"
    )
    for response in (mine, fresh):
        assert response.status_code == 200, response.text
        assert response.json() | {"events": None} == {
            "created": 1,
            "updated": 0,
            "unchanged": 0,
            "skipped": 0,
            "events": None,
        }
        assert "泸水" not in response.text
        assert str(hidden_id) not in [str(e["id"]) for e in response.json()["events"]]
    copy = mine.json()["events"][0]
    assert copy["uid"].endswith("@fangzha")
    # A re-import finds the importer's own copy again, and never the hidden event.
    again = await _upload(
        client,
        world,
        ics(vevent("ls@police", "六库活动(改)", sequence=3)),
        user="coord_lk",
        branch="NJ-LK",
    )
    assert (again.json()["updated"], again.json()["created"]) == (1, 0)
    assert again.json()["events"][0]["id"] == copy["id"]
    stored = {row["id"]: row for row in await _stored()}
    assert stored[hidden_id]["title"] == "泸水内部"
    assert stored[hidden_id]["uid"] == "ls@police"
    assert stored[copy["id"]]["title"] == "六库活动(改)"
    assert stored[copy["id"]]["branch"] == world.branches["NJ-LK"]
    # Cancelling it in the source skips it, as for any UID never seen.
    cancel = await _upload(
        client,
        world,
        ics(
            vevent(
                "ls2@police",
                "x",
                extra=("STATUS:CANCELLED", *_times("20250314T100000", "20250314T110000")),
            )
        ),
        user="coord_lk",
        branch="NJ-LK",
    )
    assert cancel.json()["skipped"] == 1


async def test_a_visible_event_of_another_branch_is_refused_by_name(client, world):
    theirs = await _upload(client, world, ics(vevent("pub@police", "泸水公开")), branch="NJ-LS")
    event_id = theirs.json()["events"][0]["id"]
    published = await client.patch(
        f"/api/events/{event_id}", json={"status": "scheduled"}, headers=world.auth("coord")
    )
    assert published.status_code == 200
    response = await _upload(
        client,
        world,
        ics(vevent("new@police", "新"), vevent("pub@police", "抢", sequence=9)),
        user="coord_lk",
        branch="NJ-LK",
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["event"] == 2
    assert "cannot plan for" in error["reason"]
    titles = [row["title"] for row in await _stored()]
    assert titles == ["泸水公开"]


async def test_the_same_calendar_imported_twice_at_once_is_stored_once(client, world):
    body = ics(*[vevent(f"{n}@police", f"讲座{n}") for n in range(5)])
    responses = await asyncio.gather(*[_upload(client, world, body) for _ in range(4)])
    assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
    assert any(r.status_code == 200 for r in responses)
    for refused in (r for r in responses if r.status_code == 409):
        assert "import it again" in detail_of(refused)
    assert sorted(row["uid"] for row in await _stored()) == [f"{n}@police" for n in range(5)]
