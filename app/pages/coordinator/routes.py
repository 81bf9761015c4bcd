"""Every coordinator page controller, for the app factory."""

from typing import Any

from app.pages.coordinator.campaign_pages import CampaignPages

coordinator_pages: list[Any] = [CampaignPages]
