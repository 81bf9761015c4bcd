"""Campaigns: national weeks and local drives that group events, with their goals."""

from datetime import UTC, datetime
from typing import Any

import msgspec

from accounts.caller import Caller
from accounts.feed_version import bump_feed_version
from accounts.roles import Role, at_least
from accounts.scoping import visible_branch_ids
from accounts.tables import Branch
from core.errors import Conflict, Forbidden, NotFound, Unprocessable
from core.money import AmountError, format_fen, parse_amount
from core.transactions import lock_key, write_transaction
from events.schemas import CampaignCreate, CampaignOut, CampaignUpdate, Goals, GoalsPatch
from events.tables import Campaign, Event

_COLUMNS = (
    Campaign.id,
    Campaign.name,
    Campaign.theme,
    Campaign.starts_on,
    Campaign.ends_on,
    Campaign.branch,
    Campaign.description,
    Campaign.goal_events,
    Campaign.goal_attendees,
    Campaign.goal_interceptions,
    Campaign.goal_amount_fen,
    Campaign.created_at,
    Campaign.updated_at,
)


def campaign_key(campaign_id: int) -> int:
    """Guards a campaign's membership: an event joins it, or it is deleted, not both at once."""
    return lock_key("campaign", campaign_id)


def to_campaign_out(row: dict[str, Any]) -> CampaignOut:
    amount = row["goal_amount_fen"]
    return CampaignOut(
        id=row["id"],
        name=row["name"],
        theme=row["theme"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        branch_id=row["branch"],
        description=row["description"],
        goals=Goals(
            events=row["goal_events"],
            attendees=row["goal_attendees"],
            interceptions=row["goal_interceptions"],
            amount_saved=None if amount is None else format_fen(amount),
        ),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def readable_campaign_branches(caller: Caller) -> list[int] | None:
    """A campaign is readable from its branch's subtree: national weeks run from the root."""
    subtree = await visible_branch_ids(caller)
    if subtree is None:
        return None
    ancestors = [int(part) for part in caller.branch_path.strip("/").split("/") if part]
    return sorted(set(subtree) | set(ancestors))


async def _where_readable(caller: Caller) -> Any:
    ids = await readable_campaign_branches(caller)
    return None if ids is None else Campaign.branch.is_in(ids or [-1])


async def list_campaigns(caller: Caller, limit: int, offset: int) -> tuple[list[CampaignOut], int]:
    clause = await _where_readable(caller)
    query = Campaign.select(*_COLUMNS).order_by(Campaign.starts_on).order_by(Campaign.id)
    count = Campaign.count()
    if clause is not None:
        query = query.where(clause)
        count = count.where(clause)
    rows = await query.limit(limit).offset(offset)
    return [to_campaign_out(r) for r in rows], await count


async def get_campaign(caller: Caller, campaign_id: int) -> CampaignOut:
    query = Campaign.select(*_COLUMNS).where(Campaign.id == campaign_id)
    clause = await _where_readable(caller)
    if clause is not None:
        query = query.where(clause)
    row = await query.first()
    if row is None:
        raise NotFound("Campaign", campaign_id)
    return to_campaign_out(row)


async def require_campaign_for_event(caller: Caller, campaign_id: int) -> None:
    """An event may join any campaign its planner can read."""
    await get_campaign(caller, campaign_id)


async def _require_owner(caller: Caller, branch_id: int) -> None:
    if not at_least(caller.role, Role.COORDINATOR):
        raise Forbidden(detail="Only coordinators and admins can manage campaigns.")
    if not await Branch.exists().where(Branch.id == branch_id):
        raise Unprocessable("Branch {branch_id} does not exist.", branch_id=branch_id)
    ids = await visible_branch_ids(caller)
    if ids is not None and branch_id not in ids:
        raise Forbidden(
            detail="You can manage campaigns only of your own branch and its sub-branches."
        )


def _goal_values(goals: Goals | GoalsPatch) -> dict[Any, Any]:
    """Column values of the goals that were sent; an amount becomes fen."""
    values: dict[Any, Any] = {
        Campaign.goal_events: goals.events,
        Campaign.goal_attendees: goals.attendees,
        Campaign.goal_interceptions: goals.interceptions,
    }
    amount = goals.amount_saved
    try:
        values[Campaign.goal_amount_fen] = (
            amount if amount is None or amount is msgspec.UNSET else parse_amount(str(amount))
        )
    except AmountError as exc:
        raise Unprocessable("goals.amount_saved {exc}", exc=exc) from exc
    return {column: value for column, value in values.items() if value is not msgspec.UNSET}


def _check_dates(starts_on: Any, ends_on: Any) -> None:
    if ends_on < starts_on:
        raise Unprocessable("ends_on must be on or after starts_on.")


async def create_campaign(caller: Caller, data: CampaignCreate) -> CampaignOut:
    branch_id = data.branch_id or caller.branch_id
    await _require_owner(caller, branch_id)
    _check_dates(data.starts_on, data.ends_on)
    goals = {column._meta.name: value for column, value in _goal_values(data.goals).items()}
    now = datetime.now(UTC)
    rows = await Campaign.insert(
        Campaign(
            name=data.name,
            theme=data.theme,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            branch=branch_id,
            description=data.description,
            created_at=now,
            updated_at=now,
            **goals,
        )
    ).returning(Campaign.id)
    return await get_campaign(caller, rows[0]["id"])


async def update_campaign(caller: Caller, campaign_id: int, data: CampaignUpdate) -> CampaignOut:
    async with write_transaction(Campaign):
        current = await get_campaign(caller, campaign_id)
        await _require_owner(caller, current.branch_id)
        values: dict[Any, Any] = {}
        for field in ("name", "theme", "starts_on", "ends_on", "description"):
            value = getattr(data, field)
            if value is not msgspec.UNSET:
                values[getattr(Campaign, field)] = value
        if isinstance(data.branch_id, int):
            await _require_owner(caller, data.branch_id)
            values[Campaign.branch] = data.branch_id
        if isinstance(data.goals, GoalsPatch):
            values.update(_goal_values(data.goals))
        _check_dates(
            values.get(Campaign.starts_on, current.starts_on),
            values.get(Campaign.ends_on, current.ends_on),
        )
        if values:
            values[Campaign.updated_at] = datetime.now(UTC)
            await Campaign.update(values).where(Campaign.id == campaign_id)
            await bump_feed_version()
    return await get_campaign(caller, campaign_id)


async def delete_campaign(caller: Caller, campaign_id: int) -> None:
    """Refused while events belong to it: detaching them would silently rewrite the plan."""
    async with write_transaction(Campaign, campaign_key(campaign_id)):
        current = await get_campaign(caller, campaign_id)
        await _require_owner(caller, current.branch_id)
        events = await Event.count().where(Event.campaign == campaign_id)
        if events:
            raise Conflict(
                "Campaign {campaign_id} still has {events} event(s); move or delete them first.",
                campaign_id=campaign_id,
                events=events,
            )
        await Campaign.delete().where(Campaign.id == campaign_id)
        await bump_feed_version()
