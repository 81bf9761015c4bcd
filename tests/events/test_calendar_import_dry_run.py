"""A calendar import's dry run: every check of the import, then nothing kept."""

from tests.events.test_calendar_import import _events, ics, vevent


async def _upload(client, world, body: bytes, dry_run: bool):
    return await client.post(
        "/api/imports/calendar",
        params={"dry_run": "true"} if dry_run else {},
        files={"file": ("police.ics", body, "text/calendar")},
        headers=world.auth("coord"),
    )


async def test_dry_run_says_what_the_import_would_do_and_keeps_nothing(client, world):
    first = ics(vevent("a@police", "反诈讲座"))
    preview = await _upload(client, world, first, dry_run=True)
    assert preview.status_code == 200, preview.text
    assert preview.json()["created"] == 1
    assert [e["title"] for e in preview.json()["events"]] == ["反诈讲座"]
    assert await _events() == []

    assert (await _upload(client, world, first, dry_run=False)).json()["created"] == 1
    (stored,) = await _events()
    changed = ics(
        vevent("a@police", "反诈讲座(改期)", sequence=1),
        vevent("b@police", "新增讲座"),
    )
    preview = (await _upload(client, world, changed, dry_run=True)).json()
    assert (preview["created"], preview["updated"], preview["unchanged"]) == (1, 1, 0)
    actions = {e["title"]: e["action"] for e in preview["events"]}
    assert actions == {"反诈讲座(改期)": "updated", "新增讲座": "created"}
    # Nothing changed: the stored event keeps its title, and no second event exists.
    assert await _events() == [stored]

    done = (await _upload(client, world, changed, dry_run=False)).json()
    assert (done["created"], done["updated"]) == (1, 1)


async def test_dry_run_refuses_what_the_import_would_refuse(client, world):
    broken = ics(
        vevent(
            "bad@police",
            "结束早于开始",
            extra=(
                "DTSTART;TZID=Asia/Shanghai:20261215T100000",
                "DTEND;TZID=Asia/Shanghai:20261215T090000",
            ),
        )
    )
    preview = await _upload(client, world, broken, dry_run=True)
    assert preview.status_code == 422
    assert preview.json()["errors"][0]["title"] == "结束早于开始"
    assert await _events() == []
