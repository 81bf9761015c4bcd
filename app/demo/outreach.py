"""The mobile service team's 2025 home visits (上门服务) in the Nujiang demo.

The branch's report: "2025年累计开展上门服务127次,其中偏远山区服务里程达2800公里".
With the one home visit among the demo's events (nujiang.py), these series make
127 home visits held in 2025, and their distances 2800.0 km travelled in remote
mountain areas: Fugong 24 × 62.5 km (one visit called off by a landslide) and
Lanping 26 × 50.0 km. The visits in town are not remote.
"""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from accounts.tables import Branch, User
from core.clock import utcnow
from core.home_zone import HOME_ZONE, HOME_ZONE_NAME
from events.occurrence_upkeep import fill_missing_occurrences
from events.recurrence import series_ends_at
from events.tables import Event
from events.travel import parse_km

SHANGHAI = HOME_ZONE

SERIES: list[dict[str, Any]] = [
    {
        "title": "流动服务队上门:福贡县高山村寨反诈宣传",
        "branch": "NJ-FG",
        "venue": ("福贡县石月亮乡高山村寨", "福贡县石月亮乡", "village"),
        "start": "2025-03-04 09:00",
        "hours": 6,
        "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=25",
        "exdates": ["2025-07-15 09:00"],
        "host": "阿普",
        "travel_km": "62.5",
        "remote_area": True,
        "audiences": ["elderly", "rural"],
        "languages": ["lis", "zh"],
    },
    {
        "title": "流动服务队上门:兰坪县偏远村组独居老人反诈提醒",
        "branch": "NJ-LP",
        "venue": ("兰坪县河西乡偏远村组", "兰坪县河西乡", "village"),
        "start": "2025-03-06 09:00",
        "hours": 5,
        "rrule": "FREQ=WEEKLY;BYDAY=TH;COUNT=26",
        "exdates": [],
        "host": "和晓燕",
        "travel_km": "50.0",
        "remote_area": True,
        "audiences": ["elderly", "rural"],
        "languages": ["zh"],
    },
    {
        "title": "上门服务:六库城区行动不便老年客户",
        "branch": "NJ-LK",
        "venue": ("六库街道客户家中", "泸水市六库街道", "community"),
        "start": "2025-02-12 15:00",
        "hours": 2,
        "rrule": "FREQ=WEEKLY;BYDAY=WE;COUNT=40",
        "exdates": [],
        "host": "余春梅",
        "travel_km": "6.5",
        "remote_area": False,
        "audiences": ["elderly"],
        "languages": ["zh"],
    },
    {
        "title": "上门服务:泸水市社区残障客户金融服务",
        "branch": "NJ-LS",
        "venue": ("泸水市社区客户家中", "泸水市六库街道人民路", "community"),
        "start": "2025-03-07 15:00",
        "hours": 2,
        "rrule": "FREQ=WEEKLY;BYDAY=FR;COUNT=36",
        "exdates": [],
        "host": "普志强",
        "travel_km": "8.0",
        "remote_area": False,
        "audiences": ["elderly", "general"],
        "languages": ["lis", "zh"],
    },
]


def _local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


async def load_outreach() -> None:
    """Adds the home-visit series, then the occurrences of every demo event.

    Called last by the demo loader: the events it inserted as rows get their
    occurrence-table rows here too.
    """
    branches = {row["code"]: row["id"] for row in await Branch.select(Branch.code, Branch.id)}
    planner = await User.select(User.id).where(User.username == "nj_coord").first()
    for number, series in enumerate(SERIES, start=1):
        start = _local(series["start"])
        end = start + timedelta(hours=series["hours"])
        stamp = min(start - timedelta(days=14), utcnow())
        await Event.insert(
            Event(
                uid=f"nujiang-outreach-{number:02d}@fangzha",
                title=series["title"],
                kind="home_visit",
                campaign=None,
                branch=branches[series["branch"]],
                venue_name=series["venue"][0],
                venue_address=series["venue"][1],
                venue_type=series["venue"][2],
                starts_at=start,
                ends_at=end,
                series_ends_at=series_ends_at(start, end, HOME_ZONE_NAME, series["rrule"]),
                timezone=HOME_ZONE_NAME,
                rrule=series["rrule"],
                exdates=json.dumps(
                    [_local(x).astimezone(UTC).isoformat() for x in series["exdates"]]
                ),
                languages=json.dumps(series["languages"]),
                audiences=json.dumps(series["audiences"]),
                host=series["host"],
                description=f"{series['title']}。移动服务队携带反诈宣传资料入户讲解。",
                status="completed",
                visibility="internal",
                sequence=0,
                travel_km_tenths=parse_km(series["travel_km"]),
                remote_area=series["remote_area"],
                created_by=planner["id"] if planner else None,
                created_at=stamp,
                updated_at=stamp,
            )
        )
    await fill_missing_occurrences()
