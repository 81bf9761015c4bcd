"""HTTP surface of events: campaigns, events, occurrences, attendance, calendar import."""

from typing import Any

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from accounts.guards import (
    caller_of,
    requires_coordinator,
    requires_login,
    requires_staff,
    signed_in,
)
from core.pagination import Limit, Offset, Page
from core.params import RecordId
from events import attendance, campaigns, history, listing, schedule
from events.filter_params import event_filters, occurrence_filters
from events.import_controllers import routes as import_routes
from events.schemas import (
    AttendanceHistoryPage,
    AttendanceIn,
    AttendanceOut,
    AttendancePage,
    CampaignCreate,
    CampaignOut,
    CampaignPage,
    CampaignUpdate,
    CancelIn,
    EventCreate,
    EventHistoryPage,
    EventOut,
    EventPage,
    EventUpdate,
    OccurrencePage,
)


class CampaignController(Controller):
    path = "/api/campaigns"
    tags = ["campaigns"]
    guards = [requires_login]

    @get("/", operation_id="listCampaigns")
    async def list_campaigns(
        self, request: Request, limit: Limit = 100, offset: Offset = 0
    ) -> CampaignPage:
        """Campaigns of the caller's branch, its sub-branches and the branches above it."""
        items, total = await campaigns.list_campaigns(signed_in(request), limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)

    @post("/", operation_id="createCampaign", guards=[requires_coordinator])
    async def create_campaign(
        self, request: Request, data: JSONBody[CampaignCreate]
    ) -> CampaignOut:
        """Start a campaign (coordinators, within their subtree) with optional goals."""
        return await campaigns.create_campaign(signed_in(request), data)

    @get("/{campaign_id:int}", operation_id="getCampaign")
    async def get_campaign(self, request: Request, campaign_id: RecordId) -> CampaignOut:
        """One campaign with its goals."""
        return await campaigns.get_campaign(signed_in(request), campaign_id)

    @patch("/{campaign_id:int}", operation_id="updateCampaign", guards=[requires_coordinator])
    async def update_campaign(
        self, request: Request, campaign_id: RecordId, data: JSONBody[CampaignUpdate]
    ) -> CampaignOut:
        """Change a campaign's name, dates, description or goals."""
        return await campaigns.update_campaign(signed_in(request), campaign_id, data)

    @delete(
        "/{campaign_id:int}",
        operation_id="deleteCampaign",
        guards=[requires_coordinator],
        status_code=HTTP_204_NO_CONTENT,
    )
    async def delete_campaign(self, request: Request, campaign_id: RecordId) -> None:
        """Delete a campaign that has no events (409 while it still has some)."""
        await campaigns.delete_campaign(signed_in(request), campaign_id)


class EventController(Controller):
    path = "/api/events"
    tags = ["events"]

    @get("/", operation_id="listEvents", dependencies={"found": Provide(event_filters)})
    async def list_events(
        self,
        request: Request,
        found: NamedDependency[listing.EventFilter],
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> EventPage:
        """Events the caller may see (the public: published public ones), filtered and paged."""
        items, total = await listing.list_events(caller_of(request), found, limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)

    @post("/", operation_id="createEvent", guards=[requires_coordinator])
    async def create_event(self, request: Request, data: JSONBody[EventCreate]) -> EventOut:
        """Plan an event (coordinators, within their subtree); 409 if it clashes."""
        return await schedule.create_event(signed_in(request), data)

    @get("/{event_id:int}", operation_id="getEvent")
    async def get_event(self, request: Request, event_id: RecordId) -> EventOut:
        """One event, if the caller may see it."""
        return await schedule.get_event(caller_of(request), event_id)

    @patch("/{event_id:int}", operation_id="updateEvent", guards=[requires_coordinator])
    async def update_event(
        self, request: Request, event_id: RecordId, data: JSONBody[EventUpdate]
    ) -> EventOut:
        """Change an event; calendar-visible changes bump its sequence."""
        return await schedule.update_event(signed_in(request), event_id, data)

    @post(
        "/{event_id:int}/cancel",
        operation_id="cancelEvent",
        guards=[requires_coordinator],
        status_code=HTTP_200_OK,
    )
    async def cancel_event(
        self, request: Request, event_id: RecordId, data: JSONBody[CancelIn | None] = None
    ) -> EventOut:
        """Cancel an event; it stays, with status cancelled, so calendars remove it."""
        return await schedule.cancel_event(signed_in(request), event_id, data or CancelIn())

    @put(
        "/{event_id:int}/attendance",
        operation_id="recordAttendance",
        guards=[requires_staff],
        status_code=HTTP_200_OK,
    )
    async def record_attendance(
        self, request: Request, event_id: RecordId, data: JSONBody[AttendanceIn]
    ) -> AttendanceOut:
        """Record (or correct) who came to one occurrence that has taken place."""
        return await attendance.record_attendance(signed_in(request), event_id, data)

    @get("/{event_id:int}/attendance", operation_id="listAttendance", guards=[requires_staff])
    async def list_attendance(
        self, request: Request, event_id: RecordId, limit: Limit = 100, offset: Offset = 0
    ) -> AttendancePage:
        """The attendance records of an event, one per occurrence."""
        items, total = await attendance.list_attendance(signed_in(request), event_id, limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)

    @get(
        "/{event_id:int}/attendance/history",
        operation_id="getAttendanceHistory",
        guards=[requires_staff],
    )
    async def get_attendance_history(
        self, request: Request, event_id: RecordId, limit: Limit = 100, offset: Offset = 0
    ) -> AttendanceHistoryPage:
        """Who recorded or corrected the attendance of each occurrence, and what, oldest first."""
        items, total = await history.attendance_history(signed_in(request), event_id, limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)

    @get("/{event_id:int}/history", operation_id="getEventHistory", guards=[requires_staff])
    async def get_history(
        self, request: Request, event_id: RecordId, limit: Limit = 100, offset: Offset = 0
    ) -> EventHistoryPage:
        """Who created, changed, cancelled or imported this event, and what, oldest first."""
        items, total = await history.event_history(signed_in(request), event_id, limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)


@get(
    "/api/occurrences",
    operation_id="listOccurrences",
    tags=["events"],
    dependencies={"found": Provide(occurrence_filters)},
)
async def list_occurrences(
    request: Request,
    found: NamedDependency[listing.EventFilter],
    limit: Limit = 500,
    offset: Offset = 0,
) -> OccurrencePage:
    """Occurrences in a window of at most 366 days, repeating events expanded in their zone."""
    items, total = await listing.list_occurrences(caller_of(request), found, limit, offset)
    return Page(items=items, total=total, limit=limit, offset=offset)


routes: list[Any] = [CampaignController, EventController, list_occurrences, *import_routes]
