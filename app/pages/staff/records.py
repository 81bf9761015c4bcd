"""我的记录: the staff member's own interceptions, their review, and their private calendar."""

import io
from datetime import timedelta
from typing import Any

import msgspec
import segno
from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import Redirect, Template

from accounts import users
from accounts.controllers import private_calendar_url
from accounts.guards import caller_of
from app.i18n import negotiate
from app.pages import labels
from app.pages.rendering import page
from app.pages.sign_in import sign_in_redirect
from app.pages.staff.desk import helpers
from core.clock import utcnow
from core.errors import NotFound
from core.urls import public_base_url
from events.listing import EventFilter, list_events
from events.schedule import get_event
from exports.feed_filters import FeedFilters
from exports.subscribe_links import subscribe_links
from interceptions.csv_columns import (
    AGE_BAND_LABELS,
    CHANNEL_LABELS,
    FRAUD_TYPE_LABELS,
    STATUS_LABELS,
)
from interceptions.display import COLUMNS, to_out
from interceptions.queries import get_interception
from interceptions.tables import Interception

SHOWN = 200


def qr_element(content: str) -> str:
    """An inline SVG QR code sized by its viewBox, so that CSS scales it to the screen."""
    buffer = io.BytesIO()
    segno.make(content, error="m", micro=False).save(
        buffer, kind="svg", scale=1, border=4, omitsize=True, xmldecl=False, svgns=True
    )
    return buffer.getvalue().decode()


class MyRecords(Controller):
    include_in_schema = False

    @get("/staff/records", operation_id="myRecordsPage")
    async def records(self, request: Request) -> Template | Redirect:
        """My interceptions with their review state and note; my private calendar and its QR."""
        caller = caller_of(request)
        if caller is None:
            return sign_in_redirect(request)
        rows = (
            await Interception.select(*COLUMNS)
            .where(Interception.logged_by == caller.id)
            .order_by(Interception.occurred_at, ascending=False)
            .order_by(Interception.id, ascending=False)
            .limit(SHOWN)
        )
        key = request.app.state["settings"].secret_key
        token = await users.calendar_token_of(caller.id, key)
        feed = private_calendar_url(request, token)
        locale = negotiate(request)
        return page(
            request,
            "staff/records.html",
            records=[to_out(row) for row in rows],
            feed_url=feed,
            webcal_url="webcal://" + feed.split("://", 1)[1],
            # Like every QR code, it leads to /subscribe, which shows the phone its way.
            qr=qr_element(subscribe_links(public_base_url(request), FeedFilters(), token).page),
            fraud_label=lambda code: labels.label(FRAUD_TYPE_LABELS, code, locale),
            channel_label=lambda code: labels.label(CHANNEL_LABELS, code, locale),
            age_label=lambda code: labels.label(AGE_BAND_LABELS, code, locale),
            status_label=lambda code: labels.label(STATUS_LABELS, code, locale),
            **helpers(request),
        )

    @get("/staff/records/{record_id:int}", operation_id="editMyRecordPage")
    async def edit(
        self, request: Request, record_id: Any = Parameter(ge=1, le=2**31 - 1)
    ) -> Template | Redirect:
        """One of my interceptions in the desk's form, to correct while it awaits review."""
        caller = caller_of(request)
        if caller is None:
            return sign_in_redirect(request)
        try:
            record = await get_interception(caller, record_id)
        except NotFound:
            return page(request, "not_found.html", status_code=404)
        if record.logged_by != caller.id or record.status != "logged":
            return Redirect("/staff/records")
        now = utcnow()
        events, _ = await list_events(
            caller,
            EventFilter(start=now - timedelta(days=120), end=now + timedelta(days=1)),
            200,
            0,
        )
        shown = [e for e in events if e.status != "draft"]
        if record.event_id and record.event_id not in {e.id for e in shown}:
            # Keep the attribution even when its event is outside the listed window.
            shown.insert(0, await get_event(caller, record.event_id))
        return page(
            request,
            "staff/edit.html",
            record=record,
            record_json=msgspec.json.encode(record).decode(),
            events=shown,
            **helpers(request),
        )
