"""Every coordinator page controller, for the app factory."""

from typing import Any

from app.pages.coordinator.calendar_pages import CalendarPages, coordinator_home
from app.pages.coordinator.campaign_pages import CampaignPages
from app.pages.coordinator.event_pages import EventPages
from app.pages.coordinator.import_pages import ImportPages
from app.pages.coordinator.review_pages import ReviewPages

coordinator_pages: list[Any] = [
    coordinator_home,
    CampaignPages,
    CalendarPages,
    EventPages,
    ImportPages,
    ReviewPages,
]
