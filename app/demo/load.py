"""Loads the Nujiang demo into an empty database: its fixed 2025 history (nujiang.py) and
its present, generated for the day it is loaded (current.py)."""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from accounts.feed_version import bump_feed_version
from accounts.passwords import make_password_hash
from accounts.tables import Branch, User
from app.demo import current, nujiang
from app.demo.outreach import load_outreach
from app.demo.password import DemoPassword, new_demo_password
from app.demo.tables import DemoAccount
from core.clock import utcnow
from core.home_zone import HOME_ZONE, HOME_ZONE_NAME
from core.money import parse_amount
from core.transactions import write_transaction
from events.recurrence import series_ends_at
from events.tables import Attendance, Campaign, Event
from interceptions.tables import Interception, InterceptionChange

SHANGHAI = HOME_ZONE


def _local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


@dataclass(frozen=True)
class LoadedDemo(DemoPassword):
    """The demo users' password (shown once, only its hash is kept) and the day loaded."""

    day: date


async def load_demo(only_if_empty: bool = True) -> LoadedDemo | None:
    """Load the demo, all of it or nothing; None when the database already had data."""
    if only_if_empty and await Branch.count() > 0:
        return None
    password = new_demo_password()
    password_hash = await make_password_hash(password)
    day = utcnow().astimezone(SHANGHAI).date()
    present = current.present(day)
    async with write_transaction(Branch):
        # Asked again inside the transaction: of two loads at once, the second writes nothing.
        if only_if_empty and await Branch.count() > 0:
            return None
        branch_ids = await _branches()
        user_ids = await _users(branch_ids, password_hash)
        campaign_ids = await _campaigns(branch_ids, [*nujiang.CAMPAIGNS, *present.campaigns])
        event_ids = await _events(branch_ids, user_ids, campaign_ids, nujiang.EVENTS)
        await _interceptions(branch_ids, user_ids, event_ids, nujiang.INTERCEPTIONS)
        recent_ids = await _events(
            branch_ids, user_ids, campaign_ids, present.events, len(event_ids)
        )
        await _interceptions(
            branch_ids,
            user_ids,
            recent_ids,
            present.interceptions,
            len(nujiang.INTERCEPTIONS),
        )
        # Last: it also fills the occurrence table for every demo event above.
        await load_outreach()
        # A server that already answered feeds learns of the demo like of any write.
        await bump_feed_version()
    return LoadedDemo(password, list(user_ids), day)


async def _branches() -> dict[str, int]:
    ids: dict[str, int] = {}
    paths: dict[str, str] = {}
    for code, name, parent, languages, address in nujiang.BRANCHES:
        rows = await Branch.insert(
            Branch(
                code=code,
                name=name,
                parent=ids.get(parent) if parent else None,
                path="",
                languages=json.dumps(languages),
                address=address,
                phone=nujiang.PHONES.get(code, ""),
            )
        ).returning(Branch.id)
        ids[code] = rows[0]["id"]
        paths[code] = f"{paths[parent] if parent else '/'}{ids[code]}/"
        await Branch.update({Branch.path: paths[code]}).where(Branch.id == ids[code])
    return ids


async def _users(branch_ids: dict[str, int], password_hash: str) -> dict[str, int]:
    ids: dict[str, int] = {}
    for username, display_name, role, code in nujiang.USERS:
        rows = await User.insert(
            User(
                username=username,
                display_name=display_name,
                role=role,
                branch=branch_ids[code],
                password_hash=password_hash,
                active=True,
                created_at=utcnow(),
            )
        ).returning(User.id)
        ids[username] = rows[0]["id"]
        await DemoAccount.insert(DemoAccount(user=ids[username], loaded_at=utcnow()))
    return ids


async def _campaigns(branch_ids: dict[str, int], campaigns: list[Any]) -> dict[str, int]:
    ids: dict[str, int] = {}
    now = utcnow()
    for key, name, theme, starts, ends, code, goals in campaigns:
        events, attendees, interceptions, yuan = goals
        rows = await Campaign.insert(
            Campaign(
                name=name,
                theme=theme,
                starts_on=starts,
                ends_on=ends,
                branch=branch_ids[code],
                description="",
                goal_events=events,
                goal_attendees=attendees,
                goal_interceptions=interceptions,
                goal_amount_fen=None if yuan is None else yuan * 100,
                created_at=now,
                updated_at=now,
            )
        ).returning(Campaign.id)
        ids[key] = rows[0]["id"]
    return ids


async def _events(
    branch_ids: dict[str, int],
    user_ids: dict[str, int],
    campaign_ids: dict[str, int],
    events: list[Any],
    numbered_after: int = 0,
) -> list[int]:
    ids: list[int] = []
    for number, spec in enumerate(events, start=numbered_after + 1):
        (
            title,
            kind,
            campaign,
            code,
            venue,
            local_start,
            hours,
            host,
            audiences,
            languages,
            status,
            visibility,
            rule,
        ) = spec
        start = _local(local_start)
        duration = timedelta(hours=hours)
        # Planned two weeks ahead; never stamped later than now, as a real edit could not be.
        stamp = min(start - timedelta(days=14), utcnow())
        rows = await Event.insert(
            Event(
                uid=f"nujiang-demo-{number:03d}@fangzha",
                title=title,
                kind=kind,
                campaign=campaign_ids[campaign] if campaign else None,
                branch=branch_ids[code],
                venue_name=venue[0],
                venue_address=venue[1],
                venue_type=venue[2],
                starts_at=start,
                ends_at=start + duration,
                series_ends_at=series_ends_at(start, start + duration, HOME_ZONE_NAME, rule),
                timezone=HOME_ZONE_NAME,
                rrule=rule,
                exdates="[]",
                capacity=80,
                languages=json.dumps(languages),
                audiences=json.dumps(audiences),
                host=host,
                description=f"{title}。主讲:{host}。欢迎群众参加,现场提供反诈宣传资料。",
                status=status,
                visibility=visibility,
                sequence=1 if status == "cancelled" else 0,
                cancel_reason="暴雨天气,道路中断" if status == "cancelled" else "",
                cancelled_at=stamp + timedelta(days=10) if status == "cancelled" else None,
                created_by=user_ids["nj_coord"],
                created_at=stamp,
                updated_at=stamp + timedelta(days=10) if status == "cancelled" else stamp,
            )
        ).returning(Event.id)
        ids.append(rows[0]["id"])
        if status == "completed":
            await _attendance(rows[0]["id"], start, audiences, user_ids, code)
    return ids


async def _attendance(
    event_id: int, start: datetime, audiences: list[str], user_ids: dict[str, int], code: str
) -> None:
    headcount = 30 + (event_id * 17) % 70
    first = audiences[0]
    staff = (
        next(u for u, _, role, c in nujiang.USERS if c == code and role == "staff")
        if code != "NJ"
        else "nj_coord"
    )
    await Attendance.insert(
        Attendance(
            event=event_id,
            occurrence_start=start,
            headcount=headcount,
            by_audience=json.dumps({first: headcount // 2}),
            materials_distributed=headcount * 2,
            app_installs=headcount // 3,
            notes="",
            recorded_by=user_ids[staff],
            recorded_at=start + timedelta(hours=3),
        )
    )


async def _interceptions(
    branch_ids: dict[str, int],
    user_ids: dict[str, int],
    event_ids: list[int],
    interceptions: list[Any],
    numbered_after: int = 0,
) -> None:
    reviewer = user_ids["nj_coord"]
    for number, spec in enumerate(interceptions, start=numbered_after + 1):
        (
            event,
            code,
            staff,
            local_time,
            channel,
            fraud_type,
            amount,
            age_band,
            description,
            status,
        ) = spec
        occurred = _local(local_time)
        logged_at = occurred + timedelta(hours=2)
        reviewed_at = occurred + timedelta(days=2) if status != "logged" else None
        review_note = {"verified": "已与客户及派出所核实", "rejected": "经核实非诈骗"}.get(
            status, ""
        )
        rows = await Interception.insert(
            Interception(
                client_ref=f"nujiang-demo-{number:03d}",
                occurred_at=occurred,
                branch=branch_ids[code],
                logged_by=user_ids[staff],
                channel=channel,
                fraud_type=fraud_type,
                amount_saved_fen=parse_amount(amount),
                currency="CNY",
                victim_age_band=age_band,
                description=description,
                event=event_ids[event] if event is not None else None,
                attribution_note="讲座后客户主动求助" if event is not None else "",
                police_case_no="",
                status=status,
                review_note=review_note,
                reviewed_by=reviewer if reviewed_at else None,
                reviewed_at=reviewed_at,
                masked="[]",
                created_at=logged_at,
                updated_at=reviewed_at or logged_at,
            )
        ).returning(Interception.id)
        interception_id = rows[0]["id"]
        await InterceptionChange.insert(
            InterceptionChange(
                interception=interception_id,
                at=logged_at,
                user=user_ids[staff],
                action="create",
                changes=json.dumps({"status": [None, "logged"], "amount_saved": [None, amount]}),
            )
        )
        if reviewed_at:
            await InterceptionChange.insert(
                InterceptionChange(
                    interception=interception_id,
                    at=reviewed_at,
                    user=reviewer,
                    action="verify" if status == "verified" else "reject",
                    changes=json.dumps(
                        {"status": ["logged", status], "review_note": ["", review_note]}
                    ),
                )
            )
