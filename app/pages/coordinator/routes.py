"""Every coordinator page controller, for the app factory."""

from typing import Any

from app.pages.coordinator.calendar_pages import CalendarPages
from app.pages.coordinator.campaign_pages import CampaignPages
from app.pages.coordinator.event_pages import EventPages
from app.pages.coordinator.import_pages import ImportPages

coordinator_pages: list[Any] = [CampaignPages, CalendarPages, EventPages, ImportPages]
