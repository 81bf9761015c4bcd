"""The per-event report as a spreadsheet: every event of the report's filters, in its order.

Pages come from the report's own query (exports/reports.py event_impact), so the
file holds exactly the numbers of `GET /api/reports/events`, PAGE_ROWS at a time.
"""

from datetime import datetime

from app.pages.coordinator.choices import STATUSES
from app.pages.labels import KINDS
from core.money import parse_amount
from exports import reports
from exports.export_rows import PAGE_ROWS, Pages
from exports.spreadsheet import Column, Kind, Row, Sheet


def _row(item: reports.EventImpact) -> Row:
    return {
        "event_id": item.event_id,
        "title": item.title,
        "kind": KINDS.get(item.kind, item.kind),
        "status": STATUSES[item.status][0] if item.status in STATUSES else item.status,
        # Already in the event's own zone, as the report shows it.
        "starts_at": datetime.fromisoformat(item.starts_at),
        "occurrences_held": item.occurrences_held,
        "attendees": item.attendees,
        "interceptions": item.interceptions,
        "interceptions_pending": item.interceptions_pending,
        "fen_saved": parse_amount(item.amount_saved),
        "fen_pending": parse_amount(item.amount_pending),
        "fen_per_attendee": (
            None if item.amount_per_attendee is None else parse_amount(item.amount_per_attendee)
        ),
    }


IMPACT = Sheet(
    name="活动成效",
    stem="活动成效",
    ascii_stem="event-impact",
    columns=(
        Column("活动ID", Kind.ID, lambda row: row["event_id"]),
        Column("标题", Kind.TYPED, lambda row: row["title"]),
        Column("类型", Kind.TEXT, lambda row: row["kind"]),
        Column("状态", Kind.TEXT, lambda row: row["status"]),
        Column("开始时间", Kind.INSTANT, lambda row: row["starts_at"]),
        Column("举办场次", Kind.COUNT, lambda row: row["occurrences_held"]),
        Column("受众人次", Kind.COUNT, lambda row: row["attendees"]),
        Column("已核实拦截(笔)", Kind.COUNT, lambda row: row["interceptions"]),
        Column("待核实拦截(笔)", Kind.COUNT, lambda row: row["interceptions_pending"]),
        Column("挽回金额(元)", Kind.MONEY, lambda row: row["fen_saved"]),
        Column("待核实金额(元)", Kind.MONEY, lambda row: row["fen_pending"]),
        Column("人均挽回金额(元)", Kind.RATE, lambda row: row["fen_per_attendee"]),
    ),
)


async def impact_pages(scope: reports.ReportScope, sort: str) -> Pages:
    """Every event of the report, PAGE_ROWS at a time, in the report's order."""
    offset = 0
    while True:
        items, total = await reports.event_impact(scope, sort, PAGE_ROWS, offset)
        if items:
            yield [_row(item) for item in items]
        offset += len(items)
        if not items or offset >= total:
            return
