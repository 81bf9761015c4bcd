"""The demo's present, generated for the day it is loaded.

A demo loaded on any day shows a campaign running now, events held in the
recent weeks (with attendance and a few verified and pending interceptions) and
public events in the weeks ahead, so the home page is never empty. Five public
events begin within four weeks of the load day, whatever its hour: the whole
network's poster (a month ahead, four events) then always shows its "more" line.

Nothing generated may change the fixed 2025 history in `nujiang.py` (9 lectures,
11 verified interceptions, 860,000.00 yuan, the home visits): past activity lies
in the load day's own year and never before `HISTORY_ENDS`, and upcoming events
of a kind the report counts (lectures, home visits) are left out when they would
fall before it. A demo loaded on 1 January has no past activity yet; one loaded
in 2025 (only a test moving the clock does that) has upcoming salons and visits
but adds nothing the 2025 report counts.

The rows have the shapes of `nujiang.py`'s lists; an interception's event is an
index into `Present.events`.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.demo.nujiang import HISTORY_ENDS

# Kinds whose held events the 2025 report counts (lectures; home visits for outreach).
ARTICLE_KINDS = frozenset({"lecture", "home_visit"})
CAMPAIGN = "current"


@dataclass(frozen=True)
class _Event:
    key: str
    days: int  # from the load day, in the branch's local calendar
    clock: str
    title: str
    kind: str
    branch: str
    venue: tuple[str, str, str]
    hours: float
    host: str
    audiences: list[str]
    languages: list[str]
    status: str = "scheduled"
    visibility: str = "public"
    rrule: str | None = None


@dataclass(frozen=True)
class _Interception:
    event: str | None
    days: int
    clock: str
    branch: str
    staff: str
    channel: str
    fraud_type: str
    amount: str
    age_band: str
    description: str
    status: str


_RECENT = [
    _Event(
        "village",
        -30,
        "14:00",
        "反诈宣讲进村寨：识破虚假投资理财",
        "lecture",
        "NJ-LP",
        ("金顶镇箐头村村委会", "兰坪县金顶镇箐头村", "village"),
        2,
        "和晓燕",
        ["rural", "elderly"],
        ["zh"],
        "completed",
    ),
    _Event(
        "salon",
        -21,
        "10:00",
        "厅堂微沙龙：警惕冒充客服退款",
        "salon",
        "NJ-YYS",
        ("怒江分行营业室大厅", "泸水市六库街道穿城路", "branch_hall"),
        1,
        "李建华",
        ["elderly", "general"],
        ["zh"],
        "completed",
    ),
    _Event(
        "college",
        -14,
        "15:00",
        "走进怒江职业技术学院：反诈进校园",
        "campus_visit",
        "NJ-LK",
        ("怒江职业技术学院图书馆报告厅", "泸水市六库街道", "campus"),
        1.5,
        "余春梅",
        ["students"],
        ["zh"],
        "completed",
    ),
    _Event(
        "lisu",
        -7,
        "19:30",
        "傈僳语反诈宣讲：冒充公检法的电话怎么辨",
        "lecture",
        "NJ-LS",
        ("向阳社区活动室", "泸水市六库街道向阳社区", "community"),
        1.5,
        "普志强",
        ["elderly", "general"],
        ["lis", "zh"],
        "completed",
    ),
    _Event(
        "home",
        -3,
        "09:00",
        "移动服务队上门：独居老人反诈提醒",
        "home_visit",
        "NJ-FG",
        ("上帕镇腊竹底村", "福贡县上帕镇", "other"),
        3,
        "阿普",
        ["elderly"],
        ["lis", "zh"],
        "completed",
        "internal",
    ),
]

_UPCOMING = [
    _Event(
        "weekly",
        3,
        "10:00",
        "厅堂微沙龙：识别虚假网络贷款",
        "salon",
        "NJ-YYS",
        ("怒江分行营业室大厅", "泸水市六库街道穿城路", "branch_hall"),
        1,
        "李建华",
        ["general"],
        ["zh"],
        rrule="FREQ=WEEKLY;COUNT=8",
    ),
    _Event(
        "training",
        5,
        "17:30",
        "员工反诈新案例内部通报会",
        "other",
        "NJ",
        ("怒江分行三楼会议室", "泸水市六库街道", "branch_hall"),
        1,
        "和丽芳",
        ["general"],
        ["zh"],
        visibility="internal",
    ),
    _Event(
        "amaya",
        10,
        "14:00",
        "反诈宣传进村寨：鹿马登乡阿亚比村",
        "village_visit",
        "NJ-FG",
        ("鹿马登乡阿亚比村活动室", "福贡县鹿马登乡", "village"),
        2,
        "阿普",
        ["rural", "elderly"],
        ["lis", "zh"],
    ),
    _Event(
        "draft",
        16,
        "10:00",
        "兰坪县支行反诈讲座(草稿)",
        "lecture",
        "NJ-LP",
        ("兰坪县支行营业厅", "兰坪县金顶镇", "branch_hall"),
        1.5,
        "和晓燕",
        ["general"],
        ["zh"],
        "draft",
    ),
    _Event(
        "pension",
        17,
        "10:00",
        "六库支行反诈讲座：守好养老“钱袋子”",
        "lecture",
        "NJ-LK",
        ("六库支行营业厅", "泸水市六库街道向阳路", "branch_hall"),
        1.5,
        "余春梅",
        ["elderly"],
        ["zh"],
    ),
    _Event(
        "school",
        24,
        "15:00",
        "走进怒江州民族中学：假期前反诈提醒",
        "campus_visit",
        "NJ-LS",
        ("怒江州民族中学报告厅", "泸水市六库街道", "campus"),
        1.5,
        "普志强",
        ["students"],
        ["zh", "lis"],
    ),
    _Event(
        "park",
        27,
        "10:00",
        "走进园区企业：警惕刷单返利",
        "enterprise_visit",
        "NJ-LK",
        ("六库工业园区职工之家", "泸水市六库工业园区", "enterprise"),
        1.5,
        "余春梅",
        ["migrant_workers", "general"],
        ["zh"],
    ),
]

_INTERCEPTIONS = [
    _Interception(
        "village",
        -27,
        "10:20",
        "NJ-LP",
        "lp_staff",
        "counter",
        "fake_investment",
        "56000.00",
        "60_plus",
        "村民听宣讲后来网点核实“高收益理财”,柜员劝阻转账。",
        "verified",
    ),
    _Interception(
        None,
        -10,
        "11:40",
        "NJ-YYS",
        "yys_staff",
        "atm",
        "fake_customer_service",
        "18000.00",
        "35_59",
        "ATM旁客户按“快递客服”指示操作退款,现场劝阻。",
        "verified",
    ),
    _Interception(
        "lisu",
        -5,
        "16:10",
        "NJ-LS",
        "ls_staff",
        "counter",
        "impersonating_authorities",
        "30000.00",
        "60_plus",
        "老人称“公安”要求转账到安全账户,专员双语劝阻,待核实。",
        "logged",
    ),
    _Interception(
        "college",
        -2,
        "15:30",
        "NJ-LK",
        "lk_staff",
        "phone_callback",
        "order_brushing",
        "6000.00",
        "18_34",
        "学生参与刷单返利,回访中止转账,待核实。",
        "logged",
    ),
]


@dataclass(frozen=True)
class Present:
    campaigns: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]
    interceptions: list[tuple[Any, ...]]


def _on(today: date, days: int, clock: str) -> str:
    return f"{today + timedelta(days=days):%Y-%m-%d} {clock}"


def _kept(event: _Event, today: date, floor: date) -> bool:
    day = today + timedelta(days=event.days)
    if event.days < 0:
        return day >= floor
    return event.kind not in ARTICLE_KINDS or day >= HISTORY_ENDS


def present(today: date) -> Present:
    """The campaign, recent activity and upcoming events for a demo loaded on `today`."""
    # Past activity belongs to the load day's year, and never to the closed history.
    floor = max(HISTORY_ENDS, date(today.year, 1, 1))
    starts = min(max(today - timedelta(days=42), floor), today)
    campaign = (
        CAMPAIGN,
        f"{starts.year}年“反诈宣传进村寨、进校园、进厅堂”专项活动",
        "local",
        starts,
        today + timedelta(days=56),
        "NJ",
        (10, 600, 3, 150000),
    )
    events = [e for e in [*_RECENT, *_UPCOMING] if _kept(e, today, floor)]
    index = {e.key: number for number, e in enumerate(events)}
    rows = [
        (
            e.title,
            e.kind,
            CAMPAIGN,
            e.branch,
            e.venue,
            _on(today, e.days, e.clock),
            e.hours,
            e.host,
            e.audiences,
            e.languages,
            e.status,
            e.visibility,
            e.rrule,
        )
        for e in events
    ]
    interceptions = [
        (
            None if i.event is None else index[i.event],
            i.branch,
            i.staff,
            _on(today, i.days, i.clock),
            i.channel,
            i.fraud_type,
            i.amount,
            i.age_band,
            i.description,
            i.status,
        )
        for i in _INTERCEPTIONS
        if today + timedelta(days=i.days) >= floor and (i.event is None or i.event in index)
    ]
    return Present([campaign], rows, interceptions)
