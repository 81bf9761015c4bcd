"""The event editor's form: read into the API's event body, and refusals put by their field."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.pages.coordinator import choices
from app.pages.coordinator.form_fields import Form, local_input
from app.pages.coordinator.recurrence_form import Repeat, repeat_of
from events.recurrence import RecurrenceError
from events.schemas import EventOut

# Where a service's refusal belongs, by words it uses (first match wins).
_FIELD_WORDS = (
    ("ends_at", "ends_at"),
    ("may last at most", "ends_at"),
    ("starts_at", "starts_at"),
    ("exdate", "repeat"),
    ("repeat rule", "repeat"),
    ("rrule", "repeat"),
    ("FREQ", "repeat"),
    ("COUNT", "repeat"),
    ("UNTIL", "repeat"),
    ("BYDAY", "repeat"),
    ("occurrences", "repeat"),
    ("zone", "timezone"),
    ("km", "travel_km"),
    ("travel", "travel_km"),
    ("Campaign", "campaign_id"),
    ("campaign", "campaign_id"),
    ("branch", "branch_id"),
    ("Branch", "branch_id"),
)
_SCHEMA_FIELDS = {
    "venue.name": "venue_name",
    "venue.address": "venue_address",
    "venue.venue_type": "venue_type",
    "rrule": "repeat",
    "languages": "languages",
    "audiences": "audiences",
}


def field_of(detail: str) -> str:
    for words, name in _FIELD_WORDS:
        if words in detail:
            return name
    return "form"


def hidden_clashes(detail: str) -> int:
    """How many clashing events the caller may not see (the refusal counts, never names them)."""
    found = re.search(r"(\d+) events? you cannot see", detail)
    return int(found.group(1)) if found else 0


@dataclass
class EventForm:
    values: dict[str, Any]
    repeat: Repeat
    body: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def values_of(event: EventOut) -> dict[str, Any]:
    """An event's fields as the form shows them."""
    return {
        "title": event.title,
        "kind": event.kind,
        "campaign_id": str(event.campaign_id or ""),
        "branch_id": str(event.branch_id),
        "status": event.status,
        "visibility": event.visibility,
        "starts_at": local_input(event.starts_at, event.timezone),
        "ends_at": local_input(event.ends_at, event.timezone),
        "timezone": event.timezone,
        "venue_name": event.venue.name,
        "venue_address": event.venue.address,
        "venue_type": event.venue.venue_type,
        "capacity": str(event.capacity or ""),
        "languages": event.languages,
        "audiences": event.audiences,
        "host": event.host,
        "description": event.description,
        "travel_km": event.travel_km or "",
        "remote_area": event.remote_area,
    }


def read_event_form(form: Form) -> EventForm:
    """The form as an API body; `errors` holds what the form itself cannot read."""
    _ = form._
    zone = form.zone("timezone")
    repeat = Repeat(
        freq=form.choice("freq", choices.FREQUENCIES, ""),
        interval=form.text("interval") or "1",
        count=form.text("count"),
        until=form.text("until"),
        byday=[d for d in form.many("byday") if d in choices.WEEKDAYS],
        text=form.text("rrule_text"),
    )
    for name in ("interval", "count"):
        value = getattr(repeat, name)
        if value and not value.isdigit():
            form.errors["repeat"] = _("Enter a whole number, such as 20.")
    values: dict[str, Any] = {
        k: form.text(k) for k in form.data if k not in {"byday", "languages", "audiences"}
    }
    values["languages"] = form.many("languages")
    values["audiences"] = form.many("audiences")
    values["remote_area"] = bool(form.text("remote_area"))
    body: dict[str, Any] = {
        "title": form.text("title", required=True, message=_("Give the event a title.")),
        "kind": form.choice("kind", choices.KINDS, "other"),
        "campaign_id": form.number("campaign_id"),
        "status": form.choice("status", choices.STATUSES, "scheduled"),
        "visibility": form.choice("visibility", choices.VISIBILITIES, "public"),
        "starts_at": form.local_time("starts_at", zone, required=True),
        "ends_at": form.local_time("ends_at", zone, required=True),
        "timezone": zone,
        "venue": {
            "name": form.text("venue_name"),
            "address": form.text("venue_address"),
            "venue_type": form.choice("venue_type", choices.VENUE_TYPES, "other"),
        },
        "capacity": form.number("capacity"),
        "languages": [code for code in values["languages"] if code in choices.LANGUAGES],
        "audiences": [code for code in values["audiences"] if code in choices.AUDIENCES],
        "host": form.text("host"),
        "description": form.text("description"),
        "travel_km": form.text("travel_km") or None,
        "remote_area": values["remote_area"],
        "allow_conflicts": bool(form.text("allow_conflicts")),
    }
    branch = form.number("branch_id")
    if branch is not None:
        body["branch_id"] = branch
    try:
        body["rrule"] = repeat.rrule(zone)
    except RecurrenceError:
        form.errors["repeat"] = _("Enter a date, such as 2026-03-15.")
    # Occurrences ticked "not held"; a one-off event has none.
    body["exdates"] = exdates_of(form.many("exdates")) if body.get("rrule") else []
    return EventForm(values=values, repeat=repeat, body=body, errors=form.errors)


def exdates_of(values: list[str]) -> list[datetime]:
    """The ticked starts (UTC ISO 8601, as the page wrote them); anything else is ignored."""
    found = []
    for value in values:
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            continue
        if instant.tzinfo is not None:
            found.append(instant)
    return found


def form_of(event: EventOut) -> EventForm:
    return EventForm(values=values_of(event), repeat=repeat_of(event.rrule, event.timezone))


def schema_field(message: str) -> str:
    """The form field of a schema refusal such as "... - at `$.venue.name`"."""
    path = message.rsplit("at `$.", 1)[-1].rstrip("`") if "at `$." in message else ""
    name = path.split("[", 1)[0]
    return _SCHEMA_FIELDS.get(name, name or "form")
