"""The columns of each export: Chinese titles, kinds, and how a stored row fills them.

The interceptions sheet uses the titles, labels and local times that the CSV
import reads back (interceptions/csv_columns.py).
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from events.recurrence import zone_of
from exports.spreadsheet import Column, Kind, Row, Sheet, Value
from interceptions.csv_columns import (
    AGE_BAND_LABELS,
    CHANNEL_LABELS,
    EXPORT_COLUMNS,
    FRAUD_TYPE_LABELS,
    GUARDED_COLUMNS,
    STATUS_LABELS,
)
from interceptions.display import DISPLAY_ZONE


def _key(name: str) -> Callable[[Row], Value]:
    return lambda row: row[name]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _in_own_zone(name: str) -> Callable[[Row], Value]:
    """An instant shown in the event's own zone, as the event's page shows it."""

    def value(row: Row) -> Value:
        instant = row[name]
        return None if instant is None else _aware(instant).astimezone(zone_of(row["timezone"]))

    return value


def _in_home_zone(name: str) -> Callable[[Row], Value]:
    def value(row: Row) -> Value:
        instant = row[name]
        return None if instant is None else _aware(instant).astimezone(DISPLAY_ZONE)

    return value


def _labelled(name: str, labels: dict[str, str]) -> Callable[[Row], Value]:
    return lambda row: labels.get(row[name], row[name])


def _listed(name: str) -> Callable[[Row], Value]:
    def value(row: Row) -> Value:
        raw: Any = row[name]
        items = json.loads(raw or "[]") if isinstance(raw, str) else raw or []
        return ",".join(items)

    return value


# ---------------------------------------------------------------- events

EVENTS = Sheet(
    name="活动",
    stem="活动",
    ascii_stem="events",
    columns=(
        Column("活动ID", Kind.ID, _key("id")),
        Column("标题", Kind.TYPED, _key("title")),
        Column("类型", Kind.TEXT, _key("kind")),
        Column("状态", Kind.TEXT, _key("status")),
        Column("可见范围", Kind.TEXT, _key("visibility")),
        Column("网点代码", Kind.TEXT, _key("branch_code")),
        Column("宣传活动ID", Kind.ID, _key("campaign")),
        Column("宣传活动", Kind.TYPED, _key("campaign_name")),
        Column("开始时间", Kind.INSTANT, _in_own_zone("starts_at")),
        Column("结束时间", Kind.INSTANT, _in_own_zone("ends_at")),
        Column("时区", Kind.TEXT, _key("timezone")),
        Column("重复规则", Kind.TYPED, _key("rrule")),
        Column("场地", Kind.TYPED, _key("venue_name")),
        Column("地址", Kind.TYPED, _key("venue_address")),
        Column("场地类型", Kind.TEXT, _key("venue_type")),
        Column("主讲人", Kind.TYPED, _key("host")),
        Column("容量", Kind.NUMBER, _key("capacity")),
        Column("语言", Kind.TEXT, _listed("languages")),
        Column("受众", Kind.TEXT, _listed("audiences")),
        Column("说明", Kind.TYPED, _key("description")),
        Column("UID", Kind.TYPED, _key("uid")),
        Column("版本", Kind.NUMBER, _key("sequence")),
        Column("更新时间", Kind.INSTANT, _in_own_zone("updated_at")),
    ),
)

# ---------------------------------------------------------------- attendance

AUDIENCE_TITLES: dict[str, str] = {
    "elderly": "老年人",
    "students": "学生",
    "merchants": "商户",
    "rural": "农村居民",
    "migrant_workers": "务工人员",
    "general": "一般公众",
}


def _audience(key: str) -> Callable[[Row], Value]:
    def value(row: Row) -> Value:
        counts: Any = row["by_audience"]
        if isinstance(counts, str):
            counts = json.loads(counts or "{}")
        found = (counts or {}).get(key)
        return found if isinstance(found, int) else None

    return value


ATTENDANCE = Sheet(
    name="出勤",
    stem="出勤",
    ascii_stem="attendance",
    columns=(
        Column("活动ID", Kind.ID, _key("event")),
        Column("活动标题", Kind.TYPED, _key("title")),
        Column("网点代码", Kind.TEXT, _key("branch_code")),
        Column("场次开始时间", Kind.INSTANT, _in_own_zone("occurrence_start")),
        Column("受众人次", Kind.COUNT, _key("headcount")),
        *(
            Column(f"其中{title}", Kind.COUNT, _audience(key))
            for key, title in AUDIENCE_TITLES.items()
        ),
        Column("发放资料(份)", Kind.COUNT, _key("materials_distributed")),
        Column("协助安装反诈APP", Kind.COUNT, _key("app_installs")),
        Column("备注", Kind.TYPED, _key("notes")),
        Column("登记人", Kind.TYPED, _key("recorded_by")),
        Column("登记时间", Kind.INSTANT, _in_own_zone("recorded_at")),
    ),
)

# ---------------------------------------------------------------- interceptions

_INTERCEPTION_VALUES: dict[str, Callable[[Row], Value]] = {
    "id": _key("id"),
    "client_ref": _key("client_ref"),
    "occurred_at": _in_home_zone("occurred_at"),
    "branch_code": _key("branch_code"),
    "channel": _labelled("channel", CHANNEL_LABELS),
    "fraud_type": _labelled("fraud_type", FRAUD_TYPE_LABELS),
    "amount_saved": lambda row: int(row["amount_saved_fen"]),
    "victim_age_band": _labelled("victim_age_band", AGE_BAND_LABELS),
    "description": _key("description"),
    "event_id": _key("event"),
    "attribution_note": _key("attribution_note"),
    "police_case_no": _key("police_case_no"),
    "currency": _key("currency"),
    "status": _labelled("status", STATUS_LABELS),
    "review_note": _key("review_note"),
    "logged_by": _key("logged_by_name"),
    "created_at": _in_home_zone("created_at"),
}
_INTERCEPTION_KINDS = {
    "id": Kind.ID,
    "event_id": Kind.ID,
    "occurred_at": Kind.INSTANT,
    "created_at": Kind.INSTANT,
    "amount_saved": Kind.MONEY,
}


def _interception_kind(name: str) -> Kind:
    if name in GUARDED_COLUMNS:
        return Kind.TYPED
    return _INTERCEPTION_KINDS.get(name, Kind.TEXT)


INTERCEPTIONS = Sheet(
    name="拦截记录",
    stem="拦截记录",
    ascii_stem="interceptions",
    columns=tuple(
        Column(title, _interception_kind(name), _INTERCEPTION_VALUES[name])
        for name, title in EXPORT_COLUMNS.items()
    ),
)
