"""Refusing a booking that clashes, naming only the events the caller may see.

A host's other bookings may be internal events of branches the caller cannot
see: the refusal counts those ("and 2 events you cannot see") and says
nothing more about them.
"""

from typing import Any

from accounts.caller import Caller
from core.errors import Conflict, Message
from core.transactions import lock_key
from events.conflicts import Booking, find_conflicts, normalise
from events.recurrence import local_iso
from events.visibility import visible_ids

_FIX = 'Change the time or place, or send "allow_conflicts": true to keep both.'


def booking_keys(booking: Booking) -> list[int]:
    """What a scheduled booking guards: its venue within its branch, and its host.

    Two bookings can clash only if they share one of these, so writers holding
    them in turn each see the other's booking.
    """
    keys = []
    venue = normalise(booking.venue_name)
    if venue:
        keys.append(lock_key("booking-venue", booking.branch_id, venue))
    host = normalise(booking.host)
    if host:
        keys.append(lock_key("booking-host", host))
    return keys


def clash_message(listed: list[dict[str, Any]], hidden: int) -> Message:
    """The refusal, in one sentence per case so that each can be translated whole."""
    names = "; ".join(f"“{c['title']}” (#{c['id']}, starts {c['starts_at']})" for c in listed)
    if not hidden:
        return Message(
            "This clashes with {names} at the same venue or with the same host; the first "
            "clash is the occurrence at {clash_at}. " + _FIX,
            names=names,
            clash_at=listed[0]["clash_at"],
        )
    if not listed:
        if hidden == 1:
            return Message(
                "This clashes with 1 event you cannot see, at the same venue or with the "
                "same host. " + _FIX
            )
        return Message(
            "This clashes with {hidden} events you cannot see, at the same venue or with "
            "the same host. " + _FIX,
            hidden=hidden,
        )
    if hidden == 1:
        return Message(
            "This clashes with {names} and 1 event you cannot see, at the same venue or "
            "with the same host; the first clash you can see is the occurrence at "
            "{clash_at}. " + _FIX,
            names=names,
            clash_at=listed[0]["clash_at"],
        )
    return Message(
        "This clashes with {names} and {hidden} events you cannot see, at the same venue "
        "or with the same host; the first clash you can see is the occurrence at "
        "{clash_at}. " + _FIX,
        names=names,
        hidden=hidden,
        clash_at=listed[0]["clash_at"],
    )


async def refuse_clashes(
    caller: Caller, booking: Booking, timezone: str, exclude_id: int | None
) -> None:
    """409 when `booking` clashes with a scheduled event; lists the clashes the caller may see."""
    clashes = await find_conflicts(booking, exclude_id)
    if not clashes:
        return
    visible = await visible_ids(caller, [c["id"] for c in clashes])
    listed = [
        {
            "id": c["id"],
            "title": c["title"],
            "starts_at": local_iso(c["row"]["starts_at"], c["row"]["timezone"]),
            "clash_at": local_iso(c["clash_at"], timezone),
        }
        for c in clashes
        if c["id"] in visible
    ]
    raise Conflict(clash_message(listed, len(clashes) - len(listed)), extra=listed)
