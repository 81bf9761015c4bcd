"""Campaigns, events (with recurrence), conflicts and attendance."""
