"""What each export holds: the list filters, the caller's subtree, rows as sheet cells.

Exports are for staff and up and hold only their own branch subtree: unlike the
events list, another branch's public events are left out, as in the reports.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.caller import Caller
from accounts.scoping import subtree_ids_by_code, visible_branch_ids, within
from core.errors import Unprocessable
from core.money import format_fen
from events.event_rows import COLUMNS as EVENT_COLUMNS
from events.listing import EventFilter, _where
from events.recurrence import local_iso
from events.tables import Attendance, Event
from exports.spreadsheet import Cell, Table
from interceptions.csv_columns import (
    AGE_BAND_LABELS,
    CHANNEL_LABELS,
    EXPORT_COLUMNS,
    FRAUD_TYPE_LABELS,
    STATUS_LABELS,
)
from interceptions.queries import Filters
from interceptions.tables import Interception
from interceptions.views import COLUMNS as INTERCEPTION_COLUMNS
from interceptions.views import show_time

# Enough for a year of a large branch network; beyond it a file is no longer read by people.
MAX_ROWS = 100_000


def _check_size(count: int) -> None:
    if count > MAX_ROWS:
        raise Unprocessable(
            f"The export would hold {count} rows, more than {MAX_ROWS}; narrow the filters "
            "(a shorter from/to window, a branch or a campaign)."
        )


def _table(
    name: str, columns: dict[str, str], rows: list[dict[str, Cell]], free: set[str]
) -> Table:
    keys = list(columns)
    return Table(
        name=name,
        titles=list(columns.values()),
        rows=[[row[key] for key in keys] for row in rows],
        free_text=frozenset(i for i, key in enumerate(keys) if key in free),
    )


# ---------------------------------------------------------------- events

EVENT_TITLES: dict[str, str] = {
    "id": "活动ID",
    "title": "标题",
    "kind": "类型",
    "status": "状态",
    "visibility": "可见范围",
    "branch_code": "网点代码",
    "campaign_id": "宣传活动ID",
    "campaign_name": "宣传活动",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "timezone": "时区",
    "rrule": "重复规则",
    "venue_name": "场地",
    "venue_address": "地址",
    "venue_type": "场地类型",
    "host": "主讲人",
    "capacity": "容量",
    "languages": "语言",
    "audiences": "受众",
    "description": "说明",
    "uid": "UID",
    "sequence": "版本",
    "updated_at": "更新时间",
}
_EVENT_FREE = {
    "title",
    "campaign_name",
    "rrule",
    "venue_name",
    "venue_address",
    "host",
    "description",
    "uid",
}


def _listed(text: str | None) -> str:
    return ",".join(json.loads(text or "[]"))


def _event_cells(row: dict[str, Any]) -> dict[str, Cell]:
    zone = row["timezone"]
    return {
        **{key: row[key] for key in ("id", "title", "kind", "status", "visibility", "uid")},
        "branch_code": row["branch_code"],
        "campaign_id": row["campaign"],
        "campaign_name": row["campaign_name"],
        "starts_at": local_iso(row["starts_at"], zone),
        "ends_at": local_iso(row["ends_at"], zone),
        "timezone": zone,
        "rrule": row["rrule"],
        **{key: row[key] for key in ("venue_name", "venue_address", "venue_type", "host")},
        "capacity": row["capacity"],
        "languages": _listed(row["languages"]),
        "audiences": _listed(row["audiences"]),
        "description": row["description"],
        "sequence": row["sequence"],
        "updated_at": local_iso(row["updated_at"], zone),
    }


async def event_table(caller: Caller, f: EventFilter) -> Table:
    clauses = await _where(caller, f)
    own = within(Event.branch, await visible_branch_ids(caller))
    if own is not None:
        clauses.append(own)
    count = Event.count()
    query = Event.select(
        *EVENT_COLUMNS,
        Event.branch._.code.as_alias("branch_code"),
        Event.campaign._.name.as_alias("campaign_name"),
    )
    for clause in clauses:
        count = count.where(clause)
        query = query.where(clause)
    _check_size(await count)
    rows = await query.order_by(Event.starts_at).order_by(Event.id)
    return _table("活动", EVENT_TITLES, [_event_cells(r) for r in rows], _EVENT_FREE)


# ---------------------------------------------------------------- attendance

AUDIENCE_TITLES: dict[str, str] = {
    "elderly": "老年人",
    "students": "学生",
    "merchants": "商户",
    "rural": "农村居民",
    "migrant_workers": "务工人员",
    "general": "一般公众",
}
ATTENDANCE_TITLES: dict[str, str] = {
    "event_id": "活动ID",
    "title": "活动标题",
    "branch_code": "网点代码",
    "occurrence_start": "场次开始时间",
    "headcount": "受众人次",
    **{f"audience_{key}": f"其中{title}" for key, title in AUDIENCE_TITLES.items()},
    "materials_distributed": "发放资料(份)",
    "app_installs": "协助安装反诈APP",
    "notes": "备注",
    "recorded_by": "登记人",
    "recorded_at": "登记时间",
}
_ATTENDANCE_FREE = {"title", "notes", "recorded_by"}


@dataclass(frozen=True)
class AttendanceFilter:
    """`start` inclusive, `end` exclusive, on the occurrence's start."""

    start: datetime | None = None
    end: datetime | None = None
    branch: str | None = None
    campaign: int | None = None
    event: int | None = None


async def _attendance_where(caller: Caller, f: AttendanceFilter) -> list[Any]:
    clauses: list[Any] = []
    own = within(Attendance.event._.branch, await visible_branch_ids(caller))
    if own is not None:
        clauses.append(own)
    if f.branch:
        ids = await subtree_ids_by_code(f.branch)
        if ids is None:
            raise Unprocessable(f"There is no branch with code {f.branch[:40]}.")
        clauses.append(Attendance.event._.branch.is_in(ids))
    if f.start is not None:
        clauses.append(Attendance.occurrence_start >= f.start)
    if f.end is not None:
        clauses.append(Attendance.occurrence_start < f.end)
    if f.campaign is not None:
        clauses.append(Attendance.event._.campaign == f.campaign)
    if f.event is not None:
        clauses.append(Attendance.event == f.event)
    return clauses


def _attendance_cells(row: dict[str, Any]) -> dict[str, Cell]:
    zone = row["timezone"]
    by_audience = row["by_audience"]
    if isinstance(by_audience, str):
        by_audience = json.loads(by_audience or "{}")
    return {
        "event_id": row["event"],
        "title": row["title"],
        "branch_code": row["branch_code"],
        "occurrence_start": local_iso(row["occurrence_start"], zone),
        "headcount": row["headcount"],
        **{f"audience_{key}": by_audience.get(key) for key in AUDIENCE_TITLES},
        "materials_distributed": row["materials_distributed"],
        "app_installs": row["app_installs"],
        "notes": row["notes"],
        "recorded_by": row["recorded_by"],
        "recorded_at": local_iso(row["recorded_at"], zone),
    }


async def attendance_table(caller: Caller, f: AttendanceFilter) -> Table:
    clauses = await _attendance_where(caller, f)
    count = Attendance.count()
    query = Attendance.select(
        Attendance.event,
        Attendance.occurrence_start,
        Attendance.headcount,
        Attendance.by_audience,
        Attendance.materials_distributed,
        Attendance.app_installs,
        Attendance.notes,
        Attendance.recorded_at,
        Attendance.event._.title.as_alias("title"),
        Attendance.event._.timezone.as_alias("timezone"),
        Attendance.event._.branch._.code.as_alias("branch_code"),
        Attendance.recorded_by._.display_name.as_alias("recorded_by"),
    )
    for clause in clauses:
        count = count.where(clause)
        query = query.where(clause)
    _check_size(await count)
    rows = await query.order_by(Attendance.occurrence_start).order_by(Attendance.event)
    return _table("出勤", ATTENDANCE_TITLES, [_attendance_cells(r) for r in rows], _ATTENDANCE_FREE)


# ---------------------------------------------------------------- interceptions

# Everything a user typed; client_ref too, though an apostrophe then changes it on re-import.
_INTERCEPTION_FREE = {
    "client_ref",
    "description",
    "attribution_note",
    "police_case_no",
    "review_note",
    "logged_by",
}


def _interception_cells(row: dict[str, Any]) -> dict[str, Cell]:
    # Labels and local times as the import reads them back (interceptions/csv_columns.py).
    return {
        "id": row["id"],
        "client_ref": row["client_ref"],
        "occurred_at": show_time(row["occurred_at"]),
        "branch_code": row["branch_code"],
        "channel": CHANNEL_LABELS.get(row["channel"], row["channel"]),
        "fraud_type": FRAUD_TYPE_LABELS.get(row["fraud_type"], row["fraud_type"]),
        "amount_saved": format_fen(int(row["amount_saved_fen"])),
        "victim_age_band": AGE_BAND_LABELS.get(row["victim_age_band"], row["victim_age_band"]),
        "description": row["description"],
        "event_id": row["event"],
        "attribution_note": row["attribution_note"],
        "police_case_no": row["police_case_no"],
        "currency": row["currency"],
        "status": STATUS_LABELS.get(row["status"], row["status"]),
        "review_note": row["review_note"],
        "logged_by": row["logged_by_name"],
        "created_at": show_time(row["created_at"]),
    }


async def interception_table(caller: Caller, filters: Filters) -> Table:
    clauses = filters.clauses()
    own = within(Interception.branch, await visible_branch_ids(caller))
    if own is not None:
        clauses.append(own)
    count = Interception.count()
    query = Interception.select(
        *INTERCEPTION_COLUMNS,
        Interception.branch._.code.as_alias("branch_code"),
        Interception.logged_by._.display_name.as_alias("logged_by_name"),
    )
    for clause in clauses:
        count = count.where(clause)
        query = query.where(clause)
    _check_size(await count)
    rows = await query.order_by(Interception.occurred_at, ascending=False).order_by(
        Interception.id, ascending=False
    )
    return _table(
        "拦截记录", EXPORT_COLUMNS, [_interception_cells(r) for r in rows], _INTERCEPTION_FREE
    )
