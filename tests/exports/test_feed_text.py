"""Hostile text in titles and descriptions comes back as entered and injects nothing."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tools.calendars import (
    every_parser,
    icaljs,
    ics_misreads,
    lint,
    unfolded_lines,
    with_icalendar,
)

HOSTILE = [
    "逗号,分号;反斜杠\\ 和 \\N 与 \\n",
    "第一行\n第二行\n\n第四行",
    "讲座\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:injected",
    "讲座\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM",
    "结束\nEND:VCALENDAR\nBEGIN:VCALENDAR",
    "emoji 🛡️💰📞👵🏽 and a ZWJ family 👨‍👩‍👧",
    "URL:http://evil.example/;TZID=Evil:x",
]


def _entered(text: str) -> str:
    # TEXT values carry line breaks as "\n": a CRLF typed into a form reads back as LF.
    return text.replace("\r\n", "\n").replace("\r", "\n")


async def test_hostile_titles_and_descriptions(client, add_event):
    long_text = ("防范电信网络诈骗" * 63)[:500]
    assert len(long_text) == 500
    texts = [*HOSTILE, long_text]
    for number, text in enumerate(texts):
        await add_event(
            uid=f"hostile-{number}@fangzha-test",
            title=text[:300],
            description=text,
            venue_name=text[:300],
        )
    response = await client.get("/calendar.ics")
    assert response.status_code == 200
    body = response.content
    lint(body)
    readings = every_parser(response.text)
    for name, reading in readings.items():
        assert set(reading) == {f"hostile-{n}@fangzha-test" for n in range(len(texts))}, name
        for number, text in enumerate(texts):
            seen = reading[f"hostile-{number}@fangzha-test"]
            if name == "ics" and ics_misreads(text):
                continue
            assert seen.summary == _entered(text[:300]), (name, number)
            assert seen.description == _entered(text), (name, number)
    # Nothing injected: exactly the expected components and properties.
    js = icaljs(response.text)
    assert js["components"].count("vevent") == len(texts)
    for event in js["events"]:
        assert event["components"] == []
        assert sorted(set(event["properties"])) == sorted(event["properties"])
    lines = unfolded_lines(body)
    assert sum(1 for line in lines if line == "BEGIN:VEVENT") == len(texts)
    assert not any(
        line.startswith(("BEGIN:VALARM", "UID:evil", "SUMMARY:injected")) for line in lines
    )
    assert sum(1 for line in lines if line == "END:VCALENDAR") == 1


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    text=st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs",),
            blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
            "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f\r",
        ),
        min_size=1,
        max_size=120,
    )
)
async def test_any_text_round_trips(client, add_event, text):
    uid = f"prop-{abs(hash(text))}-{len(text)}@fangzha-test"
    await add_event(uid=uid, title=text, description=text)
    response = await client.get("/calendar.ics")
    lint(response.content)
    seen = with_icalendar(response.text)[uid]
    assert seen.summary == text
    assert seen.description == text


async def test_hostile_branch_name_stays_in_the_calendar_name(client, world, add_event):
    name = "恶意支行\r\nEND:VCALENDAR\r\nBEGIN:VEVENT;x,y\\"
    created = await client.post(
        "/api/branches",
        json={"code": "EVIL", "name": name, "parent_id": world.branches["NJ"]},
        headers=world.auth("admin"),
    )
    assert created.status_code == 201, created.text
    await add_event(branch=created.json()["id"], title="分支活动")
    response = await client.get("/calendar.ics", params={"branch": "EVIL"})
    assert response.status_code == 200
    lint(response.content)
    stored = created.json()["name"]
    one_line = " ".join(stored.split())
    escaped = one_line.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    lines = unfolded_lines(response.content)
    assert f"X-WR-CALNAME:防诈宣传活动 · {escaped}" in lines
    assert f"NAME:防诈宣传活动 · {escaped}" in lines
    js = icaljs(response.text)
    assert js["name"] == f"防诈宣传活动 · {escaped}"
    assert js["components"].count("vevent") == 1
    readings = every_parser(response.text)
    assert [s.summary for s in readings["icalendar"].values()] == ["分支活动"]
