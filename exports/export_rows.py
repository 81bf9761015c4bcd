"""The rows each export holds, read page by page: list filters, the caller's subtree.

Exports are for staff and up and hold only their own branch subtree: unlike the
events list, another branch's public events are left out, as in the reports.
Pages follow the sort key (keyset paging), so each page costs the same however
deep into the export it lies, and no more than a page is ever held in memory.
Rows written while an export runs may or may not be in it.
"""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.columns import Column
from piccolo.query import Select
from piccolo.query.functions.aggregate import Count, Sum
from piccolo.query.functions.string import Length

from accounts.caller import Caller
from accounts.scoping import subtree_ids_by_code, visible_branch_ids, within
from core.errors import Unprocessable
from events.event_rows import COLUMNS as EVENT_COLUMNS
from events.listing import EventFilter, event_clauses
from events.tables import Attendance, Event
from exports.spreadsheet import Row
from interceptions.display import COLUMNS as INTERCEPTION_COLUMNS
from interceptions.queries import Filters
from interceptions.tables import Interception

PAGE_ROWS = 2_000

Pages = AsyncIterator[list[Row]]


def _after(first: Column, second: Column, last: Row, descending: bool) -> Any:
    # Written so that the range on the first key can use its index.
    a, b = last[first._meta.name], last[second._meta.name]
    if descending:
        return (first <= a) & ((first < a) | (second < b))
    return (first >= a) & ((first > a) | (second > b))


async def keyset_pages(
    select: Callable[[], Select], first: Column, second: Column, *, descending: bool = False
) -> Pages:
    """Every row of `select()` in (first, second) order, PAGE_ROWS at a time."""
    last: Row | None = None
    while True:
        query = select().order_by(first, second, ascending=not descending).limit(PAGE_ROWS)
        if last is not None:
            query = query.where(_after(first, second, last, descending))
        rows: list[Row] = await query
        if rows:
            yield rows
        if len(rows) < PAGE_ROWS:
            return
        last = rows[-1]


def _filtered(select: Callable[[], Select], clauses: list[Any]) -> Callable[[], Select]:
    def build() -> Select:
        query = select()
        for clause in clauses:
            query = query.where(clause)
        return query

    return build


# ---------------------------------------------------------------- events


async def event_pages(caller: Caller, f: EventFilter) -> Pages:
    clauses = await event_clauses(caller, f)
    own = within(Event.branch, await visible_branch_ids(caller))
    if own is not None:
        clauses.append(own)

    def select() -> Select:
        return Event.select(
            *EVENT_COLUMNS,
            Event.branch._.code.as_alias("branch_code"),
            Event.campaign._.name.as_alias("campaign_name"),
        )

    return keyset_pages(_filtered(select, clauses), Event.starts_at, Event.id)


# ---------------------------------------------------------------- attendance


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
            raise Unprocessable("There is no branch with code {branch}.", branch=f.branch[:40])
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


async def attendance_pages(caller: Caller, f: AttendanceFilter) -> Pages:
    clauses = await _attendance_where(caller, f)

    def select() -> Select:
        return Attendance.select(
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

    # (occurrence, event) is unique: one record per occurrence.
    return keyset_pages(_filtered(select, clauses), Attendance.occurrence_start, Attendance.event)


# ---------------------------------------------------------------- interceptions


async def _interception_clauses(caller: Caller, filters: Filters) -> list[Any]:
    clauses = filters.clauses()
    own = within(Interception.branch, await visible_branch_ids(caller))
    if own is not None:
        clauses.append(own)
    return clauses


_TYPED = (
    Interception.client_ref,
    Interception.description,
    Interception.attribution_note,
    Interception.police_case_no,
    Interception.review_note,
)


async def interception_size(caller: Caller, filters: Filters) -> tuple[int, int]:
    """Rows and characters of typed text the interceptions export would hold, in one pass."""
    query = Interception.select(
        Count(alias="rows"),
        *(Sum(Length(column), alias=f"chars_{n}") for n, column in enumerate(_TYPED)),
    )
    for clause in await _interception_clauses(caller, filters):
        query = query.where(clause)
    found = (await query)[0]
    return int(found["rows"]), sum(int(found[f"chars_{n}"] or 0) for n in range(len(_TYPED)))


async def interception_pages(caller: Caller, filters: Filters) -> Pages:
    """Newest first, as the interceptions list shows them."""
    clauses = await _interception_clauses(caller, filters)

    def select() -> Select:
        return Interception.select(
            *INTERCEPTION_COLUMNS,
            Interception.branch._.code.as_alias("branch_code"),
            Interception.logged_by._.display_name.as_alias("logged_by_name"),
        )

    return keyset_pages(
        _filtered(select, clauses), Interception.occurred_at, Interception.id, descending=True
    )
