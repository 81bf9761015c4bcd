"""The event editor: every field of an event, the repeat rule's next dates, clashes, cancel."""

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from accounts.caller import Caller
from app.i18n import negotiate, translations
from app.pages.coordinator.calendar_pages import DayText
from app.pages.coordinator.common import branch_choices, coordinator, render, translated
from app.pages.coordinator.event_form import (
    EventForm,
    field_of,
    form_of,
    hidden_clashes,
    read_event_form,
    schema_field,
)
from app.pages.coordinator.form_fields import Form
from app.pages.coordinator.recurrence_form import coming_starts, describe, next_dates
from core.clock import utcnow
from core.errors import Conflict, Forbidden, NotFound, Unprocessable
from core.home_zone import HOME_ZONE_NAME
from core.params import RecordId
from events.campaigns import list_campaigns
from events.recurrence import RecurrenceError
from events.schedule import cancel_event, create_event, get_event, update_event
from events.schemas import CancelIn, EventCreate, EventOut, EventUpdate


def _preview(request: Request, form: EventForm) -> dict[str, Any] | None:
    """The rule in words and its next dates, or why the rule cannot be read."""
    body = form.body
    starts, ends = body.get("starts_at"), body.get("ends_at")
    rule = body.get("rrule")
    if not rule or not isinstance(starts, datetime) or not isinstance(ends, datetime):
        return None
    locale = negotiate(request)
    if ends <= starts:
        return None
    exdates = body.get("exdates") or []
    try:
        skippable, kept = coming_starts(
            starts, ends, body["timezone"], rule, exdates, utcnow(), locale
        )
        return {
            "summary": describe(rule, body["timezone"], locale),
            "dates": next_dates(starts, ends, body["timezone"], rule, locale, exdates),
            "skippable": skippable,
            "kept": kept,
        }
    except RecurrenceError as exc:
        return {"error": translated(request, exc)}


async def _campaigns(caller: Caller) -> list[Any]:
    found, _ = await list_campaigns(caller, 500, 0)
    return found


class EventPages(Controller):
    path = "/coordinator/events"
    include_in_schema = False

    async def _editor(
        self,
        request: Request,
        caller: Caller,
        event: EventOut | None,
        form: EventForm,
        *,
        conflict: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "coordinator/event_form.html",
            status_code=status_code,
            event=event,
            form=form,
            values=form.values,
            errors=form.errors,
            repeat=form.repeat,
            preview=_preview(request, form),
            conflict=conflict,
            branches=await branch_choices(caller),
            campaigns=await _campaigns(caller),
        )

    @get("/new", operation_id="newEventPage")
    async def new(self, request: Request, day: DayText = None) -> Template | Redirect:
        """An empty event form; `day` (YYYY-MM-DD) fills in the date."""
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        start = f"{day}T09:00" if day and len(day) == 10 else ""
        end = f"{day}T10:00" if start else ""
        values = {
            "branch_id": str(caller.branch_id),
            "status": "draft",
            "visibility": "public",
            "timezone": HOME_ZONE_NAME,
            "kind": "lecture",
            "starts_at": start,
            "ends_at": end,
            "languages": ["zh"],
            "audiences": [],
        }
        blank = read_event_form(Form(values, translations(negotiate(request)).gettext))
        return await self._editor(
            request, caller, None, EventForm(values=values, repeat=blank.repeat)
        )

    @get("/{event_id:int}", operation_id="editEventPage")
    async def edit(self, request: Request, event_id: RecordId) -> Template | Redirect:
        """An event's form, filled in, with the next dates of its repeat rule."""
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        event = await get_event(caller, event_id)
        form = form_of(event)
        form.body = {
            "starts_at": datetime.fromisoformat(event.starts_at),
            "ends_at": datetime.fromisoformat(event.ends_at),
            "timezone": event.timezone,
            "rrule": event.rrule,
            "exdates": [datetime.fromisoformat(x) for x in event.exdates],
        }
        return await self._editor(request, caller, event, form)

    @post("/preview", operation_id="eventRepeatPreview")
    async def preview(self, request: Request) -> Template | Redirect:
        """The repeat rule's summary and next dates, for the editor to show as it is filled in."""
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        data = await request.form()
        form = read_event_form(Form(data, translations(negotiate(request)).gettext))
        return render(request, "coordinator/repeat_preview.html", preview=_preview(request, form))

    @post("/", operation_id="createEventForm")
    async def create(self, request: Request) -> Template | Redirect:
        """Create an event from the form."""
        return await self._save(request, None)

    @post("/{event_id:int}", operation_id="updateEventForm")
    async def update(self, request: Request, event_id: RecordId) -> Template | Redirect:
        """Save an event's changes from the form."""
        return await self._save(request, event_id)

    async def _save(self, request: Request, event_id: int | None) -> Template | Redirect:
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        event = None if event_id is None else await get_event(caller, event_id)
        # Form posts carry repeated fields (languages, audiences, days) as lists.
        data = await request.form()
        form = read_event_form(Form(data, translations(negotiate(request)).gettext))
        if event is not None and "status" not in data:
            form.body["status"] = event.status
        if form.errors or data.get("action") == "preview":
            code = 422 if form.errors else 200
            return await self._editor(request, caller, event, form, status_code=code)
        body = dict(form.body)
        try:
            if event is None:
                saved = await create_event(caller, msgspec.convert(body, EventCreate))
            else:
                saved = await update_event(caller, event.id, msgspec.convert(body, EventUpdate))
        except Conflict as exc:
            detail = str(exc.detail)
            conflict = {
                "events": exc.extra if isinstance(exc.extra, list) else [],
                "hidden": hidden_clashes(detail),
            }
            return await self._editor(
                request, caller, event, form, conflict=conflict, status_code=409
            )
        except (Unprocessable, Forbidden, NotFound) as exc:
            detail = str(exc.detail)
            form.errors[field_of(detail)] = translated(request, exc)
            return await self._editor(request, caller, event, form, status_code=422)
        except msgspec.ValidationError as exc:
            form.errors[schema_field(str(exc))] = form_message(request)
            return await self._editor(request, caller, event, form, status_code=422)
        return Redirect(f"/coordinator/events/{saved.id}?saved=1", status_code=303)

    @post("/{event_id:int}/cancel", operation_id="cancelEventForm")
    async def cancel(self, request: Request, event_id: RecordId) -> Template | Redirect:
        """Cancel an event with a reason; it stays, so calendars remove it."""
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        data = await request.form()
        reason = str(data.get("reason") or "").strip()
        if not reason:
            event = await get_event(caller, event_id)
            form = form_of(event)
            form.errors["reason"] = translations(negotiate(request)).gettext(
                "Say why the event is cancelled; the people who planned to come will ask."
            )
            return await self._editor(request, caller, event, form, status_code=422)
        await cancel_event(caller, event_id, CancelIn(reason=reason[:2000]))
        return Redirect(f"/coordinator/events/{event_id}?cancelled=1", status_code=303)


def form_message(request: Request) -> str:
    return str(
        translations(negotiate(request)).gettext(
            "This value is too long, too large or not one of the options."
        )
    )
